/* regiokarte start page: filters from /api/v1/filters, results, facet counts and map symbols from
 * /api/v1/search, all state in the URL. One search answers list, counts and map together, so
 * they always agree: the map area (bbox) is a filter like any other. */
(function () {
  'use strict';

  var RK = window.RK;
  var S = RK.strings;
  var fmt = RK.fmt;
  var h = RK.h;
  var cfg = JSON.parse(document.getElementById('rk-config').textContent);

  var $ = function (id) { return document.getElementById(id); };
  var els = {
    form: $('search-form'), q: $('q'), panel: $('filter-panel'), filters: $('filters'),
    toggle: $('filter-toggle'), toggleText: $('filter-toggle-text'), filterCount: $('filter-count'),
    reset: $('reset-all'), count: $('result-count'), heading: $('results-heading'), live: $('live'),
    list: $('result-list'), pager: $('pager'), chips: $('chips'), chipList: $('chip-list'),
    message: $('result-message'), sort: $('sort'), selection: $('selection'), results: $('results'),
    map: $('map'), showResults: $('show-results'), filtersClose: $('filters-close'),
    viewMap: $('view-map'), viewList: $('view-list'), viewListCount: $('view-list-count'),
    listMode: $('list-mode')
  };
  var PHONE = window.matchMedia('(max-width: 1023.98px)');

  // URL parameters that are not filters of the registry
  var OWN = ['q', 'near', 'near_postcode', 'near_town', 'radius_km', 'sort', 'page', 'map', 'company',
    'in_view', 'lang', 'per_page', 'zoom', 'bbox', 'layers'];
  // dynamic filters: argument parameter -> filter key, and back
  var ARGS = cfg.arguments || {};
  var KEY_ARG = {};
  Object.keys(ARGS).forEach(function (arg) { KEY_ARG[ARGS[arg]] = arg; });
  var RADII = [2, 5, 10, 20, 50];

  var specs = [];            // from /api/v1/filters
  var specByKey = {};
  var droppedNote = false;   // the next answer says that a filter of the link was left out
  var state = parseUrl(window.location.search);
  var lastResult = null;
  var place = null;          // {lat, lon, label} of the search centre
  var searchSeq = 0;
  var controller = null;
  var pendingFocus = null;   // where focus goes after a zoom started from a map symbol
  var lastAnnounced = '';
  var suppressMove = false;
  var pushNextMove = false;  // a zoom into a cluster is a step the back button undoes

  // --- state <-> URL ---------------------------------------------------------------------------

  function parseUrl(search) {
    var params = new URLSearchParams(search);
    var s = {
      filters: {}, q: '', nearKind: null, nearValue: '', radius: 10, sort: 'name', page: 1,
      inView: true, company: null, view: null, args: {}, layers: null
    };
    params.forEach(function (value, key) {
      if (OWN.indexOf(key) >= 0 || ARGS[key] || value === '') return;
      if (cfg.filterKeys && cfg.filterKeys.indexOf(key) < 0) {
        // a filter of an old link that this portal no longer has (a plugin switched off):
        // search without it and say so, rather than fail the page
        droppedNote = true;
        return;
      }
      var list = s.filters[key] || (s.filters[key] = []);
      value.split(',').forEach(function (v) { if (v && list.indexOf(v) < 0) list.push(v); });
    });
    s.q = params.get('q') || '';
    ['near', 'near_postcode', 'near_town'].forEach(function (key) {
      if (params.get(key)) { s.nearKind = key; s.nearValue = params.get(key); }
    });
    var radius = parseFloat(params.get('radius_km'));
    if (radius > 0) s.radius = radius;
    Object.keys(ARGS).forEach(function (arg) {
      var text = (params.get(arg) || '').trim();
      if (text) s.args[arg] = text;  // one value, commas and all (lat,lon)
    });
    // no layers parameter: the layers shown by default; an empty one: none
    if (params.has('layers')) s.layers = (params.get('layers') || '').split(',').filter(Boolean);
    var sort = params.get('sort');
    s.sort = sort === 'distance' && s.nearKind ? 'distance' : sortable(s, sort) ? sort : 'name';
    s.page = Math.max(1, parseInt(params.get('page'), 10) || 1);
    s.inView = params.get('in_view') !== '0';
    s.company = params.get('company') || null;
    var view = (params.get('map') || '').split('/').map(Number);
    if (view.length === 3 && view.every(isFinite)) s.view = { zoom: view[0], lat: view[1], lon: view[2] };
    return s;
  }

  /** Whether results can be ordered by ``key``: a dynamic filter whose argument is given. */
  function sortable(s, key) {
    return !!(key && KEY_ARG[key] && s.args[KEY_ARG[key]]);
  }

  /** The state as URL parameters; for the API (``forUrl`` false) a dynamic filter's range is
   * left out while its argument is missing (the panel asks for it instead of a 422). */
  function filterParams(s, params, forUrl) {
    Object.keys(s.filters).forEach(function (key) {
      if (!forUrl && KEY_ARG[key] && !s.args[KEY_ARG[key]]) return;
      s.filters[key].forEach(function (v) { params.append(key, v); });
    });
    Object.keys(s.args).forEach(function (arg) { params.set(arg, s.args[arg]); });
    if (s.q) params.set('q', s.q);
    if (s.nearKind) {
      params.set(s.nearKind, s.nearValue);
      params.set('radius_km', String(s.radius));
    }
    if (s.sort === 'distance' && s.nearKind) params.set('sort', 'distance');
    else if (sortable(s, s.sort)) params.set('sort', s.sort);
    return params;
  }

  function pageUrl(s) {
    var params = filterParams(s, new URLSearchParams(), true);
    if (s.layers !== null) params.set('layers', s.layers.join(','));
    if (s.page > 1) params.set('page', String(s.page));
    if (!s.inView) params.set('in_view', '0');
    if (s.company) params.set('company', s.company);
    if (map) {
      var c = map.getCenter();
      params.set('map', (+map.getZoom().toFixed(2)) + '/' + c.lat.toFixed(5) + '/' + c.lng.toFixed(5));
    }
    if (cfg.langArg) params.set('lang', cfg.langArg);
    var text = params.toString().replace(/%2C/g, ',').replace(/%2F/g, '/');
    return window.location.pathname + (text ? '?' + text : '');
  }

  /** The subscribe link carries the current search (filters, text, place; not the map view). */
  function updateSubscribeLink() {
    var link = $('subscribe-link');
    if (!link) return;
    var params = filterParams(state, new URLSearchParams(), true);
    params.delete('sort');
    if (cfg.langArg) params.set('lang', cfg.langArg);
    var text = params.toString().replace(/%2C/g, ',');
    link.href = link.dataset.base + (text ? '?' + text : '');
  }

  function saveUrl(push) {
    updateSubscribeLink();
    var url = pageUrl(state);
    if (url === window.location.pathname + window.location.search) return;
    if (push) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }

  function apiParams() {
    var params = filterParams(state, new URLSearchParams());
    params.set('page', String(state.page));
    params.set('per_page', String(cfg.perPage));
    // the server places symbols so they do not overlap at this zoom; at a fractional zoom the
    // map is larger than at its whole zoom below, so symbols only move further apart
    params.set('zoom', String(Math.floor(map.getZoom())));
    // the map area is a filter, or (switched off) only where the map needs symbols
    params.set(state.inView ? 'bbox' : 'view', bboxParam());
    params.set('lang', cfg.lang);
    return params;
  }

  function bboxParam() {
    var b = map.getBounds();
    var clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
    return [
      clamp(b.getWest(), -180, 180).toFixed(5), clamp(b.getSouth(), -90, 90).toFixed(5),
      clamp(b.getEast(), -180, 180).toFixed(5), clamp(b.getNorth(), -90, 90).toFixed(5)
    ].join(',');
  }

  function activeCount() {
    var n = Object.keys(state.filters).reduce(function (sum, key) { return sum + state.filters[key].length; }, 0);
    Object.keys(state.args).forEach(function (arg) { if (!state.filters[ARGS[arg]]) n++; });
    return n + (state.q ? 1 : 0) + (state.nearKind ? 1 : 0);
  }

  // --- map -------------------------------------------------------------------------------------

  var map = L.map(els.map, {
    zoomControl: false, minZoom: 6, maxZoom: cfg.map.maxZoom, keyboard: true, zoomSnap: 0.25, zoomDelta: 1,
    worldCopyJump: false
  });
  L.control.zoom({ zoomInTitle: S.zoom_in, zoomOutTitle: S.zoom_out }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  // tiles may fail (offline, blocked): outline, towns and results are drawn without them
  L.tileLayer(cfg.map.tileUrl, { attribution: cfg.map.attribution, maxZoom: 19 }).addTo(map);
  if (cfg.region.outline && cfg.region.outline.length) {
    L.polygon(cfg.region.outline, {
      color: '#0b5394', weight: 2, dashArray: '6 4', fillColor: '#0b5394', fillOpacity: 0.05,
      interactive: false
    }).addTo(map);
  }
  // town names lie under the result symbols, which stay clickable
  map.createPane('rk-towns').style.zIndex = 550;
  var towns = L.layerGroup().addTo(map);
  cfg.region.towns.forEach(function (town) {
    // a text node: Leaflet would read a string as HTML
    var label = document.createElement('span');
    label.textContent = town.name;
    L.circleMarker([town.lat, town.lon], {
      radius: 3, color: '#333', weight: 1, fillColor: '#fff', fillOpacity: 1, interactive: false,
      pane: 'rk-towns'
    }).bindTooltip(label, {
      permanent: true, direction: 'right', offset: [4, 0], className: 'rk-town-label', interactive: false,
      pane: 'rk-towns'
    }).addTo(towns);
  });
  var nearLayer = L.layerGroup().addTo(map);
  var symbols = L.layerGroup().addTo(map);
  var selectionLayer = L.layerGroup().addTo(map);

  if (state.view) {
    map.setView([state.view.lat, state.view.lon], state.view.zoom, { animate: false });
  } else {
    map.fitBounds(cfg.map.bounds, { animate: false });
  }

  // the sizes the server places symbols with (core.search.clustering.SymbolGeometry)
  var GEOMETRY = cfg.map.symbols;
  function clusterSize(n) {
    var steps = GEOMETRY.clusterSteps;
    for (var i = 0; i < steps.length; i++) if (n <= steps[i][0]) return steps[i][1];
    return GEOMETRY.clusterLargest;
  }

  function addSymbol(latlng, icon, label, count, onActivate) {
    // bigger groups lie on top where symbols overlap
    var marker = L.marker(latlng, { icon: icon, keyboard: true, title: label, riseOnHover: true, zIndexOffset: Math.min(count, 100000) });
    marker.on('click', onActivate);
    symbols.addLayer(marker);
    var el = marker.getElement();
    if (el) {
      el.setAttribute('aria-label', label);
      el.setAttribute('data-count', String(count));
      el.addEventListener('keydown', function (event) {
        // role=button answers Enter and Space (Leaflet itself only opens popups on Enter)
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          marker.fire('click');
        }
      });
    }
    return marker;
  }

  function drawSymbols(result) {
    // a keyboard user on a symbol keeps the focus on the symbol drawn at the same place
    var focused = null;
    symbols.eachLayer(function (layer) {
      if (layer.getElement() === document.activeElement) focused = layer.getLatLng();
    });
    symbols.clearLayers();
    // an open stack list stays while its stack is still drawn (e.g. after the popup panned)
    if (openStackAt && !result.clusters.some(function (c) { return c.stack && c.lat === openStackAt[0] && c.lon === openStackAt[1]; })) {
      map.closePopup();
    }
    result.clusters.forEach(function (c) {
      var size = clusterSize(c.count);
      var cls = c.count < 100 ? 's' : c.count < 1000 ? 'm' : c.count < 10000 ? 'l' : 'xl';
      var stack = c.stack && c.members && c.members.length === c.count;
      // the visible number is the start of the accessible name (WCAG 2.5.3 Label in Name)
      var shown = RK.number(c.count);
      var icon = L.divIcon({
        className: 'rk-cluster ' + cls + (stack ? ' stack' : ''),
        html: '<span>' + shown + '</span>',
        iconSize: [size, size]
      });
      var label = fmt(stack ? S.stack_label : S.cluster_label, { n: shown });
      var marker = addSymbol([c.lat, c.lon], icon, label, c.count, function () {
        if (stack) openStack(c, marker);
        else zoomToCluster(c, marker);
      });
      var el = marker.getElement();
      el.classList.add('rk-symbol');
      if (stack) el.setAttribute('aria-haspopup', 'dialog');
    });
    var pin = GEOMETRY.marker;
    result.points.forEach(function (p) {
      var marked = markedBadges(p);
      var icon = L.divIcon({
        className: 'rk-marker' + (p.slug === state.company ? ' selected' : '') + (marked.length ? ' has-badge' : ''),
        html: pinElement(marked),
        iconSize: [pin[0], pin[1]], iconAnchor: [pin[2], pin[3]]
      });
      var label = fmt(S.marker_label, { name: p.name, town: p.town }) + (p.is_demo ? ' (' + S.demo_badge + ')' : '') +
        badgeLabels(p).map(function (text) { return ', ' + text; }).join('');
      var marker = addSymbol([p.lat, p.lon], icon, label, 1, function () {
        selectCompany(p.slug, { hit: p, focus: true, push: true });
      });
      var el = marker.getElement();
      el.classList.add('rk-symbol');
      el.setAttribute('data-slug', p.slug);
    });
    townLabelsGiveWay();
    if (focused && !pendingFocus) focusSymbolAt(focused.lat, focused.lng);
  }

  // plugins' per-company counts (core.search.badges): the hits carry them with their text,
  // the configuration says how the map marks them
  var BADGES = {};
  (cfg.badges || []).forEach(function (b) { BADGES[b.key] = b; });

  function markedBadges(hit) {
    return (hit.badges || []).filter(function (b) { return BADGES[b.key]; });
  }

  function badgeLabels(hit) {
    return (hit.badges || []).map(function (b) { return b.label; });
  }

  function badgeSymbol(key) {
    var def = BADGES[key];
    return window.RKMap.symbol({ key: 'badge-' + key, colour: def.colour, shape: 'circle', glyph: def.glyph });
  }

  /** A company's pin, with a small mark per badge it has (the first one drawn). */
  function pinElement(marked) {
    var box = document.createElement('span');
    box.appendChild(h('span', { className: 'pin', 'aria-hidden': 'true' }));
    if (marked.length && window.RKMap) {
      var mark = badgeSymbol(marked[0].key);
      mark.classList.add('rk-badge-mark');
      box.appendChild(mark);
    }
    return box;
  }

  /** The badges of a hit as a line of the list ("3 offene Stellen"). */
  function badgeLine(hit) {
    var badges = hit.badges || [];
    if (!badges.length) return null;
    return h('p', { className: 'hit-badges' }, badges.map(function (b) {
      return h('span', { className: 'hit-badge', 'data-badge': b.key }, [
        BADGES[b.key] && window.RKMap ? badgeSymbol(b.key) : null,
        h('span', { text: b.label })
      ]);
    }));
  }

  /** Focus the symbol nearest to a place (the one that stands for it after a redraw). */
  function focusSymbolAt(lat, lon) {
    var best = null;
    var bestDistance = Infinity;
    symbols.eachLayer(function (layer) {
      var d = map.distance(layer.getLatLng(), [lat, lon]);
      if (d < bestDistance) { bestDistance = d; best = layer; }
    });
    var el = best && best.getElement();
    if (el) el.focus({ preventScroll: true });
  }

  /** Town names that a result symbol would cover are hidden until the symbols move away. */
  function townLabelsGiveWay() {
    var boxes = [];
    symbols.eachLayer(function (layer) {
      var el = layer.getElement();
      if (el) boxes.push(el.getBoundingClientRect());
    });
    towns.eachLayer(function (town) {
      var tip = town.getTooltip && town.getTooltip();
      var el = tip && tip.getElement();
      if (!el) return;
      el.classList.remove('rk-give-way');
      var r = el.getBoundingClientRect();
      var covered = boxes.some(function (b) {
        return b.left < r.right && r.left < b.right && b.top < r.bottom && r.top < b.bottom;
      });
      if (covered) el.classList.add('rk-give-way');
    });
  }

  var openStackAt = null;  // [lat, lon] of the stack whose list is open
  var stackLists = 0;      // for unique ids (a closing list fades out while the next opens)

  /** A stack (one address, or too close to tell apart) opens as a list of its companies. */
  function openStack(c, marker) {
    var opener = marker.getElement();
    var headingId = 'rk-stack-heading-' + (++stackLists);
    var heading = h('h2', { className: 'rk-stack-heading', id: headingId, text: fmt(S.stack_heading, { n: RK.number(c.count) }) });
    var items = c.members.map(function (m) {
      var button = h('button', { type: 'button', className: 'rk-stack-item' }, [
        h('span', { className: 'name', text: m.name }),
        h('span', { className: 'meta', text: [m.town, m.is_demo ? S.demo_badge : ''].concat(badgeLabels(m)).filter(Boolean).join(' · ') })
      ]);
      button.addEventListener('click', function () {
        map.closePopup();
        selectCompany(m.slug, { hit: m, focus: true, push: true });
      });
      return h('li', null, [button]);
    });
    var box = h('div', { className: 'rk-stack', role: 'dialog', 'aria-labelledby': headingId }, [
      heading, h('ul', { className: 'rk-stack-list' }, items)
    ]);
    // kept clear of the zoom buttons in the top left corner (top right on right-to-left pages)
    var room = map.getSize().x - 60 - 16 - 60;  // the popup's padding and frame included
    var rtl = getComputedStyle(els.map).direction === 'rtl';
    var popup = L.popup({
      className: 'rk-stack-popup', maxWidth: Math.min(320, room), minWidth: Math.min(220, room), maxHeight: 320,
      autoPanPadding: [16, 16], autoPanPaddingTopLeft: rtl ? [16, 16] : [60, 16],
      autoPanPaddingBottomRight: rtl ? [60, 16] : [16, 16], closeButton: true
    })
      .setLatLng([c.lat, c.lon]).setContent(box);
    popup.once('remove', function () {
      openStackAt = null;
      RK.closed(box);
      // closed by its button or by Escape: back to the stack
      if (document.activeElement === document.body || box.contains(document.activeElement)) {
        focusSymbolAt(c.lat, c.lon);
      }
    });
    popup.openOn(map);
    openStackAt = [c.lat, c.lon];
    // Escape closes what opened last (this list); so does a tap outside it
    RK.opened(box, function () { map.closePopup(popup); }, { opener: opener, outside: true });
    var close = popup.getElement() && popup.getElement().querySelector('.leaflet-popup-close-button');
    if (close) { close.setAttribute('aria-label', S.close); close.setAttribute('role', 'button'); }
    var first = box.querySelector('button');
    if (first) first.focus({ preventScroll: true });
  }

  function zoomToCluster(c, marker) {
    var el = marker.getElement();
    if (el && document.activeElement === el) pendingFocus = { lat: c.lat, lon: c.lon };
    var bounds = L.latLngBounds([c.south, c.west], [c.north, c.east]);
    var zoom = Math.min(map.getBoundsZoom(bounds.pad(0.15)), cfg.map.maxZoom);
    if (zoom <= map.getZoom()) zoom = Math.min(map.getZoom() + 2, cfg.map.maxZoom);
    pushNextMove = true;
    map.setView(bounds.getCenter(), zoom);
  }

  var fitNext = false;  // the next answer moves the map to its results

  /** Move the map to the results. With "search only in the map area" on, the results lie in
   * the view already: the map only zooms in to them, so the area searched never grows. */
  function fitToResults(result) {
    if (!result.bounds || !result.total) return;
    var b = result.bounds;
    var bounds = L.latLngBounds([b[0], b[1]], [b[2], b[3]]);
    var padding = L.point(32, 32);
    var zoom = Math.min(map.getBoundsZoom(bounds, false, padding), 15);
    if (state.inView && zoom <= map.getZoom()) return;
    map.fitBounds(bounds, { padding: padding, maxZoom: 15 });
  }

  function restoreFocus(result) {
    if (!pendingFocus) return;
    var target = pendingFocus;
    pendingFocus = null;
    var best = null;
    var bestDistance = Infinity;
    symbols.eachLayer(function (layer) {
      var d = map.distance(layer.getLatLng(), [target.lat, target.lon]);
      if (d < bestDistance) { bestDistance = d; best = layer; }
    });
    var el = best && best.getElement();
    (el || els.map).focus({ preventScroll: true });
    announce(fmt(S.zoomed_in, { n: RK.number(result.total) }), true);
  }

  map.on('click', function () {
    if (state.company) clearSelection(true, false);
  });

  map.on('moveend', function () {
    if (suppressMove) return;
    state.page = 1;
    saveUrl(pushNextMove);
    pushNextMove = false;
    scheduleSearch(150);
    scheduleLayers(300);
  });


  // --- plugin layers ----------------------------------------------------------------------------
  // Every layer of /api/v1/layers but the companies (drawn from the search) can be ticked; a
  // ticked layer is fetched for the map area after every move and drawn by the web kit's layer
  // script (maplayers.js: the symbol of each layer as the server styles it, groups, popups, the
  // legend). Company symbols come first: the layers share what is left of MAX_MARKERS, so the
  // page never holds more marker elements.

  var MAX_MARKERS = cfg.maxMarkers || 2000;
  var layerDefs = [];
  var layerById = {};
  var overlay = null;       // RKMap.Layers once /api/v1/layers answered
  var layerEls = { box: $('layer-switcher'), list: $('layer-list'), count: $('layer-count') };

  function activeLayers() {
    if (state.layers === null) {
      return layerDefs.filter(function (d) { return d.default_visible; }).map(function (d) { return d.id; });
    }
    return state.layers.filter(function (id) { return layerById[id]; });
  }

  function buildLayerSwitcher(layers) {
    var companies = layers.filter(function (d) { return d.id === 'companies'; });
    layerDefs = layers.filter(function (d) { return d.id !== 'companies'; });
    layerById = {};
    layerDefs.forEach(function (d) { layerById[d.id] = d; });
    overlay = new RKMap.Layers(map, {
      defs: layerDefs,
      lang: cfg.lang,
      active: activeLayers,
      budget: function () { return MAX_MARKERS - symbols.getLayers().length; },
      note: setLayerNote,
      fixed: companies.map(function (d) { return { id: d.id, label: d.label, style: d.style }; })
        // the marks plugins put on company pins (a badge with a legend text)
        .concat((cfg.badges || []).filter(function (b) { return b.legend; }).map(function (b) {
          return { id: 'badge-' + b.key, label: b.legend, style: { key: 'badge-' + b.key, colour: b.colour, shape: 'circle', glyph: b.glyph } };
        }))
    });
    if (!layerDefs.length || !layerEls.box) return;
    var active = activeLayers();
    var items = layerDefs.map(function (d) {
      var id = 'layer-' + d.id;
      var input = h('input', {
        type: 'checkbox', id: id, value: d.id, 'data-layer': d.id, 'aria-describedby': id + '-note',
        checked: active.indexOf(d.id) >= 0
      });
      return h('li', { className: 'layer-item' }, [
        input,
        h('label', { for: id }, [
          RKMap.symbol(d.style), ' ', h('span', { text: d.label }),
          h('span', { className: 'layer-note', id: id + '-note', 'data-layer-note': d.id })
        ])
      ]);
    });
    layerEls.list.replaceChildren.apply(layerEls.list, items);
    // closed at first, also with layers ticked: the legend on the map names them and the
    // button counts them, so the open list would only cover the map
    layerEls.box.hidden = false;
    updateLayerCount();
    drawLayers();
  }

  if (layerEls.box) {
    // open: Escape, the close button or a tap outside closes it (a bottom sheet on phones)
    layerEls.box.addEventListener('toggle', function () {
      if (layerEls.box.open) {
        RK.opened(layerEls.box, function (viaKey) {
          layerEls.box.open = false;
          if (viaKey) layerEls.box.querySelector('summary').focus();
        }, { outside: true });
      } else {
        RK.closed(layerEls.box);
      }
    });
    $('layers-close').addEventListener('click', function () {
      layerEls.box.open = false;
      layerEls.box.querySelector('summary').focus();
    });
  }

  if (layerEls.list) {
    layerEls.list.addEventListener('change', function (event) {
      var input = event.target;
      if (!input.matches('input[data-layer]')) return;
      var ids = activeLayers().filter(function (id) { return id !== input.value; });
      if (input.checked) ids.push(input.value);
      state.layers = layerDefs.map(function (d) { return d.id; }).filter(function (id) { return ids.indexOf(id) >= 0; });
      if (!input.checked && overlay) overlay.drop(input.value);
      saveUrl(true);
      updateLayerCount();
      drawLayers();
      scheduleLayers(0);
    });
  }

  function syncLayerSwitches() {
    var active = activeLayers();
    if (!layerEls.list) return;
    layerEls.list.querySelectorAll('input[data-layer]').forEach(function (input) {
      input.checked = active.indexOf(input.value) >= 0;
    });
    updateLayerCount();
    drawLayers();
  }

  function updateLayerCount() {
    var n = activeLayers().length;
    layerEls.count.hidden = n === 0;
    layerEls.count.textContent = n ? RK.number(n) : '';
  }

  function scheduleLayers(delay) {
    if (overlay) overlay.schedule(delay);
  }

  function drawLayers() {
    if (overlay) overlay.draw();
  }

  function setLayerNote(id, text, truncated) {
    var note = layerEls.list && layerEls.list.querySelector('[data-layer-note="' + id + '"]');
    if (!note) return;
    note.textContent = text ? ' – ' + text : '';
    note.setAttribute('data-truncated', String(Boolean(truncated)));
  }

  // --- search ----------------------------------------------------------------------------------

  var timer = null;
  function scheduleSearch(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(runSearch, delay || 0);
  }

  function runSearch() {
    var seq = ++searchSeq;
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    els.results.setAttribute('aria-busy', 'true');
    fetch(cfg.api.search + '?' + apiParams().toString(), {
      headers: { Accept: 'application/json' },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (seq !== searchSeq) return;
      els.results.removeAttribute('aria-busy');
      if (!answer.ok) return showError(answer.body);
      render(answer.body);
    }).catch(function (err) {
      if (err && err.name === 'AbortError') return;
      if (seq !== searchSeq) return;
      els.results.removeAttribute('aria-busy');
      showError(null);
    });
  }

  function showError(body) {
    var errors = (body && body.errors) || {};
    var nearError = errors.near_postcode || errors.near_town || errors.near;
    var badArgs = Object.keys(errors).filter(function (key) { return ARGS[key] && state.args[key]; });
    if (badArgs.length) {
      // an origin or cap the plugin cannot read: say so at its field, search without it
      badArgs.forEach(function (arg) {
        setDynamicError(ARGS[arg], fmt(S.dynamic_bad_argument, { value: state.args[arg] }));
        delete state.args[arg];
        if (state.sort === ARGS[arg]) state.sort = 'name';
      });
      saveUrl(false);
      updateBadges();
      scheduleSearch(0);
      return;
    }
    var badFilters = Object.keys(errors).filter(function (key) { return state.filters[key]; });
    if (badFilters.length) {
      // a value of a link that the filter no longer knows: search without it and say so
      badFilters.forEach(function (key) { delete state.filters[key]; });
      droppedNote = true;
      saveUrl(false);
      updateBadges();
      scheduleSearch(0);
      return;
    }
    if (nearError) {
      setNearError(S.near_unknown);
      state.nearKind = null;
      state.nearValue = '';
      place = null;
      drawNear();
      saveUrl(false);
      scheduleSearch(0);
      return;
    }
    els.message.hidden = false;
    els.message.className = 'result-message error';
    els.message.textContent = S.results_error;
    els.list.replaceChildren();
    symbols.clearLayers();
    els.count.textContent = S.results_count_none;
    els.count.setAttribute('data-total', '0');
    updateResultButtons(0);
  }

  /** The sheet's "N Ergebnisse anzeigen" and the list tab carry the live count. */
  function updateResultButtons(total) {
    els.showResults.textContent = total === 0 ? S.show_results_none
      : total === 1 ? S.show_results_one : fmt(S.show_results, { n: RK.number(total) });
    els.showResults.setAttribute('data-total', String(total));
    els.viewListCount.textContent = RK.number(total);
    els.viewListCount.hidden = false;
  }

  function countText(n) {
    if (n === 0) return S.results_count_none;
    if (n === 1) return S.results_count_one;
    return fmt(S.results_count, { n: RK.number(n) });
  }

  function announce(text, force) {
    if (!force && text === lastAnnounced) return;
    lastAnnounced = text;
    els.live.textContent = '';
    window.setTimeout(function () { els.live.textContent = text; }, 60);
  }

  function render(result) {
    lastResult = result;
    els.count.textContent = countText(result.total);
    els.count.setAttribute('data-total', String(result.total));
    updateResultButtons(result.total);
    els.list.setAttribute('data-total', String(result.total));
    var notes = [droppedNote ? S.link_filter_dropped : '', result.total === 0 ? S.no_results : ''];
    droppedNote = false;
    els.message.hidden = !notes.some(Boolean);
    els.message.className = 'result-message';
    els.message.textContent = notes.filter(Boolean).join(' ');
    renderList(result);
    renderPager(result);
    drawSymbols(result);
    if (fitNext) { fitNext = false; fitToResults(result); }
    updateFacets(result);
    renderChips();
    updateSortOptions();
    els.sort.value = state.sort;
    els.sort.querySelector('option[value="distance"]').disabled = !state.nearKind;
    drawLayers();
    document.body.setAttribute('data-search-done', String(searchSeq));
    if (pendingFocus) restoreFocus(result);
    else announce(fmt(S.results_announce, { n: RK.number(result.total) }));
  }

  function choiceLabel(key, value) {
    var spec = specByKey[key];
    if (!spec) return value;
    for (var i = 0; i < spec.choices.length; i++) {
      if (spec.choices[i].value === value) return spec.choices[i].label;
    }
    return value;
  }

  function distanceText(m) {
    return fmt(S.distance, { km: RK.format.metres(m) });
  }

  /** A filter label without its unit in brackets ("Mit Bus und Bahn erreichbar (Minuten)"). */
  function shortLabel(spec) {
    return spec.label.replace(/\s*\([^)]*\)$/, '');
  }

  /** The hit's values of active dynamic filters: "Mit Bus und Bahn erreichbar: 23 min". */
  function dynamicValues(hit) {
    var keys = Object.keys(hit.dynamic || {}).filter(function (key) { return specByKey[key]; });
    if (!keys.length) return null;
    return h('p', { className: 'distance dynamic' }, keys.map(function (key, i) {
      var spec = specByKey[key];
      var value = hit.dynamic[key];
      var text = value === null || value === undefined || !isFinite(value) ? S.dynamic_unknown
        : RK.format.quantity(value, spec.unit);
      return h('span', { 'data-dynamic': key, text: (i ? ' · ' : '') + shortLabel(spec) + ': ' + text });
    }));
  }

  /** Offer sorting by every dynamic filter whose argument is given. */
  function updateSortOptions() {
    els.sort.querySelectorAll('option[data-dynamic]').forEach(function (o) { o.remove(); });
    Object.keys(KEY_ARG).forEach(function (key) {
      if (!sortable(state, key) || !specByKey[key]) return;
      els.sort.appendChild(h('option', { value: key, 'data-dynamic': '', text: shortLabel(specByKey[key]) }));
    });
    if (state.sort !== 'name' && state.sort !== 'distance' && !sortable(state, state.sort)) state.sort = 'name';
  }

  function companyUrl(slug) {
    var url = cfg.urls.company.replace('__slug__', encodeURIComponent(slug));
    return cfg.langArg ? url + '?lang=' + cfg.langArg : url;
  }

  function renderList(result) {
    var items = result.items.map(function (hit) {
      var id = 'hit-' + hit.id;
      // size labels explain themselves in brackets ("Kleinstunternehmen (unter 10 ...)"); the list keeps the name
      var size = choiceLabel('size', hit.size).replace(/\s*\(.*\)$/, '');
      var industry = choiceLabel('industry', hit.industry);
      var compactMeta = [hit.town, size, industry].filter(Boolean).join(' · ');
      var meta = [hit.town, size].filter(Boolean).join(' · ');
      return h('li', { className: 'hit' + (hit.slug === state.company ? ' selected' : ''), 'data-slug': hit.slug }, [
        h('article', { 'aria-labelledby': id }, [
          h('div', { className: 'hit-text' }, [
            h('h3', { id: id }, [h('a', { href: companyUrl(hit.slug), text: hit.name })]),
            h('p', { className: 'meta meta-compact', title: compactMeta }, [
              hit.is_demo ? h('span', { className: 'tag-demo', title: S.demo_badge, text: S.demo_tag }) : null,
              compactMeta
            ]),
            h('p', { className: 'meta meta-detailed', text: meta }),
            h('p', { className: 'meta industry', text: industry }),
            hit.distance_m !== null && hit.distance_m !== undefined
              ? h('p', { className: 'distance', text: distanceText(hit.distance_m) }) : null,
            dynamicValues(hit),
            badgeLine(hit),
            hit.is_demo ? h('p', { className: 'badge demo', text: S.demo_badge }) : null
          ]),
          h('div', { className: 'actions' }, [
            h('button', {
              type: 'button', className: 'button small watch', 'data-watch': hit.slug, 'data-name': hit.name,
              'data-town': hit.town, 'aria-pressed': RK.watchlist.has(hit.slug) ? 'true' : 'false', title: S.watch
            }, [h('span', { className: 'label', text: S.watch }), h('span', { className: 'sr-only', text: ': ' + hit.name })]),
            h('button', { type: 'button', className: 'button small show-on-map', 'data-show': hit.slug, title: S.show_on_map }, [
              h('span', { className: 'label', text: S.show_on_map }), h('span', { className: 'sr-only', text: ': ' + hit.name })
            ])
          ])
        ])
      ]);
    });
    els.list.replaceChildren.apply(els.list, items);
    els.list.setAttribute('start', String((result.page - 1) * result.per_page + 1));
    els.list._hits = result.items;
  }

  function renderPager(result) {
    els.pager.hidden = result.pages <= 1;
    if (result.pages <= 1) { els.pager.replaceChildren(); return; }
    var prev = h('button', { type: 'button', className: 'button small', 'data-page': result.page - 1, disabled: result.page <= 1 }, [S.prev_page]);
    var next = h('button', { type: 'button', className: 'button small', 'data-page': result.page + 1, disabled: result.page >= result.pages }, [S.next_page]);
    var where = h('span', { className: 'page-of', text: fmt(S.page_of, { page: RK.number(result.page), pages: RK.number(result.pages) }) });
    els.pager.replaceChildren(prev, where, next);
  }

  els.pager.addEventListener('click', function (event) {
    var button = event.target.closest('[data-page]');
    if (!button || button.disabled) return;
    state.page = parseInt(button.getAttribute('data-page'), 10);
    saveUrl(true);
    runSearch();
    els.heading.setAttribute('tabindex', '-1');
    els.heading.focus();
  });

  els.list.addEventListener('click', function (event) {
    var button = event.target.closest('[data-show]');
    if (!button) return;
    var slug = button.getAttribute('data-show');
    var hit = (els.list._hits || []).filter(function (x) { return x.slug === slug; })[0];
    if (PHONE.matches) setView('map');
    selectCompany(slug, { hit: hit, focus: true, push: true, pan: true });
  });

  // --- selected company --------------------------------------------------------------------------

  function selectCompany(slug, opts) {
    opts = opts || {};
    state.company = slug;
    if (opts.push) saveUrl(true);
    var url = cfg.urls.card.replace('__slug__', encodeURIComponent(slug)) + (cfg.langArg ? '?lang=' + cfg.langArg : '');
    fetch(url).then(function (response) {
      if (!response.ok) throw new Error('gone');
      return response.text();
    }).then(function (html) {
      if (state.company !== slug) return;
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var card = doc.querySelector('.card');
      if (!card) return;
      var close = h('button', { type: 'button', className: 'close', 'aria-label': S.close_selection }, [
        h('span', { 'aria-hidden': 'true', text: '×' })
      ]);
      close.addEventListener('click', function () { clearSelection(true, true); });
      els.selection.replaceChildren(h('h2', { className: 'sr-only', text: S.selected }), document.adoptNode(card), close);
      els.selection.hidden = false;
      RK.opened(els.selection, function () { clearSelection(true, true); });
      RK.watchlist.syncButtons(els.selection);
      var lat = parseFloat(card.getAttribute('data-lat'));
      var lon = parseFloat(card.getAttribute('data-lon'));
      selectionLayer.clearLayers();
      L.circleMarker([lat, lon], {
        radius: 18, color: '#073763', weight: 4, fill: false, interactive: false
      }).addTo(selectionLayer);
      if (opts.pan) {
        map.setView([lat, lon], Math.max(map.getZoom(), 15));
      }
      markSelected();
      if (opts.focus) card.querySelector('h3').focus();
    }).catch(function () {
      clearSelection(false);
    });
  }

  /** Close the card; ``focus``: move focus to the symbol of the company (else the map). */
  function clearSelection(push, focus) {
    var slug = state.company;
    state.company = null;
    var hadFocus = els.selection.contains(document.activeElement);
    els.selection.hidden = true;
    els.selection.replaceChildren();
    RK.closed(els.selection);
    selectionLayer.clearLayers();
    markSelected();
    if (push) saveUrl(true);
    if (focus || hadFocus) {
      var symbol = slug && els.map.querySelector('.rk-symbol[data-slug="' + (window.CSS ? CSS.escape(slug) : slug) + '"]');
      (symbol || els.map).focus({ preventScroll: true });
    }
  }

  function markSelected() {
    els.list.querySelectorAll('.hit').forEach(function (li) {
      li.classList.toggle('selected', li.getAttribute('data-slug') === state.company);
    });
    symbols.eachLayer(function (layer) {
      var el = layer.getElement();
      if (el && el.hasAttribute('data-slug')) {
        el.classList.toggle('selected', el.getAttribute('data-slug') === state.company);
      }
    });
  }

  // --- filter panel ------------------------------------------------------------------------------

  function fold(text) {
    return String(text).toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss');
  }

  function uid(key, i) {
    return 'f-' + key + '-' + i;
  }

  function summaryBadge(key) {
    return h('span', { className: 'count-badge', 'data-badge': key, hidden: true });
  }

  function buildChoiceFilter(spec) {
    var selected = state.filters[spec.key] || [];
    var many = spec.choices.length > 12;
    var groups = cfg.groupLabels[spec.key] || {};
    var grouped = many && Object.keys(groups).length > 1;
    var helpId = 'help-' + spec.key;
    var list = h('ul', { className: 'options' + (many ? ' scroll' : '') });
    var currentGroup = null;
    var groupList = list;
    spec.choices.forEach(function (choice, i) {
      if (grouped && choice.group !== currentGroup) {
        currentGroup = choice.group;
        var gid = 'g-' + spec.key + '-' + i;
        groupList = h('ul', { className: 'options' });
        list.appendChild(h('li', { className: 'option-group-item' }, [
          h('div', { role: 'group', 'aria-labelledby': gid }, [
            h('span', { className: 'option-group', id: gid, text: groups[choice.group] || S.group_other }),
            groupList
          ])
        ]));
      }
      var id = uid(spec.key, i);
      groupList.appendChild(h('li', { className: 'option', 'data-value': choice.value, 'data-fold': fold(choice.label) }, [
        h('input', {
          type: 'checkbox', id: id, name: spec.key, value: choice.value, 'data-filter': spec.key,
          checked: selected.indexOf(choice.value) >= 0
        }),
        h('label', { for: id }, [
          h('span', { className: 'name', text: choice.label }), ' ',
          h('span', { className: 'count', 'data-count': '' })
        ])
      ]));
    });
    var body = [];
    if (spec.help) body.push(h('p', { className: 'filter-help', id: helpId, text: spec.help }));
    if (many) {
      var searchId = 'search-' + spec.key;
      var input = h('input', {
        type: 'search', id: searchId, className: 'picker-search', autocomplete: 'off',
        placeholder: S.filter_search_placeholder, 'aria-controls': 'options-' + spec.key
      });
      var none = h('p', { className: 'no-match', hidden: true, text: S.no_options_match });
      input.addEventListener('input', function () {
        var wanted = fold(input.value.trim());
        var shown = 0;
        list.querySelectorAll('.option').forEach(function (li) {
          var match = !wanted || li.getAttribute('data-fold').indexOf(wanted) >= 0 ||
            li.getAttribute('data-value').toLowerCase() === wanted;
          li.hidden = !match;
          if (match) shown++;
        });
        list.querySelectorAll('.option-group-item').forEach(function (g) {
          g.hidden = !g.querySelector('.option:not([hidden])');
        });
        none.hidden = shown > 0;
      });
      body.push(h('label', { for: searchId, className: 'picker-search-label', text: fmt(S.filter_search, { label: spec.label }) }), input, none);
    }
    list.id = 'options-' + spec.key;
    body.push(h('fieldset', spec.help ? { 'aria-describedby': helpId } : null, [
      h('legend', { className: 'sr-only', text: spec.label }), list
    ]));
    return h('details', { className: 'filter', 'data-key': spec.key, open: selected.length > 0 }, [
      h('summary', null, [h('span', { text: spec.label }), summaryBadge(spec.key)]),
      h('div', { className: 'filter-body' }, body)
    ]);
  }

  /** A composite filter (Kita: distance + age group + open until) as one control: a select per
   * dimension; the chosen options pick the one choice whose parts match (one URL value). */
  function compositeParts(spec) {
    var value = (state.filters[spec.key] || [])[0];
    for (var i = 0; i < spec.choices.length; i++) {
      if (spec.choices[i].value === value) return Object.assign({}, spec.choices[i].parts);
    }
    return {};
  }

  function compositeChoice(spec, parts) {
    var missing = spec.dimensions.some(function (d) { return d.required && !parts[d.key]; });
    if (missing) return null;
    var keys = Object.keys(parts).filter(function (k) { return parts[k]; });
    for (var i = 0; i < spec.choices.length; i++) {
      var p = spec.choices[i].parts || {};
      if (Object.keys(p).length === keys.length && keys.every(function (k) { return p[k] === parts[k]; })) {
        return spec.choices[i];
      }
    }
    return null;
  }

  function buildCompositeFilter(spec) {
    var parts = compositeParts(spec);
    var helpId = 'help-' + spec.key;
    var rows = spec.dimensions.map(function (dim) {
      var id = uid(spec.key, 'd-' + dim.key);
      var select = h('select', { id: id, 'data-dimension': dim.key, 'data-composite': spec.key },
        [h('option', { value: '', text: dim.required ? S.composite_off : S.composite_any, 'data-label': dim.required ? S.composite_off : S.composite_any })]
          .concat(dim.options.map(function (o) {
            return h('option', { value: o.value, text: o.label, 'data-label': o.label, selected: parts[dim.key] === o.value });
          })));
      select.addEventListener('change', function () {
        var wanted = {};
        spec.dimensions.forEach(function (d) {
          var v = $(uid(spec.key, 'd-' + d.key)).value;
          if (v) wanted[d.key] = v;
        });
        var choice = compositeChoice(spec, wanted);
        var rest = (state.filters[spec.key] || []).slice(1);
        if (choice) state.filters[spec.key] = [choice.value].concat(rest.filter(function (v) { return v !== choice.value; }));
        else if (rest.length) state.filters[spec.key] = rest;
        else delete state.filters[spec.key];
        filtersChanged();
      });
      return h('div', { className: 'composite-row' }, [h('label', { for: id, text: dim.label }), select]);
    });
    var result = h('p', { className: 'composite-count', 'data-composite-count': spec.key, 'aria-live': 'polite' });
    return h('details', { className: 'filter', 'data-key': spec.key, 'data-composite': '', open: !!(state.filters[spec.key] || []).length }, [
      h('summary', null, [h('span', { text: spec.label }), summaryBadge(spec.key)]),
      h('div', { className: 'filter-body' }, [
        spec.help ? h('p', { className: 'filter-help', id: helpId, text: spec.help }) : null,
        h('fieldset', spec.help ? { 'aria-describedby': helpId } : null, [h('legend', { className: 'sr-only', text: spec.label })].concat(rows)),
        result
      ])
    ]);
  }

  /** Facet counts on a composite control: each option says what choosing it would give. */
  function updateComposite(spec, byValue) {
    var parts = compositeParts(spec);
    spec.dimensions.forEach(function (dim) {
      var select = $(uid(spec.key, 'd-' + dim.key));
      if (!select) return;
      select.value = parts[dim.key] || '';
      Array.prototype.forEach.call(select.options, function (option) {
        var wanted = Object.assign({}, parts);
        if (option.value) wanted[dim.key] = option.value; else delete wanted[dim.key];
        var choice = compositeChoice(spec, wanted);
        var facet = choice && byValue[choice.value];
        var label = option.getAttribute('data-label');
        option.textContent = facet ? label + ' (' + RK.number(facet.count) + ')' : label;
      });
    });
    var current = compositeChoice(spec, parts);
    var count = els.panel.querySelector('[data-composite-count="' + spec.key + '"]');
    if (count) count.textContent = current && byValue[current.value] ? fmt(S.composite_count, { n: RK.number(byValue[current.value].count) }) : '';
  }

  function buildBoolFilter(spec) {
    var id = uid(spec.key, 0);
    return h('div', { className: 'switch-row filter-bool', 'data-key': spec.key }, [
      h('span', { className: 'option', 'data-value': 'true' }, [
        h('input', { type: 'checkbox', id: id, 'data-filter': spec.key, value: 'true', checked: (state.filters[spec.key] || []).length > 0 }),
        h('label', { for: id }, [h('span', { className: 'name', text: spec.label }), ' ', h('span', { className: 'count', 'data-count': '' })])
      ])
    ]);
  }

  function buildRangeFilter(spec) {
    var current = ((state.filters[spec.key] || [])[0] || '').split('..');
    var decimals = spec.unit === 'km';
    var numberAttrs = function (id, value) {
      return { type: 'number', id: uid(spec.key, id), min: spec.minimum, max: spec.maximum, step: 'any',
        inputmode: decimals ? 'decimal' : 'numeric', value: value || null };
    };
    var lo = h('input', numberAttrs('lo', current[0]));
    var hi = h('input', numberAttrs('hi', current[1]));
    var unit = spec.unit ? ' (' + RK.format.unit(spec.unit) + ')' : '';
    var apply = h('button', { type: 'submit', className: 'button small', text: S.apply });
    var arg = spec.argument;
    var argInput = null;
    var argRow = null;
    if (arg) {
      // a dynamic filter: its argument (an origin, a rent cap) first, then the range
      argInput = h('input', {
        type: 'text', id: uid(spec.key, 'arg'), name: arg, autocomplete: 'off', 'data-argument': arg,
        value: state.args[arg] || null,
        'aria-describedby': (spec.argument_help ? 'help-' + spec.key + '-arg ' : '') + 'error-' + spec.key
      });
      argRow = h('div', { className: 'argument-row' }, [
        h('label', { for: argInput.id }, [spec.argument_label || arg, argInput]),
        spec.argument_help ? h('p', { className: 'filter-help', id: 'help-' + spec.key + '-arg', text: spec.argument_help }) : null
      ]);
    }
    var form = h('form', { className: 'range-form', 'data-range': spec.key }, [
      argRow,
      h('div', { className: 'range-row' }, [
        h('label', { for: lo.id }, [S.range_from + unit, lo]),
        h('label', { for: hi.id }, [S.range_to + unit, hi]),
        apply
      ]),
      arg ? h('p', { id: 'error-' + spec.key, className: 'field-error', role: 'alert', hidden: true }) : null
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var value = (lo.value || '') + '..' + (hi.value || '');
      if (value === '..') delete state.filters[spec.key];
      else state.filters[spec.key] = [value];
      if (arg) {
        var text = argInput.value.trim();
        if (text) state.args[arg] = text;
        else delete state.args[arg];
        if (!text && value !== '..') {
          setDynamicError(spec.key, fmt(S.dynamic_needs_argument, { argument: spec.argument_label || arg }));
          argInput.focus();
        } else {
          setDynamicError(spec.key, '');
        }
        if (state.sort === spec.key && !text) state.sort = 'name';
        if (text && state.sort === 'name' && !state.nearKind) state.sort = spec.key;
      }
      filtersChanged();
    });
    var helpId = 'help-' + spec.key;
    var open = !!(current[0] || current[1] || (arg && state.args[arg]));
    return h('details', { className: 'filter', 'data-key': spec.key, open: open }, [
      h('summary', null, [h('span', { text: spec.label }), summaryBadge(spec.key)]),
      h('div', { className: 'filter-body' }, [
        spec.help && !arg ? h('p', { className: 'filter-help', id: helpId, text: spec.help }) : null,
        h('fieldset', null, [h('legend', { className: 'sr-only', text: spec.label }), form])
      ])
    ]);
  }

  function setDynamicError(key, text) {
    var el = $('error-' + key);
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  }

  var near = {};
  function buildNearFilter(spec) {
    // ARIA 1.2 combobox with a list of suggestions from /api/v1/places
    near.input = h('input', {
      type: 'text', id: 'near-place', autocomplete: 'off', role: 'combobox',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'near-options',
      'aria-describedby': 'near-hint near-error', value: state.nearKind && state.nearKind !== 'near' ? state.nearValue : ''
    });
    near.options = h('ul', { id: 'near-options', className: 'combo-options', role: 'listbox', 'aria-label': S.near_place, hidden: true });
    near.status = h('p', { id: 'near-status', className: 'sr-only', 'aria-live': 'polite' });
    near.didYouMean = h('div', { className: 'did-you-mean', hidden: true });
    near.radius = h('select', { id: 'near-radius' }, RADII.map(function (r) {
      return h('option', { value: String(r), text: RK.format.km(r), selected: r === state.radius });
    }));
    near.error = h('p', { id: 'near-error', className: 'field-error', role: 'alert', hidden: true });
    near.me = h('button', { type: 'button', className: 'button small', id: 'near-me', text: S.near_me });
    near.clear = h('button', { type: 'button', className: 'button small', id: 'near-clear', text: S.near_clear, hidden: !state.nearKind });
    var form = h('form', { className: 'near-form', 'data-near': '' }, [
      h('div', { className: 'near-row' }, [
        h('div', { className: 'place combo' }, [
          h('label', { for: 'near-place' }, [S.near_place, near.input]), near.options
        ]),
        h('label', { for: 'near-radius' }, [S.near_radius, near.radius]),
        h('button', { type: 'submit', className: 'button small', text: S.apply })
      ]),
      h('p', { id: 'near-hint', className: 'filter-help', text: S.near_place_hint }),
      near.error,
      near.didYouMean,
      near.status,
      h('div', { className: 'near-actions' }, [near.me, near.clear])
    ]);
    setUpPlaceCombobox();
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = near.input.value.trim();
      setNearError('');
      if (!text) {
        if (state.nearKind) { state.radius = parseFloat(near.radius.value); nearChanged(); }
        return;
      }
      closeOptions();
      state.nearKind = /^\d{5}$/.test(text) ? 'near_postcode' : 'near_town';
      state.nearValue = text;
      state.radius = parseFloat(near.radius.value);
      state.sort = 'distance';
      nearChanged();
    });
    near.radius.addEventListener('change', function () {
      if (!state.nearKind) return;
      state.radius = parseFloat(near.radius.value);
      nearChanged();
    });
    near.me.addEventListener('click', function () {
      if (!navigator.geolocation) { setNearError(S.near_me_failed); return; }
      near.me.textContent = S.near_me_busy;
      navigator.geolocation.getCurrentPosition(function (pos) {
        near.me.textContent = S.near_me;
        state.nearKind = 'near';
        // about 100 m is precise enough for a radius search and keeps the position vague
        state.nearValue = pos.coords.latitude.toFixed(3) + ',' + pos.coords.longitude.toFixed(3);
        state.radius = parseFloat(near.radius.value);
        state.sort = 'distance';
        near.input.value = '';
        setNearError('');
        nearChanged();
      }, function () {
        near.me.textContent = S.near_me;
        setNearError(S.near_me_failed);
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
    });
    near.clear.addEventListener('click', function () {
      clearNear();
      near.input.focus();
    });
    return h('details', { className: 'filter', 'data-key': spec.key, open: !!state.nearKind }, [
      h('summary', null, [h('span', { text: S.near_heading }), summaryBadge(spec.key)]),
      h('div', { className: 'filter-body' }, [form])
    ]);
  }

  function setNearError(text, suggestions) {
    if (!near.error) return;
    near.error.textContent = text;
    near.error.hidden = !text;
    // a misspelt place: the closest names as buttons that search there
    var list = text && suggestions && suggestions.length ? suggestions : [];
    near.didYouMean.replaceChildren.apply(near.didYouMean, list.length ? [
      h('span', { text: S.near_did_you_mean + ' ' })
    ].concat(list.map(function (label) {
      var b = h('button', { type: 'button', className: 'button small link', text: label });
      b.addEventListener('click', function () { choosePlace(label); });
      return b;
    })) : []);
    near.didYouMean.hidden = !list.length;
  }

  var suggestTimer = null;
  var suggestSeq = 0;
  var optionIndex = -1;

  function setUpPlaceCombobox() {
    near.input.addEventListener('input', function () {
      window.clearTimeout(suggestTimer);
      suggestTimer = window.setTimeout(fetchSuggestions, 150);
    });
    near.input.addEventListener('keydown', function (event) {
      var items = near.options.querySelectorAll('[role="option"]');
      var open = !near.options.hidden;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        if (!open) { fetchSuggestions(); return; }
        if (!items.length) return;
        var step = event.key === 'ArrowDown' ? 1 : -1;
        highlight((optionIndex + step + items.length) % items.length);
      } else if (event.key === 'Enter' && open && optionIndex >= 0) {
        event.preventDefault();
        choosePlace(items[optionIndex].textContent);
      } else if (event.key === 'Escape' && open) {
        event.preventDefault();
        event.stopPropagation();  // closes the list only, not the panel around it
        closeOptions();
      }
    });
    near.input.addEventListener('blur', function () {
      // a click on an option lands first (mousedown keeps the focus, see below)
      window.setTimeout(closeOptions, 150);
    });
    near.options.addEventListener('mousedown', function (event) { event.preventDefault(); });
    near.options.addEventListener('click', function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) choosePlace(option.textContent);
    });
  }

  function fetchSuggestions() {
    var text = near.input.value.trim();
    var seq = ++suggestSeq;
    if (!text) { closeOptions(); return; }
    fetch(cfg.api.places + '?limit=8&q=' + encodeURIComponent(text), { headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : { places: [] }; })
      .then(function (body) {
        if (seq !== suggestSeq || near.input.value.trim() !== text) return;
        showOptions(body.places || []);
      }).catch(function () { closeOptions(); });
  }

  function showOptions(places) {
    optionIndex = -1;
    near.input.removeAttribute('aria-activedescendant');
    var items = places.map(function (p, i) {
      return h('li', { id: 'near-option-' + i, role: 'option', 'aria-selected': 'false', className: 'combo-option', text: p.label });
    });
    near.options.replaceChildren.apply(near.options, items);
    var open = items.length > 0 && document.activeElement === near.input;
    near.options.hidden = !open;
    near.input.setAttribute('aria-expanded', String(open));
    near.status.textContent = items.length ? fmt(S.near_suggestions, { n: RK.number(items.length) }) : S.near_no_suggestions;
  }

  function highlight(index) {
    var items = near.options.querySelectorAll('[role="option"]');
    items.forEach(function (item, i) { item.setAttribute('aria-selected', String(i === index)); });
    optionIndex = index;
    near.input.setAttribute('aria-activedescendant', items[index].id);
    items[index].scrollIntoView({ block: 'nearest' });
  }

  function closeOptions() {
    if (!near.options) return;
    window.clearTimeout(suggestTimer);
    suggestSeq++;  // an answer still on its way opens nothing
    near.options.hidden = true;
    near.input.setAttribute('aria-expanded', 'false');
    near.input.removeAttribute('aria-activedescendant');
    optionIndex = -1;
  }

  /** Search around a place chosen from the suggestions. */
  function choosePlace(label) {
    near.input.value = label;
    closeOptions();
    setNearError('');
    near.input.focus();
    state.nearKind = /^\d{5}$/.test(label) ? 'near_postcode' : 'near_town';
    state.nearValue = label;
    state.radius = parseFloat(near.radius.value);
    state.sort = 'distance';
    nearChanged();
  }

  function clearNear() {
    state.nearKind = null;
    state.nearValue = '';
    state.sort = 'name';
    if (near.input) near.input.value = '';
    nearChanged();
  }

  function nearChanged() {
    state.page = 1;
    if (near.clear) near.clear.hidden = !state.nearKind;
    saveUrl(true);
    resolvePlace(true);
  }

  /** Find the centre of the radius search to draw it, and fit the map to the circle. */
  function resolvePlace(fit) {
    place = null;
    if (!state.nearKind) { drawNear(); runSearch(); return; }
    if (state.nearKind === 'near') {
      var parts = state.nearValue.split(',').map(Number);
      place = { lat: parts[0], lon: parts[1], label: S.near_my_location };
      afterPlace(fit);
      return;
    }
    fetch(cfg.urls.place + '?q=' + encodeURIComponent(state.nearValue) + '&lang=' + cfg.lang)
      .then(function (response) {
        return response.json().then(function (body) { return response.ok ? body : { missing: body }; });
      })
      .then(function (found) {
        if (!found || found.missing) {
          setNearError(S.near_unknown, found && found.missing && found.missing.suggestions);
          state.nearKind = null;
          state.nearValue = '';
          state.sort = 'name';
          saveUrl(false);
          drawNear();
          runSearch();
          return;
        }
        place = found;
        afterPlace(fit);
      }).catch(function () { runSearch(); });
  }

  function afterPlace(fit) {
    drawNear();
    if (fit && place) {
      var circle = L.circle([place.lat, place.lon], { radius: state.radius * 1000 });
      nearLayer.addLayer(circle);
      var bounds = circle.getBounds();
      suppressMove = true;
      map.fitBounds(bounds, { animate: false });
      suppressMove = false;
      saveUrl(false);
      drawNear();
    }
    runSearch();
  }

  function drawNear() {
    nearLayer.clearLayers();
    if (!place || !state.nearKind) return;
    L.circle([place.lat, place.lon], {
      radius: state.radius * 1000, color: '#c25100', weight: 2, fillOpacity: 0.06, interactive: false
    }).addTo(nearLayer);
    L.circleMarker([place.lat, place.lon], {
      radius: 6, color: '#fff', weight: 2, fillColor: '#c25100', fillOpacity: 1, interactive: false
    }).addTo(nearLayer);
  }

  function buildInViewSwitch() {
    var input = h('input', { type: 'checkbox', id: 'in-view', checked: state.inView });
    input.addEventListener('change', function () {
      state.inView = input.checked;
      state.page = 1;
      saveUrl(true);
      runSearch();
    });
    return h('div', { className: 'switch-row' }, [input, h('label', { for: 'in-view', text: S.in_view })]);
  }

  // the filters people look for first; the others wait behind "Weitere Filter"
  var PRIMARY = ['profession', 'industry', 'near', 'town', 'family'];

  function buildFilter(spec) {
    if (spec.kind === 'geo') return spec.key === 'near' ? buildNearFilter(spec) : null;
    if ((spec.kind === 'choice' || spec.kind === 'multichoice') && spec.dimensions && spec.dimensions.length) {
      return buildCompositeFilter(spec);
    }
    if (spec.kind === 'choice' || spec.kind === 'multichoice') return buildChoiceFilter(spec);
    if (spec.kind === 'bool') return buildBoolFilter(spec);
    if (spec.kind === 'range') return buildRangeFilter(spec);
    return null;
  }

  function isActive(key) {
    return !!((state.filters[key] || []).length || (KEY_ARG[key] && state.args[KEY_ARG[key]]) ||
      (key === 'near' && state.nearKind));
  }

  function buildPanel() {
    var primary = [];
    var more = [];
    var hasBbox = false;
    specs.forEach(function (spec) {
      if (spec.kind === 'text') return;  // the search field above the map
      if (spec.key === 'bbox') { hasBbox = true; return; }
      if (PRIMARY.indexOf(spec.key) < 0) { var node = buildFilter(spec); if (node) more.push(node); }
    });
    PRIMARY.forEach(function (key) {
      var spec = specByKey[key];
      var node = spec && buildFilter(spec);
      if (node) primary.push(node);
    });
    var nodes = hasBbox ? [buildInViewSwitch()] : [];
    nodes = nodes.concat(primary);
    if (more.length) {
      var moreOpen = specs.some(function (spec) { return PRIMARY.indexOf(spec.key) < 0 && isActive(spec.key); });
      nodes.push(h('details', { className: 'more-filters', id: 'more-filters', open: moreOpen }, [
        h('summary', null, [h('span', { text: S.more_filters }), summaryBadge('__more')]),
        h('div', { className: 'more-body' }, more)
      ]));
    }
    els.panel.replaceChildren.apply(els.panel, nodes);
    els.panel.removeAttribute('aria-busy');
    if (lastResult) updateFacets(lastResult);
    updateBadges();
  }

  els.panel.addEventListener('change', function (event) {
    var input = event.target;
    if (!input.matches('input[type="checkbox"][data-filter]')) return;
    var key = input.getAttribute('data-filter');
    var values = state.filters[key] || [];
    if (input.checked) {
      if (values.indexOf(input.value) < 0) values.push(input.value);
    } else {
      values = values.filter(function (v) { return v !== input.value; });
    }
    if (values.length) state.filters[key] = values;
    else delete state.filters[key];
    // choosing a town moves the map to its results
    if (key === 'town' && input.checked) fitNext = true;
    filtersChanged();
  });

  function filtersChanged() {
    state.page = 1;
    saveUrl(true);
    updateBadges();
    runSearch();
  }

  function updateFacets(result) {
    if (!specs.length) return;
    Object.keys(result.facets).forEach(function (key) {
      var byValue = {};
      result.facets[key].forEach(function (f) { byValue[f.value] = f; });
      var container = els.panel.querySelector('[data-key="' + key + '"]');
      if (!container) return;
      if (container.hasAttribute('data-composite')) { updateComposite(specByKey[key], byValue); return; }
      container.querySelectorAll('.option').forEach(function (li) {
        var facet = byValue[li.getAttribute('data-value')];
        if (!facet) return;
        var input = li.querySelector('input');
        var checked = (state.filters[key] || []).indexOf(input.value) >= 0;
        input.checked = checked;
        li.querySelector('[data-count]').textContent = '(' + RK.number(facet.count) + ')';
        li.setAttribute('data-count', String(facet.count));
        // an option that gives nothing stays visible, disabled (unless it is chosen)
        input.disabled = facet.count === 0 && !checked;
        li.classList.toggle('empty', facet.count === 0 && !checked);
      });
    });
  }

  function updateBadges() {
    Object.keys(specByKey).forEach(function (key) {
      var badge = els.panel.querySelector('[data-badge="' + key + '"]');
      if (!badge) return;
      var n = key === 'near' ? (state.nearKind ? 1 : 0) : (state.filters[key] || []).length;
      if (KEY_ARG[key] && state.args[KEY_ARG[key]]) n = 1;
      badge.hidden = n === 0;
      badge.textContent = n ? String(n) : '';
      if (n) badge.setAttribute('aria-label', fmt(S.selected_count, { n: n }));
    });
    var moreBadge = els.panel.querySelector('[data-badge="__more"]');
    if (moreBadge) {
      var inside = specs.filter(function (spec) {
        return spec.key !== 'bbox' && spec.kind !== 'text' && PRIMARY.indexOf(spec.key) < 0 && isActive(spec.key);
      }).length;
      moreBadge.hidden = inside === 0;
      moreBadge.textContent = inside ? String(inside) : '';
      if (inside) moreBadge.setAttribute('aria-label', fmt(S.selected_count, { n: inside }));
    }
    var n = activeCount();
    els.filterCount.hidden = n === 0;
    els.filterCount.textContent = n ? String(n) : '';
  }

  // --- chips ---------------------------------------------------------------------------------------

  function renderChips() {
    var chips = [];
    function chip(label, onRemove) {
      var button = h('button', { type: 'button', className: 'chip' }, [
        h('span', { className: 'sr-only', text: fmt(S.remove_filter, { label: '' }) }),
        h('span', { text: label }),
        h('span', { className: 'x', 'aria-hidden': 'true', text: '×' })
      ]);
      button.addEventListener('click', function () {
        var items = Array.prototype.slice.call(els.chipList.querySelectorAll('.chip'));
        var index = items.indexOf(button);
        onRemove();
        focusChipAfterRemoval(index);
      });
      chips.push(h('li', null, [button]));
    }
    if (state.q) chip('„' + state.q + '“', function () { state.q = ''; els.q.value = ''; filtersChanged(); });
    if (state.nearKind) {
      var label = state.nearKind === 'near' ? S.near_my_location : (place ? place.label : state.nearValue);
      chip(fmt(S.near_chip, { radius: RK.format.km(state.radius), place: label }), clearNear);
    }
    Object.keys(KEY_ARG).forEach(function (key) {
      var arg = KEY_ARG[key];
      var spec = specByKey[key];
      if (!spec || (!state.args[arg] && !state.filters[key])) return;
      var range = state.filters[key] ? rangeText(spec, state.filters[key][0]) : '';
      var argument = (spec.argument_label || arg).replace(/\s*\([^)]*\)$/, '') + ': ' + (state.args[arg] || '?');
      chip(shortLabel(spec) + ': ' + [range, argument].filter(Boolean).join(' · '), function () {
        clearDynamic(key);
        filtersChanged();
      });
    });
    Object.keys(state.filters).forEach(function (key) {
      var spec = specByKey[key];
      if (KEY_ARG[key]) return;  // a chip of its own above
      state.filters[key].forEach(function (value) {
        var text = spec ? spec.label + ': ' : key + ': ';
        if (spec && spec.kind === 'bool') text = spec.label;
        else if (spec && spec.kind === 'range') text += rangeText(spec, value);
        else text += choiceLabel(key, value);
        chip(text, function () {
          state.filters[key] = state.filters[key].filter(function (v) { return v !== value; });
          if (!state.filters[key].length) delete state.filters[key];
          if (spec && spec.kind === 'range') {
            var lo = $(uid(key, 'lo')); var hi = $(uid(key, 'hi'));
            if (lo) lo.value = ''; if (hi) hi.value = '';
          }
          filtersChanged();
        });
      });
    });
    if (chips.length > 1) {
      var reset = h('button', { type: 'button', className: 'chip reset', text: S.reset_all });
      reset.addEventListener('click', function () { resetAll(); els.heading.setAttribute('tabindex', '-1'); els.heading.focus(); });
      chips.push(h('li', null, [reset]));
    }
    els.chipList.replaceChildren.apply(els.chipList, chips);
    els.chips.hidden = chips.length === 0;
  }

  /** A range value ("10..49", "..30", "1.5..") in words: "10 bis 49", "bis 30 Min.", "ab 1,5 km". */
  function rangeText(spec, value) {
    var parts = String(value).split('..');
    var q = function (v) { return RK.format.quantity(parseFloat(v), spec.unit || ''); };
    var lo = parts[0] !== '' && isFinite(parseFloat(parts[0]));
    var hi = parts.length > 1 && parts[1] !== '' && isFinite(parseFloat(parts[1]));
    if (lo && hi) return fmt(S.range_between, { low: q(parts[0]), high: q(parts[1]) });
    if (lo) return fmt(S.range_at_least, { value: q(parts[0]) });
    if (hi) return fmt(S.range_at_most, { value: q(parts[1]) });
    return value;
  }

  function clearDynamic(key) {
    delete state.filters[key];
    delete state.args[KEY_ARG[key]];
    if (state.sort === key) state.sort = 'name';
    [uid(key, 'lo'), uid(key, 'hi'), uid(key, 'arg')].forEach(function (id) { if ($(id)) $(id).value = ''; });
    setDynamicError(key, '');
  }

  function focusChipAfterRemoval(index) {
    window.setTimeout(function () {
      var items = els.chipList.querySelectorAll('.chip');
      var target = items[Math.min(index, items.length - 1)];
      if (target) target.focus();
      else { els.heading.setAttribute('tabindex', '-1'); els.heading.focus(); }
    }, 0);
  }

  function resetAll() {
    Object.keys(KEY_ARG).forEach(clearDynamic);
    state.filters = {};
    state.q = '';
    els.q.value = '';
    state.nearKind = null;
    state.nearValue = '';
    state.sort = 'name';
    place = null;
    if (near.input) near.input.value = '';
    if (near.clear) near.clear.hidden = true;
    setNearError('');
    drawNear();
    els.panel.querySelectorAll('input[type="number"], input[data-argument]').forEach(function (i) { i.value = ''; });
    filtersChanged();
  }

  els.reset.addEventListener('click', resetAll);

  // --- other controls ------------------------------------------------------------------------------

  els.form.addEventListener('submit', function (event) {
    event.preventDefault();
    state.q = els.q.value.trim();
    filtersChanged();
  });

  els.sort.addEventListener('change', function () {
    var wanted = els.sort.value;
    state.sort = wanted === 'distance' && state.nearKind ? 'distance' : sortable(state, wanted) ? wanted : 'name';
    state.page = 1;
    saveUrl(true);
    runSearch();
  });

  // --- phones: the filter sheet, map or list ------------------------------------------------------

  // while the sheet is open the rest of the page is inert: focus and taps stay in the sheet
  var OUTSIDE_SHEET = ['.skip-links', '.site-header', '.demo-notice', '.toolbar', '#map-section', '#results', '.view-switch'];

  function setSheet(open, viaKey) {
    if (!PHONE.matches) open = false;
    var wasOpen = els.filters.classList.contains('open');
    els.filters.classList.toggle('open', open);
    els.toggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('sheet-open', open);
    if (open) {
      els.filters.setAttribute('role', 'dialog');
      els.filters.setAttribute('aria-modal', 'true');
    } else {
      els.filters.removeAttribute('role');
      els.filters.removeAttribute('aria-modal');
    }
    OUTSIDE_SHEET.forEach(function (selector) {
      document.querySelectorAll(selector).forEach(function (el) {
        if (open) el.setAttribute('inert', '');
        else el.removeAttribute('inert');
      });
    });
    if (open && !wasOpen) {
      RK.opened(els.filters, function (key) { setSheet(false, key); });
      $('filters-heading').setAttribute('tabindex', '-1');
      $('filters-heading').focus();
    } else if (!open && wasOpen) {
      RK.closed(els.filters);
      if (viaKey !== null) els.toggle.focus();
    }
  }

  function setView(view) {
    var list = view === 'list';
    document.body.classList.toggle('view-list', list);
    document.body.classList.toggle('view-map', !list);
    els.viewMap.setAttribute('aria-pressed', String(!list));
    els.viewList.setAttribute('aria-pressed', String(list));
    if (!list) map.invalidateSize();
  }

  els.toggle.addEventListener('click', function () {
    setSheet(!els.filters.classList.contains('open'), false);
  });
  els.filtersClose.addEventListener('click', function () { setSheet(false, false); });
  els.showResults.addEventListener('click', function () {
    setSheet(false, null);
    setView('list');
    els.heading.setAttribute('tabindex', '-1');
    els.heading.focus();
  });
  els.viewMap.addEventListener('click', function () { setView('map'); });
  els.viewList.addEventListener('click', function () { setView('list'); });
  PHONE.addEventListener('change', function () {
    setSheet(false, null);
    if (!PHONE.matches) setView('map');
    map.invalidateSize();
  });

  document.querySelectorAll('a[href="#filters"]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      if (!PHONE.matches) return;
      event.preventDefault();
      setSheet(true, false);
    });
  });
  document.querySelectorAll('a[href="#results"]').forEach(function (link) {
    link.addEventListener('click', function () { if (PHONE.matches) setView('list'); });
  });

  // --- list: compact (default) or detailed, remembered on this device --------------------------------
  var LIST_KEY = 'regiokarte.list-detailed.v1';
  function setListMode(detailed) {
    els.list.classList.toggle('compact', !detailed);
    els.list.classList.toggle('detailed', detailed);
    els.listMode.setAttribute('aria-pressed', String(detailed));
    try { window.localStorage.setItem(LIST_KEY, detailed ? '1' : '0'); } catch (err) { /* page only */ }
  }
  els.listMode.addEventListener('click', function () {
    setListMode(els.listMode.getAttribute('aria-pressed') !== 'true');
  });
  try { setListMode(window.localStorage.getItem(LIST_KEY) === '1'); } catch (err) { setListMode(false); }

  window.addEventListener('popstate', function () {
    var previous = state;
    state = parseUrl(window.location.search);
    els.q.value = state.q;
    if (near.input) near.input.value = state.nearKind && state.nearKind !== 'near' ? state.nearValue : '';
    if (near.clear) near.clear.hidden = !state.nearKind;
    els.panel.querySelectorAll('input[type="checkbox"][data-filter]').forEach(function (input) {
      input.checked = (state.filters[input.getAttribute('data-filter')] || []).indexOf(input.value) >= 0;
    });
    var inView = $('in-view');
    if (inView) inView.checked = state.inView;
    els.panel.querySelectorAll('input[data-argument]').forEach(function (input) {
      input.value = state.args[input.getAttribute('data-argument')] || '';
    });
    syncLayerSwitches();
    scheduleLayers(0);
    updateBadges();
    if (state.view) {
      suppressMove = true;
      map.setView([state.view.lat, state.view.lon], state.view.zoom, { animate: false });
      suppressMove = false;
    }
    if (state.company && state.company !== previous.company) selectCompany(state.company, {});
    else if (!state.company && previous.company) clearSelection(false);
    if (state.nearKind !== previous.nearKind || state.nearValue !== previous.nearValue || state.radius !== previous.radius) {
      resolvePlace(false);
    } else {
      runSearch();
    }
  });

  // --- start ------------------------------------------------------------------------------------------

  els.q.value = state.q;
  saveUrl(false);
  if (state.nearKind) resolvePlace(!state.view);
  else runSearch();
  if (state.company) selectCompany(state.company, {});

  fetch(cfg.api.layers + '?lang=' + cfg.lang, { headers: { Accept: 'application/json' } })
    .then(function (response) { return response.ok ? response.json() : { layers: [] }; })
    .then(function (body) {
      buildLayerSwitcher(body.layers || []);
      if (activeLayers().length) scheduleLayers(0);
    })
    .catch(function () { /* the map works without plugin layers */ });

  fetch(cfg.api.filters + '?lang=' + cfg.lang, { headers: { Accept: 'application/json' } })
    .then(function (response) { return response.json(); })
    .then(function (body) {
      specs = body.filters || [];
      specByKey = {};
      specs.forEach(function (spec) { specByKey[spec.key] = spec; });
      buildPanel();
      updateSortOptions();
      els.sort.value = state.sort;
      if (lastResult) renderChips();
      if (lastResult) renderList(lastResult);
    })
    .catch(function () {
      els.panel.removeAttribute('aria-busy');
      els.panel.replaceChildren(h('p', { className: 'result-message error', text: S.results_error }));
    });
})();
