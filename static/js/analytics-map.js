// The analytics page's map: the council's hotspot layer, all day or at night as the radios say,
// redrawn in place when they change; a status line says what the map shows (the tables under
// the map hold the hot cells for those who do not use it). The "Emerging hotspots" box lays the
// council's emerging hot spot layer over it, in its own pane, with its own legend and status.
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
  map.createPane("emerging").style.zIndex = 410;
  var emerging = null;
  var emergingAsked = 0;
  var emergingLegend = document.getElementById("emerging-legend");
  var emergingStatus = document.getElementById("emerging-map-status");
  function showEmerging() {
    var box = form.elements.emerging;
    var mine = ++emergingAsked;
    if (emerging) { map.removeLayer(emerging); emerging = null; }
    emergingLegend.hidden = !box.checked;
    emergingStatus.textContent = "";
    container.dataset.emerging = box.checked ? "loading" : "off";
    if (!box.checked) { return; }
    window.curimHotspots.load(form.dataset.emerging, {
      pane: "emerging", legend: emergingLegend, cellText: form.dataset.emergingCellText,
      property: "category", palette: "emerging"
    }).then(function (result) {
      if (mine !== emergingAsked || !box.checked) { return; }
      emerging = result.layer.addTo(map);
      var hot = 0, cold = 0;
      Object.keys(result.classes).forEach(function (name) {
        if (/-hot$/.test(name)) { hot += result.classes[name]; }
        if (/-cold$/.test(name)) { cold += result.classes[name]; }
      });
      emergingStatus.textContent = window.curimHotspots.fill(form.dataset.emergingStatusText, { hot: hot, cold: cold });
      container.dataset.emerging = String(result.cells);
    }).catch(function () {
      if (mine !== emergingAsked) { return; }
      emergingStatus.textContent = form.dataset.emergingNoRun;
      container.dataset.emerging = "0";
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", function (event) {
    if (event.target.name === "emerging") { showEmerging(); } else { show(); }
  });
  show();
  if (form.elements.emerging) { showEmerging(); }
})();
