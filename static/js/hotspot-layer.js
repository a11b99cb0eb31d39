// A hotspot layer: the cells of a stored hotspot run (GeoJSON of /api/v1/analytics/hotspots/),
// coloured by class, hot-99 … cold-99, with the stylesheet's colours (--hotspot-*), which the
// legends use too; a cell's popup names its class as the legend does. Shared by the analytics
// page and the public risk map.
(function () {
  "use strict";
  var styles = window.getComputedStyle(document.documentElement);
  function colour(name) {
    return styles.getPropertyValue("--hotspot-" + name).trim() || "#ffffff";
  }
  function style(feature) {
    var name = feature.properties["class"];
    if (name === "none") {
      return { color: colour("edge"), weight: 0.5, opacity: 0.5, fillOpacity: 0 };
    }
    return { color: colour("edge"), weight: 0.5, opacity: 0.8, fillColor: colour(name), fillOpacity: 0.7 };
  }
  // "%(name)s" placeholders, filled from the values (the texts come translated from the page).
  function fill(text, values) {
    return String(text || "").replace(/%\(\w+\)s/g, function (m) { return values[m.slice(2, -2)]; });
  }
  // Load the layer at `url`; options: pane, legend (the element whose [data-class] items name
  // the classes), cellText (the popup's line: %(cell)s, %(count)s). Resolves to the layer, the
  // run's meta and the number of cells of each class.
  function load(url, options) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (collection) {
        var classes = {};
        collection.features.forEach(function (feature) {
          var name = feature.properties["class"];
          classes[name] = (classes[name] || 0) + 1;
        });
        var layer = L.geoJSON(collection, {
          pane: options.pane || "overlayPane",
          style: style,
          onEachFeature: function (feature, cell) {
            var properties = feature.properties;
            var named = options.legend && options.legend.querySelector('[data-class="' + properties["class"] + '"]');
            var box = document.createElement("div");
            box.className = "cell-popup";
            var title = document.createElement("p");
            title.className = "cell-title";
            title.textContent = named ? named.textContent.trim() : properties["class"];
            var count = document.createElement("p");
            count.textContent = fill(options.cellText, { cell: properties.cell, count: properties.count });
            box.appendChild(title);
            box.appendChild(count);
            cell.bindPopup(box);
          }
        });
        return { layer: layer, meta: collection.meta, classes: classes, cells: collection.features.length };
      });
  }
  window.curimHotspots = { load: load, fill: fill };
})();
