// The report form: a Leaflet pin for the location (placed by a click or tap, at the centre of
// the map for those who move it with the keyboard, or where the device is), the duplicate hint,
// and submission to the API, with the API's errors shown next to their fields (form-errors.js).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var category = document.getElementById("id_category");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var readout = document.getElementById("location-readout");
  var idempotencyKey = (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : String(Date.now()) + Math.random().toString(16).slice(2);

  var map = L.map("report-map").setView(config.centre, config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  var marker = null;

  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.marker(latlng, { draggable: true, keyboard: true, title: "pin" }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng()); });
    }
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    readout.textContent = form.dataset.msgLocated + " " + lat.value + ", " + lon.value;
    nearby();
  }
  map.on("click", function (event) { place(event.latlng); });
  form.querySelector(".js-pin-centre").addEventListener("click", function () {
    place(map.getCenter());
  });
  form.querySelector(".js-use-location").addEventListener("click", function () {
    if (!navigator.geolocation) { readout.textContent = form.dataset.msgNogeo; return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      var here = L.latLng(position.coords.latitude, position.coords.longitude);
      map.setView(here, 17);
      place(here);
    }, function () { readout.textContent = form.dataset.msgNogeo; });
  });

  function selected() { return category.options[category.selectedIndex]; }
  function categoryChanged() {
    var option = selected();
    var cyber = option && option.dataset.group === "cyber";
    document.getElementById("cyber-group").hidden = !cyber;
    document.getElementById("location-group").hidden = cyber;
    document.getElementById("private-note").hidden = !option || option.dataset.public !== "0";
    if (!cyber) { map.invalidateSize(); }
    nearby();
  }
  category.addEventListener("change", categoryChanged);

  var hint = document.getElementById("duplicates");
  var asked = 0;  // only the answer to the latest question is shown
  function nearby() {
    var mine = ++asked;
    var option = selected();
    // Never for categories that are never public: there is nothing to match, and the pin
    // should not travel in a URL. Elsewhere a rounded point (~100 m) is enough for the hint.
    if (!category.value || !lat.value || !option || option.dataset.public === "0") {
      hint.hidden = true;
      return;
    }
    var url = form.dataset.nearby + "?category=" + encodeURIComponent(category.value) +
      "&latitude=" + parseFloat(lat.value).toFixed(3) +
      "&longitude=" + parseFloat(lon.value).toFixed(3);
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (body) {
        if (mine !== asked) { return; }
        var list = hint.querySelector("ul");
        list.textContent = "";
        body.features.forEach(function (feature) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = "/reports/" + feature.id + "/";
          link.className = "govuk-link";
          link.textContent = window.curimFormat.day(feature.properties.occurred_on) + ": " +
            feature.properties.description;
          item.appendChild(link);
          list.appendChild(item);
        });
        hint.hidden = body.features.length === 0;
      })
      .catch(function () { if (mine === asked) { hint.hidden = true; } });
  }

  var errors = new window.CURiM.FormErrors(form, document.getElementById("form-errors"));

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errors.clear();
    var data = new FormData(form);
    if (document.getElementById("location-group").hidden) {
      data.delete("latitude");
      data.delete("longitude");
    }
    ["latitude", "longitude", "occurred_at", "cyber_channel", "cyber_sender", "contact_email"]
      .forEach(function (name) { if (!data.get(name)) { data.delete(name); } });
    var when = data.get("occurred_at");
    if (when) { data.set("occurred_at", new Date(when).toISOString()); }
    var photos = document.getElementById("id_photos").files;
    data.delete("photos");
    for (var i = 0; i < photos.length; i++) { data.append("photos", photos[i]); }
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(form.dataset.api, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Idempotency-Key": idempotencyKey, Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      if (result.status === 201 || result.status === 200) {
        // The thank-you page says whether the report can ever be on the public map.
        var done = form.dataset.done + "?id=" + encodeURIComponent(result.body.id) +
          "&category=" + encodeURIComponent(form.elements.category.value) +
          "&located=" + (lat.value ? "1" : "0");
        if (result.body.support) { done += "&support=" + encodeURIComponent(result.body.support); }
        window.location.href = done;
      } else if (result.status === 400) {
        errors.showFields(result.body, form.dataset.msgFix);
      } else if (result.status === 429 || result.status === 422) {
        // Too many reports, or a key reused: the API's words say what happened.
        errors.showMessage(result.body.detail || form.dataset.msgFailed);
      } else {
        errors.showMessage(form.dataset.msgFailed);
      }
    }).catch(function () { errors.showMessage(form.dataset.msgFailed); });
  });
  categoryChanged();
})();
