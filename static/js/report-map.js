// A small map for one report: the public cell centre, and for moderators the exact pin too.
(function () {
  "use strict";
  var element = document.getElementById("report-map");
  if (!element) { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var point = L.latLng(parseFloat(element.dataset.lat), parseFloat(element.dataset.lon));
  var map = L.map(element).setView(point, 16);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  if (element.dataset.publicLat) {
    L.marker(point, { title: "exact" }).addTo(map);
    L.circleMarker(L.latLng(parseFloat(element.dataset.publicLat),
      parseFloat(element.dataset.publicLon)), { radius: 12, color: "#a11d1d" }).addTo(map);
  } else {
    L.circle(point, { radius: 60, color: "#0b4f8a" }).addTo(map);
  }
})();
