"""The events dataset of the admin area, through ``platform.dataset``: search against a scan
of the tables, no personal data, edits read back (and the public calendar follows at once),
rejected edits and files that write nothing, deletion, imports counted against the database,
CSV export -> import without loss, iCalendar export -> import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any

import icalendar
import pytest
from events_support import (
    OPERATOR,
    Clock,
    add_event,
    add_organisation,
    make_events_platform,
    person,
    service,
    settings_overrides,
)
from sqlalchemy import func, select

from core import ImportError_, NotFound, ValidationError, plugin_version
from plugins.events import repository as repo
from plugins.events import tables as t
from plugins.events.datasets import EVENTS_DATASET
from plugins.events.importer import CSV_COLUMNS
from webapp import create_app

DATA = Path(__file__).parent / "data"
START = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
BERLIN = dt.timezone(dt.timedelta(hours=1))


def event_rows(platform) -> list[Any]:
    with platform.session() as session:
        return session.execute(select(t.events).order_by(t.events.c.id)).all()


def table_state(platform) -> tuple[Any, ...]:
    """Every row of the events, organisers and registrations tables, and the generation."""
    with platform.session() as session:
        return (
            session.execute(select(t.events).order_by(t.events.c.id)).all(),
            session.execute(
                select(t.organisers).order_by(t.organisers.c.event_id, t.organisers.c.position)
            ).all(),
            session.execute(select(t.registrations).order_by(t.registrations.c.id)).all(),
            plugin_version(session, "events"),
        )


def comparable(event: Any) -> tuple[Any, ...]:
    """What an export carries of an event (not its id, seats taken or timestamps)."""
    return (
        event.uid,
        event.title,
        event.kind,
        event.starts_at,
        event.ends_at,
        event.description,
        event.audiences,
        event.place,
        event.online_url,
        event.registration,
        event.registration_url,
        event.capacity,
        event.waiting_list,
        event.status,
        tuple(o.slug for o in event.organisers),
    )


def all_events(platform) -> list[Any]:
    with platform.session() as session:
        return sorted(repo.all_events(session), key=lambda e: e.uid)


def run_import(platform, path: Path, fmt: str):
    dataset = platform.dataset(EVENTS_DATASET)
    with platform.session(write=True) as session:
        result = dataset.import_file(session, path, fmt)
    dataset.changed()
    return result


@pytest.fixture
def app(new_database, monkeypatch) -> Any:
    """The web app on a new database of the engine under test; its calendar checks for
    changes only hourly, so what follows at once is ``changed()``'s doing."""
    for key in list(os.environ):
        if key.startswith("REGIOKARTE_") and key != "REGIOKARTE_TEST_ENGINE":
            monkeypatch.delenv(key)
    built = create_app(settings_overrides(new_database("events")))
    platform = built.extensions["regiokarte"]
    platform.upgrade_database()
    platform.settings.search.refresh_interval = 3600.0
    yield built
    platform.db.dispose()


@pytest.fixture
def platform(app):
    return app.extensions["regiokarte"]


@pytest.fixture
def svc(platform):
    return service(platform, Clock(START))


@pytest.fixture
def calendar(svc):
    """Organisations and events of several kinds, towns and organisers."""
    ihk = add_organisation(svc)
    jobcenter = add_organisation(svc, "Jobcenter Kreis Recklinghausen", type="jobcenter")
    add_organisation(svc, "Stadt Dorsten", type="municipality", postcode="46282")
    run_import(svc.platform, DATA / "events.csv", "csv")
    made = [
        add_event(svc, organisers=[ihk.slug]),
        add_event(
            svc,
            title="Tag der offenen Tür bei Muster GmbH",
            kind="open_day",
            postcode="45699",
            organisers=[jobcenter.slug, ihk.slug],
        ),
        add_event(
            svc,
            title="Arbeitskreis Ausbildung",
            kind="network",
            postcode="46282",
            start="2026-09-01T15:00",
            end="2026-09-01T17:00",
        ),
        add_event(
            svc,
            title="Weiterbildung: Schweißen",
            kind="training",
            place_name="Werkhalle",
            postcode="45657",
            registration="external",
            registration_url="https://anbieter.example/anmeldung",
        ),
    ]
    return made


def brute_force(platform, text: str) -> list[str]:
    words = text.casefold().split()
    with platform.session() as session:
        names: dict[int, list[str]] = {}
        for event_id, name in session.execute(
            select(t.organisers.c.event_id, t.organisations.c.name).join(
                t.organisations, t.organisations.c.id == t.organisers.c.organisation_id
            )
        ):
            names.setdefault(event_id, []).append(name)
    rows = [
        r
        for r in event_rows(platform)
        if all(
            any(w in v.casefold() for v in (r.title, r.place_name, r.town, *names.get(r.id, [])))
            for w in words
        )
    ]
    return [str(r.id) for r in sorted(rows, key=lambda r: (repo.aware(r.starts_at), r.id))]


