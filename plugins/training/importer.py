"""Course imports: every record checked and reported, then all written or none.

``import_text`` reads a file's text (own CSV or JSON format, or a Weiterbildungssuche answer),
turns every record into a validated ``Course`` and reports each one (created, updated or
invalid with its reasons, plus warnings about guessed values). If any record is invalid,
nothing is written and ``CourseImportError`` carries the report. Otherwise all courses are
written in one transaction: a course whose ``(source, external_id)`` exists is updated, the
others are added, and the report is kept in ``training_imports``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from core import Address
from core import GeocodingError
from core import ImportError_
from core import ImportRecord
from core import ImportReport
from core import Location
from core import Sentence
from core import ValidationError
from core import check_in_region
from core import from_row
from core import parse_yes_no
from core import read_bounded

from plugins.training import repository as repo
from plugins.training.formats import FORMATS
from plugins.training.formats import MAX_FILE_BYTES
from plugins.training.formats import Record
from plugins.training.formats import decode
from plugins.training.formats import detect_format
from plugins.training.formats import read_records
from plugins.training.model import Course
from plugins.training.model import parse_date

if TYPE_CHECKING:
    from core import Platform
    from sqlalchemy.orm import Session

__all__ = [
    "CourseImportError",
    "check_text",
    "course_from_values",
    "import_file",
    "import_text",
    "read_text",
    "write_checked",
]

#: Digits in groups of three with dots, an optional decimal comma: a German amount.
_GERMAN_NUMBER = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")
DEFAULT_SOURCE = {"csv": "import", "json": "import", "ba": "ba"}


class CourseImportError(ImportError_):
    """An import with invalid records; nothing was written. ``report`` lists every record."""

    def __init__(self, report: ImportReport) -> None:
        bad = [r for r in report.records if r.outcome == "invalid"]
        details = "; ".join(f"{r.where}: {', '.join(r.problems)}" for r in bad[:5])
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        super().__init__(
            f"{report.file_name}: {len(bad)} of {len(report.records)} records are invalid; "
            f"nothing was imported. {details}{more}.",
            {r.where: r.problems for r in bad},
        )
        self.report = report


# --- values -> Course -------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.messages.append(_line(key, message))


def _line(key: str, message: str) -> str:
    """``key: message``, its German kept when ``message`` is a ``Sentence``."""
    if isinstance(message, Sentence):
        return Sentence(f"{key}: {message}", f"{key}: {message.de}")
    return f"{key}: {message}"


def _text(values: Mapping[str, Any], key: str, problems: _Problems) -> str:
    value = values.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.add(key, f"{value!r} must be text")
        return ""
    return str(value).strip()


def _number(values: Mapping[str, Any], key: str, problems: _Problems) -> float | None:
    value = values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.add(key, f"{value!r} is not a number")
        return None
    text = value.strip().replace(" ", "") if isinstance(value, str) else value
    if isinstance(text, str):
        if _GERMAN_NUMBER.fullmatch(text):
            text = text.replace(".", "")  # "1.190" and "1.190,50" as German files write them
        text = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        number = float(text)
    except ValueError:
        problems.add(key, f"{value!r} is not a number")
        return None
    if not math.isfinite(number):
        problems.add(key, f"{value!r} is not a finite number")
        return None
    return number


def _boolean(values: Mapping[str, Any], key: str, problems: _Problems) -> bool:
    value = values.get(key)
    try:
        if isinstance(value, str | bool | None):  # a number or a list is no yes/no word
            return parse_yes_no(value) is True
    except ValueError:
        pass
    problems.add(key, f"{value!r} is not true or false")
    return False


def _codes(values: Mapping[str, Any], key: str, problems: _Problems) -> tuple[str, ...]:
    value = values.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(";") if p.strip())
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v).strip().zfill(2) if isinstance(v, int) else v.strip() for v in value)
    problems.add(key, f"{value!r} must be codes separated by ';' (or a list of codes)")
    return ()


def _date(values: Mapping[str, Any], key: str, problems: _Problems) -> Any:
    try:
        return parse_date(values.get(key))
    except (ValueError, TypeError):
        problems.add(key, f"{values.get(key)!r} is not a date (use 2026-03-02 or 02.03.2026)")
        return None


def course_from_values(
    values: Mapping[str, Any], platform: Platform, *, source: str = "manual"
) -> Course:
    """A validated course from raw values of the own format (text or typed).

    Missing coordinates come from the postcode (the configured geocoder), a missing town from
    the region's postcodes. Every problem is reported at once (``ValidationError.errors``).
    """
    problems = _Problems()
    data: dict[str, Any] = {"source": source}
    for key in (
        "external_id",
        "title",
        "description",
        "provider",
        "provider_type",
        "kind",
        "format",
        "duration",
        "cost_note",
        "street",
        "postcode",
        "town",
        "link",
    ):
        data[key] = _text(values, key, problems)
    data["external_id"] = data["external_id"] or None
    for key in ("professions", "funding"):
        data[key] = _codes(values, key, problems)
    data["professions"] = tuple(p.zfill(2) if p.isdigit() else p for p in data["professions"])
    for key in ("start_date", "end_date"):
        data[key] = _date(values, key, problems)
    data["on_demand"] = _boolean(values, "on_demand", problems)
    for key in ("hours", "cost_eur", "lat", "lon"):
        data[key] = _number(values, key, problems)
    lat, lon = data.pop("lat"), data.pop("lon")
    location = None
    if (lat is None) != (lon is None):
        problems.add(
            "lat",
            Sentence(
                "give lat and lon together (or neither)",
                "geben Sie Breite und Länge zusammen an (oder keins von beiden)",
            ),
        )
    elif lat is not None and lon is not None:
        try:
            location = Location(lat, lon)
        except ValidationError as exc:
            problems.add("lat", exc.message)
    postcode = data["postcode"]
    if location is None and postcode and data["format"] != "online":
        try:
            location = platform.locate(Address(data["street"], postcode, data["town"]))
        except GeocodingError as exc:
            problems.add("postcode", exc.message)
    if postcode and not data["town"]:
        town = platform.region.town_for_postcode(postcode)
        data["town"] = town.name if town is not None else ""
    course = from_row(Course, data, location=location)
    messages = list(problems.messages)
    try:
        course.validate()
    except ValidationError as exc:
        messages += [_line(k, m) for k, ms in exc.errors.items() for m in ms]
    if messages:
        raise ValidationError(
            f"Course {course.title!r} is invalid: {'; '.join(messages)}.", {"course": messages}
        )
    return course


# --- the import -------------------------------------------------------------------------------


def check_region(
    platform: Platform,
    checked: list[tuple[Course, ImportRecord]],
    report: ImportReport,
    *,
    allow_outside_region: bool = False,
) -> None:
    """Refuse courses lying mostly outside the platform's region (``core.check_in_region``);
    a few outliers become notes of the report. Online courses have no place and are not
    judged."""
    located = [(c, e) for c, e in checked if c.location is not None]
    check = check_in_region(
        platform.region,
        [c.location.lat for c, _ in located if c.location],
        [c.location.lon for c, _ in located if c.location],
        what="courses",
        name=report.file_name,
        labels=[e.where for _, e in located],
        allow_outside=allow_outside_region,
    )
    report.notes.extend(check.warnings)


def check_records(
    records: list[Record], platform: Platform, report: ImportReport
) -> list[tuple[Course, ImportRecord]]:
    """Each record as a checked course with its line of the report (``created`` until it is
    written); invalid ones are reported with their problems."""
    checked: list[tuple[Course, ImportRecord]] = []
    ids = Counter(
        str(r.values.get("external_id")).strip()
        for r in records
        if not r.problem and str(r.values.get("external_id") or "").strip()
    )
    for record in records:
        title = str(record.values.get("title") or "")[:120]
        entry = ImportRecord(record.where, "created", title, warnings=list(record.warnings))
        report.records.append(entry)
        if record.problem:
            entry.outcome, entry.problems = "invalid", [record.problem]
            continue
        try:
            course = course_from_values(record.values, platform, source=report.source)
        except ValidationError as exc:
            entry.outcome = "invalid"
            entry.problems = list(exc.errors.get("course") or [exc.message])
            continue
        entry.key = course.external_id or ""
        if course.external_id and ids[course.external_id] > 1:
            entry.outcome = "invalid"
            entry.problems = [
                f"external_id: {course.external_id!r} occurs {ids[course.external_id]} times in "
                "the file; each course needs its own"
            ]
            continue
        checked.append((course, entry))
    report.read = len(records)
    report.recount()
    return checked


def check_text(
    platform: Platform,
    text: str,
    *,
    name: str = "file",
    fmt: str | None = None,
    source: str | None = None,
    allow_outside_region: bool = False,
    skip_invalid: bool = False,
) -> tuple[ImportReport, list[tuple[Course, ImportRecord]]]:
    """Read and check a file's text without writing: the report and the valid courses.

    ``CourseImportError`` lists the bad records unless ``skip_invalid`` (then they are
    reported and left out); courses lying mostly outside the region are refused unless
    ``allow_outside_region``."""
    fmt = detect_format(name, text, fmt)
    source = (source or DEFAULT_SOURCE[fmt]).strip()
    if not source or len(source) > 50:
        raise ImportError_(
            f"The source name {source!r} must have 1 to 50 characters.",
            {"source": ["1 to 50 characters"]},
        )
    records = read_records(text, fmt, name)
    if not records:
        raise ImportError_(
            f"{name}: contains no courses; nothing was imported.", {"file": ["no courses"]}
        )
    report = ImportReport(name, fmt, source)
    checked = check_records(records, platform, report)
    if report.invalid and (not skip_invalid or not checked):
        raise CourseImportError(report)
    if report.invalid:
        report.notes.append(
            f"{report.invalid} of {len(report.records)} records were left out (--skip-invalid); "
            "they are listed as invalid"
        )
    check_region(platform, checked, report, allow_outside_region=allow_outside_region)
    return report, checked


def _same(old: Course, new: Course) -> bool:
    skip = ("id", "is_demo", "created_at", "updated_at")
    a, b = old.to_dict(), new.to_dict()
    return all(a[k] == b[k] for k in a if k not in skip)


def write_checked(
    session: Session, report: ImportReport, checked: list[tuple[Course, ImportRecord]]
) -> None:
    """Write checked courses in the caller's session: a course whose (source, external_id)
    exists is updated (unchanged when it is the same), the others are added; the report is
    kept in the import log."""
    existing = repo.ids_by_external_id(
        session, report.source, [c.external_id for c, _ in checked if c.external_id]
    )
    for course, entry in checked:
        known = existing.get(course.external_id or "")
        if known is None:
            entry.record_id = repo.add_course(session, course, bump=False).id
            continue
        course.id = entry.record_id = known
        entry.outcome = "unchanged" if _same(repo.get_course(session, known), course) else "updated"
        if entry.outcome == "updated":
            repo.update_course(session, course, bump=False)
    report.recount()
    report.written = True
    repo.bump_version(session)
    repo.record_import(
        session,
        file_name=report.file_name,
        fmt=report.format,
        source=report.source,
        created=report.created,
        updated=report.updated,
        report=report.as_dict(),
    )


def import_text(platform: Platform, text: str, **options: Any) -> ImportReport:
    """Import a file's text (options as for ``check_text``); all or nothing."""
    report, checked = check_text(platform, text, **options)
    with platform.session(write=True) as session:
        write_checked(session, report, checked)
    return report


def read_text(path: Path) -> str:
    """The text of a course file (bounded, decoded); ``ImportError_`` when it cannot be read."""
    try:
        data = read_bounded(path, max_bytes=MAX_FILE_BYTES)
    except OSError as exc:
        raise ImportError_(
            f"{path.name}: cannot be read ({exc.strerror}). Nothing was imported.",
            {"file": ["cannot be read"]},
        ) from None
    return decode(data, path.name)


def import_file(platform: Platform, path: str | Path, **options: Any) -> ImportReport:
    """Import the file at ``path`` (format from ``fmt``, the extension or the content;
    options as for ``check_text``)."""
    file = Path(path)
    return import_text(platform, read_text(file), name=file.name, **options)


assert set(DEFAULT_SOURCE) == set(FORMATS)
