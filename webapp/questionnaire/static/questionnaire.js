/* Leitfragebogen: questions that depend on others, the live preview and the
 * map pin. Everything works without this script too; it only makes the form friendlier. */
(function () {
  'use strict';

  // the error summary's focus and links: common.js, as on every form of the portal

  var form = document.getElementById('step-form');
  if (!form) return;

  // --- questions shown only for some answers of another question ---------------------------
  function currentValue(key) {
    var inputs = form.querySelectorAll('[name="' + key + '"]');
    var value = null;
    inputs.forEach(function (input) {
      if (input.type === 'radio' || input.type === 'checkbox') {
        if (input.checked) value = input.value;
      } else if (input.type !== 'hidden') {
        value = input.value;
      }
    });
    return value;
  }

  function matches(value, wanted) {
    if (typeof wanted === 'boolean') return value !== null && (value === 'yes' || value === 'true') === wanted && value !== '';
    return value === String(wanted);
  }

  function updateVisibility() {
    form.querySelectorAll('[data-show-if]').forEach(function (wrap) {
      var rule = JSON.parse(wrap.getAttribute('data-show-if'));
      var parent = form.querySelector('[data-key="' + rule[0] + '"]');
      var visible = (!parent || !parent.hidden) && matches(currentValue(rule[0]), rule[1]);
      wrap.hidden = !visible;
    });
  }
  form.addEventListener('change', updateVisibility);
  updateVisibility();

  // --- live preview --------------------------------------------------------------------------
  var previewUrl = form.getAttribute('data-preview');
  var preview = document.getElementById('preview');
  var timer = null;
  var running = 0;

  function refreshPreview() {
    if (!previewUrl || !preview) return;
    var data = new FormData(form);
    form.querySelectorAll('input[type=file]').forEach(function (input) { data.delete(input.name); });
    var mine = ++running;
    fetch(previewUrl, { method: 'POST', body: data, credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        // the server escaped every text of the fragment; an older answer never overwrites a newer one
        if (html !== null && mine === running) preview.innerHTML = html;
        document.body.setAttribute('data-preview-done', String(mine));
      })
      .catch(function () { /* the preview is a convenience */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refreshPreview, 400);
  }
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);

  // --- the pin on the map ----------------------------------------------------------------------
  var mapNode = document.getElementById('pin-map');
  var configNode = document.getElementById('q-map-config');
  if (!mapNode || !configNode || !window.L) return;
  var cfg = JSON.parse(configNode.textContent);
  var fieldId = mapNode.getAttribute('data-field');
  var latInput = document.getElementById(fieldId + '-lat');
  var lonInput = document.getElementById(fieldId + '-lon');
  var postcode = form.querySelector('[name="postcode"]');
  var placed = false;  // set by the person (typed or dragged), not by the postcode

  function read() {
    var lat = parseFloat(String(latInput.value).replace(',', '.'));
    var lon = parseFloat(String(lonInput.value).replace(',', '.'));
    return isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? [lat, lon] : null;
  }

  var start = read();
  placed = !!start;
  var map = L.map(mapNode, { scrollWheelZoom: false, keyboard: false, attributionControl: false })
    .setView(start || cfg.center, start ? cfg.zoom : 11);
  L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  var attribution = document.getElementById('pin-map-attribution');
  if (attribution) attribution.innerHTML = cfg.attribution;  // escaped on the server
  var icon = L.divIcon({ className: 'rk-marker q-pin', html: '<span class="pin"></span>', iconSize: [28, 28], iconAnchor: [14, 26] });
  var marker = L.marker(start || cfg.center, { draggable: true, keyboard: false, icon: icon, opacity: start ? 1 : 0.6 }).addTo(map);

  function put(latlng, byPerson) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    marker.setLatLng(latlng).setOpacity(1);
    if (byPerson) placed = true;
    schedule();
  }
  marker.on('dragend', function () { put(marker.getLatLng(), true); });
  map.on('click', function (event) { put(event.latlng, true); });
  [latInput, lonInput].forEach(function (input) {
    input.addEventListener('change', function () {
      var at = read();
      if (at) { placed = true; marker.setLatLng(at).setOpacity(1); map.setView(at, cfg.zoom); }
    });
  });
  if (postcode) {
    postcode.addEventListener('input', function () {
      var value = postcode.value.trim();
      if (placed || !/^\d{5}$/.test(value)) return;
      fetch(cfg.placeUrl + '?q=' + encodeURIComponent(value), { credentials: 'same-origin' })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (place) {
          if (!place || placed) return;
          var at = L.latLng(place.lat, place.lon);
          marker.setLatLng(at).setOpacity(0.6);
          map.setView(at, 14);
        })
        .catch(function () { /* the postcode centre is found again on the server */ });
    });
  }
})();
