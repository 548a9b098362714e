/* regiokarte portal, every page: texts, the watch list (Merkliste) in localStorage, the service
 * worker. No third-party code; everything the page needs comes from this origin. */
(function () {
  'use strict';

  var stringsNode = document.getElementById('rk-strings');
  var strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};
  var lang = document.body.getAttribute('data-lang') || document.documentElement.lang || 'de';

  /** Fill {name} placeholders of a text. */
  function fmt(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (m, key) {
      return values && values[key] !== undefined ? String(values[key]) : m;
    });
  }

  var numberFormat = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'de-DE');

  // --- numbers and units: the same rules as core/formatting.py (a browser test compares) -----
  var UNITS = {
    de: { min: 'Min.', h: 'Std.', '/h': 'pro Stunde', km: 'km', m: 'm', m2: 'm²' },
    en: { min: 'min', h: 'h', '/h': 'per hour', km: 'km', m: 'm', m2: 'm²' }
  };
  var units = lang === 'en' ? UNITS.en : UNITS.de;
  var decimalFormats = {};

  /** ``value`` with up to ``digits`` decimals and the page language's separators. */
  function formatNumber(value, digits) {
    value = Number(value);
    if (!isFinite(value)) return '–';
    digits = digits || 0;
    var f = decimalFormats[digits] || (decimalFormats[digits] = new Intl.NumberFormat(
      lang === 'en' ? 'en-GB' : 'de-DE', { maximumFractionDigits: digits, minimumFractionDigits: 0 }));
    var factor = Math.pow(10, digits);
    // round half away from zero on the decimal value, as Python's round() on these inputs
    var rounded = Math.round(Math.abs(value) * factor + 1e-9) / factor * (value < 0 ? -1 : 1);
    return f.format(rounded === 0 ? 0 : rounded);
  }

  function unitLabel(unit) { return units[unit] || unit; }

  function formatKm(km) { return formatNumber(km, Math.abs(km) < 10 ? 1 : 0) + ' km'; }

  function formatMinutes(minutes) {
    var total = Math.max(0, Math.round(Number(minutes)));
    if (total < 60) return total + ' ' + units.min;
    var hours = Math.floor(total / 60);
    var rest = total % 60;
    var text = formatNumber(hours) + ' ' + units.h;
    return rest ? text + ' ' + rest + ' ' + units.min : text;
  }

  function formatAmount(amount) {
    var cents = Number(amount) % 1 !== 0;
    var text = formatNumber(amount, cents ? 2 : 0);
    var sep = lang === 'en' ? '.' : ',';
    if (cents && text.split(sep).pop().length === 1) text += '0';  // 12,50 € rather than 12,5 €
    return lang === 'en' ? '€' + text : text + ' €';
  }

  function formatQuantity(value, unit) {
    if (unit === 'km') return formatKm(value);
    if (unit === 'min') return formatMinutes(value);
    if (unit === '€' || unit === 'EUR' || unit === 'eur') return formatAmount(value);
    var text = formatNumber(value, Number(value) % 1 === 0 ? 0 : 1);
    return unit ? text + ' ' + unitLabel(unit) : text;
  }

  /** Create an element: h('a', {href: '/'}, ['text', otherNode]). Text is never parsed as HTML. */
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'text') el.textContent = value;
        else if (key === 'className') el.className = value;
        else el.setAttribute(key, value === true ? '' : value);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return el;
  }

  // --- watch list ---------------------------------------------------------------------------
  var KEY = 'regiokarte.merkliste.v1';
  var listeners = [];

  function read() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || '[]');
      return Array.isArray(list) ? list.filter(function (e) { return e && typeof e.slug === 'string'; }) : [];
    } catch (err) {
      return [];
    }
  }

  function write(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list));
    } catch (err) { /* private mode or full storage: the list lives for this page only */ }
    changed();
  }

  function has(slug) {
    return read().some(function (e) { return e.slug === slug; });
  }

  function add(entries) {
    var list = read();
    entries.forEach(function (entry) {
      if (!list.some(function (e) { return e.slug === entry.slug; })) {
        list.push({ slug: entry.slug, name: entry.name || entry.slug, town: entry.town || '' });
      }
    });
    write(list);
  }

  function remove(slug) {
    write(read().filter(function (e) { return e.slug !== slug; }));
  }

  function clear() {
    write([]);
  }

  function toggle(entry) {
    if (has(entry.slug)) {
      remove(entry.slug);
      return false;
    }
    add([entry]);
    return true;
  }

  function shareUrl(list) {
    var slugs = (list || read()).map(function (e) { return e.slug; });
    var url = new URL(document.body.getAttribute('data-watchlist') || '/merkliste', window.location.href);
    if (slugs.length) url.searchParams.set('u', slugs.join(','));
    if (lang !== 'de') url.searchParams.set('lang', lang);
    return url.href;
  }

  function syncButtons(root) {
    (root || document).querySelectorAll('[data-watch]').forEach(function (button) {
      button.setAttribute('aria-pressed', has(button.getAttribute('data-watch')) ? 'true' : 'false');
    });
  }

  function updateCount() {
    var n = read().length;
    document.querySelectorAll('[data-watch-count]').forEach(function (el) {
      el.textContent = n ? ' ' + numberFormat.format(n) : '';
      el.hidden = n === 0;
    });
  }

  function changed() {
    updateCount();
    syncButtons(document);
    listeners.forEach(function (fn) { fn(read()); });
  }

  function announce(text) {
    var live = document.querySelector('[data-live]') || document.getElementById('live');
    if (!live) {
      live = h('p', { className: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-live': true });
      document.body.appendChild(live);
    }
    live.textContent = '';
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-watch]') : null;
    if (!button) return;
    var entry = {
      slug: button.getAttribute('data-watch'),
      name: button.getAttribute('data-name'),
      town: button.getAttribute('data-town')
    };
    var now = toggle(entry);
    announce(fmt(now ? strings.watch_added : strings.watch_removed, { name: entry.name }));
  });

  window.addEventListener('storage', function (event) {
    if (event.key === KEY) changed();
  });

  // --- what is open: Escape closes what opened last (menu, sheet, card, layer switcher) ---------
  var openStack = [];

  /** Register an opened overlay; ``close(viaKey)`` closes it. ``opts.outside``: a tap outside
   * ``el`` (and outside ``opts.opener``) closes it too. */
  function opened(el, close, opts) {
    closed(el);
    openStack.push({ el: el, close: close, opener: (opts && opts.opener) || null, outside: !!(opts && opts.outside) });
  }

  function closed(el) {
    openStack = openStack.filter(function (entry) { return entry.el !== el; });
  }

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' || !openStack.length || event.defaultPrevented) return;
    var top = openStack[openStack.length - 1];
    event.preventDefault();
    closed(top.el);
    top.close(true);
  });

  document.addEventListener('pointerdown', function (event) {
    if (!openStack.length) return;
    var top = openStack[openStack.length - 1];
    if (!top.outside || top.el.contains(event.target) || (top.opener && top.opener.contains(event.target))) return;
    closed(top.el);
    top.close(false);
  }, true);

  // --- header: the menu on phones ----------------------------------------------------------
  function setupMenu() {
    var toggle = document.getElementById('menu-toggle');
    var nav = document.querySelector('.site-nav');
    if (!toggle || !nav) return;
    function setOpen(open, viaKey) {
      nav.classList.toggle('open', open);
      toggle.setAttribute('aria-expanded', String(open));
      if (open) opened(nav, function (key) { setOpen(false, key); }, { opener: toggle, outside: true });
      else {
        closed(nav);
        if (viaKey) toggle.focus();
      }
    }
    toggle.addEventListener('click', function () { setOpen(!nav.classList.contains('open'), false); });
  }

  // --- the demo notice: dismissed once, remembered on this device ---------------------------
  var DEMO_KEY = 'regiokarte.demo-notice-hidden.v1';
  function setupDemoNotice() {
    var notice = document.getElementById('demo-notice');
    if (!notice) return;
    var hidden = false;
    try { hidden = window.localStorage.getItem(DEMO_KEY) === '1'; } catch (err) { /* no storage */ }
    if (hidden) { notice.hidden = true; return; }
    var button = notice.querySelector('[data-dismiss-demo]');
    if (!button) return;
    button.addEventListener('click', function () {
      try { window.localStorage.setItem(DEMO_KEY, '1'); } catch (err) { /* this page only */ }
      notice.hidden = true;
      var main = document.getElementById('main');
      if (main) main.focus({ preventScroll: true });
      window.dispatchEvent(new Event('resize'));
    });
  }
  // --- date fields of the page kit: typed in the page's format (TT.MM.JJJJ), or picked in the
  // browser's calendar through the button; the server reads both and ISO dates ---------------
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function shownDate(iso) {
    var p = String(iso || '').split('-');
    if (p.length !== 3) return '';
    return lang === 'en' ? iso : pad(Number(p[2])) + '.' + pad(Number(p[1])) + '.' + p[0];
  }
  function isoDate(text) {
    var m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$/.exec(text || '');
    if (m) return m[3] + '-' + pad(Number(m[2])) + '-' + pad(Number(m[1]));
    m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text || '');
    return m ? m[1] + '-' + m[2] + '-' + m[3] : '';
  }
  function setupDateFields() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-kit-date]'), function (box) {
      var typed = box.querySelector('input[type="text"]');
      var native = box.querySelector('.kit-date-native');
      var button = box.querySelector('.kit-date-pick');
      if (!typed || !native || !button) return;
      button.hidden = false;
      button.addEventListener('click', function () {
        native.value = isoDate(typed.value);
        if (typeof native.showPicker === 'function') {
          try { native.showPicker(); return; } catch (err) { /* not allowed here */ }
        }
        typed.focus();
      });
      native.addEventListener('change', function () {
        if (native.value) typed.value = shownDate(native.value);
        typed.focus();
      });
    });
  }

  // --- filter panels of the page kit: folded on a phone (the results come first), the
  // heading a button that opens them; open when a field has an error ----------------------
  function setupFilterPanels() {
    var narrow = window.matchMedia('(max-width: 899px)');
    Array.prototype.forEach.call(document.querySelectorAll('.kit-filters'), function (panel) {
      var heading = panel.querySelector(':scope > h2');
      if (!heading) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'kit-filters-toggle';
      button.textContent = heading.textContent;
      heading.textContent = '';
      heading.appendChild(button);
      function show(open) {
        button.setAttribute('aria-expanded', open ? 'true' : 'false');
        button.tabIndex = narrow.matches ? 0 : -1;  // beside the results nothing to fold
        panel.classList.toggle('kit-folded', !open);
      }
      function open() { return button.getAttribute('aria-expanded') === 'true'; }
      button.addEventListener('click', function () { show(!open()); });
      var problem = panel.querySelector('[aria-invalid="true"], .field-problem');
      show(!narrow.matches || !!problem);
      narrow.addEventListener('change', function () { show(!narrow.matches || open()); });
    });
  }

  setupMenu();
  setupDemoNotice();
  setupDateFields();
  setupFilterPanels();

  window.RK = {
    strings: strings,
    lang: lang,
    fmt: fmt,
    h: h,
    number: function (n) { return numberFormat.format(n); },
    format: {
      number: formatNumber, km: formatKm,
      metres: function (m) { return Math.abs(m) < 999.5 ? formatNumber(m) + ' m' : formatKm(m / 1000); },
      minutes: formatMinutes, amount: formatAmount, quantity: formatQuantity, unit: unitLabel
    },
    announce: announce,
    opened: opened,
    closed: closed,
    watchlist: {
      read: read, has: has, add: add, remove: remove, clear: clear, toggle: toggle,
      shareUrl: shareUrl, syncButtons: syncButtons,
      onChange: function (fn) { listeners.push(fn); }
    }
  };

  document.addEventListener('DOMContentLoaded', function () {
    updateCount();
    syncButtons(document);
  });

  // --- service worker: caches the page shell so the portal starts offline -------------------
  var sw = document.body.getAttribute('data-sw');
  if (sw && 'serviceWorker' in navigator && window.isSecureContext) {
    window.addEventListener('load', function () {
      navigator.serviceWorker.register(sw, { scope: '/' }).catch(function () { /* optional */ });
    });
  }
})();