@pytest.mark.parametrize(
    "text", ["", "marl", "BÖRSE", "ihk", "jobmesse BOTTROP", "jobcenter tür", "nichts-da", "e"]
)
def test_search_equals_a_scan_of_the_tables(platform, calendar, text):
    dataset = platform.dataset(EVENTS_DATASET)
    expected = brute_force(platform, text)
    with platform.session() as session:
        first = dataset.search(session, text, 0, 3)
        rest = dataset.search(session, text, 3, 100)
        middle = dataset.search(session, text, 1, 2)
    assert first.total == rest.total == middle.total == len(expected)
    assert [r["id"] for r in first.rows + rest.rows] == expected
    assert [r["id"] for r in middle.rows] == expected[1:3]
    assert expected or text == "nichts-da"


def test_rows_carry_no_personal_data(platform, svc, calendar):
    event = calendar[0]
    svc.register(event.id, person(1), base_url="http://localhost")
    svc.register(event.id, {**person(2), "phone": "0171 5550123"}, base_url="http://localhost")
    dataset = platform.dataset(EVENTS_DATASET)
    with platform.session() as session:
        row = dataset.get(session, str(event.id))
        listed = dataset.search(session, "", 0, 100).rows
        exports = [dataset.export(session, fmt).content.decode() for fmt in ("csv", "ics")]
    assert row["taken"] == 2 and row["waiting"] == 0
    shown = json.dumps([row, listed], ensure_ascii=False) + "".join(exports)
    for secret in ("Person 1", "person1@example.org", "person2@example.org", "0171 5550123"):
        assert secret not in shown
    names = {f.name for f in dataset.fields}
    assert not names & {"name", "email", "phone", "participants", "registrations"}
    with platform.session() as session:
        for bad in ("0", "abc", "4711", str(2**31), str(2**63)):
            with pytest.raises(NotFound, match="no event"):
                dataset.get(session, bad)


def test_edit_reads_back_and_the_calendar_follows(app, platform, calendar):
    client = app.test_client()
    event = calendar[1]
    listed = client.get("/api/v1/events?per_page=100").get_json()["items"]
    assert event.title in {i["title"] for i in listed}
    dataset = platform.dataset(EVENTS_DATASET)
    with platform.session(write=True) as session:
        saved = dataset.update(
            session,
            str(event.id),
            {
                "title": "Tag der offenen Werkstatt",
                "start": "2026-10-25T01:30",  # the night the clocks go back
                "end": "2026-10-25T05:00",
                "audiences": "pupils, returners",
                "capacity": "5",
                "waiting_list": "",
                "organisers": "ihk-nord-westfalen",
            },
        )
    dataset.changed()
    with platform.session() as session:
        again = dataset.get(session, str(event.id))
    assert saved == again
    assert (again["title"], again["start"], again["end"]) == (
        "Tag der offenen Werkstatt",
        "2026-10-25T01:30",
        "2026-10-25T05:00",
    )
    assert (again["audiences"], again["capacity"], again["waiting_list"]) == (
        "pupils; returners",
        5,
        False,
    )
    stored = next(e for e in all_events(platform) if e.id == event.id)
    assert stored.starts_at == dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC)  # CEST
    assert stored.ends_at == dt.datetime(2026, 10, 25, 4, 0, tzinfo=dt.UTC)  # CET
    assert [o.slug for o in stored.organisers] == ["ihk-nord-westfalen"]
    items = client.get("/api/v1/events?per_page=100").get_json()["items"]
    mine = next(i for i in items if i["id"] == event.id)
    assert mine["title"] == "Tag der offenen Werkstatt" and mine["capacity"] == 5
    assert event.title not in {i["title"] for i in items}
    # a form that sends the whole row back as text keeps the times, even in the repeated
    # hour, and every other value
    form = {
        k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in again.items()
    }
    with platform.session(write=True) as session:
        last = dataset.update(session, str(event.id), {**form, "title": "Offene Werkstatt"})
    assert next(e for e in all_events(platform) if e.id == event.id).starts_at == stored.starts_at
    same = {k for k in again if k not in ("title", "updated_at")}
    assert {k: last[k] for k in same} == {k: again[k] for k in same}


