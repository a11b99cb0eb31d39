// The interventions on a map: the list's (each linking to its page) or one intervention's.
// The features come from a JSON script element (map-features), the settings from map-config.
(function () {
  "use strict";
  var element = document.getElementById("interventions-map") ||
    document.getElementById("intervention-map");
  if (!element) { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var data = JSON.parse(document.getElementById("map-features").textContent);
  var map = L.map(element).setView(config.centre, config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  var layer = L.geoJSON(data, {
    style: function () { return { color: "#0b4f8a", weight: 4 }; },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 9, color: "#0b4f8a", weight: 3 });
    },
    onEachFeature: function (feature, shape) {
      if (!element.dataset.link || !feature.id) { return; }
      var link = document.createElement("a");
      link.className = "govuk-link";
      link.href = element.dataset.link + encodeURIComponent(feature.id) + "/";
      link.textContent = feature.id + ": " + feature.properties.title;
      var box = document.createElement("div");
      box.appendChild(link);
      var detail = document.createElement("p");
      detail.className = "govuk-body-s govuk-!-margin-0";
      detail.textContent = feature.properties.kind + ", " + feature.properties.status;
      box.appendChild(detail);
      shape.bindPopup(box);
    }
  }).addTo(map);
  var bounds = layer.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 }); }
})();
