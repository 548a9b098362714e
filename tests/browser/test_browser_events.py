"""Events plugin in the browser: a pupil finds an Ausbildungsbörse in her town, registers, and
the confirmation mail arrives in the outbox; axe-core finds no WCAG 2.1 AA violation on the
calendar, the event page and the confirmation; no script, no third-party request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import LiveServer, Outside, describe, new_page, run_axe

NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def events_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from plugins.events.hooks import service_for
    from plugins.events.service import Principal
    from webapp.app import create_app

    folder = tmp_path_factory.mktemp("events-portal")
    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{folder / 'portal.db'}", "secret_key": "t"},
            "search": {"refresh_interval": 5.0},
            "mail": {"outbox_folder": str(folder / "outbox")},
            "plugins": {"enabled": ["events"]},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 50, 1))
    platform.engine.refresh(force=True)
    svc = service_for(platform)
    svc.clock = lambda: NOW
    school = svc.add_organisation(
        {"name": "Berufskolleg Marl", "type": "school", "postcode": "45768"}
    )
    operator = Principal(operator=True)
    base = {
        "kind": "apprenticeship_fair",
        "audiences": ["pupils"],
        "registration": "portal",
        "capacity": 60,
        "organisers": [school.slug],
        "description": "Rund 40 Ausbildungsbetriebe aus der Region stellen sich vor.",
    }
    svc.save_event(
        {
            **base,
            "title": "Ausbildungsbörse Marl",
            "start": "2026-11-14T10:00",
            "end": "2026-11-14T15:00",
            "place_name": "Aula",
            "street": "Willy-Brandt-Allee 1",
            "postcode": "45768",
        },
        operator,
    )
    svc.save_event(
        {
            **base,
            "title": "Ausbildungsbörse Dorsten",
            "start": "2026-11-21T10:00",
            "postcode": "46282",
        },
        operator,
    )
    svc.save_event(
        {
            **base,
            "title": "Jobmesse Marl",
            "kind": "job_fair",
            "audiences": ["job_seekers"],
            "start": "2026-11-28T10:00",
            "postcode": "45768",
        },
        operator,
    )
    server = LiveServer(app)
    yield server
    server.stop()
    platform.db.dispose()


@pytest.fixture
def events_page(
    browser: Any, events_server: LiveServer
) -> Iterator[tuple[Any, list[str], Outside]]:
    errors: list[str] = []
    outside = Outside()
    page = new_page(browser, events_server, outside=outside, errors=errors, width=390, height=844)
    yield page, errors, outside
    page.context.close()


def test_pupil_finds_an_apprenticeship_fair_in_her_town_and_registers(
    events_page: tuple[Any, list[str], Outside], events_server: LiveServer
) -> None:
    page, errors, outside = events_page
    response = page.goto(events_server.url + "/veranstaltungen")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # on a phone the filters are folded under their heading: the results come first
    fold = page.get_by_role("button", name="Veranstaltungen filtern")
    assert fold.get_attribute("aria-expanded") == "false" and not page.is_visible("#f-kind")
    fold.click()
    assert fold.get_attribute("aria-expanded") == "true"
    page.select_option("#f-kind", label="Ausbildungsbörse")
    page.select_option("#f-audience", label="Schülerinnen und Schüler")
    page.select_option("#f-town", label="Marl")
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_url("**/veranstaltungen?*town=05562024*")
    titles = page.locator("#event-list h3 a").all_inner_texts()
    assert titles == ["Ausbildungsbörse Marl"]
    assert page.locator("#event-count").get_attribute("data-total") == "1"
    assert "Samstag, 14. Nov. 2026, 10:00–15:00 Uhr" in page.locator("#event-list").inner_text()

    page.get_by_role("link", name="Ausbildungsbörse Marl").click()
    page.wait_for_url("**/veranstaltungen/*-ausbildungsboerse-marl")
    assert page.locator("h1").inner_text() == "Ausbildungsbörse Marl"
    assert page.locator("#seats-left").get_attribute("data-seats") == "60"
    page.get_by_label("Name").fill("Aylin Demir")
    page.get_by_label("E-Mail-Adresse").fill("aylin@example.org")
    page.get_by_label("Ich bin (freiwillig)").select_option("pupils")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    # without consent the form comes back with the problem named
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.locator('a[href="#r-consent"]').count() == 1
    assert page.locator("#r-consent-error").is_visible()
    assert page.get_by_label("Name").input_value() == "Aylin Demir"
    errors[:] = [e for e in errors if "422" not in e]  # the browser logs the expected 422
    page.locator("#r-consent").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.wait_for_url("**/angemeldet?status=confirmed*")
    assert page.locator("h1").inner_text() == "Sie sind angemeldet"

    platform = events_server.platform
    mails = [m for m in platform.outbox.messages() if m.to == "aylin@example.org"]
    assert len(mails) == 1
    assert "Anmeldung bestätigt" in mails[0].subject
    assert (
        "Ausbildungsbörse Marl" in mails[0].body and "/veranstaltungen/abmelden/" in mails[0].body
    )
    from plugins.events.hooks import service_for

    event = next(e for e in service_for(platform).upcoming() if e.title == "Ausbildungsbörse Marl")
    assert service_for(platform).event(event.id).taken == 1

    page.goto(events_server.url + f"/veranstaltungen/{event.id}-{event.slug}")
    assert page.locator("#seats-left").get_attribute("data-seats") == "59"
    assert errors == [], "\n".join(errors)
    assert outside.urls == []


@pytest.mark.parametrize("which", ["calendar", "event", "event-en", "confirmation"])
def test_event_pages_pass_axe(browser: Any, events_server: LiveServer, which: str) -> None:
    from plugins.events.hooks import service_for

    svc = service_for(events_server.platform)
    event = next(e for e in svc.upcoming() if e.title == "Ausbildungsbörse Dorsten")
    path = {
        "calendar": "/veranstaltungen?kind=apprenticeship_fair",
        "event": f"/veranstaltungen/{event.id}-{event.slug}",
        "event-en": f"/veranstaltungen/{event.id}-{event.slug}?lang=en",
        "confirmation": f"/veranstaltungen/{event.id}/angemeldet?status=waiting&position=3",
    }[which]
    page = new_page(browser, events_server, bypass_csp=True)
    try:
        page.goto(events_server.url + path)
        violations = run_axe(page)
        assert violations == [], describe(violations)
    finally:
        page.context.close()
