// The indicator dashboard: bars with 95% intervals per district, group and wave, the changes
// since the baseline with theirs, and a choropleth of the districts. The tables on the page hold the same numbers.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var script = document.currentScript;
  var suppressedText = script.dataset.suppressed;
  var format = window.curimFormat;

  function shown(rows) {
    return rows.filter(function (row) { return !row.suppressed; });
  }

  function intervalChart(canvasId, rows) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || typeof Chart === "undefined") { return; }
    var visible = shown(rows);
    new Chart(canvas, {
      data: {
        labels: visible.map(function (row) { return row.label; }),
        datasets: [
          {
            type: "bar",
            label: "95%",
            data: visible.map(function (row) { return [row.ci_low, row.ci_high]; }),
            backgroundColor: "rgba(11, 79, 138, 0.25)",
            borderColor: "#0b4f8a",
            borderWidth: 1
          },
          {
            type: "line",
            label: "",
            data: visible.map(function (row) { return row.estimate; }),
            showLine: false,
            backgroundColor: "#0b4f8a",
            borderColor: "#0b4f8a",
            pointRadius: 5
          }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        locale: format.lang,  // the axis in the page's language
        scales: {
          // Written as the tables write numbers (curim/formats): 54.1, or 54,1 in Greek.
          y: { min: 0, max: 100, ticks: { callback: function (value) { return format.number(value, 0); } } }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              // Chart.js would write the interval as "[41.2, 55.3]" in every language.
              label: function (item) {
                var row = visible[item.dataIndex];
                return item.datasetIndex === 0
                  ? "95%: " + format.number(row.ci_low, 1) + "–" + format.number(row.ci_high, 1)
                  : format.number(row.estimate, 1);
              }
            }
          }
        }
      }
    });
  }

  // Changes since the baseline: each change (a dot) with its 95% interval (a bar) around a
  // zero line, on an axis symmetric about 0 so that up and down look alike.
  function changeChart(canvasId, rows) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || typeof Chart === "undefined" || !rows.length) { return; }
    var reach = Math.max.apply(null, rows.map(function (row) {
      return Math.max(Math.abs(row.ci_low), Math.abs(row.ci_high));
    }));
    var limit = Math.max(5, Math.ceil(reach / 5) * 5);
    new Chart(canvas, {
      data: {
        labels: rows.map(function (row) { return row.label; }),
        datasets: [
          {
            type: "bar",
            label: "95%",
            data: rows.map(function (row) { return [row.ci_low, row.ci_high]; }),
            backgroundColor: rows.map(function (row) {
              return row.significant ? "rgba(11, 79, 138, 0.55)" : "rgba(11, 79, 138, 0.18)";
            }),
            borderColor: "#0b4f8a",
            borderWidth: 1
          },
          {
            type: "line",
            label: "",
            data: rows.map(function (row) { return row.change; }),
            showLine: false,
            backgroundColor: "#0b0c0c",
            borderColor: "#0b0c0c",
            pointRadius: 5
          }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        locale: format.lang,
        scales: {
          y: {
            min: -limit,
            max: limit,
            ticks: { callback: function (value) { return format.number(value, 0); } },
            grid: {
              // The zero line: no change.
              color: function (context) { return context.tick && context.tick.value === 0 ? "#0b0c0c" : "rgba(0, 0, 0, 0.1)"; },
              lineWidth: function (context) { return context.tick && context.tick.value === 0 ? 2 : 1; }
            }
          }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                var row = rows[item.dataIndex];
                return item.datasetIndex === 0
                  ? "95%: " + format.number(row.ci_low, 1) + " – " + format.number(row.ci_high, 1)
                  : format.number(row.change, 1);
              }
            }
          }
        }
      }
    });
  }

  intervalChart("chart-district", data.byDistrict);
  intervalChart("chart-group", data.byGroup);
  intervalChart("chart-wave", data.byWave);
  changeChart("chart-change", data.byChange || []);

  // Choropleth: five shades from light to dark over 0–100; suppressed districts are grey.
  var mapElement = document.getElementById("choropleth");
  if (!mapElement || typeof L === "undefined") { return; }
  var byDistrict = {};
  data.byDistrict.forEach(function (row) { if (row.key) { byDistrict[row.key] = row; } });
  var shades = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  function colour(row) {
    if (!row || row.suppressed) { return "#cccccc"; }
    return shades[Math.min(4, Math.floor(row.estimate / 20))];
  }
  // A picture of the table (role="img"): nothing in it takes focus, no zoom buttons, no
  // keyboard handler (an interactive control inside an image is axe's "nested-interactive").
  var map = L.map(mapElement, {
    scrollWheelZoom: false, attributionControl: false, zoomControl: false, keyboard: false
  });
  fetch(script.dataset.areas, { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (areas) {
      var layer = L.geoJSON(areas, {
        style: function (feature) {
          return { color: "#333", weight: 1, fillOpacity: 0.8, fillColor: colour(byDistrict[feature.id]) };
        },
        onEachFeature: function (feature, polygon) {
          var row = byDistrict[feature.id];
          var name = document.documentElement.lang === "el" ? feature.properties.name_el : feature.properties.name_en;
          var value = !row ? "—" : row.suppressed ? suppressedText : format.number(row.estimate, 1);
          polygon.bindTooltip(name + ": " + value);
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
    });
})();
