"""The start page in a real browser: map, list, filters and counts tell one story."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from browser_support import (
    map_symbols,
    new_page,
    open_more_filters,
    open_start,
    searches,
    shown_total,
    wait_for_search,
)


def _option(page: Any, key: str, value: str) -> Any:
    return page.locator(f'#filter-panel [data-key="{key}"] .option[data-value="{value}"]')


def _open_filter(page: Any, key: str) -> None:
    open_more_filters(page)
    details = page.locator(f'#filter-panel details[data-key="{key}"]')
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def _api_total(page: Any, server: Any, query: str) -> int:
    return int(page.request.get(f"{server.url}/api/v1/search?{query}").json()["total"])


def test_map_shows_clusters_and_the_same_total_as_the_list(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    clusters = page.locator(".leaflet-marker-icon.rk-cluster")
    assert clusters.count() > 0, "the whole region at start zoom is drawn as clusters"
    total = shown_total(page)
    assert total == live_server.platform.engine.index.size
    assert sum(map_symbols(page)) == total, "cluster counts and markers add up to the total"
    header = page.locator("#result-count").inner_text()
    assert re.sub(r"\D", "", header) == str(total)
    assert page.locator("#result-list > li").count() == 20
    pages = math.ceil(total / 20)
    assert page.locator("#pager .page-of").inner_text() == f"Seite 1 von {pages:,}".replace(
        ",", "."
    )
    # every cluster has an accessible name with its count
    first = clusters.first
    assert re.fullmatch(r"[\d.]+ Unternehmen, vergrößern", first.get_attribute("aria-label"))
    assert first.get_attribute("role") == "button" and first.get_attribute("tabindex") == "0"
    # without tiles: region outline and town names are still drawn
    assert page.locator(".leaflet-overlay-pane path").count() >= 1
    towns = len(live_server.platform.region.towns)
    assert page.locator(".rk-town-label").count() == towns
    # demo data is marked as such
    assert page.locator("#demo-notice").is_visible()
    assert page.locator("#result-list .badge.demo").count() == 20


def test_ticking_a_filter_updates_map_list_and_counts_consistently(
    page: Any, live_server: Any
) -> None:
    open_start(page, live_server)
    before = shown_total(page)
    _open_filter(page, "industry")
    option = _option(page, "industry", "F")
    promised = int(option.get_attribute("data-count"))
    assert 0 < promised < before
    done = searches(page)
    option.locator("input").check()
    wait_for_search(page, done)

    total = shown_total(page)
    assert total == promised, "the option's count is the total it gives"
    assert sum(map_symbols(page)) == total, "the map shows exactly the list's results"
    assert page.locator("#result-list > li").count() == min(20, total)
    assert re.sub(r"\D", "", page.locator("#result-count").inner_text()) == str(total)
    # the server agrees for the same query
    params = parse_qs(urlsplit(page.url).query)
    assert params["industry"] == ["F"]
    # every company has exactly one size class and one town: their facets add up to the total
    for key in ("size", "town"):
        counts = page.eval_on_selector_all(
            f'#filter-panel [data-key="{key}"] .option', "els => els.map(e => +e.dataset.count)"
        )
        assert sum(counts) == total, key
    # the chosen option's facet still counts the same, the others keep theirs (any-match)
    assert int(option.get_attribute("data-count")) == total
    # options giving nothing stay visible but disabled
    empty = page.locator('#filter-panel .option[data-count="0"] input')
    if empty.count():
        assert empty.first.is_disabled()
    # the active filter is a removable chip
    chip = page.locator("#chip-list .chip", has_text="Baugewerbe")
    assert chip.count() == 1
    done = searches(page)
    chip.click()
    wait_for_search(page, done)
    assert shown_total(page) == before
    assert not option.locator("input").is_checked()
    assert "industry" not in parse_qs(urlsplit(page.url).query)


def test_plugin_filter_appears_without_portal_change(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    open_more_filters(page)
    row = page.locator('#filter-panel .filter-bool[data-key="portaltest_kita"]')
    assert row.count() == 1
    assert "Kita in der Nähe (Test)" in row.inner_text()
    expected = int(row.locator(".option").get_attribute("data-count"))
    done = searches(page)
    row.locator("input").check()
    wait_for_search(page, done)
    assert shown_total(page) == expected
    assert sum(map_symbols(page)) == expected


def test_url_restores_the_same_view_and_back_button_works(
    page: Any, browser: Any, live_server: Any
) -> None:
    open_start(page, live_server)
    start_total = shown_total(page)
    _open_filter(page, "size")
    done = searches(page)
    _option(page, "size", "small").locator("input").check()
    wait_for_search(page, done)
    filtered_total = shown_total(page)
    # zoom in on the first cluster, then pick a company from the list
    done = searches(page)
    biggest = max(map_symbols(page))
    page.locator(f'.leaflet-marker-icon.rk-cluster[data-count="{biggest}"]').first.click()
    wait_for_search(page, done)
    zoomed_total = shown_total(page)
    assert zoomed_total < filtered_total
    first = page.locator("#result-list > li").first
    name = first.locator("h3").inner_text()
    done = searches(page)
    first.locator(".show-on-map").click()
    page.wait_for_selector("#selection .card")
    wait_for_search(page, done)
    state = page.url
    query = parse_qs(urlsplit(state).query)
    assert query["size"] == ["small"] and "map" in query and "company" in query
    view_total = shown_total(page)
    symbols = sorted(map_symbols(page))

    other = new_page(browser, live_server)
    try:
        other.goto(state)
        wait_for_search(other)
        other.wait_for_selector("#selection .card")
        assert shown_total(other) == view_total
        assert sorted(map_symbols(other)) == symbols
        assert other.locator("#selection h3").inner_text() == name
        other.wait_for_selector('#filter-panel [data-key="size"] .option[data-value="small"]')
        assert other.locator(
            '#filter-panel [data-key="size"] .option[data-value="small"] input'
        ).is_checked()
        assert parse_qs(urlsplit(other.url).query)["map"] == query["map"]
    finally:
        other.context.close()

    # back: selection gone, then the zoom, then the filter
    page.go_back()
    page.wait_for_function("() => document.getElementById('selection').hidden")
    page.go_back()
    wait_for_search(page, 0)
    page.go_back()
    page.wait_for_function("() => !location.search.includes('size=')")
    wait_for_search(page, 0)
    page.wait_for_function(
        f"() => document.getElementById('result-count').dataset.total == {start_total}"
    )
    assert not _option(page, "size", "small").locator("input").is_checked()


def test_radius_search_sorts_by_distance(
    page: Any, live_server: Any, page_errors: list[str]
) -> None:
    open_start(page, live_server)
    _open_filter(page, "near")
    page.fill("#near-place", "Marl")
    page.select_option("#near-radius", "5")
    done = searches(page)
    page.locator("#near-place").press("Enter")
    wait_for_search(page, done)
    query = parse_qs(urlsplit(page.url).query)
    assert query["near_town"] == ["Marl"] and query["radius_km"] == ["5"]
    assert query["sort"] == ["distance"]
    distances = page.eval_on_selector_all(
        "#result-list .distance",
        # "850 m entfernt", "1,4 km entfernt": back to km
        "els => els.map(e => parseFloat(e.textContent.replace(',', '.'))"
        " / (/\\d m\\b/.test(e.textContent) ? 1000 : 1))",
    )
    assert len(distances) == 20 and distances == sorted(distances) and distances[-1] <= 5
    assert sum(map_symbols(page)) == shown_total(page)
    # the radius circle is drawn and the chip names the place
    assert page.locator("#chip-list .chip", has_text="5 km um Marl").count() == 1
    # an unknown place is explained, not silently ignored
    page.fill("#near-place", "Atlantis")
    page.locator("#near-place").press("Enter")
    page.wait_for_selector("#near-error:not([hidden])")
    page_errors.clear()  # the browser logs the place lookup's 404 itself
    assert "nicht gefunden" in page.locator("#near-error").inner_text()


def test_phone_shows_map_or_list_without_horizontal_scrolling(
    browser: Any, live_server: Any
) -> None:
    for width in (360, 390):
        page = new_page(
            browser, live_server, width=width, height=800, is_mobile=True, has_touch=True
        )
        try:
            open_start(page, live_server)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            map_box = page.locator("#map").bounding_box()
            assert map_box["width"] >= width - 2
            assert not page.locator("#result-list").is_visible()
            page.click("#view-list")
            assert page.locator("#result-list").is_visible()
            assert not page.locator("#map").is_visible()
            assert page.get_attribute("#view-list", "aria-pressed") == "true"
            assert not page.locator("#filters").is_visible()
            page.click("#filter-toggle")
            assert page.locator("#filters").is_visible()
            assert page.get_attribute("#filter-toggle", "aria-expanded") == "true"
        finally:
            page.context.close()


def test_english_is_switchable(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    # the switcher is closed; it opens, Escape closes it and gives focus back to it
    assert not page.locator("a[hreflang=en]").is_visible()
    page.click(".lang-menu > summary")
    assert page.locator("a[hreflang=en]").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("a[hreflang=en]").is_visible()
    assert page.evaluate("document.activeElement.matches('.lang-menu > summary')")
    page.click(".lang-menu > summary")
    page.click("a[hreflang=en]")
    wait_for_search(page)
    page.wait_for_selector("#filter-panel .filter", state="attached")
    assert page.get_attribute("html", "lang") == "en"
    assert "lang=en" in page.url
    assert (
        page.locator('#filter-panel [data-key="industry"] summary')
        .inner_text()
        .startswith("Industry")
    )
    assert page.locator("#result-count").inner_text().endswith("companies")
    assert page.locator("footer").inner_text().count("Accessibility") == 1


def test_a_link_with_a_filter_the_portal_does_not_have_shows_results_without_it(
    page: Any, live_server: Any
) -> None:
    # an old shared link: its plugin's filter is gone (switched off), its other filter stays
    open_start(page, live_server, "?jobs_hiring=true&size=small")
    page.wait_for_function("() => !new URL(location.href).searchParams.has('jobs_hiring')")
    wait_for_search(page)
    page.wait_for_selector("#result-message:not([hidden])")
    message = page.locator("#result-message").inner_text()
    assert "Ein Filter aus dem Link gibt es hier nicht" in message
    assert "nicht möglich" not in message
    assert parse_qs(urlsplit(page.url).query)["size"] == ["small"]
    assert shown_total(page) == _api_total(page, live_server, "size=small") > 0
