/* Case form: add/remove person rows and pick known persons and units (no build step, no CDN). */
(function () {
  "use strict";
  // The lead and complaint intake forms reuse the same rows and pickers ([data-party-form]).
  var form = document.getElementById("case-form") || document.querySelector("form[data-party-form]");
  if (!form) { return; }
  var container = document.getElementById("persons");
  var template = document.getElementById("person-template");
  var total = form.querySelector("input[name='persons-TOTAL_FORMS']");

  function visibleRows() {
    return Array.prototype.filter.call(container.querySelectorAll("[data-person-row]"), function (row) {
      return !row.hidden;
    });
  }

  function renumber() {
    visibleRows().forEach(function (row, i) {
      var label = row.querySelector("[data-person-number]");
      if (label) { label.textContent = String(i + 1); }
    });
  }

  document.getElementById("add-person").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    container.appendChild(row);
    total.value = String(index + 1);
    renumber();
    var first = row.querySelector("input[type=text]");
    if (first) { first.focus(); }
  });

  container.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-person]");
    if (!button) { return; }
    if (visibleRows().length <= 1) {
      window.alert("至少需要一名涉案人员。");
      return;
    }
    var row = button.closest("[data-person-row]");
    var remove = row.querySelector("input[name$='-DELETE']");
    if (remove) { remove.checked = true; }
    row.hidden = true;
    renumber();
  });

  /* ---- pickers ---- */
  var timer = null;
  var menu = null;

  function closeMenu() {
    if (menu) { menu.remove(); menu = null; }
  }

  function results(data) {
    if (Array.isArray(data)) { return data; }
    return (data && data.results) || [];
  }

  function setValue(input, value) {
    if (!input || value === undefined || value === null) { return; }
    if (input.type === "checkbox") { input.checked = Boolean(value); } else { input.value = value; }
    input.classList.remove("is-invalid");
  }

  function field(scope, suffix) {
    return scope.querySelector("[name$='" + suffix + "']");
  }

  function showMenu(input, items, label, choose) {
    closeMenu();
    if (!items.length) { return; }
    menu = document.createElement("ul");
    menu.className = "list-group position-absolute shadow picker-menu";
    menu.style.zIndex = 1000;
    menu.style.maxHeight = "16rem";
    menu.style.overflowY = "auto";
    menu.setAttribute("role", "listbox");
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.className = "list-group-item list-group-item-action small";
      li.setAttribute("role", "option");
      li.id = input.id + "-opt-" + i;
      li.tabIndex = -1;
      li.textContent = label(item);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(item);
        closeMenu();
      });
      menu.appendChild(li);
    });
    input.parentNode.appendChild(menu);
    input.setAttribute("aria-expanded", "true");
  }

  function lookup(url, input, minLength, label, choose) {
    var q = input.value.trim();
    clearTimeout(timer);
    if (q.length < minLength) { closeMenu(); return; }
    timer = setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : [];
      }).then(function (data) {
        if (input.value.trim() === q) { showMenu(input, results(data), label, choose); }
      }).catch(function () { closeMenu(); });
    }, 250);
  }

  function personLabel(p) {
    var number = p.masked_id_number || p.id_number || "";
    return p.name + "　" + number;
  }

  function choosePerson(row, p) {
    setValue(field(row, "-name"), p.name);
    setValue(field(row, "-id_type"), p.id_type);
    // Fill the number only when the API gives it in full; a masked one cannot be saved.
    if (p.id_number && p.id_number.indexOf("*") === -1) { setValue(field(row, "-id_number"), p.id_number); }
    setValue(field(row, "-is_public_employee"), p.is_public_employee);
    var cert = (p.certificates && p.certificates[0]) || p.certificate;
    if (cert) {
      var type = cert.certificate_type || cert;
      setValue(field(row, "-cert_category"), type.category);
      setValue(field(row, "-cert_level"), type.level);
      setValue(field(row, "-cert_specialty"), type.specialty);
      setValue(field(row, "-cert_number"), cert.number);
      var unit = cert.registered_unit;
      if (unit && typeof unit === "object") {
        setValue(field(row, "-reg_unit_name"), unit.name);
        setValue(field(row, "-reg_unit_uscc"), unit.uscc);
      }
    }
  }

  function unitLabel(u) {
    return u.name + (u.uscc ? "　" + u.uscc : "　（无信用代码）");
  }

  function chooseUnit(input, u) {
    var group = input.closest("[data-unit-group]");
    var nameInput = group.querySelector("[data-unit-lookup='name']");
    var codeInput = group.querySelector("[data-unit-lookup='uscc']");
    setValue(nameInput, u.name);
    setValue(codeInput, u.uscc || "");
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.dataset.personLookup) {
      var row = input.closest("[data-person-row]");
      lookup(form.dataset.personsUrl, input, input.dataset.personLookup === "name" ? 1 : 4,
        personLabel, function (p) { choosePerson(row, p); });
    } else if (input.dataset.unitLookup) {
      lookup(form.dataset.unitsUrl, input, input.dataset.unitLookup === "name" ? 2 : 4,
        unitLabel, function (u) { chooseUnit(input, u); });
    }
  });

  form.addEventListener("keydown", function (event) {
    if (!menu) { return; }
    var options = menu.querySelectorAll("[role=option]");
    var current = menu.querySelector(".active");
    var index = Array.prototype.indexOf.call(options, current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (current) { current.classList.remove("active"); }
      index = event.key === "ArrowDown" ? Math.min(index + 1, options.length - 1) : Math.max(index - 1, 0);
      options[index].classList.add("active");
      event.target.setAttribute("aria-activedescendant", options[index].id);
    } else if (event.key === "Enter" && current) {
      event.preventDefault();
      current.dispatchEvent(new MouseEvent("mousedown"));
    } else if (event.key === "Escape") {
      closeMenu();
    }
  });

  form.addEventListener("focusout", function () { setTimeout(closeMenu, 150); });
})();
