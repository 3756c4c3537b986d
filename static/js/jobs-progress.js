/* Job page: poll /api/v1/jobs/{id}/ and move the progress bar; reload once the job has ended
   so that the server renders the result (without JS, a <noscript> refresh does the same). */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-url]");
  if (!box || box.getAttribute("data-job-finished") === "1") { return; }
  var url = box.getAttribute("data-job-url");
  var progress = box.querySelector("[data-job-progress]");
  var bar = box.querySelector("[data-job-bar]");
  var count = box.querySelector("[data-job-count]");
  var message = box.querySelector("[data-job-message]");
  var finished = ["succeeded", "failed", "cancelled"];

  function show(job) {
    var done = job.progress.done, total = job.progress.total;
    var percent = total ? Math.min(100, Math.floor(done * 100 / total)) : 0;
    bar.className = bar.className.replace(/\bjob-w-\d+\b/, "job-w-" + (percent - percent % 5));
    progress.setAttribute("aria-valuenow", String(percent));
    if (total) { count.textContent = done + " / " + total + "（" + percent + "%）"; }
    message.textContent = job.message;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (finished.indexOf(job.state) >= 0) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
