"""iCalendar export and import: valid RFC 5545 (parsed back with the library), local times
right on both sides of the daylight-saving changes, VTIMEZONE that says so itself."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from events_support import add_event, add_organisation

from plugins.events.service import EventsService

BERLIN = ZoneInfo("Europe/Berlin")


def _parse(data: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(data)
    assert data.endswith(b"\r\n") and b"\r\n" in data
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line  # RFC 5545 3.1: lines are folded at 75 octets
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    return calendar


def _offset_from_vtimezone(tz: icalendar.Timezone, local: dt.datetime) -> dt.timedelta:
    """The UTC offset the VTIMEZONE component itself gives for a local time (not zoneinfo's):
    the last STANDARD/DAYLIGHT onset (DTSTART or RDATE) at or before ``local``."""
    best: tuple[dt.datetime, dt.timedelta] | None = None
    for sub in tz.subcomponents:
        onsets = [sub["DTSTART"].dt]
        rdates = sub.get("RDATE") or []
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            onsets.extend(p[0] if isinstance(p, tuple) else p for p in (x.dt for x in rdate.dts))
        for onset in onsets:
            onset = onset.replace(tzinfo=None)
            if onset <= local and (best is None or onset > best[0]):
                best = (onset, sub["TZOFFSETTO"].td)
    assert best is not None
    return best[1]


@pytest.mark.parametrize(
    ("day", "expected_offset", "other_day", "other_offset"),
    [
        # last Sunday of October 2026: summer time ends at 03:00, the day before is CEST
        (
            dt.date(2026, 10, 25),
            dt.timedelta(hours=1),
            dt.date(2026, 10, 24),
            dt.timedelta(hours=2),
        ),
        # last Sunday of March 2027: summer time begins at 02:00, the day before is CET
        (dt.date(2027, 3, 28), dt.timedelta(hours=2), dt.date(2027, 3, 27), dt.timedelta(hours=1)),
    ],
)
def test_ics_keeps_local_times_across_daylight_saving_changes(
    svc: EventsService,
    day: dt.date,
    expected_offset: dt.timedelta,
    other_day: dt.date,
    other_offset: dt.timedelta,
) -> None:
    on_change = add_event(svc, start=f"{day}T10:00", end=f"{day}T14:00", title="Am Umstellungstag")
    before = add_event(svc, start=f"{other_day}T10:00", end=f"{other_day}T14:00", title="Am Vortag")
    data = svc.calendar(
        [before, on_change], name="Test", base_url="https://portal.example", lang="de"
    )
    calendar = _parse(data)

    timezones = calendar.timezones
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Berlin"]
    kinds = {sub.name for sub in timezones[0].subcomponents}
    assert kinds == {"STANDARD", "DAYLIGHT"}
    raw = data.decode()
    assert f"DTSTART;TZID=Europe/Berlin:{day:%Y%m%d}T100000" in raw
    assert f"DTEND;TZID=Europe/Berlin:{day:%Y%m%d}T140000" in raw

    events = {str(e["SUMMARY"]): e for e in calendar.events}
    for title, date, offset in (
        ("Am Umstellungstag", day, expected_offset),
        ("Am Vortag", other_day, other_offset),
    ):
        start = events[title].start
        assert start.tzinfo is not None
        assert (start.date(), start.hour, start.minute) == (date, 10, 0)
        assert start.utcoffset() == offset
        # the VTIMEZONE in the file gives the same offset (a client without IANA data)
        local = dt.datetime.combine(date, dt.time(10, 0))
        assert _offset_from_vtimezone(timezones[0], local) == offset
        # and the instant is the one stored
        stored = on_change if title == "Am Umstellungstag" else before
        assert start.astimezone(dt.UTC) == stored.starts_at


def test_event_across_the_october_change_lasts_its_real_length(svc: EventsService) -> None:
    # 01:30 CEST to 03:30 CET is three hours of real time (the hour 02:00-03:00 comes twice)
    event = add_event(svc, start="2026-10-25T01:30", end="2026-10-25T03:30", title="Nachtschicht")
    assert event.ends_at - event.starts_at == dt.timedelta(hours=3)
    calendar = _parse(svc.calendar([event], name="x", base_url="https://p.example", lang="de"))
    parsed = calendar.events[0]
    assert parsed.end.astimezone(dt.UTC) - parsed.start.astimezone(dt.UTC) == dt.timedelta(hours=3)


def test_a_local_time_in_the_spring_gap_is_refused(svc: EventsService) -> None:
    from core import ValidationError

    with pytest.raises(ValidationError) as caught:
        add_event(svc, start="2027-03-28T02:30", end="2027-03-28T04:00")
    assert "start" in caught.value.errors


def test_ics_has_the_fields_calendar_apps_show(svc: EventsService) -> None:
    org = add_organisation(svc, email="ausbildung@ihk.example")
    event = add_event(svc, organisers=[org.slug], description="Über 40 Betriebe stellen sich vor.")
    calendar = _parse(svc.calendar([event], name="x", base_url="https://p.example", lang="de"))
    vevent = calendar.events[0]
    assert str(vevent["UID"]) == event.uid
    assert "DTSTAMP" in vevent
    assert str(vevent["SUMMARY"]) == "Ausbildungsbörse Marl"
    assert "45768 Marl" in str(vevent["LOCATION"])
    assert str(vevent["URL"]) == f"https://p.example/veranstaltungen/{event.id}-{event.slug}"
    assert str(vevent["ORGANIZER"]) == "mailto:ausbildung@ihk.example"
    assert vevent["ORGANIZER"].params["CN"] == "IHK Nord Westfalen"
    assert vevent["GEO"].latitude == pytest.approx(event.place.lat)
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_import_reads_tzid_utc_floating_all_day_and_recurring(svc: EventsService) -> None:
    add_organisation(svc, name="Jobcenter Kreis Recklinghausen", type="jobcenter")
    data = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//test//DE\r
BEGIN:VEVENT\r
UID:tzid@test\r
DTSTAMP:20260901T000000Z\r
SUMMARY:Jobmesse Gelsenkirchen\r
CATEGORIES:Jobmesse\r
DTSTART;TZID=Europe/Berlin:20261025T100000\r
DTEND;TZID=Europe/Berlin:20261025T160000\r
LOCATION:Emscher-Lippe-Halle, Kurt-Schumacher-Str. 1, 45881 Gelsenkirchen\r
ORGANIZER;CN=Jobcenter Kreis Recklinghausen:mailto:jc@example.org\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:utc@test\r
DTSTAMP:20260901T000000Z\r
SUMMARY:Infoabend Wiedereinstieg\r
X-REGIOKARTE-KIND:info\r
X-REGIOKARTE-AUDIENCES:returners\r
DTSTART:20261110T170000Z\r
DTEND:20261110T183000Z\r
LOCATION:45657 Recklinghausen\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:floating@test\r
DTSTAMP:20260901T000000Z\r
SUMMARY:Tag der offenen Tuer\r
CATEGORIES:open_day\r
DTSTART:20261107T090000\r
DTEND:20261107T130000\r
LOCATION:46282 Dorsten\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:allday@test\r
DTSTAMP:20260901T000000Z\r
SUMMARY:Weiterbildungstag\r
CATEGORIES:Weiterbildung\r
DTSTART;VALUE=DATE:20261120\r
DTEND;VALUE=DATE:20261121\r
LOCATION:45768 Marl\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:monthly@test\r
DTSTAMP:20260901T000000Z\r
SUMMARY:Arbeitskreis Ausbildung\r
CATEGORIES:network\r
DTSTART;TZID=Europe/Berlin:20261005T150000\r
DTEND;TZID=Europe/Berlin:20261005T170000\r
RRULE:FREQ=MONTHLY;COUNT=4\r
EXDATE;TZID=Europe/Berlin:20261105T150000\r
LOCATION:45699 Herten\r
END:VEVENT\r
END:VCALENDAR\r
"""
    report = svc.import_source("feed.ics", data=data)
    assert report.written and report.created == 4 + 3
    events = {e.uid: e for e in svc.upcoming()}
    fair = events["tzid@test"]
    assert fair.kind == "job_fair" and fair.place.town == "Gelsenkirchen"
    assert fair.local_start.hour == 10 and fair.local_start.utcoffset() == dt.timedelta(hours=1)
    assert [o.name for o in fair.organisers] == ["Jobcenter Kreis Recklinghausen"]
    info = events["utc@test"]
    assert info.local_start.hour == 18 and info.audiences == ("returners",)  # 17:00Z = 18:00 CET
    assert events["floating@test"].local_start.hour == 9
    allday = events["allday@test"]
    assert allday.kind == "training" and allday.ends_at - allday.starts_at == dt.timedelta(days=1)
    monthly = sorted(e.local_start for u, e in events.items() if u.startswith("monthly@test/"))
    # October (summer time) and December, January (winter time): 15:00 local each, November left out
    assert [(d.month, d.hour) for d in monthly] == [(10, 15), (12, 15), (1, 15)]


def test_export_imports_again_unchanged(svc: EventsService) -> None:
    org = add_organisation(svc)
    first = add_event(svc, organisers=[org.slug], audiences=["pupils", "job_seekers"])
    data = svc.calendar([first], name="x", base_url="https://p.example", lang="de")
    report = svc.import_source("again.ics", data=data)
    assert [r.outcome for r in report.records] == ["updated"]
    again = svc.event(first.id)
    assert (again.starts_at, again.ends_at, again.kind, again.audiences, again.title) == (
        first.starts_at,
        first.ends_at,
        first.kind,
        first.audiences,
        first.title,
    )
