/* Ask before an irreversible step: a form (or its submit button) with data-confirm="…" opens
   the page's <dialog id="confirm-dialog"> saying what will happen; only 确认 submits the form.
   A {name} in the message is replaced by what the form's field of that name holds (a select's
   chosen text), so the dialog names e.g. the agency chosen.
   Without this script (or <dialog>) the form submits as usual and the server still decides. */
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var text = document.getElementById("confirm-dialog-text");
  var pending = null;

  function fill(message, form) {
    return message.replace(/\{([\w-]+)\}/g, function (whole, name) {
      var field = form.elements[name];
      if (!field) { return whole; }
      if (field.tagName === "SELECT") {
        var option = field.options[field.selectedIndex];
        return option ? option.text : "";
      }
      return String(field.value || "").trim();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.closest("dialog") === dialog) { return; }
    var submitter = event.submitter || null;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (!message || form.dataset.confirmed === "1") { return; }
    event.preventDefault();
    pending = { form: form, submitter: submitter };
    text.textContent = fill(message, form);
    dialog.returnValue = "";
    dialog.showModal();
    dialog.querySelector("[data-confirm-ok]").focus();
  });

  dialog.addEventListener("close", function () {
    var chosen = pending;
    pending = null;
    if (!chosen || dialog.returnValue !== "ok") {
      if (chosen && chosen.submitter) { chosen.submitter.focus(); }
      return;
    }
    chosen.form.dataset.confirmed = "1";
    if (chosen.form.requestSubmit) {
      chosen.form.requestSubmit(chosen.submitter || undefined);
    } else {
      chosen.form.submit();
    }
  });
})();
