/* The watch list page: shows the browser's own list (by loading its share link) or a shared one,
 * which the visitor can take over. */
(function () {
  'use strict';

  var RK = window.RK;
  var S = RK.strings;
  var root = document.getElementById('watchlist');
  if (!root) return;
  var shared = root.getAttribute('data-shared') === 'true';
  var claimsOwn = root.getAttribute('data-own') === 'true';
  var slugs = (root.getAttribute('data-slugs') || '').split(',').filter(Boolean);
  var own = RK.watchlist.read();
  var ownSlugs = own.map(function (e) { return e.slug; });

  if (!shared && own.length) {
    // the server renders a list from its link; the own list is shown the same way, marked
    // as the visitor's own so that it is not headed as a shared list
    var mine = new URL(RK.watchlist.shareUrl(own));
    mine.searchParams.set('mine', '1');
    window.location.replace(mine.href);
    return;
  }

  var takeOver = document.getElementById('take-over');
  var clearButton = document.getElementById('clear-list');
  var share = document.getElementById('share');
  var link = document.getElementById('share-link');
  var copy = document.getElementById('copy-link');
  var live = document.getElementById('watchlist-live');

  function isOwn() {
    var mine = RK.watchlist.read().map(function (e) { return e.slug; });
    return slugs.length > 0 && slugs.every(function (s) { return mine.indexOf(s) >= 0; });
  }

  // a forwarded "mine" link is someone else's list: head it as shared
  if (claimsOwn && !isOwn()) {
    var heading = document.getElementById('watchlist-heading');
    var status = document.getElementById('watchlist-status');
    heading.textContent = S.watchlist_title_shared;
    document.title = document.title.replace(S.watchlist_title, S.watchlist_title_shared);
    status.textContent = S.watchlist_shared.replace('{n}', String(root.querySelectorAll('.card').length));
  }

  function update() {
    takeOver.hidden = !shared || isOwn();
    clearButton.hidden = !isOwn();
    share.hidden = slugs.length === 0;
    link.value = RK.watchlist.shareUrl(slugs.map(function (s) { return { slug: s }; }));
  }

  takeOver.addEventListener('click', function () {
    var entries = Array.prototype.map.call(root.querySelectorAll('.card'), function (card) {
      return { slug: card.getAttribute('data-slug'), name: card.getAttribute('data-name'), town: card.getAttribute('data-town') };
    });
    RK.watchlist.add(entries);
    live.textContent = S.watchlist_taken_over;
    update();
    clearButton.focus();
  });

  clearButton.addEventListener('click', function () {
    RK.watchlist.clear();
    window.location.replace(window.location.pathname + (RK.langArg ? '?lang=' + RK.langArg : ''));
  });

  copy.addEventListener('click', function () {
    link.select();
    var done = function () { live.textContent = S.watchlist_copied; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link.value).then(done, done);
    else { try { document.execCommand('copy'); } catch (err) { /* selected for manual copy */ } done(); }
  });

  // removing a company from the own list (the watch button) updates the link
  RK.watchlist.onChange(function (list) {
    if (!shared || !ownSlugs.length) return;
    var mine = list.map(function (e) { return e.slug; });
    slugs = slugs.filter(function (s) { return mine.indexOf(s) >= 0 || ownSlugs.indexOf(s) < 0; });
    ownSlugs = mine;
    update();
  });

  update();
})();
