/* Service worker (VERSION, SHELL and OFFLINE are set by the server above this line).
 * Page shell: cached at install, static files cache-first (their URLs carry a version),
 * pages network-first with the cached shell as fallback. Searches always go to the network. */
'use strict';

var CACHE = 'regiokarte-shell-' + VERSION;

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('regiokarte-shell-') === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;  // tiles, others
  if (url.pathname.indexOf('/api/') === 0) return;  // live data only
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(request, { ignoreSearch: url.pathname === '/' }).then(function (hit) {
        return hit || caches.match(OFFLINE);
      });
    }));
    return;
  }
  if (url.pathname.indexOf('/portal/static/') === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});
