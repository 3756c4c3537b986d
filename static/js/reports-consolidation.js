/* Consolidation page: draw the approved rows per month and department from the page's JSON. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  new Chart(document.getElementById("chart"), {
    type: "bar",
    data: data,
    options: {scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}}
  });
})();
