/* Decide form: show the exemption fields only for 不构成挂证, the self-correction text only when ticked. */
(function () {
  "use strict";
  var form = document.getElementById("decide-form");
  if (!form) { return; }
  function toggle() {
    var outcome = form.querySelector("input[name=outcome]:checked");
    var notEstablished = outcome && outcome.value === "not_established";
    form.querySelectorAll("[data-show-when=not_established]").forEach(function (el) {
      el.hidden = !notEstablished;
    });
    var corrected = form.querySelector("input[name=self_corrected]");
    form.querySelectorAll("[data-show-when=self_corrected]").forEach(function (el) {
      el.hidden = !(corrected && corrected.checked);
    });
    var measures = Array.prototype.map.call(
      form.querySelectorAll("input[name=measures]:checked"), function (el) { return el.value; });
    form.querySelectorAll("[data-show-when-measure]").forEach(function (el) {
      el.hidden = measures.indexOf(el.dataset.showWhenMeasure) === -1;
    });
  }
  form.addEventListener("change", toggle);
  toggle();
})();
