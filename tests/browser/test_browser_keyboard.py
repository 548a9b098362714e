"""Keyboard only: every step of a search works without a mouse, and focus is never lost."""

from __future__ import annotations

from typing import Any

from browser_support import open_start, searches, shown_total, wait_for_search


def _tab_to(page: Any, selector: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")


def test_keyboard_only_filter_list_and_profile(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    before = shown_total(page)
    # tab to the industry filter, open it, tick its first option that gives results
    _tab_to(page, '#filter-panel details[data-key="industry"] > summary')
    page.keyboard.press("Enter")
    _tab_to(page, '#filter-panel [data-key="industry"] input[type=checkbox]:not(:disabled)')
    done = searches(page)
    page.keyboard.press("Space")
    wait_for_search(page, done)
    assert page.evaluate("document.activeElement.checked"), "focus stays on the ticked box"
    after = shown_total(page)
    assert 0 < after < before
    # the live region announces the new count
    page.wait_for_function(
        "() => document.getElementById('live').textContent.includes('Unternehmen gefunden')"
    )
    # skip the map, reach the first company of the list, open its page
    _tab_to(page, "a.skip-map")
    page.keyboard.press("Enter")
    _tab_to(page, "#result-list a")
    name = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url("**/unternehmen/**")
    assert page.locator("h1").inner_text() == name


def test_cluster_by_keyboard_zooms_in_and_keeps_focus(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    zoom = page.evaluate("+new URLSearchParams(location.search).get('map').split('/')[0]")
    _tab_to(page, ".leaflet-marker-icon.rk-cluster", limit=200)
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.endswith("Unternehmen, vergrößern")
    done = searches(page)
    page.keyboard.press("Enter")
    wait_for_search(page, done)
    new_zoom = page.evaluate("+new URLSearchParams(location.search).get('map').split('/')[0]")
    assert new_zoom > zoom
    page.wait_for_function("() => document.getElementById('map').contains(document.activeElement)")
    focused = page.evaluate(
        "document.activeElement.matches('.rk-symbol') || document.activeElement.id === 'map'"
    )
    assert focused, "focus moved to a symbol of the zoomed view (or the map), not to <body>"
    page.wait_for_function(
        "() => document.getElementById('live').textContent.startsWith('Karte vergrößert')"
    )
