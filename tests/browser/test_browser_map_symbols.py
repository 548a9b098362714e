"""Map symbols as a person sees them: none covers another at any zoom, groups are named by the
number they show, companies at one place open as a list, and town names give way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import (
    LiveServer,
    build_app,
    describe,
    map_symbols,
    new_page,
    open_start,
    run_axe,
    searches,
    shown_total,
    wait_for_search,
)

#: (width, height) of a desktop and of a phone
VIEWPORTS = [(1280, 900), (390, 844)]

SYMBOL_BOXES = """() => Array.from(document.querySelectorAll('.leaflet-marker-icon.rk-symbol'))
  .map(e => { const r = e.getBoundingClientRect();
              return [r.left, r.top, r.right, r.bottom, e.textContent.trim(),
                      e.getAttribute('aria-label') || '']; })"""


def symbol_boxes(page: Any) -> list[list[Any]]:
    return page.evaluate(SYMBOL_BOXES)


def overlaps(boxes: list[list[Any]]) -> list[tuple[list[Any], list[Any]]]:
    """Pairs of symbols whose boxes share more than a sub-pixel rounding (brute force)."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                found.append((a, b))
    return found


def check_symbols(page: Any, where: str) -> int:
    boxes = symbol_boxes(page)
    pairs = overlaps(boxes)
    assert pairs == [], f"{where}: {len(pairs)} overlapping symbols, e.g. {pairs[:3]}"
    for box in boxes:
        text, name = box[4], box[5]
        # WCAG 2.5.3 Label in Name: a group's name starts with the number it shows
        if text:
            assert name.startswith(text + " "), (where, text, name)
    return len(boxes)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_no_symbols_overlap_at_any_zoom_with_50000_companies(
    browser: Any, big_server: Any, viewport: tuple[int, int]
) -> None:
    width, height = viewport
    page = new_page(browser, big_server, width=width, height=height)
    try:
        page.goto(big_server.url + "/")
        wait_for_search(page)
        check_symbols(page, "start view")
        assert sum(map_symbols(page)) == shown_total(page)
        index = big_server.platform.engine.index
        # a company in the middle of the region (north to south), so every zoom shows some
        row = int(index.lat.argsort()[index.size // 2])
        lat, lon = float(index.lat[row]), float(index.lon[row])
        for zoom in range(8, 19):
            page.goto(f"{big_server.url}/?map={zoom}/{lat}/{lon}")
            wait_for_search(page)
            n = check_symbols(page, f"zoom {zoom}")
            assert n > 0, zoom
            # every company in the view is in one symbol
            assert sum(map_symbols(page)) == shown_total(page), zoom
        # the map area switched off as a filter: symbols for the view, the list counts all
        for zoom in (12, 15, 18):
            page.goto(f"{big_server.url}/?map={zoom}/{lat}/{lon}&in_view=0")
            wait_for_search(page)
            assert check_symbols(page, f"zoom {zoom}, whole region listed") > 0
            assert shown_total(page) == index.size
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_no_symbols_overlap_after_cluster_clicks(
    browser: Any, big_server: Any, viewport: tuple[int, int]
) -> None:
    width, height = viewport
    page = new_page(browser, big_server, width=width, height=height)
    try:
        page.goto(big_server.url + "/")
        wait_for_search(page)
        for step in range(4):
            groups = page.locator(".leaflet-marker-icon.rk-cluster:not(.stack)")
            if groups.count() == 0:
                break
            counts = [int(c) for c in groups.evaluate_all("els => els.map(e => e.dataset.count)")]
            before = searches(page)
            zoom_before = page.evaluate("() => location.search")
            groups.nth(counts.index(max(counts))).click()
            wait_for_search(page, before)
            assert page.evaluate("() => location.search") != zoom_before
            check_symbols(page, f"after click {step + 1}")
    finally:
        page.context.close()


#: five companies in one building
BUILDING = (51.6123, 7.1987)


@pytest.fixture(scope="module")
def building_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """300 demo companies, five of them at one address."""
    from core.io.demo import demo_rows
    from core.persistence import companies as repo

    app = build_app(tmp_path_factory.mktemp("building") / "portal.db", 0, with_test_plugin=False)
    platform = app.extensions["regiokarte"]
    rows = list(demo_rows(platform.region, 300, 7))
    for row in rows[:5]:
        row["lat"], row["lon"] = BUILDING
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, rows)
    platform.engine.refresh(force=True)
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.mark.parametrize("zoom", [15, 18])
def test_companies_at_one_place_open_as_a_list(
    browser: Any, building_server: LiveServer, zoom: int
) -> None:
    page = new_page(browser, building_server, width=1280, height=900, bypass_csp=True)
    try:
        open_start(page, building_server, f"?map={zoom}/{BUILDING[0]}/{BUILDING[1]}")
        wait_for_search(page)
        check_symbols(page, f"zoom {zoom}")
        stack = page.locator('.leaflet-marker-icon.rk-cluster.stack[data-count="5"]')
        assert stack.count() == 1
        _open_and_use_the_list(page, stack)
        # axe-core: the start page with a stack's list open
        stack.first.focus()
        page.keyboard.press("Enter")
        # the list closed before fades out: wait until only the new one is there
        page.wait_for_function("() => document.querySelectorAll('.rk-stack').length === 1")
        violations = run_axe(page)
        assert violations == [], describe(violations)
    finally:
        page.context.close()


def _open_and_use_the_list(page: Any, stack: Any) -> None:
    first = stack.first
    count = int(first.get_attribute("data-count"))
    name = first.get_attribute("aria-label")
    assert name.startswith(first.inner_text().strip() + " ")
    first.focus()
    page.keyboard.press("Enter")
    dialog = page.locator(".rk-stack[role=dialog]")
    dialog.wait_for()
    items = dialog.locator("button.rk-stack-item")
    assert items.count() == count
    # focus went into the list; Escape closes it and gives focus back to the stack
    assert page.evaluate("() => document.activeElement.classList.contains('rk-stack-item')")
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert page.evaluate(
        "() => document.activeElement.classList.contains('stack')"
        " && document.activeElement.classList.contains('rk-symbol')"
    )
    # choosing a company in the list selects it
    page.keyboard.press("Enter")
    dialog.wait_for()
    chosen = items.first.locator(".name").inner_text()
    items.first.click()
    page.locator("#selection").get_by_text(chosen).first.wait_for()


def test_town_names_give_way_to_symbols(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    wait_for_search(page)
    labels = page.evaluate(
        """() => Array.from(document.querySelectorAll('.rk-town-label'))
             .filter(e => getComputedStyle(e).visibility !== 'hidden')
             .map(e => { const r = e.getBoundingClientRect();
                         return [r.left, r.top, r.right, r.bottom, e.textContent]; })"""
    )
    symbols = symbol_boxes(page)
    assert symbols
    covered = [
        (label[4], s[4])
        for label in labels
        for s in symbols
        if label[0] < s[2] and s[0] < label[2] and label[1] < s[3] and s[1] < label[3]
    ]
    assert covered == []


def test_choosing_a_town_moves_the_map_to_its_results(page: Any, live_server: Any) -> None:
    open_start(page, live_server, "?in_view=0")
    wait_for_search(page)
    zoom_before = float(page.evaluate("() => location.search.match(/map=([0-9.]+)/)[1]"))
    town = page.locator('[data-key="town"]')
    town.locator("summary").click()
    before = searches(page)
    town.locator('input[value="05562008"]').check()
    wait_for_search(page, before)
    page.wait_for_function(
        f"() => Number(location.search.match(/map=([0-9.]+)/)[1]) > {zoom_before}"
    )
    wait_for_search(page)
    # every result of the town is drawn inside the map
    assert sum(map_symbols(page)) == shown_total(page) > 0
    outside = page.evaluate(
        """() => { const m = document.getElementById('map').getBoundingClientRect();
             return Array.from(document.querySelectorAll('.leaflet-marker-icon.rk-symbol'))
               .map(e => e.getBoundingClientRect())
               .filter(r => r.left < m.left || r.right > m.right || r.top < m.top
                            || r.bottom > m.bottom).length; }"""
    )
    assert outside == 0
