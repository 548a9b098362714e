"""Dataset exports as CSV, JSON and GeoJSON files, written the same way for every dataset.

A dataset's ``export`` gathers its records as rows (column name -> value) and hands them to
``export_file``; the cells are written by one rule (``export_cell``), so a number, a date or a
yes/no value reads back the same in every importer, and CSV cells a spreadsheet would run
as formulas are neutralised (``csv_writer``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from core.errors import ValidationError
from core.io.csvfiles import csv_writer
from core.io.datasets import ExportFile

__all__ = ["EXPORT_FORMATS", "export_cell", "export_file"]

#: The formats ``export_file`` writes (JSON where a dataset offers it: ``formats``).
EXPORT_FORMATS = ("csv", "geojson")
_WRITTEN = (*EXPORT_FORMATS, "json")
_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "json": "application/json",
}
#: A decimal an importer reading German numbers would take for thousands ("51.657").
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


def export_cell(value: Any) -> str:
    """The CSV text of a value: empty for ``None``, ``true``/``false``, ISO dates, lists
    joined by ``;``, numbers in the shortest form that reads back exactly and never as
    German thousands (``51.657`` is written ``51.6570``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        return text + "0" if _THOUSANDS.fullmatch(text) else text
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(export_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([export_cell(row.get(name)) for name in columns])
    return buffer.getvalue().encode("utf-8")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _json(name: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """``{name: [{column: value, ...}, ...]}``: the shape the plugins' JSON importers read."""
    records = [{column: _json_value(row.get(column)) for column in columns} for row in rows]
    return json.dumps({name: records}, ensure_ascii=False, indent=1).encode("utf-8")


def _geojson(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    features = []
    for row in rows:
        lat, lon = row.get("lat"), row.get("lon")
        geometry = (
            None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
        )
        properties = {
            name: _json_value(row.get(name)) for name in columns if name not in ("lat", "lon")
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def export_file(
    fmt: str,
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    name: str,
    what: str,
    formats: Sequence[str] = EXPORT_FORMATS,
) -> ExportFile:
    """``rows`` as a CSV (``columns`` in order), JSON or GeoJSON file named ``name.<fmt>``.

    JSON is ``{name: [{column: value, ...}, ...]}`` (``json`` in ``formats``). GeoJSON
    features are Points at each row's ``lat``/``lon`` (no geometry without them)
    with the other columns as properties. ``what`` names the records ("Kitas") in the
    ``ValidationError`` for a format not in ``formats`` (which may name formats the
    dataset writes itself, such as iCalendar).
    """
    if fmt not in formats:
        offered = " or ".join(formats)
        raise ValidationError(
            f"The format {fmt!r} is not offered for {what}; export them as {offered}.",
            {"format": [f"use {offered}"]},
        )
    if fmt not in _WRITTEN:
        raise ValueError(f"export_file writes csv, json and geojson, not {fmt}: write it yourself.")
    if fmt == "json":
        content = _json(name, columns, rows)
    else:
        content = _csv(columns, rows) if fmt == "csv" else _geojson(columns, rows)
    return ExportFile(content, _MEDIA_TYPES[fmt], f"{name}.{fmt}")
