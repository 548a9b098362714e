/* Company profile: a small, still map of the address (drawn without tiles too), and a back link
 * that returns to the exact search the visitor came from. */
(function () {
  'use strict';

  var node = document.getElementById('mini-map');
  var configNode = document.getElementById('rk-map-config');
  if (node && configNode && window.L) {
    var cfg = JSON.parse(configNode.textContent);
    var at = [parseFloat(node.getAttribute('data-lat')), parseFloat(node.getAttribute('data-lon'))];
    var map = L.map(node, {
      zoomControl: false, attributionControl: false, dragging: false, keyboard: false,
      scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, touchZoom: false, tap: false
    }).setView(at, 14);
    L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
    if (cfg.outline && cfg.outline.length) {
      L.polygon(cfg.outline, { color: '#0b5394', weight: 2, dashArray: '6 4', fill: false, interactive: false }).addTo(map);
    }
    L.circleMarker(at, { radius: 9, color: '#fff', weight: 3, fillColor: '#c25100', fillOpacity: 1, interactive: false }).addTo(map);
    var attribution = document.getElementById('mini-map-attribution');
    if (attribution) attribution.innerHTML = cfg.attribution;  // escaped on the server
  }

  var back = document.querySelector('[data-back]');
  if (back && document.referrer) {
    back.addEventListener('click', function (event) {
      try {
        var from = new URL(document.referrer);
        if (from.origin === window.location.origin && from.pathname === new URL(back.href).pathname &&
            window.history.length > 1) {
          event.preventDefault();
          window.history.back();
        }
      } catch (err) { /* follow the link */ }
    });
  }
})();
