"""Company profile pages: server-rendered, schema.org markup, plugin sections, watch list."""

from __future__ import annotations

import json
from typing import Any

from browser_support import new_page, open_start


def _slug_with_contact(live_server: Any) -> str:
    index = live_server.platform.engine.index
    return str(index.slugs[int(index.name_order[0])])


def test_profile_page_shows_profile_markup_and_plugin_section(page: Any, live_server: Any) -> None:
    slug = _slug_with_contact(live_server)
    response = page.goto(f"{live_server.url}/unternehmen/{slug}")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    name = page.locator("h1").inner_text()
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Organization" and data["name"] == name
    assert data["address"]["@type"] == "PostalAddress"
    assert page.locator(".demo-banner").is_visible()
    for section in ("about", "offers", "family", "professions", "address", "contact"):
        assert page.locator(f"#section-{section} h2").count() == 1, section
    plugin = page.locator("#section-portaltest-kitas")
    assert plugin.locator("h2").inner_text() == "Kitas in der Nähe"
    assert plugin.locator("p.portaltest").inner_text().startswith(name)
    # the small map draws the address without tiles
    assert page.locator("#mini-map .leaflet-overlay-pane path").count() >= 1
    assert page.locator('a[href^="mailto:"]').count() >= 1
    assert (
        page.locator("link[rel=canonical]").get_attribute("href").endswith(f"/unternehmen/{slug}")
    )


def test_unknown_profile_is_a_404_page(page: Any, live_server: Any, page_errors: list[str]) -> None:
    response = page.goto(f"{live_server.url}/unternehmen/gibt-es-nicht")
    page_errors.clear()  # the browser logs the 404 itself
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Seite nicht gefunden"


def test_watch_list_is_kept_in_the_browser_and_shareable(
    page: Any, browser: Any, live_server: Any
) -> None:
    open_start(page, live_server)
    first = page.locator("#result-list > li").first
    name = first.locator("h3").inner_text()
    button = first.locator("button.watch")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert page.locator("[data-watch-count]").inner_text().strip() == "1"
    page.click("a.nav-watchlist")
    page.wait_for_url("**/merkliste?u=*")
    assert page.locator("#watchlist-cards .card h3").inner_text() == name
    # the visitor's own list is theirs, not a shared one
    assert page.locator("h1").inner_text() == "Merkliste"
    assert page.locator("#watchlist-status").inner_text() == "Ihre Merkliste mit 1 Unternehmen."
    assert "Geteilt" not in page.locator("main").inner_text()
    link = page.locator("#share-link").input_value()
    assert "/merkliste?u=" in link and "mine" not in link
    own_url = page.url

    other = new_page(browser, live_server)
    try:
        # the own list's address forwarded to someone else reads as shared there
        other.goto(own_url)
        assert other.locator("h1").inner_text() == "Geteilte Merkliste"
        assert other.locator("#watchlist-status").inner_text().startswith("Geteilte Merkliste")
        other.goto(link)
        assert other.locator("h1").inner_text() == "Geteilte Merkliste"
        assert other.locator("#watchlist-cards .card h3").inner_text() == name
        other.click("#take-over")
        assert other.locator("[data-watch-count]").inner_text().strip() == "1"
        assert other.locator("#take-over").is_hidden()
    finally:
        other.context.close()


def test_back_link_returns_to_the_same_search(page: Any, live_server: Any) -> None:
    open_start(page, live_server, "?offer=ausbildung")
    search = page.url
    page.locator("#result-list a").first.click()
    page.wait_for_url("**/unternehmen/**")
    page.click("[data-back]")
    page.wait_for_url(search)
