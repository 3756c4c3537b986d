/* Decide form: in each party's section, show the exemption and proofs only for 不构成挂证, and the
   measures only for 构成; the issuer only when referred. Without script every field shows. */
(function () {
  "use strict";
  var form = document.getElementById("decide-form");
  if (!form) { return; }
  function wrapper(input) {
    /* A choice among several (the measures) hides its whole group, legend too: the nearest
       .form-check would leave an empty 处理措施 box. The section itself is no such group. */
    var group = input.closest("fieldset.mb-3:not([data-outcome])");
    return group || input.closest(".mb-2, .mb-3, .form-check");
  }
  function show(section, suffixes, visible) {
    suffixes.forEach(function (suffix) {
      section.querySelectorAll("[name$='" + suffix + "']").forEach(function (input) {
        var box = wrapper(input);
        if (box) { box.hidden = !visible; }
      });
    });
  }
  function toggle() {
    form.querySelectorAll("[data-outcome]").forEach(function (section) {
      var prefix = section.dataset.outcome;
      var chosen = section.querySelector("input[name='" + prefix + "result']:checked");
      var result = chosen ? chosen.value : "";
      show(section, ["exemption", "_kind", "_evidence", "_file"], result === "not_established");
      show(section, ["measures", "revoked_on", "fine_amount", "rectify_deadline"], result !== "not_established");
    });
    var referred = form.querySelector("input[name=referred_to_issuer]");
    form.querySelectorAll("[data-show-when=referred]").forEach(function (el) {
      el.hidden = !(referred && referred.checked);
    });
  }
  /* The confirmation (confirm.js) names each party's chosen result in place of {outcome}. */
  var ask = form.dataset.confirm || "";
  function outcomes() {
    var parts = [];
    form.querySelectorAll("[data-outcome]").forEach(function (section) {
      var legend = section.querySelector("legend");
      var name = legend && legend.firstChild ? legend.firstChild.textContent.trim() : "";
      var chosen = section.querySelector("input[name='" + section.dataset.outcome + "result']:checked");
      var label = chosen ? form.querySelector("label[for='" + chosen.id + "']") : null;
      parts.push(name + "：" + (label ? label.textContent.trim() : "未选择"));
    });
    return parts.join("；");
  }
  function update() {
    toggle();
    if (ask) { form.dataset.confirm = ask.replace("{outcome}", outcomes()); }
  }
  form.addEventListener("change", update);
  update();
})();
