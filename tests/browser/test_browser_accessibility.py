"""axe-core finds no WCAG 2.1 A/AA violation on any page we test."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import describe, new_page, open_start, run_axe


@pytest.fixture
def axe_page(browser: Any, live_server: Any) -> Any:
    # bypass_csp lets the test inject axe-core; the pages themselves run under the strict CSP
    page = new_page(browser, live_server, bypass_csp=True)
    yield page
    page.context.close()


def _first_slug(live_server: Any) -> str:
    index = live_server.platform.engine.index
    return str(index.slugs[int(index.name_order[0])])


def test_start_page(axe_page: Any, live_server: Any) -> None:
    open_start(axe_page, live_server)
    axe_page.locator('#filter-panel details[data-key="profession"] > summary').click()
    axe_page.locator('#filter-panel details[data-key="near"] > summary').click()
    violations = run_axe(axe_page)
    assert violations == [], describe(violations)


def test_list_view_on_a_phone_with_filters_and_selection(browser: Any, live_server: Any) -> None:
    page = new_page(browser, live_server, width=390, height=844, bypass_csp=True, is_mobile=True)
    try:
        open_start(page, live_server, "?industry=F&size=small")
        page.click("#filter-toggle")
        page.click("#show-results")  # closes the sheet, shows the list
        page.locator("#result-list .show-on-map").first.click()
        page.wait_for_selector("#selection .card")
        violations = run_axe(page)
        assert violations == [], describe(violations)
    finally:
        page.context.close()


@pytest.mark.parametrize(
    "path",
    ["/barrierefreiheit", "/impressum", "/datenschutz", "/merkliste", "/?lang=en", "PROFILE"],
)
def test_other_pages(axe_page: Any, live_server: Any, path: str) -> None:
    if path == "PROFILE":
        path = f"/unternehmen/{_first_slug(live_server)}"
    axe_page.goto(live_server.url + path)
    if path.startswith("/?"):
        axe_page.wait_for_selector("#filter-panel .filter")
    axe_page.wait_for_load_state("networkidle")
    violations = run_axe(axe_page)
    assert violations == [], describe(violations)
