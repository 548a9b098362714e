"""Right-to-left layout: a page with ``<html dir="rtl">`` is the mirror image of the same page
left to right, on a desktop and a phone; the Arabic pages have their parts on the mirrored sides
and fit the screen; the page "Leichte Sprache" passes axe in German, English and Arabic.

The mirror is checked against the page itself: the test lays the same German page out left to
right and right to left (so every text has the same width), mirrors each box of the first
(x -> width - x - w) and compares, so it needs no remembered coordinates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import LiveServer, describe, new_page, run_axe

DESKTOP, PHONE = (1280, 900), (390, 844)
#: what must change sides on the start page (present at both sizes unless noted)
MIRRORED = {
    DESKTOP: [".filters", ".results", ".search-row input", ".leaflet-control-zoom",
              "#layer-switcher > summary", ".leaflet-control-attribution", ".brand"],
    PHONE: [".search-row input", "#filter-toggle", ".leaflet-control-zoom",
            "#layer-switcher > summary", ".leaflet-control-attribution", ".brand", "#menu-toggle"],
}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The portal with two plugins that add map layers (so the layer switcher shows)."""
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from webapp.app import create_app

    db = tmp_path_factory.mktemp("rtl") / "portal.db"
    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{db}", "operator": "Regionalagentur Test"},
            "plugins": {"enabled": ["childcare", "housing"]},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 300, 1))
    platform.engine.refresh(force=True)
    live = LiveServer(app)
    yield live
    live.stop()


def _open(browser: Any, server: LiveServer, path: str, size: tuple[int, int], rtl: bool) -> Any:
    page = new_page(
        browser, server, width=size[0], height=size[1], bypass_csp=True,
        is_mobile=size == PHONE, has_touch=size == PHONE,
    )  # fmt: skip
    if rtl:
        # the German page laid out right to left, before any script lays out the map
        page.add_init_script(
            "document.addEventListener('DOMContentLoaded', () => "
            "{ document.documentElement.dir = 'rtl'; });"
        )
    page.goto(server.url + path)
    if path.split("?")[0] == "/":
        page.wait_for_selector("body[data-search-done]")
    page.wait_for_load_state("networkidle")
    return page


def _boxes(page: Any, selectors: list[str]) -> dict[str, dict[str, float]]:
    return page.evaluate(
        """(selectors) => Object.fromEntries(selectors.map(s => {
             const box = document.querySelector(s).getBoundingClientRect();
             return [s, {x: box.x, y: box.y, w: box.width, h: box.height}];
           }))""",
        selectors,
    )


def _overflow(page: Any) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_start_page_right_to_left_is_the_mirror_image(
    browser: Any, server: LiveServer, size: tuple[int, int]
) -> None:
    selectors = MIRRORED[size]
    ltr_page = _open(browser, server, "/", size, rtl=False)
    ltr = _boxes(ltr_page, selectors)
    ltr_page.context.close()
    page = _open(browser, server, "/", size, rtl=True)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    rtl = _boxes(page, selectors)
    width = page.evaluate("document.documentElement.clientWidth")
    problems = []
    for selector in selectors:
        left, right = ltr[selector], rtl[selector]
        mirrored_x = width - left["x"] - left["w"]
        if abs(right["x"] - mirrored_x) > 2 or abs(right["y"] - left["y"]) > 2:
            problems.append(
                f"{selector}: at x={right['x']:.0f}, y={right['y']:.0f}; the mirror of the "
                f"left-to-right page puts it at x={mirrored_x:.0f}, y={left['y']:.0f}"
            )
    assert not problems, "\n".join(problems)
    assert _overflow(page) <= 0
    page.context.close()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_arabic_start_page_is_right_to_left(
    browser: Any, server: LiveServer, size: tuple[int, int]
) -> None:
    page = _open(browser, server, "/?lang=ar", size, rtl=False)
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    width = page.evaluate("document.documentElement.clientWidth")
    boxes = _boxes(page, [".leaflet-control-zoom", "#layer-switcher > summary", ".brand"])
    centre = lambda box: box["x"] + box["w"] / 2  # noqa: E731
    assert centre(boxes[".leaflet-control-zoom"]) > width / 2, "zoom buttons on the right"
    assert centre(boxes["#layer-switcher > summary"]) < width / 2, "layer switcher on the left"
    assert centre(boxes[".brand"]) > width / 2, "the portal's name on the right"
    if size == DESKTOP:
        columns = _boxes(page, [".filters", ".map-section", ".results"])
        assert columns[".filters"]["x"] > columns[".map-section"]["x"] > columns[".results"]["x"]
    assert _overflow(page) <= 0
    page.context.close()


def test_town_names_stand_beside_their_dot_right_to_left(browser: Any, server: LiveServer) -> None:
    page = _open(browser, server, "/", DESKTOP, rtl=True)
    # each label begins just right of its town's dot, as on the left-to-right map (Leaflet
    # places them; without a left edge they would hang a label's width to the left)
    gaps = page.evaluate(
        """() => [...document.querySelectorAll('.rk-town-label')].map(label => {
             const box = label.getBoundingClientRect();
             const dots = [...document.querySelectorAll('.leaflet-rk-towns-pane path')];
             const y = box.y + box.height / 2;
             const near = dots.map(d => d.getBoundingClientRect())
               .filter(d => Math.abs(d.y + d.height / 2 - y) < 3)
               .map(d => box.x - (d.x + d.width));
             return Math.min(...near.map(Math.abs));
           })"""
    )
    assert gaps, "no town labels on the map"
    assert max(gaps) < 15, gaps
    page.context.close()


def test_selected_company_card_sits_on_the_start_side(browser: Any, server: LiveServer) -> None:
    page = _open(browser, server, "/", DESKTOP, rtl=True)
    page.locator(".hit .show-on-map").first.click()
    page.wait_for_selector("#selection:not([hidden])")
    card = _boxes(page, ["#selection", ".map-section", "#selection .close", "#selection h3"])
    map_box, box = card[".map-section"], card["#selection"]
    # the card hugs the map's right edge (its start side), its close button the card's left
    assert abs((map_box["x"] + map_box["w"]) - (box["x"] + box["w"])) < 16
    assert card["#selection .close"]["x"] < box["x"] + 16
    assert card["#selection h3"]["x"] >= box["x"] + 44 - 1
    page.context.close()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(("query", "rtl"), [("", False), ("?lang=en", False), ("?lang=ar", False)])
def test_leichte_sprache_page_passes_axe_and_fits(
    browser: Any, server: LiveServer, size: tuple[int, int], query: str, rtl: bool
) -> None:
    page = _open(browser, server, "/leichte-sprache" + query, size, rtl=rtl)
    assert page.locator("h1").inner_text() == "Leichte Sprache"
    assert _overflow(page) <= 0
    violations = run_axe(page)
    assert not violations, describe(violations)
    # the German text keeps its own direction on a right-to-left page
    direction = "getComputedStyle(document.querySelector('.easy-language h1')).direction"
    assert page.evaluate(direction) == "ltr"
    page.context.close()
