"""Company export files (CSV and GeoJSON) in the format ``core.io.importing`` reads.

Every profile field is written, with status, plugin extensions, timestamps and (on request)
contact data, so exporting and importing again loses nothing. The format is documented in
``docs/import-format.md``. Writers stream: companies are read from the database in batches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from core.errors import ValidationError
from core.io.csvfiles import csv_writer
from core.io.importing import CSV_COLUMNS, FORMATS, SEPARATOR
from core.model import Company, Status
from core.persistence import companies as repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.platform import Platform

__all__ = [
    "csv_row",
    "export_companies",
    "geojson_feature",
    "iter_companies",
    "write_csv",
    "write_geojson",
]

BATCH = 1000


def iter_companies(
    session: Session,
    *,
    status: Status | None = None,
    with_contact: bool = True,
    batch: int = BATCH,
) -> Iterator[Company]:
    """Every company (or those with ``status``), by id, read ``batch`` at a time."""
    offset = 0
    while True:
        part = repo.list_companies(
            session, status=status, offset=offset, limit=batch, with_contact=with_contact
        )
        yield from part
        if len(part) < batch:
            return
        offset += batch


def _number(value: float | None) -> str:
    # repr is the shortest text that reads back as the same float
    return "" if value is None else repr(value)


def csv_row(company: Company) -> list[str]:
    """The CSV fields of ``company`` in ``CSV_COLUMNS`` order."""
    contact = company.contact
    values: dict[str, str] = {
        "id": "" if company.id is None else str(company.id),
        "slug": company.slug,
        "name": company.name,
        "description": company.description,
        "street": company.address.street,
        "postcode": company.address.postcode,
        "town": company.address.town,
        "ags": company.address.ags,
        "lat": _number(company.location.lat if company.location else None),
        "lon": _number(company.location.lon if company.location else None),
        "industry": company.industry,
        "industry_division": company.industry_division or "",
        "employees": str(company.employees),
        "website": company.website,
        "status": company.status.value,
        "is_demo": "true" if company.is_demo else "false",
        "contact_name": contact.name if contact else "",
        "contact_email": contact.email if contact else "",
        "contact_phone": contact.phone if contact else "",
        "extensions": (
            json.dumps(
                company.extensions, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            )
            if company.extensions
            else ""
        ),
        "created_at": company.created_at.isoformat() if company.created_at else "",
        "updated_at": company.updated_at.isoformat() if company.updated_at else "",
    }
    for key in ("professions", "family", "certificates", "offers", "benefits"):
        values[key] = SEPARATOR.join(getattr(company, key))
    return [values[c] for c in CSV_COLUMNS]


def write_csv(
    companies: Iterable[Company], stream: TextIO, progress: Callable[[int], None] | None = None
) -> int:
    """Write the header and one row per company; the number of companies written."""
    writer = csv_writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for company in companies:
        writer.writerow(csv_row(company))
        count += 1
        if progress is not None:
            progress(1)
    return count


def geojson_feature(company: Company, *, with_contact: bool = True) -> dict[str, Any]:
    """A GeoJSON Feature: the location as Point geometry (null without one), the rest as
    properties in the shape of ``Company.to_dict``."""
    properties = company.to_dict(with_contact=with_contact and company.contact is not None)
    properties.pop("lat")
    properties.pop("lon")
    geometry = None
    if company.location is not None:
        geometry = {"type": "Point", "coordinates": [company.location.lon, company.location.lat]}
    return {"type": "Feature", "id": company.id, "geometry": geometry, "properties": properties}


def write_geojson(
    companies: Iterable[Company], stream: TextIO, progress: Callable[[int], None] | None = None
) -> int:
    """Write a FeatureCollection, one feature per line; the number of companies written."""
    stream.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for company in companies:
        if count:
            stream.write(",\n")
        stream.write(json.dumps(geojson_feature(company), ensure_ascii=False, sort_keys=True))
        count += 1
        if progress is not None:
            progress(1)
    stream.write("\n]}\n")
    return count


def export_companies(
    platform: Platform,
    stream: TextIO,
    fmt: str = "csv",
    *,
    status: Status | None = None,
    with_contact: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every company (or those with ``status``) to ``stream`` in ``fmt``."""
    if fmt not in FORMATS:
        raise ValidationError(
            f"The format {fmt!r} is not supported; use one of {', '.join(FORMATS)}.",
            {"format": [f"one of {', '.join(FORMATS)}"]},
        )
    writer = write_csv if fmt == "csv" else write_geojson
    with platform.session() as session:
        companies = iter_companies(session, status=status, with_contact=with_contact)
        return writer(companies, stream, progress)
