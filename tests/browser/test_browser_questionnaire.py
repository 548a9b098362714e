"""The Leitfragebogen in a real browser: a new company fills it in (keyboard only), leaves,
comes back through the mailed link, submits; an operator approves; the company is on the map
and in the search within 2 seconds. axe-core finds no WCAG 2.1 AA violation on any step, the
review page or the error state, and script payloads never run on the profile or the map."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LiveServer, describe, new_page, run_axe
from fake_plugins.fake import FakePlugin

from core.portal import accounts
from core.portal import submissions as flow

ADMIN = ("moderatorin", "ein-sehr-langes-passwort")
NAME = "Bäckerei Tastatur"
XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
LINKS = flow.Links(lambda t: f"http://x/fragebogen/link/{t}", lambda s: f"http://x/{s}")


def _build(folder: Path) -> Any:
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from webapp.app import create_app

    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{folder / 'q.db'}", "secret_key": "browser"},
            "mail": {"outbox_folder": str(folder / "outbox")},
            "limits": {"enabled": False},
            "plugins": {"enabled": ["fake"]},
        },
        extra_plugins={"fake": FakePlugin()},
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 200, 1))
        accounts.create_operator(session, *ADMIN, role=accounts.Role.ADMIN)
    platform.engine.refresh(force=True)
    return app


@pytest.fixture(scope="module")
def q_server() -> Iterator[LiveServer]:
    with tempfile.TemporaryDirectory(prefix="regiokarte-q-") as folder:
        server = LiveServer(_build(Path(folder)))
        yield server
        server.stop()
        server.platform.db.dispose()


@pytest.fixture
def errors() -> list[str]:
    return []


def _page(browser: Any, server: LiveServer, errors: list[str], **kwargs: Any) -> Any:
    return new_page(browser, server, errors=errors, **kwargs)


def _tab_to(page: Any, selector: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")


def _type_into(page: Any, selector: str, text: str) -> None:
    _tab_to(page, selector)
    page.keyboard.type(text)


def _next(page: Any) -> None:
    """Tab to the step's main button and press Enter (the way a keyboard user goes on)."""
    _tab_to(page, 'button[value="next"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _login(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/admin/anmelden")
    page.fill("#login-username", ADMIN[0])
    page.fill("#login-password", ADMIN[1])
    with page.expect_navigation():
        page.click("button[type=submit]")


def _mailed_link(page: Any, server: LiveServer, to: str) -> str:
    page.goto(server.url + "/admin/postausgang")
    mail = page.locator("article.mail", has=page.locator(".mail-to", has_text=to)).first
    return str(mail.locator("a[href*='/fragebogen/link/']").first.get_attribute("href"))


def test_keyboard_only_new_company_from_start_to_the_map(
    browser: Any, q_server: LiveServer, errors: list[str]
) -> None:
    email = "tastatur@example.org"
    page = _page(browser, q_server, errors, width=390, height=844, is_mobile=True)
    page.goto(q_server.url + "/fragebogen/")
    _type_into(page, "#start-email", email)
    _tab_to(page, "#start-consent")
    page.keyboard.press("Space")
    _tab_to(page, "form.q-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/fragebogen/schritt/unternehmen")
    assert page.locator(".q-notice").inner_text().startswith("Wir haben Ihnen einen")
    # step 1: the company
    _type_into(page, "#q-unternehmen-name", NAME)
    _tab_to(page, "#q-unternehmen-industry")
    page.keyboard.type("Verarbeitendes")
    _type_into(page, "#q-unternehmen-employees", "9")
    page.wait_for_function(
        f"() => document.querySelector('#preview .q-preview-name').textContent === {NAME!r}"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field goes on, not back
    assert page.url.endswith("/schritt/standort")
    _type_into(page, "#q-standort-street", "Ofenweg 1")
    _type_into(page, "#q-standort-postcode", "45699")
    _next(page)
    _type_into(page, "#q-ueber-uns-description", "Wir backen jeden Morgen frisch für Herten.")
    _type_into(page, "#q-ueber-uns-attractive", "Ein kleines, herzliches Team.")
    _next(page)
    assert page.url.endswith("/schritt/angebote")
    page.context.close()  # leaves in the middle

    # back later, through the link from the mail
    desk = _page(browser, q_server, errors)
    _login(desk, q_server)
    link = _mailed_link(desk, q_server, email)
    again = _page(browser, q_server, errors, width=390, height=844, is_mobile=True)
    again.goto(link)
    again.wait_for_url("**/fragebogen/schritt/**")
    again.goto(q_server.url + "/fragebogen/schritt/ueber-uns")
    assert again.input_value("#q-ueber-uns-description").startswith("Wir backen jeden Morgen")
    _next(again)
    _tab_to(again, "#q-angebote-offers-ausbildung")
    again.keyboard.press("Space")
    _tab_to(again, "#q-angebote-professions-29")
    again.keyboard.press("Space")
    _next(again)
    _tab_to(again, "#q-familie-family-part_time")
    again.keyboard.press("Space")
    _next(again)
    _type_into(again, "#q-kontakt-contact_name", "Bernd Brot")
    _type_into(again, "#q-kontakt-contact_email", "bernd@example.org")
    _tab_to(again, "#q-kontakt-publish_contact")
    again.keyboard.press("Space")
    _next(again)
    # the plugin's step: a follow-up question appears once "yes" is chosen
    assert again.locator("#q-fake_care-kind-wrap").is_hidden()
    _tab_to(again, "#q-fake_care-nearby-yes")
    again.keyboard.press("Space")
    again.locator("#q-fake_care-kind-wrap").wait_for(state="visible")
    _tab_to(again, "#q-fake_care-kind-krippe")  # a radio group: arrows choose within it
    again.keyboard.press("ArrowDown")
    assert again.is_checked("#q-fake_care-kind-kita")
    _next(again)
    assert again.url.endswith("/fragebogen/pruefen")
    assert NAME in again.locator("#preview").inner_text()
    _tab_to(again, "#submit-profile")
    with again.expect_navigation():
        again.keyboard.press("Enter")
    assert "eingereicht" in again.locator(".q-notice").inner_text()

    # the operator sees it in the queue, with the diff, and approves
    desk.goto(q_server.url + "/admin/")
    desk.locator("a", has_text=NAME).first.click()
    assert desk.locator('#diff tr[data-field="name"] ins').inner_text() == NAME
    public = _page(browser, q_server, errors)
    public.goto(q_server.url + f"/api/v1/search?q={NAME}")
    assert '"total":0' in public.content().replace(" ", "")
    with desk.expect_navigation():
        desk.click("#approve")
    approved = time.perf_counter()
    public.goto(q_server.url + "/?q=" + NAME.split()[-1])
    public.locator("#result-list h3", has_text=NAME).wait_for(timeout=2000)
    public.wait_for_function(
        "() => document.querySelectorAll('.leaflet-marker-icon.rk-symbol').length >= 1",
        timeout=2000,
    )
    assert time.perf_counter() - approved < 2.0
    for context in (desk.context, again.context, public.context):
        context.close()
    assert errors == [], "\n".join(errors)


def _axe(page: Any, where: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{where}: {describe(violations)}"


def test_every_step_review_and_error_state_pass_axe(
    browser: Any, q_server: LiveServer, errors: list[str]
) -> None:
    page = _page(browser, q_server, errors, width=390, height=844, is_mobile=True, bypass_csp=True)
    page.goto(q_server.url + "/fragebogen/")
    _axe(page, "start")
    page.click("form.q-form button[type=submit]")  # nothing filled in: the error state
    assert page.locator("#start-email-error").is_visible()
    _axe(page, "start with errors")
    page.fill("#start-email", "axe@example.org")
    page.check("#start-consent")
    page.click("form.q-form button[type=submit]")
    page.wait_for_url("**/schritt/unternehmen")
    # the error state of a step, in German and in English: named fields, data kept
    page.fill("#q-unternehmen-employees", "viele")
    page.click('button[value="next"]')
    page.wait_for_selector("#error-summary")
    # the script moves focus to the summary once it has run; wait for that, bounded
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'",
        timeout=5000,
    )
    assert "„Name des Unternehmens“" in page.locator("#error-summary").inner_text()
    assert page.input_value("#q-unternehmen-employees") == "viele"
    _axe(page, "step error state")
    page.goto(q_server.url + "/fragebogen/schritt/unternehmen?lang=en&pruefen=1")
    assert "“Company name”: this is missing" in page.locator("#error-summary").inner_text()
    _axe(page, "step error state (en)")
    page.goto(q_server.url + "/fragebogen/schritt/unternehmen")
    page.fill("#q-unternehmen-name", "Axe Werkstatt")
    page.select_option("#q-unternehmen-industry", "C")
    page.fill("#q-unternehmen-employees", "3")
    page.click('button[value="next"]')
    keys = ["standort", "ueber-uns", "angebote", "familie", "kontakt", "fake_care"]
    for key in keys:
        page.wait_for_url(f"**/schritt/{key}")
        _axe(page, key)
        if key == "standort":
            page.fill("#q-standort-postcode", "45657")
            page.locator("#pin-map").click(position={"x": 120, "y": 100})
            assert page.input_value("#q-standort-location-lat") != ""
        if key == "ueber-uns":
            page.fill("#q-ueber-uns-description", "Reparaturen aller Art.")
        page.click('button[value="next"]')
    page.wait_for_url("**/fragebogen/pruefen")
    _axe(page, "review")
    page.context.close()
    assert errors == [], "\n".join(errors)


def test_script_payloads_never_run_on_the_profile_or_the_map(
    browser: Any, q_server: LiveServer, errors: list[str]
) -> None:
    platform = q_server.platform
    started = flow.start(platform, email="xss@example.org", lang="de", consent=True, links=LINKS)
    number = started.submission.id
    answers = {
        "unternehmen": {"name": f"Skript{XSS} GmbH", "industry": "J", "employees": 5},
        "standort": {"street": f"Weg{XSS} 1", "postcode": "45657", "town": f"Recklinghausen{XSS}"},
        "ueber-uns": {
            "description": f"Beschreibung {XSS}",
            "attractive": f"Attraktiv {XSS}",
            "typical_day": f"Tag {XSS}",
            "learn": f"Lernen {XSS}",
        },
        "kontakt": {"contact_name": f"Name{XSS}", "publish_contact": True},
        "fake_care": {"note": f"Notiz{XSS}"},
    }
    for key, values in answers.items():
        flow.save_section(platform, number, key, values, actor="test")
    flow.submit(platform, number, actor="test")
    company = flow.approve(platform, number, actor="operator:test", links=LINKS)
    # typed as plain text, the payload is kept as text; the stripped markup never comes back
    assert "<" not in company.name
    page = _page(browser, q_server, errors, bypass_csp=True)  # escaping alone must hold
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(q_server.url + f"/unternehmen/{company.slug}")
    assert page.locator("h1").inner_text() == company.name
    page.goto(q_server.url + f"/?company={company.slug}&q=Skript")
    page.wait_for_selector("#selection .card")
    assert company.name in page.locator("#selection").inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned === undefined") and dialogs == []
    # the raw payload in the review page of a draft shows as text too
    raw = _page(browser, q_server, errors, bypass_csp=True)
    raw.goto(q_server.url + "/fragebogen/")
    raw.fill("#start-email", "xss2@example.org")
    raw.check("#start-consent")
    raw.click("form.q-form button[type=submit]")
    raw.wait_for_url("**/schritt/unternehmen")
    raw.fill("#q-unternehmen-name", XSS)
    raw.wait_for_function("() => document.body.dataset.previewDone")
    raw.wait_for_timeout(300)
    assert raw.evaluate("window.__pwned === undefined")
    for context in (page.context, raw.context):
        context.close()
    assert errors == [], "\n".join(errors)
    assert not re.search(r"<script>window", company.description)


def _started(browser: Any, server: LiveServer, errors: list[str], email: str) -> Any:
    page = _page(browser, server, errors)
    page.goto(server.url + "/fragebogen/")
    page.fill("#start-email", email)
    page.check("#start-consent")
    with page.expect_navigation():
        page.click("form.q-form button[type=submit]")
    return page


def _pin_box(page: Any) -> Any:
    return page.locator("#pin-map .leaflet-marker-icon.q-pin").bounding_box()


def test_the_pin_follows_the_address_and_a_drag_corrects_it(
    browser: Any, q_server: LiveServer, errors: list[str]
) -> None:
    from core.search.geocoding import postcode_centroids

    page = _started(browser, q_server, errors, "pin@example.org")
    page.goto(q_server.url + "/fragebogen/schritt/standort")
    status = page.locator("#q-standort-location-status")
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 0, "no pin before an address"
    page.fill("#q-standort-street", "Kirchstraße 3")
    page.locator("#q-standort-postcode").type("45699")
    page.locator("#pin-map .leaflet-marker-icon.q-pin").wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('#q-standort-location-status').textContent.includes('45699')"
    )
    assert "Ziehen Sie sie an die richtige Stelle." in status.inner_text()
    # the map shows the postcode's centre: the pin sits where Leaflet projects that point
    page.locator("#q-standort-location-area").scroll_into_view_if_needed()
    centre = postcode_centroids()["45699"]
    shown = page.evaluate(
        "() => { const r = document.querySelector('#pin-map').getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; }"
    )
    box = _pin_box(page)
    assert abs(box["x"] + 14 - shown[0]) <= 2 and abs(box["y"] + 26 - shown[1]) <= 2, (box, centre)
    assert page.input_value("#q-standort-location-lat") == "", "a pin only shown is not stored"
    # drag the pin 80 px to the east and 40 px to the south: the hidden fields take it
    page.mouse.move(box["x"] + 14, box["y"] + 14)
    page.mouse.down()
    page.mouse.move(box["x"] + 54, box["y"] + 34, steps=5)
    page.mouse.move(box["x"] + 94, box["y"] + 54, steps=5)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#q-standort-location-lat').value")
    lat = float(page.input_value("#q-standort-location-lat"))
    lon = float(page.input_value("#q-standort-location-lon"))
    assert lat < centre.lat and lon > centre.lon, "moved south-east of the centre"
    assert page.input_value("#q-standort-location-for") == "45699"
    assert "selbst gesetzt" in status.inner_text()
    with page.expect_navigation():
        page.click('button[value="next"]')
    page.goto(q_server.url + "/fragebogen/schritt/standort")
    assert float(page.input_value("#q-standort-location-lat")) == pytest.approx(lat, abs=1e-6)
    assert page.locator("#q-standort-location-reset").is_visible()
    # a new postcode places the pin anew; the old correction goes
    page.fill("#q-standort-postcode", "45657")
    page.locator("#q-standort-postcode").press("Tab")
    page.wait_for_function(
        "() => document.querySelector('#q-standort-location-status').textContent.includes('45657')"
    )
    assert page.input_value("#q-standort-location-lat") == ""
    # without a mouse: the focused pin moves with the arrow keys
    page.locator("#pin-map .leaflet-marker-icon.q-pin").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('#q-standort-location-lon').value")
    assert float(page.input_value("#q-standort-location-lon")) > postcode_centroids()["45657"].lon
    assert page.input_value("#q-standort-location-for") == "45657"
    # an unknown postcode: the message names the fix, no pin is left on the map
    page.fill("#q-standort-postcode", "99999")
    page.locator("#q-standort-postcode").press("Tab")
    page.wait_for_function(
        "() => document.querySelector('#q-standort-location-status').textContent.includes('99999')"
    )
    assert "Bitte prüfen Sie die Ziffern." in status.inner_text()
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 0
    page.context.close()
    assert errors == [], "\n".join(errors)


COORDINATE_LABELS = {
    "de": ("breitengrad", "längengrad", "koordinate"),
    "en": ("latitude", "longitude", "coordinate"),
    "tr": ("enlem", "boylam", "koordinat"),
    "ar": ("خط العرض", "خط الطول", "إحداثي"),
}


@pytest.mark.parametrize("lang", sorted(COORDINATE_LABELS))
def test_no_visible_input_asks_for_coordinates(
    browser: Any, q_server: LiveServer, errors: list[str], lang: str
) -> None:
    page = _started(browser, q_server, errors, f"coords-{lang}@example.org")
    page.goto(q_server.url + f"/fragebogen/schritt/standort?lang={lang}")
    page.locator("#q-standort-location-area").wait_for(state="visible")
    named = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
            .map(el => [el.name, [el.getAttribute('aria-label') || '',
                ...[...(el.labels || [])].map(l => l.textContent)].join(' ').toLowerCase()])"""
    )
    assert {name for name, _ in named} == {"street", "postcode", "town"}
    for name, label in named:
        for word in COORDINATE_LABELS[lang]:
            assert word not in label, (name, label)
    assert page.locator("#q-standort-location-lat").get_attribute("type") == "hidden"
    page.context.close()
    assert errors == [], "\n".join(errors)
