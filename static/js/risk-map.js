// The public risk map: vector tiles of public report cells, a popup saying what a dot holds, the
// legend, the layer of place ratings, the hotspots, emerging hotspots and risk index of published
// reports (hotspot-layer.js), and
// the list of the reports in view (the accessible alternative to the map). Strings come from Django's JavaScript catalogue (/jsi18n/).
(function () {
  "use strict";
  var form = document.getElementById("map-filters");
  if (!form) { return; }
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values, named) {
    return named ? text.replace(/%\(\w+\)s/g, function (m) { return values[m.slice(2, -2)]; })
      : text.replace(/%s/g, function () { return String(values.shift()); });
  };
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var names = {};
  JSON.parse(document.getElementById("categories").textContent).forEach(function (c) {
    names[c.slug] = c.name;
  });
  var groupNames = {};
  form.querySelectorAll("#filter-group option").forEach(function (option) {
    if (option.value) { groupNames[option.value] = option.textContent; }
  });
  var groupOf = {};
  form.querySelectorAll("#filter-category option[data-group]").forEach(function (option) {
    groupOf[option.value] = option.dataset.group;
  });
  // The colours of the groups live in the stylesheet (--group-*), which the legend uses too.
  var styles = window.getComputedStyle(document.documentElement);
  function groupColour(group) {
    return styles.getPropertyValue("--group-" + group).trim() || "#333333";
  }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function json(url) {
    return fetch(url, { headers: { Accept: "application/json, application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
  }
  function relative(url) {
    var parsed = new URL(url, window.location.href);
    return parsed.pathname + parsed.search;
  }

  var map = L.map("risk-map").setView(config.centre, config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  // Report dots above the squares of place ratings, so that both can be clicked.
  map.createPane("ratings").style.zIndex = 350;
  map.createPane("reports").style.zIndex = 450;

  // VectorGrid 1.3 calls an event helper that Leaflet 1.8 removed.
  if (!L.DomEvent.fakeStop) { L.DomEvent.fakeStop = function () { return true; }; }
  // VectorGrid 1.3 draws points as circle markers that have getLatLng but no position; Leaflet
  // takes a dot of 10 px or less for a marker and asks for its position, and a click threw
  // "Cannot read properties of undefined (reading 'lat')". Upstream removed getLatLng from
  // points (Leaflet.VectorGrid PR 157, never released); so do we, on each point it makes.
  var createLayer = L.VectorGrid.prototype._createLayer;
  L.VectorGrid.prototype._createLayer = function (feature) {
    var layer = createLayer.apply(this, arguments);
    if (feature.type === 1) { layer.getLatLng = null; }
    return layer;
  };

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
    return params;
  }
  function periodChosen() {
    var select = form.elements.period;
    return select.options[select.selectedIndex].textContent;
  }

  // --- What a dot holds ------------------------------------------------------------------
  // A dot is a cluster of the tile's grid (serialise.CLUSTERS_PER_TILE_EDGE per edge), drawn
  // at the cluster's centre: its box is that centre ± half a cluster, at the tile's zoom.
  var clusters = Number(form.dataset.clusters);
  function clusterOf(layer) {
    var tile = layer._renderer;  // VectorGrid's own renderer for one tile
    var coords = tile.getCoord();
    var size = tile._size;
    var centre = coords.scaleBy(size).add(layer._point);
    var half = L.point(size.x / clusters / 2, size.y / clusters / 2);
    var southWest = map.unproject(L.point(centre.x - half.x, centre.y + half.y), coords.z);
    var northEast = map.unproject(L.point(centre.x + half.x, centre.y - half.y), coords.z);
    return { centre: map.unproject(centre, coords.z), bounds: L.latLngBounds(southWest, northEast) };
  }
  function bboxOf(bounds) {
    // Rounded outwards, so that no report of the cluster falls outside its box.
    var step = 1e7;
    return [
      Math.floor(bounds.getWest() * step) / step, Math.floor(bounds.getSouth() * step) / step,
      Math.ceil(bounds.getEast() * step) / step, Math.ceil(bounds.getNorth() * step) / step
    ].map(function (lon_or_lat) { return lon_or_lat.toFixed(7); }).join(",");
  }
  function shortened(text, most) {
    return text.length > most ? text.slice(0, most - 1).trimEnd() + "…" : text;
  }
  function reportLink(feature) {
    var p = feature.properties;
    var link = element("a", "govuk-link", (names[p.category] || p.category) + ", " + window.curimFormat.day(p.occurred_on) +
      ": " + shortened(p.description, 140));
    link.href = "/reports/" + feature.id + "/";
    return link;
  }
  var SHOWN_IN_POPUP = 5;
  function cellContent(box, summary, latest, params) {
    box.textContent = "";
    if (!summary.count) {
      box.appendChild(element("p", "", gettext("No published report here any more.")));
      return;
    }
    box.appendChild(element("p", "cell-title", interpolate(
      ngettext("%s report here", "%s reports here", summary.count), [summary.count])));
    var groups = element("ul", "cell-groups");
    summary.groups.forEach(function (group) {
      var item = element("li");
      item.appendChild(element("span", "swatch swatch-dot group-" + group.group));
      item.appendChild(document.createTextNode(" " + (groupNames[group.group] || group.group) +
        ": " + group.count + " (" + group.categories.map(function (c) {
        return (names[c.category] || c.category) + " " + c.count;
      }).join(", ") + ")"));
      groups.appendChild(item);
    });
    box.appendChild(groups);
    var first = window.curimFormat.day(summary.first_occurred_on);
    var last = window.curimFormat.day(summary.last_occurred_on);
    var dates = first === last ? first : first + " – " + last;
    box.appendChild(element("p", "", interpolate(gettext("Period: %s"), [periodChosen()])));
    box.appendChild(element("p", "", interpolate(gettext("When they happened: %s"), [dates])));
    box.appendChild(element("p", "cell-note", gettext(
      "Locations are approximate: this dot is the centre of a grid cell, not the exact place.")));
    var list = element("ul", "cell-reports");
    latest.features.forEach(function (feature) {
      var item = element("li");
      item.appendChild(reportLink(feature));
      list.appendChild(item);
    });
    box.appendChild(list);
    var all = element("a", "cell-all", summary.count > latest.features.length
      ? interpolate(gettext("See all %s in the list of reports"), [summary.count])
      : gettext("See them in the list of reports"));
    all.href = form.dataset.page + "?" + params.toString();
    box.appendChild(all);
  }
  function cellOpen(event) {
    var cluster = clusterOf(event.layer);
    var params = query();
    params.set("bbox", bboxOf(cluster.bounds));
    var box = element("div", "cell-popup", gettext("Loading…"));
    box.setAttribute("aria-live", "polite");
    // Panned clear of the zoom buttons and the folded legend at the top.
    var popup = L.popup({
      maxWidth: Math.min(320, map.getSize().x - 60),
      maxHeight: Math.max(160, map.getSize().y - 110),  // scrolls inside on a small map
      autoPanPaddingTopLeft: [10, 80],
      autoPanPaddingBottomRight: [10, 10]
    })
      .setLatLng(cluster.centre).setContent(box).openOn(map);
    Promise.all([
      json(form.dataset.summary + "?" + params.toString()),
      json(form.dataset.list + "?limit=" + SHOWN_IN_POPUP + "&" + params.toString())
    ]).then(function (answers) {
      cellContent(box, answers[0], answers[1], params);
    }).catch(function () {
      box.textContent = gettext("The reports here could not be loaded. Try again.");
    }).then(function () {
      popup.update();  // grown from "Loading…": lay it out again and pan it into view
    });
  }

  var tileBase = form.dataset.tiles.replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf");
  var layer = null;
  function draw() {
    if (layer) { map.removeLayer(layer); }
    map.closePopup();
    var q = query().toString();
    layer = L.vectorGrid.protobuf(tileBase + (q ? "?" + q : ""), {
      interactive: true,
      pane: "reports",
      maxNativeZoom: 19,
      vectorTileLayerStyles: {
        reports: function (properties) {
          var count = properties.count || 1;
          var colour = groupColour(groupOf[properties.category]);
          return {
            radius: Math.min(6 + 3 * Math.log2(count), 24),
            fill: true, fillOpacity: 0.85, weight: 1, color: colour, fillColor: colour
          };
        }
      }
    }).on("click", cellOpen).addTo(map);
    list();
  }

  // --- The legend: on the map, folded away on a phone ------------------------------------
  var legend = document.getElementById("map-legend");
  var Legend = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "map-legend-control");
      box.appendChild(legend);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
  new Legend().addTo(map);
  var phone = window.matchMedia("(max-width: 40rem)");
  legend.open = !phone.matches;
  // On a phone the open legend and a popup would not both fit: the popup wins.
  map.on("popupopen", function () { if (phone.matches) { legend.open = false; } });

  // --- Reports in view, 20 at a time ------------------------------------------------------
  var listing = document.getElementById("reports-in-view");
  var more = document.getElementById("reports-in-view-more");
  var listStatus = document.getElementById("reports-in-view-status");
  var next = null;
  var generation = 0;  // a newer view's list replaces an older one still loading
  function listPage(url, mine, focus) {
    more.disabled = true;
    json(url).then(function (body) {
      if (mine !== generation) { return; }
      var first = null;
      body.features.forEach(function (feature) {
        var item = element("li");
        var link = reportLink(feature);
        item.appendChild(link);
        listing.appendChild(item);
        first = first || link;
      });
      next = body.next ? relative(body.next) : null;
      more.hidden = !next;
      more.disabled = false;
      var shown = listing.children.length;
      listStatus.textContent = shown
        ? interpolate(ngettext("%s report shown.", "%s reports shown.", shown), [shown]) +
          (next ? " " + gettext("There are more in view.") : "")
        : gettext("No published report in this part of the map.");
      if (focus && first) { first.focus(); }
    }).catch(function () {
      if (mine !== generation) { return; }
      more.disabled = false;
      listStatus.textContent = gettext("The reports in view could not be loaded.");
    });
  }
  function list() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) {
      return Math.max(-180, Math.min(180, n)).toFixed(5);
    });
    var q = query().toString();
    generation += 1;
    listing.textContent = "";
    next = null;
    more.hidden = true;
    listPage(form.dataset.list + "?limit=20&bbox=" + bbox.join(",") + (q ? "&" + q : ""),
      generation, false);
  }
  more.addEventListener("click", function () {
    if (next) { listPage(next, generation, true); }
  });

  // --- How safe places feel: one square per 50 m area, coloured by its average rating ----
  // Not a heat map: a heat map adds neighbouring points up, so its colour would not be the
  // rating. Ratings go 1 (poor, feels unsafe) to 5 (good, feels safe); see the legend.
  var ratings = null;
  var ratingCells = [];
  var legendRatings = document.getElementById("legend-ratings");
  var CELL_M = 50;
  function cellPixels(latitude) {
    var metresPerPixel = 40075016.686 * Math.cos(latitude * Math.PI / 180) /
      Math.pow(2, map.getZoom() + 8);
    return Math.max(14, Math.round(CELL_M / metresPerPixel));
  }
  function drawRatings() {
    if (ratings) { map.removeLayer(ratings); ratings = null; }
    if (!ratingCells.length) { return; }
    var when = form.elements.heat.options[form.elements.heat.selectedIndex].textContent;
    ratings = L.layerGroup(ratingCells.map(function (feature) {
      var c = feature.geometry.coordinates;
      var p = feature.properties;
      var rating = Math.min(5, Math.max(1, Math.round(p.feeling)));
      var size = cellPixels(c[1]);
      var text = interpolate(gettext("How safe it feels (%(when)s): %(rating)s of 5, from %(count)s ratings"),
        { when: when.toLowerCase(), rating: window.curimFormat.number(p.feeling, 1), count: p.count }, true);
      return L.marker([c[1], c[0]], {
        pane: "ratings",
        keyboard: false,
        title: text,
        icon: L.divIcon({ className: "rating-cell rating-" + rating, iconSize: [size, size] })
      }).bindPopup(element("p", "", text));
    })).addTo(map);
  }
  function loadRatings() {
    ratingCells = [];
    drawRatings();
    var select = form.elements.heat;
    legendRatings.hidden = !select.value;
    if (!select.value) { return; }
    document.getElementById("legend-ratings-time").textContent =
      select.options[select.selectedIndex].textContent;
    var wanted = select.value;
    json(form.dataset.evaluations + "?time_of_day=" + encodeURIComponent(wanted))
      .then(function (body) {
        if (select.value === wanted) { ratingCells = body.features; drawRatings(); }
      });
  }
  map.on("zoomend", drawRatings);

  // --- Analysis layers of published reports (the public runs: public reports only), each off by
  // default behind its box: hotspots, emerging hotspots, the risk index by square. Each has its
  // pane, its legend block (#legend-NAME) and its "not run yet" line (#legend-NAME-none).
  function overlay(name, zIndex, options) {
    map.createPane(name).style.zIndex = zIndex;
    var layer = null;
    var asked = 0;
    var legendBlock = document.getElementById("legend-" + name);
    var none = document.getElementById("legend-" + name + "-none");
    return function () {
      var box = form.elements[name];
      var mine = ++asked;
      legendBlock.hidden = !box.checked;
      none.hidden = true;
      if (layer) { map.removeLayer(layer); layer = null; }
      if (!box.checked || !window.curimHotspots) { return; }
      var settings = { pane: name, legend: legendBlock };
      Object.keys(options).forEach(function (key) { settings[key] = options[key]; });
      window.curimHotspots.load(form.dataset[name], settings).then(function (result) {
        if (mine === asked && box.checked) { layer = result.layer.addTo(map); }
      }).catch(function () {
        if (mine === asked) { none.hidden = false; }
      });
    };
  }
  var overlays = {
    hotspots: overlay("hotspots", 340, { cellText: form.dataset.hotspotCellText }),
    emerging: overlay("emerging", 345, {
      cellText: form.dataset.emergingCellText, hiddenCount: form.dataset.hiddenCount,
      property: "category", palette: "emerging"
    }),
    risk: overlay("risk", 335, {
      cellText: form.dataset.riskCellText, hiddenCount: form.dataset.hiddenCount,
      property: "band", palette: "risk", countProperty: "incidents"
    })
  };

  form.addEventListener("change", function (event) {
    if (event.target.name === "heat") { loadRatings(); }
    else if (overlays[event.target.name]) { overlays[event.target.name](); }
    else { draw(); }
  });
  map.on("moveend", list);
  draw();
})();
