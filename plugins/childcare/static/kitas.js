/* The Kita map: the layers of /api/v1/layers drawn by the web kit's layer script (maplayers.js:
   the same symbols, groups, popups and legend as the start page), the Kita layer shown at
   first; with filters on the list page it shows the Kitas the list shows. No inline code: the
   configuration comes from a JSON block, popups are built from DOM nodes (text only). */
(function () {
  'use strict';
  var holder = document.getElementById('kita-map');
  var source = document.getElementById('kita-map-config');
  if (!holder || !source || !window.L || !window.RKMap) return;
  var cfg = JSON.parse(source.textContent);
  // the popups' words come in the page's language from the catalog (map_texts in pages.py)
  var words = cfg.texts;
  var query = cfg.langQuery || '';
  var h = RK.h;
  function fill(text, name, value) { return text.split('{' + name + '}').join(String(value)); }

  var map = L.map(holder, { keyboard: true });
  if (cfg.focus) map.setView(cfg.focus, 15);
  else if (cfg.fit) map.fitBounds(cfg.fit, { padding: [24, 24], maxZoom: 15 });
  else map.setView(cfg.center, cfg.zoom);
  L.tileLayer(cfg.tileUrl, { attribution: cfg.attribution, maxZoom: 18 }).addTo(map);

  function kitaPopup(feature, def) {
    var p = feature.properties || {};
    var facts = (p.age_groups || []).map(function (a) { return words.ages[a] || a; });
    if (p.closes) facts.push(fill(words.until, 'time', p.closes));
    if (p.places) facts.push(fill(words.places, 'n', p.places));
    return h('div', { className: 'rk-layer-popup kita-popup' }, [
      h('p', { className: 'popup-title' }, [h('strong', { text: p.name })]),
      h('ul', { className: 'popup-lines' }, [p.operator, p.address, facts.join(' · ')].filter(Boolean).map(function (line) {
        return h('li', { text: line });
      })),
      h('p', { className: 'popup-layer' }, [RKMap.symbol(def.style), ' ', h('span', { text: def.label })]),
      h('p', null, [h('a', { href: p.url }, [words.details, h('span', { className: 'sr-only', text: ': ' + p.name })])])
    ]);
  }

  // with filters on the list page the Kita layer shows the Kitas the list shows
  function filteredKitas(def, bbox, controller) {
    var url = cfg.kitaApi + '?' + cfg.kitaQuery + '&per_page=200&bbox=' + bbox + '&lang=' + cfg.lang;
    return fetch(url, { signal: controller ? controller.signal : undefined })
      .then(function (r) { if (!r.ok) throw new Error('kitas: ' + r.status); return r.json(); })
      .then(function (data) {
        return {
          total: data.total,
          features: (data.items || []).map(function (k) {
            return {
              id: k.id,
              geometry: { type: 'Point', coordinates: [k.lon, k.lat] },
              properties: {
                kita_id: k.id, name: k.name, operator: k.operator, address: k.address,
                age_groups: k.age_groups, closes: k.closes, places: k.places,
                url: '/kitas/' + k.id + query
              }
            };
          })
        };
      });
  }

  fetch(cfg.layers).then(function (r) { return r.json(); }).then(function (data) {
    var defs = data.layers.filter(function (d) { return d.id !== 'companies'; });
    // a parent comes for the Kitas: the other layers wait in the switcher
    var shown = defs.filter(function (d) { return d.id === cfg.kitaLayer; })
      .map(function (d) { return d.id; });
    var source = {};
    var popups = {};
    popups[cfg.kitaLayer] = kitaPopup;
    if (cfg.kitaQuery) source[cfg.kitaLayer] = filteredKitas;
    var note = function () {};
    var layers = new RKMap.Layers(map, {
      defs: defs, lang: cfg.lang, source: source, popup: popups,
      // on a Kita's page its own symbol stands out
      marked: function (f, def) { return def.id === cfg.kitaLayer && cfg.focusId != null && (f.properties || {}).kita_id === cfg.focusId; },
      active: function () { return shown; },
      note: function (id, text, truncated) { note(id, text, truncated); }
    });
    var control = RKMap.switcher(holder, layers, shown, function () { layers.schedule(0); });
    note = control.note;
    layers.fetch();
    map.on('moveend', function () { layers.schedule(150); });
  });
})();
