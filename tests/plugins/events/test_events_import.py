"""Imports of CSV and iCalendar: all or nothing, one report line per record, updates by uid."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from events_support import add_organisation

from plugins.events.cli import events_group
from plugins.events.importer import EventImportError
from plugins.events.service import EventsService

DATA = Path(__file__).parent / "data"


def test_csv_import_creates_events_with_a_line_per_record(svc: EventsService) -> None:
    add_organisation(svc)
    report = svc.import_source(str(DATA / "events.csv"))
    assert report.written
    assert [(r.where, r.outcome) for r in report.records] == [
        ("line 2", "created"),
        ("line 3", "created"),
        ("line 4", "created"),
    ]
    events = {e.uid: e for e in svc.upcoming()}
    marl = events["csv-1@test"]
    assert marl.place.town == "Marl" and marl.place.ags == "05562024"
    assert marl.capacity == 40 and marl.registration == "portal"
    assert [o.slug for o in marl.organisers] == ["ihk-nord-westfalen"]
    assert events["csv-2@test"].audiences == ("job_seekers", "returners")
    assert events["csv-2@test"].place.town == "Bottrop"
    online = events["csv-3@test"]
    assert online.online and not online.in_person


def test_a_bad_record_stops_the_whole_import(svc: EventsService, tmp_path: Path) -> None:
    add_organisation(svc)
    text = (DATA / "events.csv").read_text("utf-8")
    text += "csv-4@test;Kaputt;party;2026-13-01T10:00;;aliens;;;;;;portal;;0;unbekannt\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(text, "utf-8")
    with pytest.raises(EventImportError) as caught:
        svc.import_source(str(bad))
    report = caught.value.report
    assert not report.written
    assert [r.outcome for r in report.records] == ["skipped"] * 3 + ["invalid"]
    fields = {problem.split(":")[0] for problem in report.records[-1].problems}
    assert {"kind", "start", "audiences", "organisers"} <= fields
    assert "line 5" in caught.value.errors
    assert svc.upcoming() == []  # nothing was written


def test_reimport_updates_by_uid_and_keeps_seats(svc: EventsService, tmp_path: Path) -> None:
    add_organisation(svc)
    svc.import_source(str(DATA / "events.csv"))
    marl = next(e for e in svc.upcoming() if e.uid == "csv-1@test")
    svc.register(
        marl.id,
        {"name": "A", "email": "a@example.org", "consent": True},
        base_url="http://localhost",
    )
    changed = tmp_path / "changed.csv"
    changed.write_text(
        (DATA / "events.csv")
        .read_text("utf-8")
        .replace("Ausbildungsbörse Marl", "Ausbildungsbörse Marl 2026"),
        "utf-8",
    )
    report = svc.import_source(str(changed))
    assert [r.outcome for r in report.records] == ["updated"] * 3
    again = svc.event(marl.id)
    assert again.title == "Ausbildungsbörse Marl 2026" and again.taken == 1


def test_unknown_columns_and_non_utf8_are_refused(svc: EventsService, tmp_path: Path) -> None:
    from core import ImportError_

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("title,kind,colour\nx,info,red\n", "utf-8")
    with pytest.raises(ImportError_, match="colour"):
        svc.import_source(str(wrong))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("title,kind,start,town\nBörse,info,2026-11-01T10:00,Marl\n".encode("latin-1"))
    with pytest.raises(ImportError_, match="UTF-8"):
        svc.import_source(str(latin))


def test_import_command_reports_and_fails_without_change(
    svc: EventsService, tmp_path: Path
) -> None:
    add_organisation(svc)
    group = events_group(svc.platform)
    runner = CliRunner()
    result = runner.invoke(group, ["import", str(DATA / "events.csv")])
    assert result.exit_code == 0, result.output
    assert "3 neu (created)" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("title;kind;start;town\nX;info;kaputt;Marl\n", "utf-8")
    result = runner.invoke(group, ["import", str(bad)])
    assert result.exit_code == 1
    assert "invalid" in result.output and "nichts geändert" in result.output
    assert len(svc.upcoming()) == 3


def test_a_feed_is_fetched_over_http(svc: EventsService) -> None:
    import http.server
    import threading

    body = svc.calendar([], name="leer", base_url="http://localhost", lang="de")
    add = b"BEGIN:VEVENT\r\nUID:http@test\r\nDTSTAMP:20260901T000000Z\r\nSUMMARY:Infoabend\r\n"
    add += (
        b"CATEGORIES:info\r\nDTSTART;TZID=Europe/Berlin:20261110T180000\r\nLOCATION:45768 Marl\r\n"
    )
    add += b"END:VEVENT\r\n"
    body = body.replace(b"END:VCALENDAR", add + b"END:VCALENDAR")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        report = svc.import_source(f"http://127.0.0.1:{server.server_port}/feed")
    finally:
        server.shutdown()
        server.server_close()
    assert report.created == 1
    assert svc.upcoming()[0].title == "Infoabend"
