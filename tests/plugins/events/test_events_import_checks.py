"""Event imports that would be silently wrong: events placed at real Flensburg addresses (from
the Flensburg Kita open data) in an Emscher-Lippe portal, and a CSV cut off mid-record. A
refused import leaves every table byte for byte as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from dumps import database_dump
from events_support import add_organisation

from core import OutsideRegionError
from plugins.events.cli import events_group
from plugins.events.importer import EventImportError
from plugins.events.service import EventsService

DATA = Path(__file__).parent / "data"
FLENSBURG = Path(__file__).parents[1] / "childcare" / "data" / "kitas_flensburg.geojson"
HEADER = "uid;title;kind;start;end;audiences;place_name;street;postcode;town;online_url"


def flensburg_events(path: Path, count: int) -> Path:
    """Info events at the addresses of the first ``count`` Flensburg Kitas (placed by their
    postcodes), and one online event that has no place."""
    features = json.loads(FLENSBURG.read_text("utf-8"))["features"][:count]
    lines = [HEADER]
    for number, feature in enumerate(features):
        p = feature["properties"]
        lines.append(
            f"fl-{number}@test;Infoabend {p['facility']};info;2026-11-2{number % 9}T18:00;"
            f";returners;{p['facility']};{p['address']};{p['postal_code']};Flensburg;"
        )
    lines.append(
        "online@test;Online-Sprechstunde;info;2026-11-20T18:00;;returners;;;;;"
        "https://example.org/raum"
    )
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_events_in_another_region_are_refused_unless_allowed(svc: EventsService, tmp_path):
    path = flensburg_events(tmp_path / "flensburg.csv", 8)
    before = database_dump(svc.platform)
    with pytest.raises(OutsideRegionError) as caught:
        svc.import_source(str(path))
    message = caught.value.message
    # the online event has no place and is not counted
    assert "8 of 8 events lie outside Emscher-Lippe" in message
    assert (
        "median distance from the region is 35" in message and "--allow-outside-region" in message
    )
    assert database_dump(svc.platform) == before
    runner = CliRunner()
    group = events_group(svc.platform)
    result = runner.invoke(group, ["import", str(path)])
    assert result.exit_code == 1 and "--allow-outside-region" in result.output
    assert database_dump(svc.platform) == before
    result = runner.invoke(group, ["import", str(path), "--allow-outside-region"])
    assert result.exit_code == 0, result.output
    assert "imported because data outside the region was allowed" in " ".join(result.output.split())
    assert len(svc.upcoming()) == 9


def test_a_csv_cut_mid_record_changes_nothing(svc: EventsService, tmp_path):
    add_organisation(svc)
    text = (DATA / "events.csv").read_text("utf-8").rstrip("\n")
    cut = tmp_path / "cut.csv"
    cut.write_text(text[: text.rindex(";", 0, text.rindex(";")) - 3], "utf-8")
    before = database_dump(svc.platform)
    with pytest.raises(EventImportError) as caught:
        svc.import_source(str(cut))
    last = caught.value.report.records[-1]
    assert last.where == "line 4"
    assert last.problems[0].startswith("record: ")
    assert "the file ends in the middle of this record" in last.problems[0]
    assert database_dump(svc.platform) == before
    # the explicit partial import: the cut record is reported, the others are written
    result = CliRunner().invoke(events_group(svc.platform), ["import", str(cut), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "1 of 3 records were left out (--skip-invalid)" in " ".join(result.output.split())
    assert "2 neu (created)" in result.output and "line 4" in result.output


CALENDAR = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//test//DE\r
BEGIN:VEVENT\r
UID:one@test\r
DTSTAMP:20260901T000000Z\r
SUMMARY:Jobmesse Gelsenkirchen\r
CATEGORIES:Jobmesse\r
DTSTART;TZID=Europe/Berlin:20261025T100000\r
DTEND;TZID=Europe/Berlin:20261025T160000\r
LOCATION:Emscher-Lippe-Halle, Kurt-Schumacher-Str. 1, 45881 Gelsenkirchen\r
ORGANIZER;CN=Jobcenter Kreis Recklinghausen:mailto:jc@example.org\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:two@test\r
DTSTAMP:20260901T000000Z\r
SUMMARY:Infoabend Wiedereinstieg\r
CATEGORIES:Infoveranstaltung\r
DTSTART;TZID=Europe/Berlin:20261027T180000\r
DTEND;TZID=Europe/Berlin:20261027T200000\r
LOCATION:Rathaus, Creiler Platz 1, 45768 Marl\r
ORGANIZER;CN=Jobcenter Kreis Recklinghausen:mailto:jc@example.org\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_calendar_cut_mid_event_changes_nothing(svc: EventsService, tmp_path):
    from core import ImportError_

    add_organisation(svc, name="Jobcenter Kreis Recklinghausen", type="jobcenter")
    path = tmp_path / "termine.ics"
    path.write_bytes(CALENDAR)
    assert svc.import_source(str(path)).created == 2
    before = database_dump(svc.platform)
    path.write_bytes(CALENDAR[: CALENDAR.index(b"DTEND", CALENDAR.index(b"two@test"))])
    with pytest.raises(ImportError_, match="ends in the middle of a calendar .* looks cut off"):
        svc.import_source(str(path))
    assert database_dump(svc.platform) == before
