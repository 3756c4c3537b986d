/* Lead and complaint intake: add and remove unit rows (the person rows are cases-form.js's). */
(function () {
  "use strict";
  var container = document.getElementById("units");
  var template = document.getElementById("unit-template");
  var add = document.getElementById("add-unit");
  if (!container || !template || !add) { return; }
  var total = document.querySelector("input[name='units-TOTAL_FORMS']");

  function renumber() {
    var rows = container.querySelectorAll("[data-unit-row]:not([hidden])");
    Array.prototype.forEach.call(rows, function (row, i) {
      var label = row.querySelector("[data-unit-number]");
      if (label) { label.textContent = String(i + 1); }
    });
  }

  add.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
    var row = holder.firstElementChild;
    container.appendChild(row);
    total.value = String(index + 1);
    renumber();
    var first = row.querySelector("input[type=text]");
    if (first) { first.focus(); }
  });

  container.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-unit]");
    if (!button) { return; }
    var row = button.closest("[data-unit-row]");
    var remove = row.querySelector("input[name$='-DELETE']");
    if (remove) { remove.checked = true; }
    row.hidden = true;
    renumber();
    add.focus();
  });
})();
