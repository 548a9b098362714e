/* The Kita map: every layer of /api/v1/layers as an overlay in a layer switcher, the Kita
   layer with its own marker; features are loaded per map view (bbox). No inline code: the
   configuration comes from a JSON block, popups are built from DOM nodes (text only). */
(function () {
  'use strict';
  var holder = document.getElementById('kita-map');
  var source = document.getElementById('kita-map-config');
  if (!holder || !source || !window.L) return;
  var cfg = JSON.parse(source.textContent);
  // the popups' words come in the page's language from the catalog (map_texts in pages.py)
  var words = cfg.texts;
  var query = cfg.langQuery || '';
  function fill(text, name, value) { return text.split('{' + name + '}').join(String(value)); }

  var map = L.map(holder, { keyboard: true });
  if (cfg.focus) map.setView(cfg.focus, 15);
  else if (cfg.fit) map.fitBounds(cfg.fit, { padding: [24, 24], maxZoom: 15 });
  else map.setView(cfg.center, cfg.zoom);
  L.tileLayer(cfg.tileUrl, { attribution: cfg.attribution, maxZoom: 18 }).addTo(map);

  var kitaIcon = L.icon({ iconUrl: cfg.marker, iconSize: [28, 40], iconAnchor: [14, 39], popupAnchor: [0, -34] });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function kitaPopup(p) {
    var box = el('div', 'kita-popup');
    box.appendChild(el('h3', null, p.name));
    if (p.operator) box.appendChild(el('p', null, p.operator));
    if (p.address) box.appendChild(el('p', null, p.address));
    var facts = (p.age_groups || []).map(function (a) { return words.ages[a] || a; });
    if (p.closes) facts.push(fill(words.until, 'time', p.closes));
    if (p.places) facts.push(fill(words.places, 'n', p.places));
    if (facts.length) box.appendChild(el('p', null, facts.join(' · ')));
    var link = el('a', null, words.details);
    link.href = p.url;
    box.appendChild(el('p')).appendChild(link);
    return box;
  }

  function otherPopup(p) {
    var box = el('div', 'kita-popup');
    box.appendChild(el('h3', null, p.name || ''));
    if (p.town) box.appendChild(el('p', null, p.town));
    if (p.slug) {
      var link = el('a', null, words.details);
      link.href = '/unternehmen/' + encodeURIComponent(p.slug) + query;
      box.appendChild(el('p')).appendChild(link);
    }
    return box;
  }

  var overlays = [];

  // with filters on the list page the Kita overlay shows the Kitas the list shows
  function kitaFeatures(data) {
    return (data.items || []).map(function (k) {
      return {
        geometry: { coordinates: [k.lon, k.lat] },
        properties: {
          kita_id: k.id, name: k.name, operator: k.operator, address: k.address,
          age_groups: k.age_groups, closes: k.closes, places: k.places,
          url: '/kitas/' + k.id + query
        }
      };
    });
  }

  function load(entry) {
    if (!map.hasLayer(entry.group)) return;
    var b = map.getBounds();
    var box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(',');
    var filtered = entry.kita && cfg.kitaQuery;
    var url = filtered
      ? cfg.kitaApi + '?' + cfg.kitaQuery + '&per_page=200&bbox=' + box + '&lang=' + cfg.lang
      : entry.url + (entry.url.indexOf('?') < 0 ? '?' : '&') + 'bbox=' + box + '&lang=' + cfg.lang;
    fetch(url)
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        if (filtered) data = { features: kitaFeatures(data) };
        entry.group.clearLayers();
        data.features.forEach(function (f) {
          var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          var p = f.properties || {};
          var marker;
          if (entry.kita) {
            marker = L.marker(ll, { icon: kitaIcon, title: p.name, alt: p.name, keyboard: true });
            marker.bindPopup(kitaPopup(p));
          } else {
            marker = L.circleMarker(ll, { radius: 5, color: '#ffffff', weight: 1, fillColor: '#0b5394', fillOpacity: 0.9 });
            marker.bindPopup(otherPopup(p));
          }
          entry.group.addLayer(marker);
        });
      })
      .catch(function () { entry.group.clearLayers(); });
  }

  fetch(cfg.layers).then(function (r) { return r.json(); }).then(function (data) {
    var control = {};
    data.layers.forEach(function (layer) {
      var entry = { url: layer.url, group: L.layerGroup(), kita: layer.id === cfg.kitaLayer };
      overlays.push(entry);
      control[layer.label] = entry.group;
      if (entry.kita || layer.default_visible) entry.group.addTo(map);
      entry.group.on('add', function () { load(entry); });
    });
    // on the small map of a Kita page the switcher folds away and opens on demand
    // on a phone the open list would cover most of the small map: a button that opens it
    var narrow = window.matchMedia('(max-width: 640px)').matches;
    L.control.layers(null, control, { collapsed: Boolean(cfg.focus) || narrow }).addTo(map);
    overlays.forEach(load);
  });

  map.on('moveend', function () { overlays.forEach(load); });
})();