def test_a_rejected_edit_writes_nothing(platform, svc, calendar):
    event = calendar[0]  # portal registration, 20 seats
    for n in range(3):
        svc.register(event.id, person(n), base_url="http://localhost")
    dataset = platform.dataset(EVENTS_DATASET)
    before = table_state(platform)
    cases = [
        ({"title": "", "kind": "party"}, {"title": "fill it in", "kind": "use one of"}),
        ({"title": "x" * 201}, {"title": "At most 200"}),
        ({"place_name": "y" * 201}, {"place_name": "At most 200"}),
        ({"start": "morgen"}, {"start": "YYYY-MM-DDTHH:MM"}),
        ({"start": "2026-03-29T02:30"}, {"start": "does not exist"}),
        ({"end": "2026-10-25T09:00"}, {"end": "after start"}),
        ({"postcode": "123"}, {"postcode": "five digits"}),
        ({"capacity": "2"}, {"capacity": "at least 3"}),
        ({"capacity": "viele"}, {"capacity": "whole number"}),
        ({"organisers": "unbekannt"}, {"organisers": "unknown organisation"}),
        ({"audiences": "aliens"}, {"audiences": "aliens"}),
        ({"registration": "external"}, {"registration_url": "http(s) address"}),
        ({"waiting_list": "vielleicht"}, {"waiting_list": "true or false"}),
        ({"taken": "0", "email": "x"}, {"taken": "leave it as it is", "email": "no field"}),
    ]
    for values, expected in cases:
        with pytest.raises(ValidationError) as caught, platform.session(write=True) as session:
            dataset.update(session, str(event.id), values)
        assert set(caught.value.errors) == set(expected), (values, caught.value.errors)
        for name, part in expected.items():
            assert any(part in m for m in caught.value.errors[name]), (name, caught.value.errors)
        assert str(event.id) in caught.value.message
    assert table_state(platform) == before


def test_delete_removes_the_event_and_its_registrations(app, platform, svc, calendar):
    client = app.test_client()
    event = calendar[0]
    svc.register(event.id, person(1), base_url="http://localhost")
    assert event.id in {i["id"] for i in client.get("/api/v1/events").get_json()["items"]}
    dataset = platform.dataset(EVENTS_DATASET)
    with platform.session(write=True) as session:
        dataset.delete(session, str(event.id))
    dataset.changed()
    assert event.id not in {r.id for r in event_rows(platform)}
    with platform.session() as session:
        left = session.scalar(
            select(func.count())
            .select_from(t.registrations)
            .where(t.registrations.c.event_id == event.id)
        )
    assert left == 0
    assert event.id not in {i["id"] for i in client.get("/api/v1/events").get_json()["items"]}
    assert client.get(f"/api/v1/events/{event.id}").status_code == 404
    with pytest.raises(NotFound), platform.session(write=True) as session:
        dataset.delete(session, str(event.id))


