"""The stops of the imported GTFS feed as a dataset of the operators' admin area.

Stops are read-only here: a GTFS import replaces the whole feed, so a name changed by hand
would be gone after the next import (the feed's publisher is where a name is corrected). The
admin area searches and shows the stops, imports a new feed (the same import as
``regiokarte transit import``) and exports the stops as a GTFS ``stops.txt`` (CSV).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from core import Dataset
from core import DatasetField
from core import DatasetImport
from core import ExportFile
from core import ImportError_
from core import Region
from core import Text
from core import export_file
from core import table_dataset
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.transit import tables as t
from plugins.transit.importer import import_feed
from plugins.transit.service import DOMAIN

if TYPE_CHECKING:
    from core import Platform

__all__ = ["EXPORT_COLUMNS", "STOPS_DATASET", "stops_dataset"]

STOPS_DATASET = "transit.stops"
#: Columns of the export: the stops.txt fields of the GTFS reference that the plugin keeps.
EXPORT_COLUMNS = (
    "stop_id",
    "stop_code",
    "stop_name",
    "stop_lat",
    "stop_lon",
    "location_type",
    "parent_station",
)
LOCATION_TYPES = tuple(
    (code, Text.message(DOMAIN, f"dataset.location_type.{code}")) for code in ("0", "1", "2")
)


def _field(name: str, **options: Any) -> DatasetField:
    """A read-only field of a stop, labelled by the catalog's ``dataset.field.<name>``."""
    return DatasetField(
        name, Text.message(DOMAIN, f"dataset.field.{name}"), editable=False, **options
    )


FIELDS = (
    _field("id", listed=True),
    _field("name", listed=True, max_length=500),
    _field("stop_id", listed=True),
    _field("code", max_length=100),
    _field("location_type", kind="choice", choices=LOCATION_TYPES, listed=True),
    _field("parent_station", max_length=255),
    _field("lat", kind="number"),
    _field("lon", kind="number"),
)


def _row(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "name": row.name,
        "stop_id": row.stop_id,
        "code": row.code,
        "location_type": str(row.location_type),
        "parent_station": row.parent_station,
        "lat": float(row.lat),
        "lon": float(row.lon),
    }


def _snapshot(session: Session) -> dict[str, tuple[Any, ...]]:
    s = t.stops
    rows = session.execute(
        select(s.c.stop_id, s.c.name, s.c.code, s.c.lat, s.c.lon, s.c.location_type)
    )
    return {str(r[0]): tuple(r[1:]) for r in rows}


def _import(
    region: Region | None,
    session: Session,
    path: Path,
    fmt: str,
    *,
    allow_outside_region: bool = False,
) -> DatasetImport:
    if fmt != "gtfs":
        raise ImportError_(
            f"The format {fmt!r} is not supported for stops; import a GTFS feed (format "
            "'gtfs', a zip file).",
            {"format": ["use gtfs (a zip file)"]},
        )
    before = _snapshot(session)
    report = import_feed(session, path, region=region, allow_outside_region=allow_outside_region)
    after = _snapshot(session)
    common = before.keys() & after.keys()
    changed = sum(1 for key in common if before[key] != after[key])
    messages = [
        f"{report.file_name} {problem}: the row was left out; correct it in the feed and "
        "import it again."
        for problem in report.rejected
    ]
    messages += [f"{report.file_name}: {warning}" for warning in report.warnings]
    stops = report.details["files"].get("stops.txt")
    return DatasetImport(
        created=len(after.keys() - before.keys()),
        updated=changed,
        deleted=len(before.keys() - after.keys()),
        unchanged=len(common) - changed,
        rejected=stops["rejected"] if stops is not None else 0,
        messages=tuple(messages),
    )


def _export(session: Session, fmt: str) -> ExportFile:
    s = t.stops
    rows = (
        {
            "stop_id": row.stop_id,
            "stop_code": row.code,
            "stop_name": row.name,
            "stop_lat": float(row.lat),
            "stop_lon": float(row.lon),
            "location_type": row.location_type,
            "parent_station": row.parent_station,
        }
        for row in session.execute(select(s).order_by(s.c.id))
    )
    return export_file(fmt, rows, EXPORT_COLUMNS, name="stops", what="stops", formats=("csv",))


def stops_dataset(platform: Platform) -> Dataset:
    """The stops of the imported feed: search, import of a GTFS zip, export as CSV."""
    from plugins.transit.hooks import service_for

    return table_dataset(
        STOPS_DATASET,
        t.stops,
        record="stop",
        # stops by name, whose name, stop_id or code contain every word of the text
        search_columns=("name", "stop_id", "code"),
        order_by=("name", "id"),
        row=_row,
        not_found="A new feed import renumbers the stops: search for the stop by name.",
        label=Text.message(DOMAIN, "dataset.label"),
        fields=FIELDS,
        import_file=partial(_import, platform.region),
        import_region_checked=True,
        import_formats=("gtfs",),
        export=_export,
        export_formats=("csv",),
        # the feed state (stops, timetable, routes per stop) reloads now rather than at the
        # next check; core's indexes follow the generation import_feed bumped
        changed=lambda: service_for(platform).state(force=True),
        help=Text.message(DOMAIN, "dataset.help"),
    )
