// The council's risk-analytics charts: cyber-threat reports per week with the alert weeks
// marked, and one series' forecast with its 80% and 95% prediction intervals. The tables on
// the same pages hold the same numbers; the charts are hidden from screen readers.
(function () {
  "use strict";
  var text = document.currentScript.dataset;
  var format = window.curimFormat;
  var colours = ["#0b4f8a", "#00703c", "#f47738", "#4c2c92", "#505a5f", "#28a197", "#912b88"];

  function read(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    config.options = Object.assign({ animation: false, maintainAspectRatio: false, locale: format.lang }, config.options || {});
    new Chart(canvas, config);
  }

  var countTicks = { beginAtZero: true, ticks: { precision: 0, callback: function (value) { return format.number(value, 0); } } };

  var cyber = read("cyber-chart-data");
  if (cyber) {
    var labels = cyber.weeks.map(format.day);
    var datasets = cyber.series.map(function (s, i) {
      var colour = colours[i % colours.length];
      return { type: "line", label: s.label, data: s.counts, borderColor: colour, backgroundColor: colour, pointRadius: 0, borderWidth: 2, spanGaps: true };
    });
    datasets.push({
      type: "line",
      label: text.alert,
      data: cyber.alerts.map(function (a) { return { x: labels[a.week], y: a.count }; }),
      showLine: false,
      pointStyle: "triangle",
      pointRadius: 7,
      backgroundColor: "#d4351c",
      borderColor: "#d4351c"
    });
    draw("chart-cyber", {
      data: { labels: labels, datasets: datasets },
      options: { scales: { y: countTicks, x: { ticks: { maxTicksLimit: 8 } } }, plugins: { legend: { position: "bottom" } } }
    });
  }

  var forecast = read("forecast-chart-data");
  if (forecast && forecast.weeks.length) {
    function pairs(lower, upper) { return lower.map(function (low, k) { return [low, upper[k]]; }); }
    draw("chart-forecast", {
      data: {
        labels: forecast.weeks.map(format.day),
        datasets: [
          { type: "bar", label: "95%", data: pairs(forecast.lower_95, forecast.upper_95), backgroundColor: "rgba(11, 79, 138, 0.2)", grouped: false, order: 3 },
          { type: "bar", label: "80%", data: pairs(forecast.lower_80, forecast.upper_80), backgroundColor: "rgba(11, 79, 138, 0.45)", grouped: false, barPercentage: 0.5, order: 2 },
          { type: "line", label: text.forecast, data: forecast.mean, borderColor: "#0b0c0c", backgroundColor: "#0b0c0c", order: 1 }
        ]
      },
      options: {
        scales: { y: countTicks, x: { ticks: { maxTicksLimit: 8 } } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var value = item.raw;
                return Array.isArray(value)
                  ? item.dataset.label + ": " + format.number(value[0], 1) + " – " + format.number(value[1], 1)
                  : item.dataset.label + ": " + format.number(value, 1);
              }
            }
          }
        }
      }
    });
  }
})();
