/* Submit a form as soon as a [data-autosubmit] control changes (the CSP allows no inline onchange). */
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (control) {
    control.addEventListener("change", function () { control.form.submit(); });
  });
})();
