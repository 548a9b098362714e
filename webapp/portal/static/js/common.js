/* regiokarte portal, every page: texts, the watch list (Merkliste) in localStorage, the service
 * worker. No third-party code; everything the page needs comes from this origin. */
(function () {
  'use strict';

  var stringsNode = document.getElementById('rk-strings');
  var strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};
  var lang = document.body.getAttribute('data-lang') || document.documentElement.lang || 'de';
  // the lang= links keep (webapp.context.language_args): empty where the page's language is
  // what a link without it would get
  var langArg = document.body.getAttribute('data-lang-arg') || '';

  /** Fill {name} placeholders of a text. */
  function fmt(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (m, key) {
      return values && values[key] !== undefined ? String(values[key]) : m;
    });
  }

  // --- numbers, units, money and days: the rules of core/formatting.py (CLDR through the
  // browser's Intl, with the locale tag and unit names the server gives; a browser test
  // compares both in every language) ---------------------------------------------------------
  var formatNode = document.getElementById('rk-format');
  var formats = formatNode ? JSON.parse(formatNode.textContent) : {};
  var locale = formats.locale || 'de-DE-u-nu-latn';
  var units = formats.units || {};
  var numberFormat = new Intl.NumberFormat(locale);
  var cachedFormats = {};

  function intl(key, options) {
    return cachedFormats[key] || (cachedFormats[key] = new Intl.NumberFormat(locale, options));
  }

  // round half away from zero on the decimal value, as the server does
  function rounded(value, digits) {
    var factor = Math.pow(10, digits);
    var r = Math.round(Math.abs(value) * factor + 1e-9) / factor * (value < 0 ? -1 : 1);
    return r === 0 ? 0 : r;
  }

  /** ``value`` with up to ``digits`` decimals and the page language's separators. */
  function formatNumber(value, digits) {
    value = Number(value);
    if (!isFinite(value)) return '–';
    digits = digits || 0;
    return intl('n' + digits, { maximumFractionDigits: digits, minimumFractionDigits: 0 })
      .format(rounded(value, digits));
  }

  function formatUnit(value, unit, digits) {
    return intl(unit + digits, {
      style: 'unit', unit: unit, unitDisplay: 'short',
      maximumFractionDigits: digits, minimumFractionDigits: 0
    }).format(rounded(Number(value), digits));
  }

  function unitLabel(unit) { return units[unit] || unit; }

  function formatKm(km) { return formatUnit(km, 'kilometer', Math.abs(km) < 10 ? 1 : 0); }

  function formatMetres(m) {
    return Math.abs(m) < 999.5 ? formatUnit(m, 'meter', 0) : formatKm(m / 1000);
  }

  function formatMinutes(minutes) {
    var total = Math.max(0, Math.round(Number(minutes)));
    if (total < 60) return formatUnit(total, 'minute', 0);
    var rest = total % 60;
    var text = formatUnit(Math.floor(total / 60), 'hour', 0);
    return rest ? text + ' ' + formatUnit(rest, 'minute', 0) : text;
  }

  function formatAmount(amount) {
    var value = rounded(Number(amount), 2);
    var cents = value % 1 !== 0;
    return intl(cents ? 'eur2' : 'eur0', {
      style: 'currency', currency: 'EUR',
      minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0
    }).format(value);
  }

  function formatQuantity(value, unit) {
    if (unit === 'km') return formatKm(value);
    if (unit === 'min') return formatMinutes(value);
    if (unit === '€' || unit === 'EUR' || unit === 'eur') return formatAmount(value);
    var text = formatNumber(value, Number(value) % 1 === 0 ? 0 : 1);
    if (unit === '/h') return String(formats.perHour || '{0}/h').replace('{0}', text);
    return unit ? text + ' ' + unitLabel(unit) : text;
  }

  /** A day (a Date or an ISO date) as people read it: 7. Dez. 2026, 7 Dec 2026. */
  function formatDate(day) {
    var date = typeof day === 'string' ? new Date(day.slice(0, 10) + 'T12:00:00') : day;
    return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' })
      .format(date);
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
    if (langArg) url.searchParams.set('lang', langArg);
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

  // --- header: the language switcher (a details element that works without a script; the
  // script adds Escape and a tap outside to close it, as every other thing that opens) --------
  function setupLanguageMenu() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-lang-menu]'), function (menu) {
      var summary = menu.querySelector('summary');
      menu.addEventListener('toggle', function () {
        if (menu.open) {
          opened(menu, function (viaKey) {
            menu.open = false;
            if (viaKey && summary) summary.focus();
          }, { opener: summary, outside: true });
        } else closed(menu);
      });
    });
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
    if (formats.dateInput !== 'dmy') return iso;  // as core.formatting.format_date_input
    return pad(Number(p[2])) + '.' + pad(Number(p[1])) + '.' + p[0];
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
      var problem = panel.querySelector('[aria-invalid="true"], .field-error');
      show(!narrow.matches || !!problem);
      narrow.addEventListener('change', function () { show(!narrow.matches || open()); });
    });
  }

  // --- form errors of the web kit (kit/macros.html error_summary): the summary takes the
  // focus when the page loads, so a screen reader reads every problem; its links move to the
  // field's control, not just to its label --------------------------------------------------
  function setupErrorSummary() {
    var summary = document.getElementById('error-summary');
    if (summary && summary.getAttribute('role') === 'alert') summary.focus();
    document.addEventListener('click', function (event) {
      var link = event.target.closest ? event.target.closest('.error-summary a') : null;
      if (!link) return;
      var hash = decodeURIComponent(link.getAttribute('href').split('#')[1] || '');
      var target = hash ? document.getElementById(hash) : null;
      if (!target) return;
      event.preventDefault();
      var control = target.matches('input, select, textarea') ? target
        : target.querySelector('input:not([type=hidden]), select, textarea');
      target.scrollIntoView({ block: 'center' });
      (control || target).focus();
    });
  }

  setupMenu();
  setupLanguageMenu();
  setupErrorSummary();
  setupDemoNotice();
  setupDateFields();
  setupFilterPanels();

  window.RK = {
    strings: strings,
    lang: lang,
    langArg: langArg,
    fmt: fmt,
    h: h,
    number: function (n) { return numberFormat.format(n); },
    format: {
      number: formatNumber, km: formatKm, metres: formatMetres, minutes: formatMinutes,
      amount: formatAmount, quantity: formatQuantity, unit: unitLabel, date: formatDate,
      locale: locale
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
