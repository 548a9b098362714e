"""The events plugin in the web app: JSON API, iCalendar endpoints, pages with schema.org
markup and the registration form, the company profile section, and no trace when disabled."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
from events_support import (
    OPERATOR_TOKEN,
    Clock,
    add_event,
    add_organisation,
    person,
    service,
    settings_overrides,
)
from markupsafe import escape

from core import Address, Company, Status
from webapp import create_app

AUTH = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)


def _company(platform: Any, name: str = "Muster Metallbau GmbH") -> Company:
    return platform.save_company(
        Company(
            name=name,
            address=Address(street="Industriestr. 5", postcode="45768"),
            industry="C",
            employees=40,
            status=Status.PUBLISHED,
        )
    )


@pytest.fixture
def app(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Any]:
    app = create_app(settings_overrides(new_database("web"), outbox=tmp_path / "outbox"))
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    yield app
    platform.db.dispose()


@pytest.fixture
def web_clock(app: Any) -> Clock:
    clock = Clock(NOW)
    service(app.extensions["regiokarte"], clock)
    return clock


@pytest.fixture
def client(app: Any, web_clock: Clock) -> Any:
    return app.test_client()


@pytest.fixture
def world(app: Any, web_clock: Clock) -> dict[str, Any]:
    """A company that is an organisation, a chamber, and three events."""
    platform = app.extensions["regiokarte"]
    svc = service(platform)
    company = _company(platform)
    firm = add_organisation(
        svc, name=company.name, type="company", company_id=company.id, postcode="45768"
    )
    ihk = add_organisation(svc)
    fair = add_event(svc, organisers=[ihk.slug])
    open_day = add_event(
        svc,
        title="Tag der offenen Tür bei Muster Metallbau",
        kind="open_day",
        start="2026-11-07T09:00",
        end="2026-11-07T13:00",
        postcode="45768",
        audiences=["pupils", "job_seekers"],
        registration="none",
        organisers=[firm.slug],
    )
    job_fair = add_event(
        svc,
        title="Jobmesse Gelsenkirchen",
        kind="job_fair",
        start="2026-10-10T10:00",
        end="2026-10-10T16:00",
        postcode="45879",
        audiences=["job_seekers"],
        registration="none",
        organisers=[ihk.slug],
    )
    platform.engine.refresh(force=True)
    return {
        "svc": svc,
        "company": company,
        "firm": firm,
        "ihk": ihk,
        "fair": fair,
        "open_day": open_day,
        "job_fair": job_fair,
    }


# --- JSON API ---------------------------------------------------------------------------------


def test_calendar_lists_upcoming_first_and_filters(client: Any, world: dict[str, Any]) -> None:
    data = client.get("/api/v1/events").get_json()
    assert [e["title"] for e in data["items"]] == [
        "Jobmesse Gelsenkirchen",
        "Ausbildungsbörse Marl",
        "Tag der offenen Tür bei Muster Metallbau",
    ]
    first = data["items"][0]
    assert first["start"] == "2026-10-10T10:00:00+02:00" and first["timezone"] == "Europe/Berlin"
    marl = client.get("/api/v1/events?town=Marl&audience=pupils").get_json()
    assert [e["kind"] for e in marl["items"]] == ["apprenticeship_fair", "open_day"]
    fairs = client.get(
        "/api/v1/events?kind=job_fair,apprenticeship_fair&from=2026-10-20"
    ).get_json()
    assert [e["title"] for e in fairs["items"]] == ["Ausbildungsbörse Marl"]
    assert client.get("/api/v1/events?kind=party").status_code == 422
    assert client.get("/api/v1/events?town=Berlin").status_code == 422


def test_past_events_leave_the_public_list(
    client: Any, world: dict[str, Any], web_clock: Clock
) -> None:
    web_clock.set(dt.datetime(2026, 10, 10, 13, 0, tzinfo=dt.UTC))  # 15:00 CEST; it ends 16:00
    titles = [e["title"] for e in client.get("/api/v1/events").get_json()["items"]]
    assert "Jobmesse Gelsenkirchen" in titles
    web_clock.set(dt.datetime(2026, 10, 10, 14, 1, tzinfo=dt.UTC))  # 16:01 local
    titles = [e["title"] for e in client.get("/api/v1/events").get_json()["items"]]
    assert "Jobmesse Gelsenkirchen" not in titles
    page = client.get("/veranstaltungen").get_data(as_text=True)
    assert "Jobmesse Gelsenkirchen" not in page and "Ausbildungsbörse Marl" in page
    web_clock.set(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    assert client.get("/api/v1/events").get_json()["total"] == 0
    # the page of a past event stays reachable, its registration is closed
    page = client.get(f"/veranstaltungen/{world['fair'].id}-{world['fair'].slug}")
    assert page.status_code == 200 and '<form method="post"' not in page.get_data(as_text=True)


def test_operator_and_verified_organisations_create_events(
    client: Any, world: dict[str, Any]
) -> None:
    body = {
        "title": "Netzwerktreffen Ausbildung",
        "kind": "network",
        "start": "2026-11-12T15:00",
        "postcode": "45657",
        "audiences": ["companies"],
    }
    assert client.post("/api/v1/events", json=body).status_code == 401
    assert (
        client.post(
            "/api/v1/events", json=body, headers={"Authorization": "Bearer nope"}
        ).status_code
        == 401
    )
    created = client.post("/api/v1/events", json=body, headers=AUTH)
    assert created.status_code == 201, created.get_json()
    event = created.get_json()
    assert (
        event["end"] == "2026-11-12T17:00:00+01:00" and event["place"]["town"] == "Recklinghausen"
    )

    # an organisation gets a token from the operator and then writes its own events
    ihk = world["ihk"]
    token = client.post(f"/api/v1/events/organisations/{ihk.id}/token", headers=AUTH).get_json()[
        "token"
    ]
    org_auth = {"Authorization": f"Bearer {token}"}
    own = client.post("/api/v1/events", json={**body, "title": "IHK-Sprechtag"}, headers=org_auth)
    assert own.status_code == 201
    assert [o["slug"] for o in own.get_json()["organisers"]] == [ihk.slug]
    # but not somebody else's
    other = client.put(f"/api/v1/events/{world['open_day'].id}", json=body, headers=org_auth)
    assert other.status_code == 403
    assert (
        client.post(
            "/api/v1/events/organisations",
            json={"name": "X", "type": "association"},
            headers=org_auth,
        ).status_code
        == 403
    )
    bad = client.post("/api/v1/events", json={**body, "start": "morgen"}, headers=AUTH)
    assert bad.status_code == 422 and "start" in bad.get_json()["errors"]


def test_ics_per_event_and_feed_per_filter(client: Any, world: dict[str, Any]) -> None:
    response = client.get(f"/api/v1/events/{world['fair'].id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert [str(e["SUMMARY"]) for e in calendar.events] == ["Ausbildungsbörse Marl"]
    assert calendar.events[0].start.utcoffset() == dt.timedelta(hours=1)  # 25.10.2026, CET
    feed = client.get("/api/v1/events/calendar.ics?kind=job_fair&town=Gelsenkirchen")
    calendar = icalendar.Calendar.from_ical(feed.data)
    assert [str(e["SUMMARY"]) for e in calendar.events] == ["Jobmesse Gelsenkirchen"]
    assert calendar.timezones[0]["TZID"] == "Europe/Berlin"
    listed = client.get("/api/v1/events?kind=job_fair&town=Gelsenkirchen").get_json()
    assert listed["feed_url"] == "/api/v1/events/calendar.ics?kind=job_fair&town=05513000"


def test_registration_api_and_participant_export(client: Any, world: dict[str, Any]) -> None:
    event = world["fair"]
    no_consent = client.post(
        f"/api/v1/events/{event.id}/registrations", json={**person(1), "consent": False}
    )
    assert no_consent.status_code == 422
    done = client.post(f"/api/v1/events/{event.id}/registrations", json=person(1))
    assert done.status_code == 201 and done.get_json()["status"] == "confirmed"
    assert "token" not in json.dumps(done.get_json())  # only the mail carries the link
    mail = world["svc"].outbox("person1@example.org")[0]
    token = re.search(r"/veranstaltungen/abmelden/(\S+)", mail.body)[1]
    assert "http://localhost/veranstaltungen/abmelden/" in mail.body

    assert client.get(f"/api/v1/events/{event.id}/participants").status_code == 401
    csv_text = client.get(f"/api/v1/events/{event.id}/participants?format=csv", headers=AUTH)
    assert csv_text.mimetype == "text/csv"
    assert "person1@example.org" in csv_text.get_data(as_text=True)
    assert client.get(f"/api/v1/events/{event.id}").get_json()["seats_left"] == 19

    cancelled = client.delete(f"/api/v1/events/registrations/{token}")
    assert cancelled.status_code == 200 and cancelled.get_json()["changed"] is True
    assert client.get(f"/api/v1/events/{event.id}").get_json()["seats_left"] == 20
    assert client.delete("/api/v1/events/registrations/unknown").status_code == 404


def test_capacity_holds_for_50_concurrent_requests(app: Any, world: dict[str, Any]) -> None:
    svc = world["svc"]
    event = add_event(
        svc, title="Kleiner Workshop", kind="training", capacity=5, waiting_list=False
    )
    barrier = threading.Barrier(50)
    codes: list[int] = []

    def post(i: int) -> None:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{i + 1}"  # 50 people, 50 addresses
        barrier.wait()
        codes.append(
            client.post(f"/api/v1/events/{event.id}/registrations", json=person(i)).status_code
        )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(codes) == [201] * 5 + [409] * 45
    assert svc.event(event.id).taken == 5


def test_layers_filter_and_openapi(client: Any, world: dict[str, Any]) -> None:
    layers = {layer["id"] for layer in client.get("/api/v1/layers").get_json()["layers"]}
    assert {"events", "events_actors"} <= layers
    features = client.get("/api/v1/layers/events").get_json()["features"]
    assert {f["properties"]["title"] for f in features} >= {"Ausbildungsbörse Marl"}
    actors = client.get("/api/v1/layers/events_actors").get_json()["features"]
    assert [f["properties"]["name"] for f in actors] == [
        "IHK Nord Westfalen"
    ]  # companies are their own layer
    keys = [f["key"] for f in client.get("/api/v1/filters").get_json()["filters"]]
    assert "events_kind" in keys
    found = client.get("/api/v1/search?events_kind=open_day").get_json()
    assert [hit["name"] for hit in found["items"]] == ["Muster Metallbau GmbH"]
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/v1/events" in paths and "/api/v1/events/calendar.ics" in paths


# --- pages ------------------------------------------------------------------------------------


def test_event_page_has_schema_org_event_markup(client: Any, world: dict[str, Any]) -> None:
    event = world["fair"]
    response = client.get(f"/veranstaltungen/{event.id}")
    assert response.status_code == 301
    response = client.get(response.headers["Location"])
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " on" + "click=" not in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )
    assert data["@type"] == "Event" and data["name"] == "Ausbildungsbörse Marl"
    assert data["startDate"] == "2026-10-25T10:00:00+01:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["address"]["postalCode"] == "45768"
    assert data["organizer"][0]["name"] == "IHK Nord Westfalen"
    assert data["maximumAttendeeCapacity"] == 20
    assert "extends" not in html and 'class="site-header"' in html  # the portal's frame


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def test_registration_form_and_cancellation_pages(client: Any, world: dict[str, Any]) -> None:
    event = world["fair"]
    page = client.get(f"/veranstaltungen/{event.id}-{event.slug}").get_data(as_text=True)
    form = {
        "csrf_token": _form_token(page),
        "name": "Mia",
        "email": "mia@example.org",
        "audience": "pupils",
    }
    missing = client.post(f"/veranstaltungen/{event.id}/anmeldung", data=form)
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.get_data(as_text=True)
    cross = client.post(
        f"/veranstaltungen/{event.id}/anmeldung",
        data={**form, "consent": "yes"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    forged = client.post(
        f"/veranstaltungen/{event.id}/anmeldung", data={**form, "consent": "yes", "csrf_token": "x"}
    )
    assert forged.status_code == 400
    done = client.post(f"/veranstaltungen/{event.id}/anmeldung", data={**form, "consent": "yes"})
    assert done.status_code == 303
    confirmation = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Sie sind angemeldet" in confirmation
    mail = world["svc"].outbox("mia@example.org")[0]
    link = re.search(r"http://localhost(/veranstaltungen/abmelden/\S+)", mail.body)[1]
    ask = client.get(link)
    assert ask.status_code == 200 and "Anmeldung zurückziehen" in ask.get_data(as_text=True)
    assert world["svc"].event(event.id).taken == 1  # a GET (a mail scanner) cancels nothing
    forged = client.post(link, data={"csrf_token": "x"})
    assert forged.status_code == 400 and world["svc"].event(event.id).taken == 1
    confirmed = client.post(link, data={"csrf_token": _form_token(ask.get_data(as_text=True))})
    assert "Ihre Anmeldung ist zurückgezogen" in confirmed.get_data(as_text=True)
    assert world["svc"].event(event.id).taken == 0


def test_the_registration_address_opened_leads_to_the_form(
    client: Any, world: dict[str, Any]
) -> None:
    # the language switcher on a refused registration links the form's address
    event = world["fair"]
    opened = client.get(f"/veranstaltungen/{event.id}/anmeldung?lang=en")
    assert opened.status_code == 303
    target = f"/veranstaltungen/{event.id}-{event.slug}?lang=en#anmeldung"
    assert opened.headers["Location"] == target
    page = client.get(target.split("#")[0]).get_data(as_text=True)
    assert 'id="anmeldung"' in page and 'class="event-form"' in page
    assert client.get("/veranstaltungen/999999/anmeldung").status_code == 404


def test_calendar_page_filters_and_english(client: Any, world: dict[str, Any]) -> None:
    html = client.get("/veranstaltungen?kind=open_day").get_data(as_text=True)
    assert (
        "Tag der offenen Tür bei Muster Metallbau" in html and "Ausbildungsbörse Marl" not in html
    )
    assert "/api/v1/events/calendar.ics?kind=open_day" in html
    english = client.get("/veranstaltungen?lang=en").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english and "Apprenticeship fair" in english
    assert "Sunday, 25 Oct 2026, 10:00–14:00" in english
    refused = client.get("/veranstaltungen?from=gestern")
    assert refused.status_code == 400
    # the page names the field by its label and the format, in German, never the API's text
    text = refused.get_data(as_text=True)
    assert "Bitte prüfen Sie diese Angaben: von (Datum)" in text and "TT.MM.JJJJ" in text
    shown = re.sub(r"<[^>]+>", " ", text)  # what a person reads, not aria-invalid
    assert "is no date" not in shown and "invalid" not in shown


def test_calendar_dates_typed_the_german_way(client: Any, world: dict[str, Any]) -> None:
    iso = client.get("/veranstaltungen?from=2026-10-26").get_data(as_text=True)
    german = client.get("/veranstaltungen?from=26.10.2026").get_data(as_text=True)
    count = re.compile(r'id="event-count" data-total="(\d+)"')
    assert count.search(iso).group(1) == count.search(german).group(1)
    everything = count.search(client.get("/veranstaltungen").get_data(as_text=True)).group(1)
    assert int(count.search(german).group(1)) < int(everything)
    # the field shows the day as it is typed on a German page, with the format next to it
    assert 'name="from" inputmode="numeric"' in german and 'value="26.10.2026"' in german
    assert "Format: TT.MM.JJJJ" in german
    english = client.get("/veranstaltungen?from=26.10.2026&lang=en").get_data(as_text=True)
    assert 'value="2026-10-26"' in english and "Format: YYYY-MM-DD" in english


def test_company_profile_lists_its_upcoming_events(
    client: Any, world: dict[str, Any], web_clock: Clock
) -> None:
    slug = world["company"].slug
    html = client.get(f"/unternehmen/{slug}").get_data(as_text=True)
    assert 'id="section-events"' in html
    assert "Tag der offenen Tür / Betriebsbesichtigung am Samstag, 7. Nov. 2026, 09:00 Uhr" in html
    web_clock.set(dt.datetime(2026, 11, 8, tzinfo=dt.UTC))
    assert 'id="section-events"' not in client.get(f"/unternehmen/{slug}").get_data(as_text=True)


def test_deleting_the_company_keeps_its_organisation_and_events(
    app: Any, world: dict[str, Any]
) -> None:
    platform = app.extensions["regiokarte"]
    platform.delete_company(world["company"].id)
    svc = world["svc"]
    assert svc.company_events(world["company"].id) == []
    organisation = next(o for o in svc.organisations() if o.id == world["firm"].id)
    assert organisation.company_id is None
    assert svc.event(world["open_day"].id).organiser_ids == (world["firm"].id,)


def test_openapi_with_other_plugins_has_no_warnings(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    import warnings

    overrides = settings_overrides(new_database("all"), outbox=tmp_path / "outbox")
    overrides["plugins"]["enabled"] = ["transit", "events"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the label pairs of plugin API 1.0 (docs/stability.md) while plugins still use them
        warnings.filterwarnings("default", ".*see docs/stability.md", DeprecationWarning)
        app = create_app(overrides)
        spec = app.test_client().get("/api/openapi.json").get_json()
    assert "/api/v1/events/{event_id}/registrations" in spec["paths"]
    app.extensions["regiokarte"].db.dispose()


# --- disabled ---------------------------------------------------------------------------------


def test_disabling_the_plugin_removes_every_trace(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = new_database("toggle")
    enabled = create_app(settings_overrides(url, outbox=tmp_path / "outbox"))
    platform = enabled.extensions["regiokarte"]
    platform.upgrade_database()
    svc = service(platform, Clock(NOW))
    company = _company(platform)
    firm = add_organisation(svc, name=company.name, type="company", company_id=company.id)
    add_event(svc, kind="open_day", title="Tag der offenen Tür", organisers=[firm.slug])
    client = enabled.test_client()
    assert 'id="section-events"' in client.get(f"/unternehmen/{company.slug}").get_data(
        as_text=True
    )
    assert client.get("/api/v1/events").status_code == 200
    platform.db.dispose()

    disabled = create_app(settings_overrides(url, enabled=False, outbox=tmp_path / "outbox"))
    client = disabled.test_client()
    filters = client.get("/api/v1/filters").get_json()["filters"]
    assert not [f for f in filters if f["key"].startswith("events") or f["plugin"] == "events"]
    layers = client.get("/api/v1/layers").get_json()["layers"]
    assert not [layer for layer in layers if layer["id"].startswith("events")]
    assert client.get("/api/v1/layers/events").status_code == 404
    for path in (
        "/api/v1/events",
        "/api/v1/events/calendar.ics",
        "/veranstaltungen",
        "/veranstaltungen/1",
    ):
        assert client.get(path).status_code == 404, path
    openapi = json.dumps(client.get("/api/openapi.json").get_json())
    assert "/api/v1/events" not in openapi and "Veranstaltung" not in openapi
    # the catalogue of installed plugins names it as available, nothing more
    listed = {p["name"]: p for p in client.get("/api/v1/plugins").get_json()["plugins"]}
    assert listed["events"]["status"] == "available" and listed["events"]["hooks"] == []
    for path in ("/", f"/unternehmen/{company.slug}"):
        html = client.get(path).get_data(as_text=True).lower()
        for word in ("veranstaltung", "section-events", "/api/v1/events", "tag der offenen tür"):
            assert word not in html, (path, word)
    # the data is kept (disabling never deletes)
    disabled.extensions["regiokarte"].db.dispose()
    again = create_app(settings_overrides(url, outbox=tmp_path / "outbox"))
    assert again.test_client().get("/api/v1/events").status_code == 200
    again.extensions["regiokarte"].db.dispose()


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar"])
def test_registration_speaks_the_page_language(
    client: Any, world: dict[str, Any], lang: str
) -> None:
    """The form, its field messages, a refusal and the confirmation mail (then German) in the
    language of the page, never the API's English sentences."""
    from core import catalog

    texts = catalog("events").texts(lang)
    event, svc = world["fair"], world["svc"]
    query = "" if lang == "de" else f"?lang={lang}"
    page = client.get(f"/veranstaltungen/{event.id}-{event.slug}{query}").get_data(as_text=True)
    assert str(escape(texts["register"])) in page
    assert str(escape(texts["consent"].format(days=svc.settings.purge_after_days))) in page
    form = {"csrf_token": _form_token(page), "name": "", "email": "kein-mail"}
    action = f"/veranstaltungen/{event.id}/anmeldung{query}"
    refused = client.post(action, data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for key in ("errors.name", "errors.email", "errors.consent"):
        assert str(escape(texts[key])) in html
    assert "an e-mail address is required" not in html and "consent to the" not in html

    address = f"mia-{lang}@example.org"
    person = {**form, "name": "Mia", "email": address, "consent": "yes"}
    assert client.post(action, data=person).status_code == 303
    again = client.post(action, data=person)
    assert again.status_code == 409
    assert str(escape(texts["errors.registered_already"])) in again.get_data(as_text=True)

    (mail,) = svc.outbox(address)
    assert mail.subject == texts["mail.confirmed_subject"].format(title=event.title)
    german = catalog("events").texts("de")
    mine, _, copy = mail.body.partition("---- Deutsch ----")
    assert texts["mail.greeting"].format(name="Mia") in mine
    assert texts["mail.confirmed"] in mine
    # a mail in another language carries the German text after it, for someone at hand
    if lang == "de":
        assert not copy
    else:
        assert german["mail.confirmed"] in copy and german["mail.confirmed"] not in mine


@pytest.mark.parametrize("lang", ["de", "en"])
def test_registration_reports_every_problem_at_once(
    client: Any, world: dict[str, Any], lang: str
) -> None:
    """Two mistakes at once: both in the summary and at their fields, in the page's language
    (the plugin's catalog), and everything typed or ticked stays in the form."""
    from form_errors import assert_reports

    from core import catalog

    texts = catalog("events").texts(lang)
    event = world["fair"]
    query = "" if lang == "de" else f"?lang={lang}"
    page = client.get(f"/veranstaltungen/{event.id}-{event.slug}{query}").get_data(as_text=True)
    typed = {"name": "Mia Muster", "email": "mia(at)example.org", "phone": "0" * 51}
    form = {"csrf_token": _form_token(page), **typed, "audience": "pupils", "consent": "yes"}
    refused = client.post(f"/veranstaltungen/{event.id}/anmeldung{query}", data=form)
    assert refused.status_code == 422
    assert_reports(
        refused.get_data(as_text=True),
        {"r-email": texts["errors.email"], "r-phone": texts["errors.phone"]},
        kept={"r-name": "Mia Muster", "r-email": typed["email"], "r-phone": typed["phone"]}
        | {"r-audience": "pupils", "r-consent": True},
    )
    # the other two: no name, no consent (the e-mail address kept)
    form = {"csrf_token": form["csrf_token"], "name": " ", "email": "mia@example.org"}
    refused = client.post(f"/veranstaltungen/{event.id}/anmeldung{query}", data=form)
    assert_reports(
        refused.get_data(as_text=True),
        {"r-name": texts["errors.name"], "r-consent": texts["errors.consent"]},
        kept={"r-email": "mia@example.org"},
    )
    assert world["svc"].event(event.id).taken == 0


def test_registration_check_names_every_problem_in_each_language(world: dict[str, Any]) -> None:
    """The service's check names each bad field with the catalog's sentence, whose English
    the API shows and whose other languages a page shows."""
    from core import Sentence, ValidationError, catalog

    event = world["fair"]
    bad = {"name": "", "email": "x", "phone": "1" * 60, "audience": "aliens"}
    with pytest.raises(ValidationError) as caught:
        world["svc"].register(event.id, bad, base_url="http://localhost/")
    errors = caught.value.errors
    assert list(errors) == ["name", "email", "phone", "audience", "consent"]
    for lang in ("de", "en"):
        texts = catalog("events").texts(lang)
        for key, (message,) in errors.items():
            assert isinstance(message, Sentence)
            assert message.text(lang) == texts[f"errors.{key}"]
    english = catalog("events").texts("en")
    assert all(english[f"errors.{k}"] in caught.value.message for k in errors)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_calendar_names_every_bad_filter_at_its_field(
    client: Any, world: dict[str, Any], lang: str
) -> None:
    """Two unreadable days: both in the summary and at their fields, in the page's
    language, and the days stay as they were typed."""
    from form_errors import assert_reports

    from core import catalog

    texts = catalog("events").texts(lang)
    query = "" if lang == "de" else f"&lang={lang}"
    refused = client.get(f"/veranstaltungen?from=gestern&to=31.02.2027{query}")
    assert refused.status_code == 400
    assert_reports(
        refused.get_data(as_text=True),
        {
            "f-from": texts["bad_filter"].format(fields=texts["date_from"]),
            "f-to": texts["bad_filter"].format(fields=texts["date_to"]),
        },
        kept={"f-from": "gestern", "f-to": "31.02.2027"},
    )
