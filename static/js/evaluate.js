// The place evaluation form: a pin on the map and six ratings, sent to the API as JSON, with
// the API's errors shown next to their fields (form-errors.js).
(function () {
  "use strict";
  var form = document.getElementById("evaluation-form");
  if (!form) { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var map = L.map("evaluation-map").setView(config.centre, config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  var marker = null;
  // A click or tap places the pin; without a mouse, the map moves with the arrow keys and the
  // button places the pin at its centre.
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.marker(latlng, { draggable: true }).addTo(map);
      marker.on("dragend", function () { set(marker.getLatLng()); });
    }
    set(latlng);
  }
  map.on("click", function (event) { place(event.latlng); });
  form.querySelector(".js-pin-centre").addEventListener("click", function () {
    place(map.getCenter());
  });
  function set(latlng) {
    form.elements.latitude.value = latlng.lat.toFixed(6);
    form.elements.longitude.value = latlng.lng.toFixed(6);
    document.getElementById("location-readout").textContent =
      form.elements.latitude.value + ", " + form.elements.longitude.value;
  }
  var errors = new window.CURiM.FormErrors(form, document.getElementById("form-errors"));
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errors.clear();
    var body = {};
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && name !== "csrfmiddlewaretoken") { body[name] = value; }
    });
    fetch(form.dataset.api, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": form.elements.csrfmiddlewaretoken.value }
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, body: json }; });
    }).then(function (result) {
      if (result.status === 201) {
        form.hidden = true;
        var done = document.getElementById("evaluation-done");
        var text = document.createElement("p");
        text.className = "govuk-panel__title";
        text.textContent = form.dataset.msgDone;
        done.appendChild(text);
        done.hidden = false;
        done.focus();
      } else if (result.status === 400) {
        errors.showFields(result.body, form.dataset.msgFix);
      } else if (result.status === 429) {
        errors.showMessage(result.body.detail || form.dataset.msgFailed);
      } else {
        errors.showMessage(form.dataset.msgFailed);
      }
    }).catch(function () { errors.showMessage(form.dataset.msgFailed); });
  });
})();
