// The analytics page's map: the council's hotspot layer, all day or at night as the radios say,
// redrawn in place when they change; a status line says what the map shows (the tables under
// the map hold the hot cells for those who do not use it).
(function () {
  "use strict";
  var form = document.getElementById("hotspot-map-form");
  if (!form || !window.L || !window.curimHotspots) { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var container = document.getElementById("hotspot-map");
  var status = document.getElementById("hotspot-map-status");
  var legend = document.getElementById("hotspot-legend");
  var map = L.map(container).setView(config.centre, config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  var layer = null;
  var fitted = false;
  var asked = 0;

  function chosen() {
    var checked = form.querySelector('input[name="time_of_day"]:checked');
    return checked || form.querySelector('input[name="time_of_day"]');
  }
  function show() {
    var radio = chosen();
    var when = radio.value;
    var label = form.querySelector('label[for="' + radio.id + '"]');
    var mine = ++asked;
    container.dataset.loading = "true";
    window.curimHotspots.load(form.dataset.layer + "&time_of_day=" + encodeURIComponent(when), {
      legend: legend, cellText: form.dataset.cellText
    }).then(function (result) {
      if (mine !== asked) { return; }
      if (layer) { map.removeLayer(layer); }
      layer = result.layer.addTo(map);
      if (!fitted && result.cells) { map.fitBounds(layer.getBounds()); fitted = true; }
      var hot = 0, cold = 0;
      Object.keys(result.classes).forEach(function (name) {
        if (name.indexOf("hot") === 0) { hot += result.classes[name]; }
        if (name.indexOf("cold") === 0) { cold += result.classes[name]; }
      });
      status.textContent = window.curimHotspots.fill(form.dataset.statusText, {
        when: label ? label.textContent.trim().toLowerCase() : when, hot: hot, cold: cold
      });
      container.dataset.timeOfDay = when;
      container.dataset.cells = String(result.cells);
      delete container.dataset.loading;
    }).catch(function () {
      if (mine !== asked) { return; }
      if (layer) { map.removeLayer(layer); layer = null; }
      status.textContent = form.dataset.noRun;
      container.dataset.timeOfDay = when;
      container.dataset.cells = "0";
      delete container.dataset.loading;
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", show);
  show();
})();
