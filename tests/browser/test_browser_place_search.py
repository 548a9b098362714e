"""The place field as a person uses it: suggestions while typing (ARIA 1.2 combobox, keyboard
only), districts as people write them, and suggestions for a misspelt place."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from browser_support import describe, new_page, open_start, run_axe, searches, wait_for_search


def _open_near(page: Any) -> None:
    details = page.locator('#filter-panel details[data-key="near"]')
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def test_suggestions_are_chosen_with_the_keyboard(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    _open_near(page)
    field = page.locator("#near-place")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.focus()
    page.keyboard.type("gelsenkirchen bu")
    listbox = page.locator("#near-options[role=listbox]")
    listbox.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    assert listbox.locator("[role=option]").all_inner_texts() == ["Buer (Gelsenkirchen)"]
    page.keyboard.press("ArrowDown")
    active = field.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    done = searches(page)
    page.keyboard.press("Enter")
    wait_for_search(page, done)
    query = parse_qs(urlsplit(page.url).query)
    assert query["near_town"] == ["Buer (Gelsenkirchen)"]
    assert field.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.id") == "near-place"
    assert int(page.get_attribute("#result-count", "data-total")) > 0
    assert page.locator("#chip-list .chip", has_text="Buer (Gelsenkirchen)").count() == 1


def test_escape_closes_the_suggestions_only(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    _open_near(page)
    page.locator("#near-place").focus()
    page.keyboard.type("mar")
    page.locator("#near-options").wait_for()
    page.keyboard.press("Escape")
    page.locator("#near-options").wait_for(state="hidden")
    assert page.locator('#filter-panel details[data-key="near"]').get_attribute("open") is not None
    assert page.evaluate("() => document.activeElement.id") == "near-place"


def test_people_write_places_many_ways(page: Any, live_server: Any) -> None:
    open_start(page, live_server)
    _open_near(page)
    for written in ("Gelsenkirchen-Buer", "Buer", "gelsenkirchen buer", "45894"):
        page.fill("#near-place", written)
        done = searches(page)
        page.locator("#near-place").press("Escape")
        page.locator("#near-place").press("Enter")
        wait_for_search(page, done)
        assert page.locator("#near-error").is_hidden(), written
        assert int(page.get_attribute("#result-count", "data-total")) > 0, written


def test_a_misspelt_place_offers_the_right_one(
    page: Any, live_server: Any, page_errors: list[str]
) -> None:
    open_start(page, live_server)
    _open_near(page)
    page.fill("#near-place", "Gelsenkirchn")
    page.locator("#near-place").press("Escape")
    page.locator("#near-place").press("Enter")
    page.wait_for_selector("#near-error:not([hidden])")
    page_errors.clear()  # the browser logs the place lookup's 404 itself
    offer = page.locator(".did-you-mean button", has_text="Gelsenkirchen").first
    done = searches(page)
    offer.click()
    wait_for_search(page, done)
    assert parse_qs(urlsplit(page.url).query)["near_town"] == ["Gelsenkirchen"]
    assert page.locator("#near-error").is_hidden()


def test_no_axe_violations_with_suggestions_open(browser: Any, live_server: Any) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page = new_page(browser, live_server, width=width, height=height, bypass_csp=True)
        try:
            open_start(page, live_server)
            if page.locator("#filter-panel").is_hidden():
                page.locator("#filter-toggle").click()
            _open_near(page)
            page.locator("#near-place").focus()
            page.keyboard.type("gel")
            page.locator("#near-options").wait_for()
            page.keyboard.press("ArrowDown")
            violations = run_axe(page)
            assert violations == [], describe(violations)
        finally:
            page.context.close()