def test_import_counts_match_the_database(app, platform, svc, tmp_path):
    add_organisation(svc)
    client = app.test_client()
    assert client.get("/api/v1/events").get_json()["total"] == 0
    result = run_import(platform, DATA / "events.csv", "csv")
    rows = event_rows(platform)
    assert result.created == len(rows) == 3 and (result.updated, result.unchanged) == (0, 0)
    assert {r.uid for r in rows} == {"csv-1@test", "csv-2@test", "csv-3@test"}
    assert client.get("/api/v1/events").get_json()["total"] == 3
    again = run_import(platform, DATA / "events.csv", "csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = tmp_path / "changed.csv"
    text = (DATA / "events.csv").read_text("utf-8")
    changed.write_text(text.replace("Jobmesse Bottrop", "Jobmesse Bottrop 2026"), "utf-8")
    third = run_import(platform, changed, "csv")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    titles = {i["title"] for i in client.get("/api/v1/events").get_json()["items"]}
    assert "Jobmesse Bottrop 2026" in titles and "Jobmesse Bottrop" not in titles


def test_a_bad_file_writes_nothing(platform, svc, tmp_path):
    add_organisation(svc)
    run_import(platform, DATA / "events.csv", "csv")
    before = table_state(platform)
    good = (DATA / "events.csv").read_text("utf-8")
    cases = {
        "kind.csv": (good.replace(";job_fair;", ";party;"), "csv", r"line 3: kind"),
        "columns.csv": ("uid;titel\nx;y\n", "csv", "unknown column"),
        "empty.csv": ("uid;title\n", "csv", "holds no events"),
        "broken.ics": ("BEGIN:VCALENDAR\nthis is no calendar", "ics", "not an iCalendar"),
        "other.txt": ("x", "xml", "ics or csv"),
    }
    for name, (text, fmt, message) in cases.items():
        path = tmp_path / name
        path.write_text(text.replace("Ausbildungsbörse Marl", "Geändert"), encoding="utf-8")
        with pytest.raises(ImportError_, match=message):
            run_import(platform, path, fmt)
    assert table_state(platform) == before


def test_csv_export_imports_again_without_loss(platform, svc, calendar, new_database, tmp_path):
    svc.register(calendar[0].id, person(1), base_url="http://localhost")
    dataset = platform.dataset(EVENTS_DATASET)
    with platform.session() as session:
        exported = dataset.export(session, "csv")
        with pytest.raises(ValidationError, match="csv or ics"):
            dataset.export(session, "xlsx")
    assert exported.filename == "events.csv" and exported.media_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 1 + len(event_rows(platform))
    path = tmp_path / "events.csv"
    path.write_bytes(exported.content)
    before = table_state(platform)
    same = run_import(platform, path, "csv")
    assert (same.created, same.updated, same.unchanged) == (0, 0, len(calendar) + 3)
    after = table_state(platform)
    # every event is written again (as the command line import does: a newer updated_at, the
    # file as source); nothing else moved, seats taken and registrations stay
    assert [r[:-3] for r in after[0]] == [r[:-3] for r in before[0]]
    assert after[1:3] == before[1:3]

    other = make_events_platform(new_database("copy"))
    try:
        other_svc = service(other, Clock(START))
        for organisation in svc.organisations():
            add_organisation(other_svc, organisation.name, type=organisation.type)
        result = run_import(other, path, "csv")
        assert result.created == len(calendar) + 3
        assert [comparable(e) for e in all_events(other)] == [
            comparable(e) for e in all_events(platform)
        ]
    finally:
        other.db.dispose()


def test_icalendar_export_imports_again(platform, calendar, new_database, tmp_path):
    dataset = platform.dataset(EVENTS_DATASET)
    with platform.session() as session:
        exported = dataset.export(session, "ics")
    assert exported.media_type.startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(exported.content)
    assert len(parsed.walk("VEVENT")) == len(event_rows(platform))
    path = tmp_path / exported.filename
    path.write_bytes(exported.content)
    other = make_events_platform(new_database("ics"))
    try:
        service(other, Clock(START))
        result = run_import(other, path, "ics")
        assert result.created == len(event_rows(platform))

        def kept(e: Any) -> tuple[Any, ...]:
            return (e.uid, e.title, e.kind, e.starts_at, e.ends_at, e.audiences, e.status)

        assert [kept(e) for e in all_events(other)] == [kept(e) for e in all_events(platform)]
        # the URL carries the organiser's registration link and an online event's address
        copied = {e.uid: e for e in all_events(other)}
        for event in all_events(platform):
            if event.registration == "external" or not event.in_person:
                again = copied[event.uid]
                assert (again.registration_url, again.online_url) == (
                    event.registration_url,
                    event.online_url,
                )
    finally:
        other.db.dispose()


def test_the_operator_api_and_the_dataset_agree(app, platform, svc, calendar):
    # an event made through the API is a row like any other
    event, _ = svc.save_event(
        {
            "title": "Jobmesse Dorsten",
            "kind": "job_fair",
            "start": "2026-11-02T10:00",
            "town": "Dorsten",
        },
        OPERATOR,
    )
    with platform.session() as session:
        row = platform.dataset(EVENTS_DATASET).get(session, str(event.id))
    assert (row["title"], row["town"], row["start"]) == (
        "Jobmesse Dorsten",
        "Dorsten",
        "2026-11-02T10:00",
    )
    assert dt.datetime.fromisoformat(row["start"]).replace(tzinfo=BERLIN) == event.starts_at


def test_the_organising_company_follows_in_the_company_search(platform, svc):
    from core import Address, Company, Status

    company = platform.save_company(
        Company(
            name="Muster Metallbau GmbH",
            address=Address(street="Industriestr. 5", postcode="45768"),
            industry="C",
            employees=40,
            status=Status.PUBLISHED,
        )
    )
    own = add_organisation(svc, "Muster Metallbau GmbH", type="company", company_id=company.id)
    event = add_event(svc, title="Tag der offenen Tür", kind="open_day", organisers=[own.slug])

    def found(kind: str) -> list[int]:
        platform.engine.refresh(force=True)
        query = platform.parse_query({"events_kind": [kind]})
        return [hit.id for hit in platform.search(query).items]

    assert (found("open_day"), found("job_fair")) == ([company.id], [])
    dataset = platform.dataset(EVENTS_DATASET)
    with platform.session(write=True) as session:
        dataset.update(session, str(event.id), {"kind": "job_fair"})
    dataset.changed()
    assert (found("open_day"), found("job_fair")) == ([], [company.id])
    with platform.session(write=True) as session:
        dataset.delete(session, str(event.id))
    dataset.changed()
    assert (found("open_day"), found("job_fair")) == ([], [])
