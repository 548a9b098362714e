"""Importing events from iCalendar files or feeds and from CSV: all or nothing, with a report
line per record.

``read_source`` fetches the bytes (a file, or an http(s) feed), ``read_records`` turns them
into records, ``import_records`` checks every record and, only when all are valid, writes
them in the caller's transaction (the caller commits). An event whose ``uid`` exists already
is updated, so importing the same feed again changes only what changed.
"""

from __future__ import annotations

import datetime as dt
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from attrs import frozen
from core import ImportError_
from core import ImportRecord
from core import ImportReport
from core import InputTooLarge
from core import NotFound
from core import Region
from core import ValidationError
from core import check_in_region
from core import check_lines
from core import read_bounded
from core import read_csv_table

from plugins.events import ical
from plugins.events.model import Event

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "CSV_COLUMNS",
    "EventImportError",
    "Record",
    "import_records",
    "read_records",
    "read_source",
]

CSV_COLUMNS = (
    "uid",
    "title",
    "kind",
    "start",
    "end",
    "description",
    "audiences",
    "place_name",
    "street",
    "postcode",
    "town",
    "lat",
    "lon",
    "online_url",
    "registration",
    "registration_url",
    "capacity",
    "waiting_list",
    "organisers",
    "status",
)
MAX_BYTES = 20 * 1024 * 1024
FEED_TIMEOUT = 30


@frozen
class Record:
    """One event as read from a file: where it was, its raw values, a reading problem."""

    where: str
    values: dict[str, Any]
    problem: str = ""


class EventImportError(ImportError_):
    """An import with invalid records; nothing was written. ``report`` has every record."""

    def __init__(self, report: ImportReport) -> None:
        bad = [r for r in report.records if r.outcome == "invalid"]
        message = (
            f"{report.source}: {len(bad)} of {len(report.records)} records are invalid; nothing "
            "was imported. " + "; ".join(f"{r.where}: " + ", ".join(r.problems) for r in bad[:5])
        )
        super().__init__(message, {r.where: list(r.problems) for r in bad})
        self.report = report


def _problems(errors: dict[str, list[str]]) -> list[str]:
    return [f"{k}: {m}" for k, v in errors.items() for m in v]


def read_source(source: str) -> tuple[str, bytes]:
    """The name and bytes of a file path or an http(s) feed address."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": "regiokarte-events"})
        try:
            with urllib.request.urlopen(request, timeout=FEED_TIMEOUT) as response:  # noqa: S310
                data = response.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ImportError_(
                f"The feed {source} cannot be fetched: {exc}. Nothing was imported.",
                {"source": [str(exc)]},
            ) from None
        name = source
    else:
        path = Path(source)
        data = read_bounded(path, max_bytes=MAX_BYTES)
        name = path.name
    if len(data) > MAX_BYTES:
        raise InputTooLarge(
            f"{name} is larger than {MAX_BYTES // 2**20} MB.", {"source": ["too large"]}
        )
    check_lines(data, source=name)
    return name, data


def detect_format(name: str, data: bytes, given: str | None = None) -> str:
    if given:
        if given not in ("ics", "csv"):
            raise ImportError_(
                f"The format {given!r} is unknown; use ics or csv.", {"format": ["ics or csv"]}
            )
        return given
    if name.lower().endswith((".ics", ".ical", ".ifb")) or data.lstrip()[:15].upper().startswith(
        b"BEGIN:VCALENDAR"
    ):
        return "ics"
    if name.lower().endswith(".csv"):
        return "csv"
    raise ImportError_(
        f"Cannot tell the format of {name}; name it .ics or .csv or give the format.",
        {"format": ["ics or csv"]},
    )


def read_csv(text: str, name: str) -> list[Record]:
    """Records of a CSV text (header first; ',' or ';' between fields)."""
    table = read_csv_table(text, name=name, columns=CSV_COLUMNS, delimiters=",;")
    source = f"csv:{name}"[:200]
    return [
        Record(row.where, {k: v.strip() for k, v in row.values.items()} | {"source": source})
        if not row.problem
        else Record(row.where, {}, row.problem)
        for row in table.rows
    ]


def read_records(
    name: str, data: bytes, fmt: str, *, zone: Any, horizon: tuple[dt.datetime, dt.datetime]
) -> list[Record]:
    if fmt == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportError_(
                f"{name} is not UTF-8 text; save it as UTF-8 and import again.",
                {"file": ["not UTF-8"]},
            ) from None
        return read_csv(text, name)
    try:
        rows = ical.read_ics(data, name=name, zone=zone, horizon=horizon)
    except ValueError as exc:
        raise ImportError_(f"{exc}. Nothing was imported.", {"file": [str(exc)]}) from None
    return [Record(where, values, problem) for where, values, problem in rows]


def import_records(
    session: Session,
    records: list[Record],
    *,
    source: str,
    fmt: str,
    validate: Callable[[dict[str, Any]], Event],
    save: Callable[[Event], tuple[Event, bool]],
    region: Region | None = None,
    allow_outside_region: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    """Check every record; write them all (``save``) only when every one is valid.

    Raises ``EventImportError`` (with the report) when any record is invalid or two records
    share a uid; the caller's transaction then holds no change from here. With a ``region``
    the events with a place must lie in it (``core.check_in_region``) unless
    ``allow_outside_region``; online events are not judged. ``skip_invalid`` writes the valid
    records and reports the others as invalid.
    """
    report = ImportReport(source, fmt, source=source, read=len(records))
    checked: list[tuple[ImportRecord, Event]] = []
    seen: dict[str, str] = {}
    for record in records:
        values = record.values
        line = ImportRecord(
            record.where, "invalid", str(values.get("title", "")), str(values.get("uid", ""))
        )
        report.records.append(line)
        if record.problem:
            line.problems = [f"record: {record.problem}"]
            continue
        try:
            event = validate(values)
        except (ValidationError, NotFound) as exc:
            line.problems = _problems(exc.errors or {"record": [exc.message]})
            continue
        line.key = event.uid
        if event.uid in seen:
            line.problems = [f"uid: the same uid as {seen[event.uid]}"]
            continue
        seen[event.uid] = record.where
        line.outcome = "skipped"  # until it is written
        checked.append((line, event))
    report.recount()
    if not records:
        raise ImportError_(
            f"{source} holds no events; nothing was imported.", {"file": ["no events"]}
        )
    invalid = report.invalid
    if invalid and (not skip_invalid or not checked):
        raise EventImportError(report)
    if invalid:
        report.notes.append(
            f"{invalid} of {len(report.records)} records were left out (--skip-invalid); they "
            "are listed as invalid"
        )
    if region is not None:
        check = check_in_region(
            region,
            [e.place.lat for _, e in checked],
            [e.place.lon for _, e in checked],
            what="events",
            name=source,
            labels=[line.where for line, _ in checked],
            allow_outside=allow_outside_region,
        )
        report.notes.extend(check.warnings)
    for line, event in checked:
        saved, created = save(event)
        line.outcome = "created" if created else "updated"
        line.record_id = saved.id
    report.recount()
    report.written = True
    return report
