// The public risk map: vector tiles of public report cells, filters, and a list of the
// reports in view (the accessible alternative to the map).
(function () {
  "use strict";
  var form = document.getElementById("map-filters");
  if (!form) { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var names = {};
  JSON.parse(document.getElementById("categories").textContent).forEach(function (c) {
    names[c.slug] = c.name;
  });
  var colours = { incivility: "#8a4b00", crime: "#a11d1d", urban_risk: "#0b4f8a", cyber: "#5a2d82" };
  var groupOf = {};
  form.querySelectorAll("#filter-category option[data-group]").forEach(function (option) {
    groupOf[option.value] = option.dataset.group;
  });

  var map = L.map("risk-map").setView(config.centre, config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  // VectorGrid 1.3 calls an event helper that Leaflet 1.8 removed.
  if (!L.DomEvent.fakeStop) { L.DomEvent.fakeStop = function () { return true; }; }

  function query() {
    var params = new URLSearchParams();
    ["group", "category", "area"].forEach(function (name) {
      var value = form.elements[name].value;
      if (value) { params.set(name, value); }
    });
    var days = form.elements.period.value;
    if (days) {
      var since = new Date(Date.now() - days * 86400000);
      params.set("since", since.toISOString().slice(0, 10));
    }
    return params.toString();
  }
  var tileBase = form.dataset.tiles.replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf");
  var layer = null;
  function draw() {
    if (layer) { map.removeLayer(layer); }
    var q = query();
    layer = L.vectorGrid.protobuf(tileBase + (q ? "?" + q : ""), {
      interactive: true,
      maxNativeZoom: 19,
      vectorTileLayerStyles: {
        reports: function (properties) {
          var count = properties.count || 1;
          return {
            radius: Math.min(6 + 3 * Math.log2(count), 24),
            fill: true, fillOpacity: 0.6, weight: 1,
            color: colours[groupOf[properties.category]] || "#333",
            fillColor: colours[groupOf[properties.category]] || "#333"
          };
        }
      }
    }).on("click", function (event) {
      var p = event.layer.properties;
      L.popup().setLatLng(event.latlng)
        .setContent((names[p.category] || p.category) + ": " + p.count).openOn(map);
    }).addTo(map);
    list();
  }

  var listing = document.getElementById("reports-in-view");
  function list() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) {
      return Math.max(-180, Math.min(180, n)).toFixed(5);
    });
    var q = query();
    fetch(form.dataset.list + "?limit=20&bbox=" + bbox.join(",") + (q ? "&" + q : ""))
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (body) {
        listing.textContent = "";
        body.features.forEach(function (feature) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = "/reports/" + feature.id + "/";
          link.textContent = (names[feature.properties.category] || feature.properties.category) +
            " (" + window.curimFormat.day(feature.properties.occurred_on) + "): " +
            feature.properties.description;
          item.appendChild(link);
          listing.appendChild(item);
        });
      });
  }
  // The heat layer: places that feel unsafe are hot. Ratings go 1 (poor) to 5 (good).
  var heat = null;
  function drawHeat() {
    if (heat) { map.removeLayer(heat); heat = null; }
    var when = form.elements.heat.value;
    if (!when) { return; }
    fetch(form.dataset.evaluations + "?time_of_day=" + when)
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var points = body.features.map(function (feature) {
          var c = feature.geometry.coordinates;
          return [c[1], c[0], (5 - feature.properties.feeling) / 4];
        });
        heat = L.heatLayer(points, { radius: 30, blur: 20, max: 1, minOpacity: 0.3 }).addTo(map);
      });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "heat") { drawHeat(); } else { draw(); }
  });
  map.on("moveend", list);
  draw();
})();
