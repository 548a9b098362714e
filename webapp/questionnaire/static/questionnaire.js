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
  // The address places the company (the server's geocoder answers /fragebogen/lage); the pin
  // only corrects it. The hidden fields hold a pin the person moved, with the postcode it was
  // moved for; a changed address drops that correction and places the pin anew.
  var mapNode = document.getElementById('pin-map');
  var configNode = document.getElementById('q-map-config');
  if (!mapNode || !configNode || !window.L) return;
  var cfg = JSON.parse(configNode.textContent);
  var texts = cfg.texts || {};
  var fieldId = mapNode.getAttribute('data-field');
  var latInput = document.getElementById(fieldId + '-lat');
  var lonInput = document.getElementById(fieldId + '-lon');
  var forInput = document.getElementById(fieldId + '-for');
  var status = document.getElementById(fieldId + '-status');
  var resetButton = document.getElementById(fieldId + '-reset');
  var area = document.getElementById(fieldId + '-area');
  var fields = {};
  ['street', 'postcode', 'town'].forEach(function (part) {
    var name = (cfg.address || {})[part];
    fields[part] = name ? form.querySelector('[name="' + name + '"]') : null;
  });
  if (area) area.hidden = false;

  function say(text, problem) {
    status.textContent = text || '';
    status.classList.toggle('is-problem', !!problem);
  }

  function address() {
    var out = {};
    ['street', 'postcode', 'town'].forEach(function (part) {
      out[part] = fields[part] ? String(fields[part].value).trim() : '';
    });
    return out;
  }

  function read() {
    var lat = parseFloat(String(latInput.value).replace(',', '.'));
    var lon = parseFloat(String(lonInput.value).replace(',', '.'));
    return isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? L.latLng(lat, lon) : null;
  }

  var start = read();
  var map = L.map(mapNode, { scrollWheelZoom: false, keyboard: false, attributionControl: false })
    .setView(start || cfg.center, start ? 17 : cfg.regionZoom);
  L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  var attribution = document.getElementById('pin-map-attribution');
  if (attribution) attribution.innerHTML = cfg.attribution;  // escaped on the server
  var icon = L.divIcon({ className: 'rk-marker q-pin', html: '<span class="pin"></span>', iconSize: [28, 28], iconAnchor: [14, 26] });
  var marker = L.marker(start || cfg.center, { draggable: true, keyboard: true, icon: icon, title: texts.marker, alt: texts.marker });
  if (start) marker.addTo(map);

  function show(at, zoom) {
    marker.setLatLng(at);
    if (!map.hasLayer(marker)) marker.addTo(map);
    var element = marker.getElement();
    if (element) { element.setAttribute('aria-label', texts.marker || ''); element.setAttribute('role', 'button'); }
    map.setView(at, zoom === undefined ? map.getZoom() : zoom);
  }

  function pin(at) {  // the person put the pin here
    latInput.value = at.lat.toFixed(6);
    lonInput.value = at.lng.toFixed(6);
    forInput.value = address().postcode;
    if (resetButton) resetButton.hidden = false;
    say(texts.moved);
    schedule();
  }

  function unpin() {
    latInput.value = lonInput.value = forInput.value = '';
    if (resetButton) resetButton.hidden = true;
  }

  var asked = 0;
  var placedFor = start ? JSON.stringify(address()) : null;  // the address the pin shows

  function locate(force) {
    var wanted = address();
    var key = JSON.stringify(wanted);
    if (!force && key === placedFor) return;
    if (!/^\d{5}$/.test(wanted.postcode)) {
      if (!read()) { marker.remove(); say(texts.waiting); }
      return;
    }
    placedFor = key;
    unpin();  // a new address: a correction of the old one no longer applies
    var mine = ++asked;
    say(texts.searching);
    var url = new URL(cfg.placeUrl, window.location.href);
    Object.keys(wanted).forEach(function (part) { url.searchParams.set(part, wanted[part]); });
    fetch(url.toString(), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (mine !== asked) return;  // an older answer never overwrites a newer one
        if (!answer.ok || answer.body.problem) {
          marker.remove();
          say(answer.body.problem || texts.failed, true);
          return;
        }
        show(L.latLng(answer.body.lat, answer.body.lon), answer.body.precision === 'address' ? 17 : 14);
        say(answer.body.note);
        schedule();
      })
      .catch(function () { if (mine === asked) say(texts.failed, true); });
  }

  marker.on('dragend', function () { pin(marker.getLatLng()); });
  map.on('click', function (event) { show(event.latlng); pin(event.latlng); });
  marker.on('add', function () {
    // arrow keys move a focused pin by a few pixels: no dragging needed (WCAG 2.5.7)
    var element = marker.getElement();
    if (!element || element.getAttribute('data-keys')) return;
    element.setAttribute('data-keys', '1');
    element.addEventListener('keydown', function (event) {
      var steps = { ArrowUp: [0, -10], ArrowDown: [0, 10], ArrowLeft: [-10, 0], ArrowRight: [10, 0] };
      var step = steps[event.key];
      if (!step) return;
      event.preventDefault();
      var point = map.latLngToContainerPoint(marker.getLatLng()).add(L.point(step[0], step[1]));
      var at = map.containerPointToLatLng(point);
      marker.setLatLng(at);
      pin(at);
    });
  });
  if (start) { marker.fire('add'); show(start, 17); }
  if (resetButton) resetButton.addEventListener('click', function () { unpin(); locate(true); });

  var typing = null;
  ['street', 'postcode', 'town'].forEach(function (part) {
    var input = fields[part];
    if (!input) return;
    input.addEventListener('input', function () {
      window.clearTimeout(typing);
      typing = window.setTimeout(function () { locate(false); }, part === 'postcode' ? 300 : 800);
    });
    input.addEventListener('change', function () { window.clearTimeout(typing); locate(false); });
  });
  if (!start) locate(false);
})();
