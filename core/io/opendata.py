"""Open data: the published companies without personal data, as GeoJSON and CSV.

Unlike ``core.io.exporting`` (a lossless backup for operators) these files are public. They hold
an explicit allow-list of profile fields, so a field added to the model later stays private
until someone adds it here: no contact person, no editor e-mail, no consents, no plugin
extensions (a plugin may keep anything there), only published profiles.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from attrs import frozen

from core.io.csvfiles import csv_writer
from core.io.exporting import iter_companies
from core.io.importing import SEPARATOR
from core.model import Company, Status

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.settings import Settings

__all__ = [
    "FIELDS",
    "Licence",
    "iter_csv",
    "iter_geojson",
    "open_data_licence",
    "public_record",
    "published",
]

#: The public fields, in CSV column order (lat/lon are the GeoJSON geometry).
FIELDS = (
    "id",
    "slug",
    "name",
    "description",
    "street",
    "postcode",
    "town",
    "ags",
    "lat",
    "lon",
    "industry",
    "industry_division",
    "professions",
    "employees",
    "size",
    "family",
    "certificates",
    "offers",
    "benefits",
    "website",
    "is_demo",
    "updated_at",
)
_LISTS = ("professions", "family", "certificates", "offers", "benefits")


@frozen
class Licence:
    """Under which terms the files are published (``[opendata]`` settings)."""

    name: str
    url: str
    attribution: str


def open_data_licence(settings: Settings) -> Licence:
    """The licence open data files are published under (``[opendata]``); the attribution
    falls back to ``portal.operator``."""
    return Licence(
        name=settings.opendata.licence,
        url=settings.opendata.licence_url,
        attribution=settings.opendata.attribution or settings.portal.operator,
    )


def published(session: Session) -> Iterator[Company]:
    """Every published company, by id, read in batches, without contact data."""
    return iter_companies(session, status=Status.PUBLISHED, with_contact=False)


def public_record(company: Company) -> dict[str, Any]:
    """The public fields of ``company``, nothing else."""
    data = company.to_dict(with_contact=False)
    return {key: data[key] for key in FIELDS}


def iter_geojson(companies: Iterable[Company], licence: Licence) -> Iterator[str]:
    """A FeatureCollection in chunks (one feature a line), licence as foreign members."""
    head = {
        "type": "FeatureCollection",
        "license": licence.name,
        "license_url": licence.url,
        "attribution": licence.attribution,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n'
    first = True
    for company in companies:
        record = public_record(company)
        lat, lon = record.pop("lat"), record.pop("lon")
        geometry = None if lat is None else {"type": "Point", "coordinates": [lon, lat]}
        feature = {
            "type": "Feature",
            "id": record["id"],
            "geometry": geometry,
            "properties": record,
        }
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False, sort_keys=True)
        first = False
    yield "\n]}\n"


def _csv_line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key in _LISTS:
        return SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def iter_csv(companies: Iterable[Company], licence: Licence) -> Iterator[str]:
    """A header, then one line per company, plus a licence column repeated on every row (CSV
    has no place for metadata that survives a spreadsheet)."""
    yield _csv_line([*FIELDS, "license"])
    for company in companies:
        record = public_record(company)
        yield _csv_line([*(_cell(k, record[k]) for k in FIELDS), licence.name])
