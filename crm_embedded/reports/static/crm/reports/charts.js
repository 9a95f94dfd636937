/* Draws the reports' charts with the vendored Chart.js: each <canvas data-chart="ID"> reads
   the JSON block with that id ({type, labels, datasets: [{label, data}]}; amounts arrive
   as text so Python's Decimals stay exact until here). No inline script: CSP. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) {
          return { label: dataset.label, data: dataset.data.map(Number) };
        }),
      },
      options: {
        responsive: true,
        animation: false,
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { display: spec.datasets.length > 1 } },
      },
    });
  });
})();
