// The council's risk index page: the districts or the neighbourhoods (embedded in the page, with
// their index and band) or the grid squares (/api/v1/analytics/risk/cells/) coloured by band of
// the index, as the radios say; a status line says what the map shows (the tables under the map
// hold every figure for those who do not use it).
(function () {
  "use strict";
  var form = document.getElementById("risk-map-form");
  if (!form || !window.L || !window.curimHotspots) { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var areas = JSON.parse(document.getElementById("risk-areas").textContent);
  var container = document.getElementById("risk-index-map");
  var status = document.getElementById("risk-index-map-status");
  var legend = document.getElementById("risk-legend");
  var map = L.map(container).setView(config.centre, config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  var layer = null;
  var fitted = false;
  var asked = 0;
  var fill = window.curimHotspots.fill;

  function areaValues(properties) {
    var index = properties.index === null ? "–" : window.curimFormat.number(Number(properties.index), 1);
    return { name: properties.name, index: index };
  }
  function shown(result, radio) {
    if (layer) { map.removeLayer(layer); }
    layer = result.layer.addTo(map);
    if (!fitted && result.cells) { map.fitBounds(layer.getBounds()); fitted = true; }
    var label = form.querySelector('label[for="' + radio.id + '"]');
    status.textContent = fill(form.dataset.statusText, { level: label ? label.textContent.trim() : radio.value });
    container.dataset.level = radio.value;
    container.dataset.shapes = String(result.cells);
    delete container.dataset.loading;
  }
  function show() {
    var radio = form.querySelector('input[name="level"]:checked') || form.querySelector('input[name="level"]');
    var mine = ++asked;
    container.dataset.loading = "true";
    if (radio.value !== "cell") {
      shown(window.curimHotspots.layerOf(areas[radio.value], {
        legend: legend, cellText: form.dataset.areaText, values: areaValues,
        property: "band", palette: "risk"
      }), radio);
      return;
    }
    window.curimHotspots.load(form.dataset.cells, {
      legend: legend, cellText: form.dataset.cellText, property: "band", palette: "risk",
      countProperty: "incidents"
    }).then(function (result) {
      if (mine === asked) { shown(result, radio); }
    }).catch(function () {
      if (mine !== asked) { return; }
      status.textContent = form.dataset.noRun;
      delete container.dataset.loading;
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", show);
  show();
})();
