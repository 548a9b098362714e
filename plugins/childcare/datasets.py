"""The Kitas as a dataset of the operators' admin area: search, edit, delete, import, export.

Edits go through the repository's change counter (``repository.changed``), like an import
from the command line, so every process reloads its Kitas and rebuilds its search index (the
distance filters) and the map layer follows. An import is the command line's
``regiokarte childcare import FILE``: the file name (without suffix) names the data set, and
the file replaces that data set's Kitas.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import attrs
from core import Dataset
from core import DatasetField
from core import DatasetImport
from core import ExportFile
from core import NotFound
from core import Sentence
from core import Text
from core import ValidationError
from core import checked_record
from core import export_file
from core import record_id
from core import table_dataset
from sqlalchemy import update

from plugins.childcare import repository as repo
from plugins.childcare import tables as t
from plugins.childcare.importers import FORMATS
from plugins.childcare.importers import import_file
from plugins.childcare.model import AGE_GROUPS
from plugins.childcare.model import DOMAIN
from plugins.childcare.model import MAX_NAME
from plugins.childcare.model import Kita
from plugins.childcare.model import parse_opening_hours

if TYPE_CHECKING:
    from core import Platform
    from sqlalchemy.orm import Session

    from plugins.childcare.service import ChildcareService

__all__ = ["DATASET_ID", "EXPORT_COLUMNS", "kita_dataset", "kita_row"]

DATASET_ID = "childcare.kitas"
_YES_NO = (("yes", Text.message(DOMAIN, "yes")), ("no", Text.message(DOMAIN, "no")))
#: form field of each age group: (field name, age group code)
_AGE_FIELDS = (("age_under3", "u3"), ("age_3_6", "3to6"), ("age_school", "school"))


def _field(name: str, **options: Any) -> DatasetField:
    """A field of the Kita form, labelled by the catalog's ``dataset.field.<name>``."""
    return DatasetField(name, Text.message(DOMAIN, f"dataset.field.{name}"), **options)


FIELDS: tuple[DatasetField, ...] = (
    _field("id", kind="integer", editable=False, listed=True),
    _field("source", editable=False, listed=True),
    _field("source_id", editable=False),
    _field("name", required=True, max_length=MAX_NAME, listed=True),
    _field("operator", max_length=300, listed=True),
    _field("street", max_length=200),
    _field("postcode", max_length=10, listed=True),
    _field("town", max_length=100, listed=True),
    _field("district", max_length=100),
    _field("lat", kind="number", required=True, max_length=30),
    _field("lon", kind="number", required=True, max_length=30),
    *(
        DatasetField(name, group.label, kind="bool")
        for (name, _), group in zip(_AGE_FIELDS, AGE_GROUPS, strict=True)
    ),
    _field("places", kind="integer", max_length=10, listed=True),
    _field("opening_hours", max_length=500),
    _field("concept", kind="textarea", max_length=5000),
    _field("languages"),
    _field("inclusion", kind="choice", choices=_YES_NO),
    _field("lunch", kind="choice", choices=_YES_NO),
    _field("phone", max_length=100),
    _field("email", kind="email", max_length=320),
    _field("website", kind="url", max_length=500),
    _field("notes", kind="textarea", max_length=5000),
)

#: Columns of the CSV and GeoJSON exports: names the importer's default mapping reads back.
EXPORT_COLUMNS = (
    "id",
    "name",
    "operator",
    "street",
    "postcode",
    "town",
    "district",
    "lat",
    "lon",
    "age_under3",
    "age_3_6",
    "age_school",
    "places",
    "opening_hours",
    "concept",
    "languages",
    "inclusion",
    "lunch",
    "phone",
    "email",
    "website",
    "notes",
)


_TEXT_FIELDS = (
    *("name", "operator", "street", "postcode", "town", "district", "opening_hours"),
    *("concept", "phone", "email", "website", "notes"),
)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def kita_row(kita: Kita) -> dict[str, Any]:
    """A Kita as a dataset row (JSON values, the ``id`` as a string)."""
    row: dict[str, Any] = {
        "id": str(kita.id),
        "source": kita.source,
        "source_id": kita.source_id,
        "name": kita.name,
        "operator": kita.operator,
        "street": kita.street,
        "postcode": kita.postcode,
        "town": kita.town,
        "district": kita.district,
        "lat": kita.lat,
        "lon": kita.lon,
        "places": kita.places,
        "opening_hours": kita.opening_hours,
        "concept": kita.concept,
        "languages": "; ".join(kita.languages),
        "inclusion": _yes_no(kita.inclusion),
        "lunch": _yes_no(kita.lunch),
        "phone": kita.phone,
        "email": kita.email,
        "website": kita.website,
        "notes": kita.notes,
    }
    for name, code in _AGE_FIELDS:
        row[name] = kita.serves(code)
    return row


def _kita_id(value: str) -> int:
    return record_id(value, "Kita")


