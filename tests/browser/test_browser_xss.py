"""The XSS corpus in a real browser: no payload runs or becomes markup on any page that shows it.

The portal of tests/security_xss/xss_corpus.py holds the payloads of xss_payloads.txt in every
text field (company API, questionnaire forms, plugin forms and import files). Chromium visits
each page kind once (the map with the company's card open and the list view, the plugin map
layers with their popups open, profiles, plugin pages, the questionnaire, the moderation queue
and the submission diff, the embed widget) and the test fails on a dialog (alert, confirm,
prompt), a page error, a CSP violation (a blocked inline script still means a payload reached
the DOM unescaped) or an element a payload would have made.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import TILE_HOSTS, LiveServer, Outside, new_page

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security_xss"))
import xss_corpus  # noqa: E402 - the corpus and its portal live with the fast XSS tests

#: Records what payloads could do; runs before any script of the page.
WATCH = """
window.__xss = {csp: []};
document.addEventListener('securitypolicyviolation', function (e) {
  window.__xss.csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
    (e.sample || ''));
});
"""

#: Elements and attributes that only a payload can have made (none of the portal's own).
FIND_PAYLOAD_MARKUP = """() => {
  const found = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster'];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) found.push(el.tagName + ' ' + name);
      if (urlAttrs.includes(name) &&
          /^(javascript|vbscript|data:text\\/html)/i.test(a.value.replace(/[\\x00-\\x20]/g, ''))) {
        found.push(el.tagName + ' ' + name + '=' + a.value);
      }
    }
  }
  const selectors = ['img[src="x"]', 'iframe', 'object', 'embed', 'math', 'video', 'x',
    'base[href]', 'meta[http-equiv]', 'script[src*="x.js"]', 'style', 'template',
    'script:not([src]):not([type="application/json"]):not([type="application/ld+json"])'];
  for (const s of selectors) {
    for (const el of document.querySelectorAll(s)) found.push(s + ' ' + el.outerHTML.slice(0, 99));
  }
  if (document.querySelectorAll('body').length !== 1) found.push('a second body');
  return found;
}"""


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Any]]:
    folder = tmp_path_factory.mktemp("xss-browser")
    app = xss_corpus.build_app(folder)
    seeded = xss_corpus.seed(app, folder)
    server = LiveServer(app)
    yield server, seeded
    server.stop()
    app.extensions["regiokarte"].db.dispose()


class Visit:
    """A browser page that records dialogs, page errors and CSP reports."""

    def __init__(self, browser: Any, server: LiveServer) -> None:
        self.outside = Outside()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = new_page(browser, server, outside=self.outside, errors=self.errors)
        self.page.add_init_script(WATCH)
        self.page.on("dialog", self._dialog)
        self.server = server

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: str) -> None:
        response = self.page.goto(self.server.url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.page.wait_for_load_state("load")

    def check(self, where: str) -> None:
        """Nothing ran, nothing was blocked, no payload markup in the DOM."""
        self.page.wait_for_timeout(150)  # let onerror handlers of broken images fire
        markup = self.page.evaluate(FIND_PAYLOAD_MARKUP)
        csp = self.page.evaluate("window.__xss ? window.__xss.csp : []")
        assert self.dialogs == [], (where, self.dialogs)
        assert csp == [], (where, "CSP violations (payload markup in the DOM)", csp)
        assert markup == [], (where, markup)
        assert self.errors == [], (where, self.errors)

    def close(self) -> None:
        self.page.context.close()
        assert self.outside.hosts() <= TILE_HOSTS, sorted(self.outside.hosts())


@pytest.fixture
def visit(browser: Any, xss_server: tuple[LiveServer, Any]) -> Iterator[Visit]:
    shown = Visit(browser, xss_server[0])
    yield shown
    shown.close()


def _text_in(page: Any, selector: str) -> str:
    return str(page.inner_text(selector))


def test_the_checks_see_a_payload_that_reaches_the_page(visit: Visit) -> None:
    visit.open("/impressum")
    visit.page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<img src=x onerror=alert(1)>')"
    )
    with pytest.raises(AssertionError, match="CSP violations"):
        visit.check("a planted payload (its handler blocked by the CSP)")
    visit.page.evaluate("window.alert('planted')")
    with pytest.raises(AssertionError, match="planted"):
        visit.check("a dialog")


def test_map_list_and_company_card(visit: Visit, xss_server: tuple[LiveServer, Any]) -> None:
    _, seeded = xss_server
    page = visit.page
    api_company = seeded.company_slugs[0]
    # close enough that the company's symbol is its own marker: a click opens its card
    visit.open("/?map=18/51.6001/7.1401")
    page.click(f'.leaflet-marker-icon[data-slug="{api_company}"]', timeout=10_000)
    page.wait_for_selector(f'#selection .card[data-slug="{api_company}"]', timeout=10_000)
    visit.check("card opened from the map symbol")
    visit.open("/")
    page.wait_for_selector("#results .hit", timeout=10_000)
    assert "<script>alert(1)</script>" in _text_in(page, "#results"), "the list shows the name"
    visit.check("list view")
    for slug in seeded.company_slugs:
        # selecting a company zooms to it: start from the whole region for each
        visit.open("/")
        page.wait_for_selector(f'[data-show="{slug}"]', timeout=10_000)
        page.click(f'[data-show="{slug}"]')
        page.wait_for_selector(f'#selection .card[data-slug="{slug}"]', timeout=10_000)
        visit.check(f"map card of {slug}")
        # on the watch list (Merkliste), whose page shows the names again
        page.click(f'#results [data-watch="{slug}"]')
    visit.open("/merkliste")
    page.wait_for_function(
        "() => document.querySelectorAll('#watchlist-cards .card').length >= 2",
        timeout=10_000,
    )
    visit.check("watch list")


def test_plugin_layer_popups(visit: Visit) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page = visit.page
    layers = "childcare_kitas,housing_offers,training_courses,events,events_actors"
    # the region around the seeded records, and the two bus stops close enough to see apart
    # (further out their symbols form a group, which zooms in); a layer's records at one
    # address form one symbol, which opens them as a list
    views = [
        (f"/?layers={layers}&map=13/51.6/7.14", 6),
        ("/?layers=transit_stops&map=16/51.6012/7.1427", 2),
    ]
    with_payload = 0
    for url, expected in views:
        visit.open(url)
        # the layers load one request each: wait until all of them have drawn
        # (a locator, not wait_for_function: the page's CSP forbids evaluating strings)
        markers = page.locator(".leaflet-marker-icon.rk-layer-marker")
        markers.nth(expected - 1).wait_for(state="attached", timeout=15_000)
        for index in range(markers.count()):
            # opening a popup may pan the map, and the layers of the new view are drawn
            # again: act only once no layer is loading, on the marker as it is then
            popup = None
            for _ in range(3):
                page.wait_for_load_state("networkidle")
                if index >= markers.count():
                    break
                markers.nth(index).focus()
                page.keyboard.press("Enter")
                try:
                    popup = page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
                    break
                except PlaywrightTimeoutError:
                    continue  # the marker was drawn again between focus and key
            if popup is None:
                assert index >= markers.count(), f"marker {index} opened no popup"
                break
            # the popup shows the record's name (or the names at one address): payloads, as text
            with_payload += "alert(" in popup.inner_text()
            visit.check(f"layer popup {index} of {url}")
            page.keyboard.press("Escape")
    assert with_payload >= 8, "the seeded records' popups show their payload names"


@pytest.mark.parametrize(
    "kind",
    [
        "company_api",
        "company_questionnaire",
        "kita_list",
        "kita_detail",
        "housing_list",
        "housing_offer_form",
        "course_list",
        "course_import",
        "event_calendar",
        "event",
        "event_registered",
        "embed",
    ],
)
def test_page_shows_payloads_inert(
    kind: str, visit: Visit, xss_server: tuple[LiveServer, Any]
) -> None:
    _, seeded = xss_server
    visit.open(seeded.pages[kind])
    if kind == "embed":
        visit.page.wait_for_selector("#results .hit", timeout=10_000)
        assert "<script>alert(1)</script>" in _text_in(visit.page, "#results")
        slug = seeded.company_slugs[0]
        visit.page.click(f'#results [data-show="{slug}"]')
        visit.page.wait_for_selector(f'#selection .card[data-slug="{slug}"]', timeout=10_000)
    visit.check(kind)
    if kind == "kita_list":
        # the Kita map's popups are built in JavaScript from the same data
        marker = visit.page.wait_for_selector(".leaflet-marker-icon", timeout=10_000)
        assert marker is not None
        marker.click()
        visit.page.wait_for_selector(".leaflet-popup-content .kita-popup", timeout=5_000)
        visit.check("Kita popup")


def test_questionnaire_pages(visit: Visit, xss_server: tuple[LiveServer, Any]) -> None:
    _, seeded = xss_server
    visit.open(seeded.editor_links["draft"])
    for key in ("unternehmen", "ueber-uns", "training", "transit_commuting"):
        visit.open(f"/fragebogen/schritt/{key}")
        visit.check(f"questionnaire step {key}")
    visit.open("/fragebogen/pruefen")
    visit.check("questionnaire review")


def test_moderation_queue_and_diff(visit: Visit, xss_server: tuple[LiveServer, Any]) -> None:
    _, seeded = xss_server
    page = visit.page
    visit.open("/admin/anmelden")
    page.fill("input[name=username]", xss_corpus.ADMIN[0])
    page.fill("input[name=password]", xss_corpus.ADMIN[1])
    page.click("form button[type=submit]")
    page.wait_for_url("**/admin/")
    for kind in ("admin_queue", "admin_submission", "admin_outbox"):
        visit.open(seeded.operator_pages[kind])
        visit.check(kind)
