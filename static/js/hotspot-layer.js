// A layer of analysis cells: a stored hotspot run (GeoJSON of /api/v1/analytics/hotspots/),
// coloured by class, hot-99 … cold-99, with the stylesheet's colours (--hotspot-*), which the
// legends use too; likewise an emerging hot spot run (--emerging-*, by category) and the risk
// index's cells or areas (--risk-*, by band). A cell's popup names its class as the legend
// does. Shared by the analytics pages and the public risk map.
(function () {
  "use strict";
  var styles = window.getComputedStyle(document.documentElement);
  function colour(palette, name) {
    return styles.getPropertyValue("--" + palette + "-" + name).trim() || "#ffffff";
  }
  // The cells' style: `palette` names the stylesheet's colours (hotspot, emerging, risk).
  function styler(palette, property) {
    return function (feature) {
      var name = feature.properties[property];
      if (name === "none") {
        return { color: colour(palette, "edge"), weight: 0.5, opacity: 0.5, fillOpacity: 0 };
      }
      return { color: colour(palette, "edge"), weight: 0.5, opacity: 0.8, fillColor: colour(palette, name), fillOpacity: 0.7 };
    };
  }
  // "%(name)s" placeholders, filled from the values (the texts come translated from the page).
  function fill(text, values) {
    return String(text || "").replace(/%\(\w+\)s/g, function (m) { return values[m.slice(2, -2)]; });
  }
  // The layer of a GeoJSON collection of cells (or areas); options: pane, legend (the element
  // whose [data-class] items name the classes), cellText (the popup's line: %(cell)s,
  // %(count)s), values (a function giving the popup line's values instead, from a feature's
  // properties), hiddenCount (the text for a count the public layer hides), property (the
  // feature's class: "class" for hotspots, "category" for emerging hot spots, "band" for the
  // risk index) and palette ("hotspot", "emerging", "risk"). Gives the layer, the run's meta
  // and the number of cells of each class.
  function layerOf(collection, options) {
    var property = options.property || "class";
    var classes = {};
    collection.features.forEach(function (feature) {
      var name = feature.properties[property];
      classes[name] = (classes[name] || 0) + 1;
    });
    var layer = L.geoJSON(collection, {
      pane: options.pane || "overlayPane",
      style: styler(options.palette || "hotspot", property),
      onEachFeature: function (feature, cell) {
        var properties = feature.properties;
        var named = options.legend && options.legend.querySelector('[data-class="' + properties[property] + '"]');
        var box = document.createElement("div");
        box.className = "cell-popup";
        var title = document.createElement("p");
        title.className = "cell-title";
        title.textContent = named ? named.textContent.trim() : properties[property];
        var line = document.createElement("p");
        // The risk index's cells count in "incidents", the other layers in "count"; null is a
        // count withheld from the public.
        var count = properties[options.countProperty || "count"];
        var shown = count === null || count === undefined ? (options.hiddenCount || "–") : count;
        var values = options.values ? options.values(properties) : { cell: properties.cell, count: shown };
        line.textContent = fill(options.cellText, values);
        box.appendChild(title);
        box.appendChild(line);
        cell.bindPopup(box);
      }
    });
    return { layer: layer, meta: collection.meta, classes: classes, cells: collection.features.length };
  }
  // Load the layer at `url` (options as layerOf's).
  function load(url, options) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (collection) { return layerOf(collection, options); });
  }
  window.curimHotspots = { load: load, layerOf: layerOf, fill: fill };
})();
