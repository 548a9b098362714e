"""The start page as an app, at 1280x900 and on a 390x844 phone, with every bundled plugin.

What a person would notice: the page never scrolls past the screen, the phone shows the map
first, the filter sheet's button says how many results the API finds, Escape closes what
opened last, nothing covers the control that has focus, axe-core finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    LiveServer,
    describe,
    new_page,
    open_more_filters,
    run_axe,
    searches,
    wait_for_search,
)

PLUGINS = ["childcare", "housing", "transit", "training", "events"]
MARL_KITAS = Path(__file__).parents[1] / "plugins" / "childcare" / "data" / "kitas_marl.osm"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The portal with all bundled plugins and the real Kitas of Marl (OpenStreetMap)."""
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from plugins.childcare.hooks import service_for
    from plugins.childcare.importers import import_file
    from webapp.app import create_app

    db = tmp_path_factory.mktemp("shell") / "portal.db"
    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{db}", "contact_email": "a11y@example.org"},
            "search": {"refresh_interval": 5.0},
            "plugins": {"enabled": PLUGINS},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 3000, 1))
        settings = service_for(platform).settings
        import_file(
            session,
            MARL_KITAS,
            mapping=settings.columns,
            region=platform.region,
            conversions=settings.conversions(),
            where=settings.where,
        )
    platform.engine.refresh(force=True)
    live = LiveServer(app)
    yield live
    live.stop()


def _page(browser: Any, server: LiveServer, size: dict[str, Any], **extra: Any) -> Any:
    size = dict(size)
    return new_page(
        browser, server, width=size.pop("width"), height=size.pop("height"), **size, **extra
    )


def _open(page: Any, server: LiveServer, query: str = "") -> None:
    page.goto(server.url + "/" + query)
    wait_for_search(page)
    page.wait_for_selector("#filter-panel .filter", state="attached", timeout=10_000)


def _document_fits(page: Any) -> None:
    heights = page.evaluate(
        "[document.documentElement.scrollHeight, document.body.scrollHeight, innerHeight]"
    )
    assert heights[0] == heights[2] and heights[1] <= heights[2], heights
    page.mouse.wheel(0, 5000)
    page.evaluate("window.scrollTo(0, 5000)")
    assert page.evaluate("scrollY") == 0


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_page_is_exactly_one_screen_high(browser: Any, server: Any, size: Any) -> None:
    page = _page(browser, server, size)
    try:
        _open(page, server)
        _document_fits(page)
        if size is PHONE:
            page.click("#view-list")
        # the list scrolls inside its panel, to its very end, and the page stays put
        page.evaluate("document.getElementById('results').scrollTop = 1e6")
        assert page.evaluate("document.getElementById('results').scrollTop") > 0
        _document_fits(page)
        # the footer's links end the list: accessibility, Leichte Sprache, imprint, privacy
        assert page.locator("#results .site-footer a").count() == 4
        if size is DESKTOP:
            open_more_filters(page)
            page.evaluate("document.querySelector('.filters-body').scrollTop = 1e6")
            _document_fits(page)
            # at least five compact result cards on one desktop screen
            visible = page.evaluate(
                """() => { const r = document.getElementById('results').getBoundingClientRect();
                   document.getElementById('results').scrollTop = 0;
                   return [...document.querySelectorAll('#result-list > li')].filter(li => {
                     const b = li.getBoundingClientRect();
                     return b.top >= r.top && b.bottom <= r.bottom;
                   }).length; }"""
            )
            assert visible >= 5, visible
        # the embeddable widget too
        page.goto(server.url + "/embed")
        wait_for_search(page)
        _document_fits(page)
        page.evaluate("document.getElementById('results').scrollTop = 1e6")
        _document_fits(page)
    finally:
        page.context.close()


