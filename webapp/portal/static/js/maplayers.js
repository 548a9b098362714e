/* regiokarte web kit: the map layers of /api/v1/layers on any Leaflet map (the start page and
 * the plugins' pages). One script draws a layer's symbols in the style the server gives each
 * layer (colour, shape, glyph: core.search.markers), groups them per layer where they would
 * pile up, opens their popups and keeps a legend of what the map shows; plugin pages also get
 * the layer switcher from it. Needs Leaflet and common.js (RK: texts, numbers, Escape). */
(function () {
  'use strict';
  if (!window.L || !window.RK) return;
  var S = RK.strings;
  var fmt = RK.fmt;
  var h = RK.h;
  var SVG = 'http://www.w3.org/2000/svg';

  // outlines in a 24 x 24 box (a white rim keeps them apart from the tiles)
  var SHAPES = {
    pin: 'M12 1a9 9 0 0 0-9 9c0 6.3 9 13.5 9 13.5s9-7.2 9-13.5a9 9 0 0 0-9-9z',
    circle: 'M12 1.5a10.5 10.5 0 1 0 0 21a10.5 10.5 0 1 0 0-21z',
    square: 'M4 1.5h16a2.5 2.5 0 0 1 2.5 2.5v16a2.5 2.5 0 0 1-2.5 2.5H4A2.5 2.5 0 0 1 1.5 20V4A2.5 2.5 0 0 1 4 1.5z',
    diamond: 'M12 .8L23.2 12L12 23.2L.8 12z',
    hexagon: 'M12 .8l10 5.8v10.8l-10 5.8l-10-5.8V6.6z',
    shield: 'M2.5 1.5h19v10.5c0 6-5 9.5-9.5 11c-4.5-1.5-9.5-5-9.5-11z'
  };
  // white pictograms in the same box ([path, fill rule])
  var GLYPHS = {
    dot: ['M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6z', 'nonzero'],
    child: ['M12 5.5a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM8.5 10.5h7l-1.3 4.2V18h-1.7v-3h-1v3H9.8v-3.3z', 'nonzero'],
    bus: ['M8 6h8a1.5 1.5 0 0 1 1.5 1.5V16h-1v1.5h-2V16h-5v1.5h-2V16h-1V7.5A1.5 1.5 0 0 1 8 6zM8 8v3.5h8V8zM8.5 13.5a1 1 0 1 0 2 0a1 1 0 1 0-2 0zM13.5 13.5a1 1 0 1 0 2 0a1 1 0 1 0-2 0z', 'evenodd'],
    train: ['M9 5.5h6a2.5 2.5 0 0 1 2.5 2.5v6.5a2 2 0 0 1-2 2l1.5 2h-1.8l-1.5-2h-3.4l-1.5 2H7l1.5-2a2 2 0 0 1-2-2V8A2.5 2.5 0 0 1 9 5.5zM8.5 8v3h7V8z', 'evenodd'],
    house: ['M12 5.5l6.5 5.5h-2v6.5h-3v-4h-3v4h-3V11h-2z', 'nonzero'],
    book: ['M6 7.5c2-1.2 4.2-1.2 5.4 0v9.5c-1.4-1-3.4-1-5.4 0zM12.6 7.5c1.2-1.2 3.4-1.2 5.4 0v9.5c-2-1-4-1-5.4 0z', 'nonzero'],
    calendar: ['M6.5 7.5h11v10h-11zM8 10.5v5.5h8v-5.5zM8.5 5.5h1.6v2H8.5zM13.9 5.5h1.6v2h-1.6z', 'evenodd'],
    people: ['M9 6.5a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM15 6.5a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM5.5 17c0-3 1.5-5.2 3.5-5.2s3.5 2.2 3.5 5.2zM11.5 17c0-3 1.5-5.2 3.5-5.2s3.5 2.2 3.5 5.2z', 'nonzero'],
    briefcase: ['M10 6h4a1.2 1.2 0 0 1 1.2 1.2V8.5H18v8.5H6V8.5h2.8V7.2A1.2 1.2 0 0 1 10 6zM10.2 7.3v1.2h3.6V7.3z', 'evenodd']
  };
  // px: a group's symbol (30 px) and the next never overlap; at the region's zooms the groups
  // are coarser, so a layer's symbols do not cover the company groups there
  function groupGap(zoom) { return zoom < 12 ? 56 : 34; }
  var MAX_POPUP_LINES = 6;  // core.search.layers.MAX_POPUP_LINES

  function svgNode(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  /** The symbol of a layer style ({key, colour, shape, glyph}) as an element; with a count it
   * is the symbol of a group of that many features (the number instead of the glyph). */
  function symbol(style, count) {
    var box = document.createElement('span');
    box.className = 'rk-sym' + (count ? ' rk-sym-group' : '');
    box.setAttribute('data-style', style.key);
    box.setAttribute('data-shape', style.shape);
    box.setAttribute('data-colour', style.colour);
    box.setAttribute('aria-hidden', 'true');
    var svg = svgNode('svg', { viewBox: '0 0 24 24', focusable: 'false' });
    // presentation attributes, not style attributes: the pages' CSP forbids inline styles
    svg.appendChild(svgNode('path', {
      'class': 'rk-sym-shape', d: SHAPES[style.shape] || SHAPES.circle,
      fill: style.colour, stroke: '#ffffff', 'stroke-width': '1.5'
    }));
    var glyph = GLYPHS[style.glyph];
    if (glyph && !count) {
      svg.appendChild(svgNode('path', { 'class': 'rk-sym-glyph', d: glyph[0], fill: '#ffffff', 'fill-rule': glyph[1] }));
    }
    box.appendChild(svg);
    if (count) box.appendChild(h('span', { className: 'rk-sym-count', text: RK.number(count) }));
    return box;
  }

  function safeUrl(url) {
    // the site's own pages and web pages only (no javascript: and the like)
    return typeof url === 'string' && /^(https?:\/\/|\/(?!\/))/.test(url) ? url : null;
  }

  // properties.popup = {title, lines, link} (core's point_feature); features without one
  // show their name and url
  function popupOf(feature) {
    var p = feature.properties || {};
    return p.popup && typeof p.popup === 'object' ? p.popup : {};
  }

  function featureName(feature, def) {
    var p = feature.properties || {};
    return String(popupOf(feature).title || p.name || p.title || p.label || def.label);
  }

  /** The popup of a feature: its title, up to six lines, the layer's name, a link. */
  function popup(feature, def) {
    var p = feature.properties || {};
    var about = popupOf(feature);
    var name = featureName(feature, def);
    var url = safeUrl(about.link) || safeUrl(p.url) || safeUrl(p.href);
    var lines = Array.isArray(about.lines) ? about.lines.slice(0, MAX_POPUP_LINES) : [];
    return h('div', { className: 'rk-layer-popup' }, [
      h('p', { className: 'popup-title' }, [h('strong', { text: name })]),
      lines.length ? h('ul', { className: 'popup-lines' }, lines.map(function (line) {
        return h('li', { text: String(line) });
      })) : null,
      h('p', { className: 'popup-layer' }, [symbol(def.style), ' ', h('span', { text: def.label })]),
      url ? h('p', null, [h('a', { href: url }, [S.layer_open, h('span', { className: 'sr-only', text: ': ' + name })])]) : null
    ]);
  }

  /** The legend: a Leaflet control naming each layer the map shows with its symbol. */
  var Legend = L.Control.extend({
    options: { position: 'bottomleft' },
    onAdd: function () {
      var box = L.DomUtil.create('section', 'rk-legend');
      box.setAttribute('aria-label', S.legend_heading);
      box.appendChild(h('p', { className: 'rk-legend-title', text: S.legend_heading }));
      this._list = h('ul', { className: 'rk-legend-list' });
      box.appendChild(this._list);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this._box = box;
      this.update(this._entries || []);
      return box;
    },
    /** entries: [{id, label, style}] in the order shown. */
    update: function (entries) {
      this._entries = entries;
      if (!this._list) return;
      this._list.replaceChildren.apply(this._list, entries.map(function (e) {
        return h('li', { className: 'rk-legend-item', 'data-layer': e.id }, [symbol(e.style), ' ', h('span', { text: e.label })]);
      }));
      this._box.hidden = entries.length === 0;
    }
  });

  /**
   * The layers of /api/v1/layers on `map`.
   *
   * options: defs (the layers to offer, as /api/v1/layers lists them), lang, active() (the ids
   * shown, in order), budget() (how many symbols may still be drawn), source[id](def, bbox)
   * (a promise of features instead of the layer's URL), popup[id](feature, def) (a popup
   * element), note(id, text, truncated) (what the switcher says about a layer), fixed (legend
   * entries always shown before the layers: the companies of the start page), marked(feature,
   * def) (true for the record the page is about: drawn larger, never in a group).
   */
  function Layers(map, options) {
    this.map = map;
    this.options = options;
    this.defs = options.defs;
    this.byId = {};
    var self = this;
    this.defs.forEach(function (d) { self.byId[d.id] = d; });
    this.group = L.layerGroup().addTo(map);
    this.data = {};
    this.requests = {};
    this.legend = new Legend().addTo(map);
    this.timer = null;
    map.on('zoomend', function () { self.draw(); });
  }

  Layers.prototype.active = function () {
    var byId = this.byId;
    return this.options.active().filter(function (id) { return byId[id]; });
  };

  Layers.prototype.schedule = function (delay) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.fetch(); }, delay || 0);
  };

  /** Forget a layer's features (switched off). */
  Layers.prototype.drop = function (id) {
    delete this.data[id];
    if (this.requests[id]) this.requests[id].abort();
    delete this.requests[id];
  };

  /** Fetch the features of every shown layer for the map's area. */
  Layers.prototype.fetch = function () {
    var self = this;
    var b = this.map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(',');
    Object.keys(this.data).forEach(function (id) { if (self.active().indexOf(id) < 0) self.drop(id); });
    this.active().forEach(function (id) {
      var def = self.byId[id];
      if (self.requests[id]) self.requests[id].abort();
      var controller = window.AbortController ? new AbortController() : null;
      self.requests[id] = controller;
      var own = self.options.source && self.options.source[id];
      var answer = own ? own(def, bbox, controller) : window.fetch(
        def.url + (def.url.indexOf('?') < 0 ? '?' : '&') + 'bbox=' + encodeURIComponent(bbox) + '&lang=' + self.options.lang,
        { headers: { Accept: 'application/geo+json, application/json' }, signal: controller ? controller.signal : undefined }
      ).then(function (response) {
        if (!response.ok) throw new Error('layer ' + id + ': ' + response.status);
        return response.json();
      });
      answer.then(function (body) {
        if (self.requests[id] !== controller || self.active().indexOf(id) < 0) return;
        self.data[id] = body;
        self.draw();
      }).catch(function (err) {
        if (err && err.name === 'AbortError') return;
        if (self.active().indexOf(id) < 0) return;
        self.data[id] = { error: true };
        self.draw();
      });
    });
    this.draw();
  };

  /** Groups of a layer's points whose symbols would overlap at this zoom (none at the
   * deepest zooms): each point joins the first group whose symbol lies within groupGap
   * pixels, else starts one there; so no two symbols of a layer cover each other. */
  Layers.prototype.groups = function (points) {
    var map = this.map;
    var zoom = map.getZoom();
    if (zoom >= map.getMaxZoom() - 1) return points.map(function (p) { return [p]; });
    var GROUP_GAP = groupGap(zoom);
    var grid = {};  // cells of GROUP_GAP px -> groups whose symbol lies in them
    var groups = [];
    points.forEach(function (f) {
      var c = f.geometry.coordinates;
      var px = map.project([c[1], c[0]], zoom);
      var cx = Math.floor(px.x / GROUP_GAP), cy = Math.floor(px.y / GROUP_GAP);
      var found = null;
      for (var dx = -1; dx <= 1 && !found; dx++) {
        for (var dy = -1; dy <= 1 && !found; dy++) {
          (grid[(cx + dx) + ':' + (cy + dy)] || []).some(function (g) {
            if (Math.abs(g.x - px.x) < GROUP_GAP && Math.abs(g.y - px.y) < GROUP_GAP) found = g;
            return found;
          });
        }
      }
      if (found) { found.members.push(f); return; }
      var group = { x: px.x, y: px.y, members: [f] };
      groups.push(group);
      (grid[cx + ':' + cy] = grid[cx + ':' + cy] || []).push(group);
    });
    return groups.map(function (g) { return g.members; });
  };

  /** The drawn symbol of ``marker`` named for screen readers and marked with its layer and
   *  style (what tests and styles find it by); its element, or null before it is drawn. */
  function tagSymbol(marker, def, label) {
    var el = marker.getElement();
    if (!el) return null;
    el.setAttribute('aria-label', label);
    el.setAttribute('data-layer', def.id);
    el.setAttribute('data-style', def.style.key);
    return el;
  }

  Layers.prototype.addFeature = function (def, feature) {
    var c = feature.geometry.coordinates;
    var name = featureName(feature, def);
    var label = fmt(S.layer_marker_label, { name: name, layer: def.label });
    // the record the page is about (a Kita's own page) stands out
    var marked = Boolean(this.options.marked && this.options.marked(feature, def));
    var size = marked ? 34 : 24;
    var icon = L.divIcon({
      className: 'rk-layer-marker' + (marked ? ' selected' : ''), html: symbol(def.style),
      iconSize: [size, size], iconAnchor: [size / 2, size / 2], popupAnchor: [0, -size / 2 + 2]
    });
    // below the company symbols, which are the start page's main content
    var marker = L.marker([c[1], c[0]], { icon: icon, keyboard: true, title: label, zIndexOffset: marked ? 1000 : -1000 });
    var own = this.options.popup && this.options.popup[def.id];
    // opened below the row of map controls (zoom, layer switcher), which would cover its title
    marker.bindPopup(function () { return own ? own(feature, def) : popup(feature, def); }, {
      autoPanPadding: [16, 16], autoPanPaddingTopLeft: [16, 60]
    });
    marker.rkKey = def.id + '|' + (feature.id != null ? feature.id : c[0] + ',' + c[1] + ',' + name);
    this.group.addLayer(marker);
    var el = tagSymbol(marker, def, label);
    if (el) {
      el.addEventListener('keydown', function (event) {
        if (event.key === ' ') { event.preventDefault(); marker.openPopup(); }
      });
    }
  };

  Layers.prototype.addGroup = function (def, members) {
    var map = this.map;
    var own = this.options.popup && this.options.popup[def.id];
    var bounds = L.latLngBounds([]);
    members.forEach(function (f) { bounds.extend([f.geometry.coordinates[1], f.geometry.coordinates[0]]); });
    // drawn where the group began (layers.groups keeps those apart), so groups never overlap
    var at = members[0].geometry.coordinates;
    var n = members.length;
    var size = map.latLngToContainerPoint(bounds.getNorthEast()).distanceTo(map.latLngToContainerPoint(bounds.getSouthWest()));
    // all at one place (one address): zooming would not part them, so they open as a list
    var onePlace = size < 2;
    var label = fmt(onePlace ? S.layer_place_label : S.layer_group_label, { n: RK.number(n), layer: def.label });
    var icon = L.divIcon({
      className: 'rk-layer-marker rk-layer-group', html: symbol(def.style, n),
      iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -12]
    });
    var marker = L.marker([at[1], at[0]], { icon: icon, keyboard: true, title: label, zIndexOffset: -900 });
    marker.rkKey = def.id + '|group|' + bounds.toBBoxString();
    if (onePlace) {
      marker.bindPopup(function () {
        return h('div', { className: 'rk-layer-place' }, [
          h('p', { className: 'rk-layer-place-title' }, [symbol(def.style), ' ', h('strong', { text: fmt(S.layer_place_heading, { n: RK.number(n), layer: def.label }) })]),
          h('ul', { className: 'rk-layer-place-list' }, members.map(function (f) {
            return h('li', null, [own ? own(f, def) : popup(f, def)]);
          }))
        ]);
      }, { autoPanPadding: [16, 16], autoPanPaddingTopLeft: [16, 60], maxHeight: 320 });
    } else {
      marker.on('click', function () { map.fitBounds(bounds, { padding: [48, 48], maxZoom: map.getMaxZoom() }); });
    }
    this.group.addLayer(marker);
    var el = tagSymbol(marker, def, label);
    if (el) {
      el.setAttribute('data-count', String(n));
      if (onePlace) el.setAttribute('aria-haspopup', 'dialog');
      el.addEventListener('keydown', function (event) {
        if (event.key !== ' ') return;
        event.preventDefault();
        if (onePlace) marker.openPopup(); else marker.fire('click');
      });
    }
  };

  /** Draw the shown layers from their last answers, within the symbol budget. */
  Layers.prototype.draw = function () {
    var self = this;
    // a popup open while the layers are drawn again (its opening panned the map, which loads
    // the layers of the new view) opens again on the same record, keeping the keyboard focus
    var open = null, focused = false;
    this.group.eachLayer(function (m) {
      if (m.isPopupOpen()) {
        open = m.rkKey;
        focused = !!m.getElement() && m.getElement() === document.activeElement;
      }
    });
    this.group.clearLayers();
    var budget = Math.max(0, this.options.budget ? this.options.budget() : Infinity);
    var drawn = 0;
    var note = this.options.note || function () {};
    var active = this.active();
    this.defs.forEach(function (def) { if (active.indexOf(def.id) < 0) note(def.id, '', false); });
    active.forEach(function (id) {
      var def = self.byId[id];
      var data = self.data[id];
      if (!data) return;
      if (data.error) { note(id, S.layer_error, false); return; }
      var points = (data.features || []).filter(function (f) {
        return f.geometry && f.geometry.type === 'Point' && f.geometry.coordinates;
      });
      var marked = self.options.marked;
      var own = marked ? points.filter(function (f) { return marked(f, def); }) : [];
      var groups = own.map(function (f) { return [f]; }).concat(
        self.groups(own.length ? points.filter(function (f) { return own.indexOf(f) < 0; }) : points));
      var shown = 0, symbols = 0;
      for (var i = 0; i < groups.length && symbols < budget; i++) {
        if (groups[i].length === 1) self.addFeature(def, groups[i][0]);
        else self.addGroup(def, groups[i]);
        shown += groups[i].length;
        symbols += 1;
      }
      budget -= symbols;
      drawn += symbols;
      var total = Math.max(data.total || 0, points.length);
      note(id, shown < total
        ? fmt(S.layer_truncated, { shown: RK.number(shown), total: RK.number(total) })
        : fmt(S.layer_count, { n: RK.number(total) }), shown < total);
    });
    this.map.getContainer().setAttribute('data-layer-markers', String(drawn));
    // without a layer shown the map needs no legend (the companies' pin speaks for itself)
    this.legend.update(active.length ? (this.options.fixed || []).concat(active.map(function (id) {
      return { id: id, label: self.byId[id].label, style: self.byId[id].style };
    })) : []);
    if (open) {
      this.group.eachLayer(function (m) {
        if (m.rkKey !== open) return;
        m.openPopup();
        if (focused && m.getElement()) m.getElement().focus({ preventScroll: true });
      });
    }
  };

  /** How many symbols the layers drew at their last drawing. */
  Layers.prototype.count = function () { return this.group.getLayers().length; };

  /**
   * The layer switcher of a plugin page's map: a button over the map's top corner, closed at
   * first, with the number of layers shown; open, a list of the layers with their symbols.
   * `ids` is the list of shown layer ids it changes; `changed()` is called after each tick.
   */
  function switcher(container, layers, ids, changed) {
    var list = h('ul', { className: 'layer-list' });
    var count = h('span', { className: 'count-badge' });
    var summary = h('summary', null, [h('span', { text: S.layers_heading }), ' ', count]);
    var close = h('button', { type: 'button', className: 'icon-button', 'aria-label': S.close_layers }, [h('span', { 'aria-hidden': 'true', text: '×' })]);
    var box = h('details', { className: 'layer-switcher' }, [
      summary,
      h('div', { className: 'layer-sheet' }, [
        h('div', { className: 'layer-sheet-head' }, [h('h3', { className: 'layer-sheet-title', text: S.layers_heading }), close]),
        h('fieldset', null, [h('legend', { className: 'sr-only', text: S.layers_legend }), list])
      ])
    ]);
    function showCount() {
      count.hidden = ids.length === 0;
      count.textContent = ids.length ? RK.number(ids.length) : '';
    }
    list.replaceChildren.apply(list, layers.defs.map(function (d) {
      var id = 'layer-' + d.id;
      return h('li', { className: 'layer-item' }, [
        h('input', { type: 'checkbox', id: id, value: d.id, 'data-layer': d.id, 'aria-describedby': id + '-note', checked: ids.indexOf(d.id) >= 0 }),
        h('label', { for: id }, [
          symbol(d.style), ' ', h('span', { text: d.label }),
          h('span', { className: 'layer-note', id: id + '-note', 'data-layer-note': d.id })
        ])
      ]);
    }));
    list.addEventListener('change', function (event) {
      var input = event.target;
      var at = ids.indexOf(input.value);
      if (input.checked && at < 0) ids.push(input.value);
      if (!input.checked && at >= 0) { ids.splice(at, 1); layers.drop(input.value); }
      showCount();
      changed();
    });
    box.addEventListener('toggle', function () {
      if (box.open) {
        RK.opened(box, function (viaKey) {
          box.open = false;
          if (viaKey) summary.focus();
        }, { outside: true });
      } else {
        RK.closed(box);
      }
    });
    close.addEventListener('click', function () { box.open = false; summary.focus(); });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    container.appendChild(box);
    showCount();
    return {
      element: box,
      note: function (id, text, truncated) {
        var node = list.querySelector('[data-layer-note="' + id + '"]');
        if (!node) return;
        node.textContent = text ? ' – ' + text : '';
        node.setAttribute('data-truncated', String(Boolean(truncated)));
      }
    };
  }

  window.RKMap = { symbol: symbol, popup: popup, Layers: Layers, Legend: Legend, switcher: switcher };
})();