def _edited(dataset: Dataset, kita: Kita, values: Mapping[str, Any]) -> Kita:
    """``kita`` with the submitted ``values``; ValidationError names every bad field at once
    (those the form cannot read and those the Kita's rules refuse)."""
    clean, problems = dataset.read(values)
    changes: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if name in clean:
            changes[name] = clean[name] or ""
    for name in ("lat", "lon", "places"):
        if name in clean:
            changes[name] = clean[name]
    for name in ("inclusion", "lunch"):
        if name in clean:
            changes[name] = None if clean[name] is None else clean[name] == "yes"
    if "languages" in clean:
        text = clean["languages"] or ""
        changes["languages"] = tuple(p for p in text.replace(",", ";").split(";") if p.strip())
    changes["age_groups"] = tuple(code for name, code in _AGE_FIELDS if clean.get(name))
    if "opening_hours" in changes:
        hours = parse_opening_hours(changes["opening_hours"])
        changes["opens"], changes["closes"] = (hours.opens, hours.closes) if hours else (None, None)
    for name in ("lat", "lon"):
        if name in changes and changes[name] is None:
            problems.setdefault(name, [Sentence.message(DOMAIN, f"check.no_{name}")])
            del changes[name]  # the Kita's other rules are checked at its stored point
    if changes.get("places") is not None and not 0 <= changes["places"] <= 100_000:
        problems.setdefault("places", [Sentence.message(DOMAIN, "check.places_range")])

    def check() -> Kita:
        edited = attrs.evolve(kita, **changes)
        found: dict[str, list[str]] = {}
        for field, problem in edited.problems():
            found.setdefault(field, []).append(problem)
        if found:
            raise ValidationError("The Kita cannot be stored.", found)
        return edited

    return checked_record(check, problems, "The Kita cannot be stored")


def _export_row(kita: Kita, extra_columns: list[str], as_text: bool) -> dict[str, Any]:
    row = {**kita_row(kita), "id": kita.source_id}
    for name in ("inclusion", "lunch"):
        row[name] = None if row[name] is None else row[name] == "yes"
    for key in extra_columns:
        value = kita.extra.get(key)
        # a CSV cell holds the source's structured values as the JSON they were
        text = as_text and value is not None and not isinstance(value, str)
        row[key] = json.dumps(value, ensure_ascii=False) if text else value
    return row


def export(session: Session, fmt: str) -> ExportFile:
    """Every Kita as CSV or GeoJSON, in the columns the importer reads back."""
    kitas = repo.load_kitas(session)
    extra_columns = sorted({key for k in kitas for key in k.extra if key not in EXPORT_COLUMNS})
    # a re-import of the file updates the same data set: its name is the file name
    sources = {k.source for k in kitas}
    rows = [_export_row(k, extra_columns, as_text=fmt == "csv") for k in kitas]
    return export_file(
        fmt,
        rows,
        [*EXPORT_COLUMNS, *extra_columns],
        name=sources.pop() if len(sources) == 1 else "kitas",
        what="Kitas",
    )


def kita_dataset(platform: Platform, service: ChildcareService) -> Dataset:
    """The Kitas as the admin area's dataset ``childcare.kitas``."""

    def update_kita(session: Session, record_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        kita = repo.get_kita(session, _kita_id(record_id))
        edited = _edited(dataset, kita, values)
        if edited != kita:
            session.execute(
                update(t.kitas)
                .where(t.kitas.c.id == kita.id)
                .values(**edited.storable(), updated_at=dt.datetime.now(dt.UTC))
            )
            repo.changed(session)
        return kita_row(repo.get_kita(session, _kita_id(record_id)))

    def delete_kita(session: Session, record_id: str) -> None:
        if not repo.delete_kitas(session, [_kita_id(record_id)]):
            raise NotFound(f"There is no Kita with id {record_id!r}.")

    def import_kitas(
        session: Session, path: Path, fmt: str, *, allow_outside_region: bool = False
    ) -> DatasetImport:
        report = import_file(
            session,
            path,
            mapping=service.settings.columns,
            locate=platform.locate,
            fmt=fmt,
            region=platform.region,
            allow_outside_region=allow_outside_region,
            conversions=service.settings.conversions(),
            where=service.settings.where,
        )
        return report.dataset_import()

    dataset = table_dataset(
        DATASET_ID,
        t.kitas,
        record="Kita",
        # Kitas by id, whose name, operator, address or source contain every word of the text
        search_columns=("name", "operator", "town", "postcode", "street", "district", "source"),
        row=lambda r: kita_row(repo.kita_from_row(r)),
        label=Text.message(DOMAIN, "dataset.label"),
        fields=FIELDS,
        update=update_kita,
        delete=delete_kita,
        import_file=import_kitas,
        import_formats=FORMATS,
        import_region_checked=True,
        export=export,
        export_formats=("csv", "geojson"),
        changed=lambda: service.state(force=True),
        help=Text.message(DOMAIN, "dataset.help"),
    )
    return dataset
