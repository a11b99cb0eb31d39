// The intervention form's map: draw where the intervention is (points, a line or an area, with
// Leaflet.draw as django-leaflet ships it), and the GeoJSON text field follows the drawing.
// The text field stays usable on its own (typed or pasted GeoJSON is drawn when it changes),
// and a button places a point at the centre of the map for those who move it with the keyboard.
(function () {
  "use strict";
  var element = document.getElementById("intervention-draw-map");
  var field = document.getElementById("id_geometry");
  if (!element || !field) { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  // Leaflet.draw 1.0.4 on Leaflet 1.9, where pointer events make every browser a touch one:
  // its touch handler and its mouse handler each take a click, so every other vertex was
  // lost. The mouse handler alone adds them (a tap sends the browser's mouse events too).
  L.Draw.Polyline.prototype._onTouch = L.Util.falseFn;
  // Its words in the page's language.
  (function merge(into, from) {
    Object.keys(from).forEach(function (key) {
      if (from[key] && typeof from[key] === "object" && into[key]) { merge(into[key], from[key]); }
      else { into[key] = from[key]; }
    });
  })(L.drawLocal, JSON.parse(document.getElementById("draw-words").textContent));
  var map = L.map(element).setView(config.centre, config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  var drawn = new L.FeatureGroup().addTo(map);
  var shape = { color: "#0b4f8a", weight: 4 };
  map.addControl(new L.Control.Draw({
    position: "topleft",
    draw: {
      marker: true, polyline: { shapeOptions: shape }, polygon: { shapeOptions: shape },
      rectangle: false, circle: false, circlemarker: false
    },
    edit: { featureGroup: drawn }
  }));

  function kindOf(layer) { return layer.toGeoJSON().geometry.type; }

  // One shape, or several of one kind (eight playgrounds: a MultiPoint).
  function write() {
    var geometries = drawn.getLayers().map(function (layer) { return layer.toGeoJSON().geometry; });
    if (!geometries.length) { field.value = ""; return; }
    if (geometries.length === 1) { field.value = JSON.stringify(geometries[0]); return; }
    field.value = JSON.stringify({
      type: "Multi" + geometries[0].type,
      coordinates: geometries.map(function (g) { return g.coordinates; })
    });
  }

  function read() {
    drawn.clearLayers();
    var text = field.value.trim();
    if (!text) { return; }
    var geometry;
    try { geometry = JSON.parse(text); } catch (e) { return; }  // the server says what is wrong
    if (geometry && geometry.type === "Feature") { geometry = geometry.geometry; }
    if (!geometry || !geometry.type) { return; }
    var parts = [geometry];
    if (geometry.type.indexOf("Multi") === 0 && Array.isArray(geometry.coordinates)) {
      var single = geometry.type.slice(5);
      parts = geometry.coordinates.map(function (c) { return { type: single, coordinates: c }; });
    }
    try {
      parts.forEach(function (part) {
        L.geoJSON(part, { style: function () { return shape; } }).eachLayer(function (layer) {
          drawn.addLayer(layer);
        });
      });
    } catch (e) { drawn.clearLayers(); return; }
    var bounds = drawn.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 }); }
  }

  map.on(L.Draw.Event.CREATED, function (event) {
    var existing = drawn.getLayers();
    if (existing.length && kindOf(existing[0]) !== kindOf(event.layer)) { drawn.clearLayers(); }
    drawn.addLayer(event.layer);
    write();
  });
  map.on(L.Draw.Event.EDITED, write);
  map.on(L.Draw.Event.DELETED, write);
  field.addEventListener("change", read);

  var centre = document.querySelector(".js-point-centre");
  if (centre) {
    centre.addEventListener("click", function () {
      var marker = L.marker(map.getCenter());
      var existing = drawn.getLayers();
      if (existing.length && kindOf(existing[0]) !== "Point") { drawn.clearLayers(); }
      drawn.addLayer(marker);
      write();
    });
  }
  var clear = document.querySelector(".js-geometry-clear");
  if (clear) {
    clear.addEventListener("click", function () { drawn.clearLayers(); write(); });
  }
  read();
})();
