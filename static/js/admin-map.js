// The Django admin's read-only maps (curim/core/admin_maps.py): each .curim-admin-map holds a
// GeoJSON geometry in data-geojson, drawn on the base map without any means to change it.
(function () {
  "use strict";
  function draw(element) {
    var geometry = JSON.parse(element.dataset.geojson);
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);
    }
    var layer = L.geoJSON(geometry, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 8, color: "#a11d1d" });
      }
    }).addTo(map);
    if (geometry.type === "Point") {
      map.setView(layer.getBounds().getCenter(), 16);
    } else {
      map.fitBounds(layer.getBounds());
    }
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".curim-admin-map"), draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
