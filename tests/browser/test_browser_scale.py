"""50,000 companies: the start page shows symbols at once, and never more than 2,000 of them.

Time is printed, not asserted (bench/browser_bench.py measures it properly).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from browser_support import map_symbols, new_page, shown_total, wait_for_search

MAX_MARKERS = 2000


def test_no_view_puts_more_than_2000_markers_into_the_page(browser: Any, big_server: Any) -> None:
    page = new_page(browser, big_server)
    try:
        started = time.perf_counter()
        page.goto(big_server.url + "/")
        page.wait_for_selector(".leaflet-marker-icon.rk-symbol")
        elapsed = time.perf_counter() - started
        print(f"\nstart page with {shown_total(page):,} companies: symbols after {elapsed:.2f} s")
        wait_for_search(page)
        assert sum(map_symbols(page)) == shown_total(page) == big_server.platform.engine.index.size
        index = big_server.platform.engine.index
        lat, lon = float(index.lat[0]), float(index.lon[0])  # a place with companies around
        worst = 0
        for zoom in (8, 10, 11, 12, 13, 14, 15, 16, 18):
            for extra in ("", "&in_view=0"):
                page.goto(f"{big_server.url}/?map={zoom}/{lat}/{lon}{extra}")
                wait_for_search(page)
                markers = page.locator(".leaflet-marker-icon").count()
                worst = max(worst, markers)
                assert 0 < markers <= MAX_MARKERS, (zoom, extra, markers)
                if not extra:
                    assert sum(map_symbols(page)) == shown_total(page), zoom
        print(f"most marker elements in one view: {worst}")
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [390])
def test_phone_start_page_at_scale(browser: Any, big_server: Any, width: int) -> None:
    page = new_page(browser, big_server, width=width, height=844, is_mobile=True)
    try:
        page.goto(big_server.url + "/")
        wait_for_search(page)
        assert 0 < page.locator(".leaflet-marker-icon").count() <= MAX_MARKERS
    finally:
        page.context.close()
