/* Consolidation page: draw the approved rows per month and department from the page's JSON. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  /* Rows are whole: the axis counts 0, 1, 2 … never 0.5. The table under the chart holds the
     same figures for readers and print. */
  new Chart(document.getElementById("chart"), {
    type: "bar",
    data: {labels: data.labels, datasets: data.datasets},
    options: {
      scales: {
        x: {stacked: true},
        y: {stacked: true, beginAtZero: true, ticks: {precision: 0, stepSize: 1}}
      }
    }
  });
})();
