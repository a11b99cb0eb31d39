// The council's dashboard: reports month by month with the rolling 12-month sum, the places
// least safe at night, the survey's changes with their 95% intervals, the Victim Support
// Unit's cases per month, the recommendations by status and the next 4 weeks' forecasts with
// their ranges. The tables hold the same numbers.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var text = document.currentScript.dataset;
  var format = window.curimFormat;
  var colours = ["#0b4f8a", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f"];

  function numberTicks(digits) {
    return { callback: function (value) { return format.number(value, digits); } };
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    config.options = Object.assign({ animation: false, maintainAspectRatio: false, locale: format.lang }, config.options || {});
    new Chart(canvas, config);
  }

  // Monthly counts of each group (bars), and the rolling 12-month sum of all (a line, right axis).
  var groups = data.reports.filter(function (s) { return s.group !== "all"; });
  var all = data.reports.filter(function (s) { return s.group === "all"; })[0];
  var datasets = groups.map(function (s, i) {
    return { type: "bar", label: s.label, data: s.counts, backgroundColor: colours[i % colours.length], stack: "groups", yAxisID: "y" };
  });
  if (all) {
    datasets.push({ type: "line", label: text.rolling, data: all.rolling, borderColor: "#0b0c0c", backgroundColor: "#0b0c0c", yAxisID: "y1" });
  }
  draw("chart-reports", {
    data: { labels: data.months, datasets: datasets },
    options: {
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: numberTicks(0) },
        y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: numberTicks(0) }
      }
    }
  });

  draw("chart-night", {
    type: "bar",
    data: {
      labels: data.night.map(function (p) { return p.label; }),
      datasets: [{ label: text.feeling, data: data.night.map(function (p) { return p.feeling; }), backgroundColor: "#d4351c" }]
    },
    options: { indexAxis: "y", scales: { x: { min: 1, max: 5, ticks: numberTicks(1) } }, plugins: { legend: { display: false } } }
  });

  // Each change (a dot) with its 95% interval (a bar), on an axis symmetric about 0.
  var changes = data.changes;
  if (changes.length) {
    var reach = Math.max.apply(null, changes.map(function (c) { return Math.max(Math.abs(c.ci_low), Math.abs(c.ci_high)); }));
    var limit = Math.max(5, Math.ceil(reach / 5) * 5);
    draw("chart-indicators", {
      data: {
        labels: changes.map(function (c) { return c.label; }),
        datasets: [
          { type: "bar", label: "95%", data: changes.map(function (c) { return [c.ci_low, c.ci_high]; }), backgroundColor: "rgba(11, 79, 138, 0.25)", borderColor: "#0b4f8a", borderWidth: 1 },
          { type: "line", label: "", data: changes.map(function (c) { return c.change; }), showLine: false, backgroundColor: "#0b4f8a", pointRadius: 4 }
        ]
      },
      options: {
        indexAxis: "y",
        scales: { x: { min: -limit, max: limit, ticks: numberTicks(0) } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                var c = changes[item.dataIndex];
                return item.datasetIndex === 0
                  ? "95%: " + format.number(c.ci_low, 1) + " – " + format.number(c.ci_high, 1)
                  : format.number(c.change, 1);
              }
            }
          }
        }
      }
    });
  }

  // Each forecast total (a dot) with its range (a bar: the sum of the weekly 80% bounds).
  var forecasts = data.forecasts || [];
  if (forecasts.length) {
    draw("chart-forecasts", {
      data: {
        labels: forecasts.map(function (f) { return f.label; }),
        datasets: [
          { type: "bar", label: "80%", data: forecasts.map(function (f) { return [f.lower, f.upper]; }), backgroundColor: "rgba(212, 53, 28, 0.25)", borderColor: "#d4351c", borderWidth: 1 },
          { type: "line", label: text.forecast, data: forecasts.map(function (f) { return f.total; }), showLine: false, backgroundColor: "#d4351c", pointRadius: 4 }
        ]
      },
      options: {
        indexAxis: "y",
        scales: { x: { beginAtZero: true, ticks: numberTicks(0) } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                var f = forecasts[item.dataIndex];
                return item.datasetIndex === 0
                  ? "80%: " + format.number(f.lower, 1) + " – " + format.number(f.upper, 1)
                  : format.number(f.total, 1);
              }
            }
          }
        }
      }
    });
  }

  draw("chart-victims", {
    type: "bar",
    data: {
      labels: data.victims.map(function (m) { return m.label; }),
      datasets: [{ label: text.cases, data: data.victims.map(function (m) { return m.count; }), backgroundColor: "#4c2c92" }]
    },
    options: { scales: { y: { beginAtZero: true, ticks: numberTicks(0) } }, plugins: { legend: { display: false } } }
  });

  draw("chart-recommendations", {
    type: "bar",
    data: {
      labels: data.recommendations.map(function (r) { return r.label; }),
      datasets: [{ label: text.recommendations, data: data.recommendations.map(function (r) { return r.count; }), backgroundColor: "#00703c" }]
    },
    options: { scales: { y: { beginAtZero: true, ticks: numberTicks(0) } }, plugins: { legend: { display: false } } }
  });
})();
