"""Courses as a dataset of the operators' admin area: search, edit, delete, import, export.

Every write goes through the plugin's own rules: an edit is checked like an import record
(``importer.course_from_values``, coordinates from a new postcode), an import reads the
plugin's formats and checks every record before anything is written, and the repository
raises the change counter that every process's course index follows. Providers are not
stored apart from their courses, so courses are the only dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from core import Dataset
from core import DatasetField
from core import DatasetImport
from core import ExportFile
from core import Sentence
from core import Text
from core import ValidationError
from core import checked_record
from core import edited_values
from core import export_file
from core import record_id
from core import table_dataset
from sqlalchemy.orm import Session

from plugins.training import repository as repo
from plugins.training import tables as t
from plugins.training import vocabulary as tv
from plugins.training.formats import FORMATS
from plugins.training.importer import check_text
from plugins.training.importer import course_from_values
from plugins.training.importer import read_text
from plugins.training.importer import write_checked
from plugins.training.model import FIELDS as FILE_FIELDS
from plugins.training.model import MAX_LENGTH
from plugins.training.model import MULTI_VALUED
from plugins.training.model import Course
from plugins.training.texts import DOMAIN

if TYPE_CHECKING:
    from core import Platform

__all__ = ["COURSES_DATASET", "courses_dataset", "export_courses"]

COURSES_DATASET = "training.courses"
EXPORT_FORMATS = ("csv", "json")


def _choices(vocabulary: Any) -> tuple[tuple[str, Text], ...]:
    # the labels stay Texts: the admin page shows them in its language
    return tuple((term.code, term.label) for term in vocabulary)


def _label(name: str, **values: Any) -> Text:
    """The admin area's name of the field ``name`` (catalog ``admin.fields.<name>``)."""
    return Text.message(DOMAIN, f"admin.fields.{name}", **values)


def _text(name: str, **options: Any) -> DatasetField:
    return DatasetField(name, _label(name), max_length=MAX_LENGTH.get(name, 500), **options)


FIELDS = (
    DatasetField("id", _label("id"), editable=False, listed=True),
    _text("title", required=True, listed=True),
    _text("provider", required=True, listed=True),
    _text("town", listed=True),
    DatasetField("start_date", _label("start_date"), kind="date", listed=True),
    DatasetField("end_date", _label("end_date"), kind="date"),
    DatasetField("on_demand", _label("on_demand"), kind="bool"),
    DatasetField("kind", _label("kind"), kind="choice", choices=_choices(tv.KINDS), required=True),
    DatasetField(
        "provider_type",
        _label("provider_type"),
        kind="choice",
        choices=_choices(tv.PROVIDER_TYPES),
        required=True,
    ),
    DatasetField(
        "format",
        _label("format"),
        kind="choice",
        choices=_choices(tv.FORMATS),
        required=True,
    ),
    DatasetField(
        "professions",
        _label("professions"),
        max_length=200,
    ),
    DatasetField(
        "funding",
        _label("funding", codes=", ".join(tv.FUNDING.codes)),
        max_length=200,
    ),
    _text("description", kind="textarea"),
    _text("duration"),
    DatasetField("hours", _label("hours"), kind="number"),
    DatasetField("cost_eur", _label("cost_eur"), kind="number"),
    _text("cost_note"),
    _text("street"),
    DatasetField("postcode", _label("postcode"), max_length=5),
    DatasetField("lat", _label("lat"), kind="number"),
    DatasetField("lon", _label("lon"), kind="number"),
    _text("link", kind="url"),
    _text("external_id", editable=False),
    _text("source", editable=False),
    DatasetField("is_demo", _label("is_demo"), kind="bool", editable=False),
    DatasetField("created_at", _label("created_at"), kind="datetime", editable=False),
    DatasetField("updated_at", _label("updated_at"), kind="datetime", editable=False),
)
_BY_NAME = {f.name: f for f in FIELDS}


def course_row(course: Course) -> dict[str, Any]:
    """A course as a dataset row: lists as codes separated by "; " (as a form shows them)."""
    data = course.to_dict()
    row = {name: data[name] for name in _BY_NAME}
    row["id"] = str(course.id)
    for name in MULTI_VALUED:
        row[name] = "; ".join(data[name])
    return row


def delete(session: Session, course_id: str) -> None:
    repo.delete_course(session, record_id(course_id, "course"))


