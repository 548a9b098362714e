"""Open data: the open positions of the companies on the map, as CSV and JSON files.

The files hold an explicit allow-list of fields (``FIELDS``), so a field added to the model
later stays out until someone adds it here. Left out as personal or internal: the apply
e-mail address and phone number (often a person's own: ``m.mueller@...``, a direct line),
how the position was matched and its candidates, the day it was filled, the times it was
stored. Only positions the public sees are in (``listing.Publicity``): open ones, not of a
company off the map; those not matched to a company yet have no company fields.
Each file states its licence (core's ``open_data_licence``): JSON in members beside the
records, CSV in a ``license`` column on every row (CSV has no place for metadata that
survives a spreadsheet), as core's company files do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from core import ExportFile
from core import Licence
from core import export_file

from plugins.jobs.facts import PAGES_PREFIX
from plugins.jobs.facts import employer_of
from plugins.jobs.listing import place_of
from plugins.jobs.model import Position

if TYPE_CHECKING:
    from core import SearchIndex

__all__ = ["FIELDS", "FORMATS", "export", "public_record"]

#: The public fields, in CSV column order.
FIELDS = (
    "id",
    "url",
    "title",
    "kind",
    "employment_type",
    "profession",
    "profession_group",
    "start_date",
    "published",
    "valid_through",
    "company_id",
    "company_slug",
    "company_name",
    "employer_name",
    "postcode",
    "town",
    "lat",
    "lon",
    "description",
    "apply_url",
    "source",
    "external_id",
    "is_demo",
)
#: The formats of the files.
FORMATS = ("csv", "json")


def public_record(position: Position, index: SearchIndex, base_url: str = "") -> dict[str, Any]:
    """The public fields of ``position``, nothing else; its company (if any) as ``index``
    holds it.

    Where the position names no place of its own it lies at its company's; ``url`` is its
    page, absolute when ``base_url`` (the portal's address) is given.
    """
    employer = employer_of(position, index)
    point = place_of(position, index)
    return {
        "id": position.id,
        "url": f"{base_url.rstrip('/')}{PAGES_PREFIX}/{position.id}",
        "title": position.title,
        "kind": position.kind,
        "employment_type": position.employment_type,
        "profession": position.profession,
        "profession_group": position.profession_group,
        "start_date": position.start_date,
        "published": position.published,
        "valid_through": position.valid_through,
        "company_id": employer.company_id,
        "company_slug": employer.slug or None,
        "company_name": employer.name if employer.slug else None,
        "employer_name": position.employer_name,
        "postcode": position.employer_postcode,
        "town": position.employer_town,
        "lat": point[0],
        "lon": point[1],
        "description": position.description,
        "apply_url": position.apply_url,
        "source": position.source,
        "external_id": position.external_id,
        "is_demo": position.is_demo,
    }


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _json(records: Iterable[Mapping[str, Any]], licence: Licence, today: dt.date) -> bytes:
    document = {
        "license": licence.name,
        "license_url": licence.url,
        "attribution": licence.attribution,
        "date": today.isoformat(),
        "positions": [{k: _json_value(r[k]) for k in FIELDS} for r in records],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def export(
    fmt: str,
    records: Iterable[Mapping[str, Any]],
    licence: Licence,
    *,
    today: dt.date,
    name: str,
) -> ExportFile:
    """The ``records`` (``public_record`` values) as a CSV or JSON file ``name.<fmt>``;
    ``ValidationError`` naming the formats for another ``fmt``."""
    if fmt == "json":
        return ExportFile(_json(records, licence, today), "application/json", f"{name}.json")
    rows = ({**r, "license": licence.name} for r in records)
    return export_file(
        fmt, rows, (*FIELDS, "license"), name=name, what="positions", formats=FORMATS
    )