def test_phone_shows_the_map_first_and_remembers_the_dismissed_notice(
    browser: Any, server: Any
) -> None:
    page = _page(browser, server, PHONE)
    try:
        _open(page, server)
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 64
        map_box = page.locator("#map").bounding_box()
        assert map_box["height"] >= 0.6 * 844, map_box
        search = page.locator("#q").bounding_box()
        assert search["y"] + search["height"] <= map_box["y"] + 1, "the search field is on top"
        # the demo notice: one line, dismissed once, gone after a reload (and the map grows)
        notice = page.locator("#demo-notice")
        assert notice.is_visible() and notice.bounding_box()["height"] <= 48
        page.click("[data-dismiss-demo]")
        assert not notice.is_visible()
        page.reload()
        wait_for_search(page)
        assert not page.locator("#demo-notice").is_visible()
        assert page.locator("#map").bounding_box()["height"] > map_box["height"]
        # every company stays marked as fictitious
        page.click("#view-list")
        assert page.locator("#result-list .tag-demo").count() == 20
    finally:
        page.context.close()


def _last_search(requests: list[str]) -> str:
    return [u for u in requests if "/api/v1/search?" in u][-1]


def test_filter_sheet_button_shows_the_count_of_the_api(browser: Any, server: Any) -> None:
    page = _page(browser, server, PHONE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        _open(page, server)
        page.click("#filter-toggle")
        sheet = page.locator("#filters")
        assert sheet.is_visible() and sheet.get_attribute("role") == "dialog"
        box = sheet.bounding_box()
        assert box["height"] >= 840 and box["width"] >= 389, "a full-screen sheet"

        def check() -> int:
            total = int(page.request.get(_last_search(requests)).json()["total"])
            button = page.locator("#show-results")
            assert int(button.get_attribute("data-total")) == total
            text = button.inner_text()
            shown = re.sub(r"\D", "", text)
            assert (
                (shown == str(total))
                if total > 1
                else text
                in (
                    "1 Ergebnis anzeigen",
                    "Keine Ergebnisse",
                )
            ), text
            return total

        everything = check()
        # a primary filter: tick the first work-family option
        page.locator('#filter-panel details[data-key="family"] > summary').click()
        done = searches(page)
        page.locator('#filter-panel [data-key="family"] input:not(:disabled)').first.check()
        wait_for_search(page, done)
        fewer = check()
        assert 0 < fewer < everything
        # the composite Kita control behind "Weitere Filter": a distance, then an age group
        open_more_filters(page)
        page.locator('#filter-panel details[data-key="childcare_kita"] > summary').click()
        done = searches(page)
        page.select_option("#f-childcare_kita-d-radius", "5")
        wait_for_search(page, done)
        assert "childcare_kita=5km" in page.url
        check()
        done = searches(page)
        page.select_option("#f-childcare_kita-d-age", "u3")
        wait_for_search(page, done)
        assert "childcare_kita=5km-u3" in page.url
        with_kita = check()
        # the option shows what it gives, formatted as the page's language writes numbers
        option = page.locator('#f-childcare_kita-d-age option[value="u3"]').inner_text()
        assert option.endswith(f"({with_kita:,})".replace(",", "."))
        # the button closes the sheet and shows the list
        page.click("#show-results")
        assert not sheet.is_visible()
        assert page.locator("#result-list").is_visible()
        assert page.evaluate("document.activeElement.id") == "results-heading"
    finally:
        page.context.close()


def _focused(page: Any) -> str:
    return page.evaluate(
        "document.activeElement.id || document.activeElement.className || "
        "document.activeElement.tagName"
    )


def test_escape_closes_what_opened_last(browser: Any, server: Any) -> None:
    page = _page(browser, server, PHONE)
    try:
        _open(page, server)
        switcher = page.locator("#layer-switcher")
        # the map contents: a sheet, closed by Escape (focus back on its button) ...
        switcher.locator("> summary").click()
        page.wait_for_timeout(100)
        assert switcher.get_attribute("open") is not None
        assert page.locator(".layer-sheet").is_visible()
        page.keyboard.press("Escape")
        assert switcher.get_attribute("open") is None
        assert page.evaluate("document.activeElement.matches('#layer-switcher > summary')")
        # ... and by a tap on the map outside it
        switcher.locator("> summary").click()
        page.locator(".layer-sheet").wait_for()
        page.wait_for_timeout(100)  # the toggle event comes after the click
        page.mouse.click(60, 400)
        assert switcher.get_attribute("open") is None
        # a selected company's card, then the switcher over it: Escape closes the switcher first
        page.click("#view-list")
        page.locator("#result-list .show-on-map").first.click()
        page.wait_for_selector("#selection .card")
        assert page.locator("#map").is_visible(), "showing a company switches to the map"
        switcher.locator("> summary").click()
        page.locator(".layer-sheet").wait_for()
        page.wait_for_timeout(100)
        page.keyboard.press("Escape")
        assert switcher.get_attribute("open") is None
        assert page.locator("#selection").is_visible()
        page.keyboard.press("Escape")
        assert not page.locator("#selection").is_visible()
        assert "company=" not in page.url
        # the filter sheet
        page.click("#filter-toggle")
        assert page.locator("#filters").is_visible()
        page.keyboard.press("Escape")
        assert not page.locator("#filters").is_visible()
        assert _focused(page) == "filter-toggle"
        # the menu
        page.click("#menu-toggle")
        assert page.locator(".site-nav").is_visible()
        page.keyboard.press("Escape")
        assert not page.locator(".site-nav").is_visible()
        assert _focused(page) == "menu-toggle"
    finally:
        page.context.close()


# the focused control's centre must show the control itself (or a part of it)
COVERED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  if (r.width < 3 || r.height < 3) return null;
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  if (!top || el === top || el.contains(top) || top.contains(el)) return null;
  const label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
  if (label && label.contains(top)) return null;
  return [el.outerHTML.slice(0, 120), top.outerHTML.slice(0, 120)];
}"""


def _tab_through(page: Any, steps: int, seen: set[str] | None = None) -> list[Any]:
    problems = []
    for _ in range(steps):
        page.keyboard.press("Tab")
        found = page.evaluate(COVERED)
        if found:
            problems.append(found)
        if seen is not None:
            seen.add(page.evaluate("document.activeElement.className || ''"))
    return problems


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_element_covers_a_focused_control(browser: Any, server: Any, size: Any) -> None:
    page = _page(browser, server, size)
    try:
        _open(page, server)
        seen: set[str] = set()
        problems = _tab_through(page, 90, seen)
        assert any("rk-symbol" in c for c in seen), "the walk reached the map's symbols"
        if size is PHONE:
            page.click("#filter-toggle")
            open_more_filters(page)
            problems += _tab_through(page, 40)
            page.keyboard.press("Escape")
            page.click("#view-list")
            problems += _tab_through(page, 40)
        assert problems == []
    finally:
        page.context.close()


def test_keyboard_only_on_a_phone(browser: Any, server: Any) -> None:
    page = _page(browser, server, PHONE)
    try:
        _open(page, server)

        def tab_to(selector: str, limit: int = 150) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate(f"document.activeElement.matches({selector!r})"):
                    return
            raise AssertionError(f"{selector} not reached")

        tab_to("#filter-toggle")
        page.keyboard.press("Enter")
        assert page.locator("#filters").is_visible()
        tab_to('#filter-panel details[data-key="industry"] > summary')
        page.keyboard.press("Enter")
        tab_to('#filter-panel [data-key="industry"] input[type=checkbox]:not(:disabled)')
        done = searches(page)
        page.keyboard.press("Space")
        wait_for_search(page, done)
        total = page.locator("#show-results").get_attribute("data-total")
        tab_to("#show-results")
        page.keyboard.press("Enter")
        assert page.locator("#result-list").is_visible()
        assert page.locator("#result-count").get_attribute("data-total") == total
        tab_to("#result-list a")
        name = page.evaluate("document.activeElement.textContent")
        page.keyboard.press("Enter")
        page.wait_for_url("**/unternehmen/**")
        assert page.locator("h1").inner_text() == name
    finally:
        page.context.close()


def _axe(page: Any) -> None:
    page.wait_for_timeout(150)
    violations = run_axe(page)
    assert violations == [], describe(violations)


def test_axe_on_every_state_of_the_phone_flow(browser: Any, server: Any) -> None:
    page = _page(browser, server, PHONE, bypass_csp=True)
    try:
        _open(page, server)
        _axe(page)  # the map
        page.click("#menu-toggle")
        _axe(page)  # the menu
        page.keyboard.press("Escape")
        page.click("#filter-toggle")
        open_more_filters(page)
        page.locator('#filter-panel details[data-key="childcare_kita"] > summary').click()
        page.locator('#filter-panel details[data-key="profession"] > summary').click()
        page.locator('#filter-panel details[data-key="near"] > summary').click()
        _axe(page)  # the filter sheet, Kita control open
        page.click("#show-results")
        _axe(page)  # the list
        page.click("#list-mode")
        _axe(page)  # the detailed list
        page.locator("#result-list .show-on-map").first.click()
        page.wait_for_selector("#selection .card")
        _axe(page)  # a selected company
        page.keyboard.press("Escape")
        page.locator("#layer-switcher > summary").click()
        _axe(page)  # the map contents sheet
    finally:
        page.context.close()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/", "/embed", "/kitas", "KITA"])
def test_axe_on_start_page_widget_and_kita_pages(
    browser: Any, server: Any, size: Any, path: str
) -> None:
    page = _page(browser, server, size, bypass_csp=True)
    try:
        if path == "KITA":
            page.goto(server.url + "/kitas")
            href = page.locator("main a[href*='/kitas/']").first.get_attribute("href")
            page.goto(server.url + href)
        else:
            page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        if path == "/":
            open_more_filters(page) if size is DESKTOP else None
        _axe(page)
        if path == "/embed":
            assert page.locator("h1").count() == 1
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1024, 1280])
def test_desktop_header_is_one_row_in_every_language(browser: Any, server: Any, width: int) -> None:
    """Brand, navigation and language switcher share one row (a second row took 50 px from
    the map), in the longest of the four languages too; and no map credits Leaflet with a
    flag (Leaflet 1.9 puts one before its name)."""
    page = _page(browser, server, {"width": width, "height": 900})
    try:
        for lang in ("de", "en", "tr", "ar"):
            page.goto(f"{server.url}/kitas?lang={lang}")
            header = page.locator(".site-header").bounding_box()
            parts = [
                page.locator(f".site-header {part}").bounding_box()
                for part in (".brand", ".site-nav", ".lang-menu > summary")
            ]
            assert header["height"] <= 64, (lang, header)
            middles = [box["y"] + box["height"] / 2 for box in parts]
            assert max(middles) - min(middles) <= 4, (lang, parts)
            # nothing cut off at the row's end
            assert all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in parts)
            links = page.locator(".site-nav a")
            for i in range(links.count()):
                assert links.nth(i).bounding_box()["height"] <= 48, links.nth(i).inner_text()
        for path in ("/", "KITA"):
            if path == "KITA":
                page.goto(server.url + "/kitas")
                path = page.locator("main a[href*='/kitas/']").first.get_attribute("href")
            page.goto(server.url + path)
            page.wait_for_selector(".leaflet-control-attribution a")
            flags = page.locator(".leaflet-control-attribution .leaflet-attribution-flag")
            assert all(not flags.nth(i).is_visible() for i in range(flags.count()))
            assert page.locator(".leaflet-control-attribution").inner_text().startswith("Leaflet")
    finally:
        page.context.close()