# --- editing ---------------------------------------------------------------------------------


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    """The importer's "field: message" lines as a field -> messages mapping."""
    errors: dict[str, list[str]] = {}
    if "course" not in exc.errors:
        # raised by a value the importer hands on (an Address with a malformed postcode)
        for name, messages in (exc.errors or {"course": [exc.message]}).items():
            errors.setdefault(name if name in _BY_NAME else "course", []).extend(messages)
        return errors
    for message in exc.errors["course"]:
        name, _, text = message.partition(": ")
        if isinstance(message, Sentence):  # the German goes with it to a German form
            text = Sentence(text, message.de.partition(": ")[2])
        if name == "location":
            name = "postcode"  # "a course held in person needs a place: give a postcode ..."
        if name in _BY_NAME and text:
            errors.setdefault(name, []).append(text)
        else:
            errors.setdefault("course", []).append(message)
    return errors


def _follow_postcode(platform: Platform, existing: Course, data: dict[str, Any]) -> None:
    """A new postcode means a new place (as the API does): the point and the town of the
    course follow it unless the edit changes them too."""
    if not data["postcode"] or data["postcode"] == existing.postcode:
        return
    old = (existing.location.lat, existing.location.lon) if existing.location else (None, None)
    if (data["lat"], data["lon"]) == old:
        data["lat"] = data["lon"] = None
    if data["town"] == existing.town and platform.region.town_for_postcode(data["postcode"]):
        data["town"] = None  # the town of the new postcode, from the region


def _checked(platform: Platform, existing: Course | None, values: Mapping[str, Any]) -> Course:
    """The course of the submitted ``values``, checked like an import record: ``existing``
    changed, or a new course entered by hand (source ``manual``) when it is ``None``."""
    # a form's number is decimal ("51.657") or German ("1.190,50"): read here, as the file
    # importer would take the first for German thousands
    shown = course_row(existing) if existing else {}
    parsed, problems = edited_values(FIELDS, shown, values, "a course", lists=MULTI_VALUED)
    if existing is None:
        data = {k: v for k, v in parsed.items() if v not in (None, "", [])}
        what, source = "The course is invalid", "manual"
    else:
        data = {**existing.to_dict(), **parsed}
        what = f"Course {existing.id} ({existing.title!r}) was not changed"
        source = existing.source
        _follow_postcode(platform, existing, data)
    # every problem at once: the form's own and the course's (a value the form could not read
    # is left out of the course check, so it is named once)
    return checked_record(
        lambda: course_from_values(data, platform, source=source),
        problems,
        what,
        explain=_field_errors,
    )


def update(
    platform: Platform, session: Session, course_id: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Check and store the submitted fields; the course is checked again as a whole."""
    existing = repo.get_course(session, record_id(course_id, "course"))
    course = _checked(platform, existing, values)
    course.id, course.is_demo = existing.id, existing.is_demo
    return course_row(repo.update_course(session, course))


def create(platform: Platform, session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and store a new course entered by hand (source ``manual``)."""
    return course_row(repo.add_course(session, _checked(platform, None, values)))


# --- import and export -----------------------------------------------------------------------


def import_courses(
    platform: Platform,
    session: Session,
    path: Path,
    fmt: str,
    *,
    allow_outside_region: bool = False,
) -> DatasetImport:
    """Import a file in the caller's session, as ``regiokarte training import`` does: every
    record is checked first; one invalid record rejects the file (``CourseImportError``
    names each) and nothing is written."""
    report, checked = check_text(
        platform,
        read_text(path),
        name=path.name,
        fmt=fmt or None,
        allow_outside_region=allow_outside_region,
    )
    write_checked(session, report, checked)
    warnings = [
        f"{r.where} ({r.title!r}): {w}; check the course after the import"
        for r in report.records
        for w in r.warnings
    ]
    return DatasetImport(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        messages=(*report.notes, *warnings),
    )


def export_courses(session: Session, fmt: str) -> ExportFile:
    """Every course in the plugin's own file format (csv or json), by id."""
    courses = [c.to_dict() for c in repo.load_courses(session)]
    return export_file(
        fmt, courses, FILE_FIELDS, name="courses", what="courses", formats=EXPORT_FORMATS
    )


def courses_dataset(platform: Platform) -> Dataset:
    """The plugin's courses for the admin area."""
    from plugins.training.hooks import service_for

    c = t.courses.c
    return table_dataset(
        COURSES_DATASET,
        t.courses,
        record="course",
        search_columns=(c.title, c.provider, c.town),
        order_by=(c.title, c.id),
        load=lambda session, number: course_row(repo.get_course(session, number)),
        label=Text.message(DOMAIN, "admin.dataset"),
        fields=FIELDS,
        update=partial(update, platform),
        delete=delete,
        create=partial(create, platform),
        import_file=partial(import_courses, platform),
        import_region_checked=True,
        import_formats=FORMATS,
        export=export_courses,
        export_formats=EXPORT_FORMATS,
        # what the API does after a write: this process's course index reloads now; others
        # follow the change counter the write raised
        changed=lambda: service_for(platform).index(force=True),
        help=Text.message(DOMAIN, "admin.help"),
    )
