/*
 * Draws the charts of a page with Chart.js (served from static/vendor/chartjs).
 *
 * Each chart is a <canvas data-chart="ID"> whose data is in <script type="application/json"
 * id="ID"> (Django's json_script), because the Content Security Policy allows no inline code.
 * The data: {type: "bar" | "line", labels: [...], datasets: [{label, data}], horizontal: bool}.
 * Every chart has a table with the same numbers next to it; the canvas is one image for
 * assistive technology (role="img" with a label), so nothing here needs to be accessible on
 * its own.
 */
(function () {
  "use strict";

  // Colours with a contrast of at least 4.5:1 against white (WCAG 1.4.11 needs 3:1),
  // told apart also by the line style (see DASHES), not by colour alone.
  var COLOURS = ["#171a5e", "#0b6e4f", "#a3420b", "#6b2c91"];
  var DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4]];
  var TEXT = "#1b1b1b";
  var GRID = "#c8c8c8";

  function options(spec, width) {
    var horizontal = Boolean(spec.horizontal);
    // Narrow screens get taller charts, so that bars and labels stay readable.
    var narrow = width < 600;
    var valueAxis = {
      beginAtZero: true,
      ticks: { precision: 0, color: TEXT },
      grid: { color: GRID },
    };
    var categoryAxis = { ticks: { color: TEXT, autoSkip: !horizontal }, grid: { display: false } };
    return {
      indexAxis: horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: true,
      aspectRatio: horizontal
        ? Math.max(narrow ? 0.8 : 1.2, (narrow ? 2 : 4) - spec.labels.length * 0.3)
        : narrow ? 1.2 : 2.2,
      // No motion: the chart shows at once, also for people who turned animations off.
      animation: false,
      locale: document.documentElement.lang || "de",
      plugins: {
        legend: { display: spec.datasets.length > 1, labels: { color: TEXT } },
        tooltip: { enabled: true },
      },
      scales: horizontal
        ? { x: valueAxis, y: categoryAxis }
        : { x: categoryAxis, y: valueAxis },
    };
  }

  function datasets(spec) {
    return spec.datasets.map(function (dataset, index) {
      var colour = COLOURS[index % COLOURS.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: colour,
        borderColor: colour,
        borderDash: spec.type === "line" ? DASHES[index % DASHES.length] : [],
        borderWidth: 2,
        pointRadius: spec.type === "line" ? 3 : 0,
        pointStyle: ["circle", "rect", "triangle", "rectRot"][index % 4],
      };
    });
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec, canvas.parentElement.clientWidth),
    });
  }

  function drawAll() {
    if (typeof window.Chart === "undefined") {
      return; // Without Chart.js the tables still show every number.
    }
    window.Chart.defaults.font.family = '"Fira Sans", sans-serif';
    window.Chart.defaults.font.size = 14;
    window.Chart.defaults.color = TEXT;
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
