"""Kita import files: GeoJSON, CSV (with a configurable column mapping) and OpenStreetMap.

Importing runs in three steps:

1. read the file into records (one per GeoJSON feature, CSV row or OSM object), each with its
   position (``feature 3``, ``line 14``, ``way/123``); problems of the file itself (not
   UTF-8 or Windows-1252, not GeoJSON, a projected CRS, no name column) stop here;
2. turn every record into a ``Kita`` (``kita_from_columns`` / ``kita_from_osm``); a record
   that cannot be one (no name, no location, an id used twice) is rejected with its reason;
   values that cannot be read (opening hours, places) are kept as text and reported;
3. inside the caller's transaction, make the Kitas of the data set (the *source*) those of
   the file: new ids are added, changed ones updated, missing ones removed (``prune``).

By default any rejected record aborts the import and nothing changes (``ImportError_`` names
every problem with its position); ``skip_invalid`` imports the rest and reports the rejects.
The mapping of columns to fields and the OSM tags read are documented in the plugin's README.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from attrs import define
from attrs import field
from attrs import frozen
from core import Address
from core import GeocodingError
from core import ImportError_
from core import ImportProblem
from core import ImportReport
from core import Location
from core import RecordFilter
from core import Sentence
from core import ValueConversion
from core import check_in_region
from core import check_lines
from core import is_postcode
from core import parse_json
from core import postcode_towns
from core import read_bounded
from core import read_csv_table
from core import read_json_records
from core import slugify

from plugins.childcare import repository as repo
from plugins.childcare.model import DOMAIN
from plugins.childcare.model import Kita
from plugins.childcare.model import age_groups_from_range
from plugins.childcare.model import age_groups_from_text
from plugins.childcare.model import format_clock
from plugins.childcare.model import parse_bool
from plugins.childcare.model import parse_int
from plugins.childcare.model import parse_opening_hours
from plugins.childcare.model import split_list
from plugins.childcare.settings import ColumnMapping

if TYPE_CHECKING:
    from core import Region
    from sqlalchemy.orm import Session

__all__ = [
    "FORMATS",
    "Record",
    "default_source",
    "detect_format",
    "fold_column",
    "import_file",
    "kita_from_columns",
    "kita_from_osm",
    "read_csv",
    "read_geojson",
    "read_json",
    "read_osm",
    "read_records",
]

FORMATS = ("geojson", "json", "csv", "osm")
_SUFFIXES = {
    ".geojson": "geojson",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".osm": "osm",
    ".pbf": "osm",
    ".o5m": "osm",
    ".opl": "osm",
    ".bz2": "osm",
    ".gz": "osm",
}
#: GeoJSON coordinate systems that are WGS84 longitude/latitude.
_WGS84 = ("crs84", "4326", "wgs84", "wgs 84")
#: OSM tags that make an object a Kita.
OSM_TAGS = (("amenity", "kindergarten"), ("amenity", "childcare"))
MAX_PROBLEMS_IN_MESSAGE = 50
#: Largest file read: every Kita of Germany (about 60,000) as GeoJSON fits.
MAX_FILE_BYTES = 100 * 1024 * 1024


@frozen
class Record:
    """One Kita as read from a file, before checking.

    ``values`` maps folded column names (CSV, GeoJSON properties) or OSM tags to raw values;
    ``names`` keeps the original column names. ``lat``/``lon`` come from the geometry.
    """

    position: str
    values: Mapping[str, Any]
    lat: float | None = None
    lon: float | None = None
    native_id: str = ""
    names: Mapping[str, str] = field(factory=dict)
    problem: str = ""


# --- reading files -------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold_column(name: str) -> str:
    """A column name as mapped: lower case, umlauts folded, other characters as ``_``."""
    text = str(name).strip().casefold().translate(_UMLAUTS)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def detect_format(path: Path) -> str:
    """The format by the file name (``.geojson``, ``.csv``, ``.osm``, ``.osm.pbf``, ...);
    a ``.json`` file holding a FeatureCollection is GeoJSON, any other JSON records."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
        return "geojson" if re.search(rb'"FeatureCollection"', head) else "json"
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    raise ImportError_(
        f"The format of {path.name!r} is unknown; name the file .geojson, .json, .csv, .osm or "
        f".osm.pbf, or give the format ({', '.join(FORMATS)}).",
        {"file": ["unknown format"]},
    )


def _file_error(path: Path, message: str) -> ImportError_:
    if isinstance(message, Sentence):  # its languages go with it to the admin page
        whole = Sentence.message(
            DOMAIN, "import.file_problem", file=path.name, problem=message.said
        )
        return ImportError_(whole, {"file": [message]})
    return ImportError_(f"{path.name}: {message}", {"file": [message]})


def _folded(properties: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    for key, value in properties.items():
        folded = fold_column(key)
        if folded and folded not in values:
            values[folded] = value
            names[folded] = str(key)
    return values, names


def _centroid(geometry: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lon, lat) of a Point, or the mean of the outer rings' vertices of (Multi)Polygons."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    try:
        if kind == "Point":
            return float(coords[0]), float(coords[1])  # type: ignore[index]
        if kind == "MultiPoint" and len(coords) == 1:  # type: ignore[arg-type]
            return float(coords[0][0]), float(coords[0][1])  # type: ignore[index]
        rings: list[Any] = []
        if kind == "Polygon":
            rings = [coords[0]]  # type: ignore[index]
        elif kind == "MultiPolygon":
            rings = [polygon[0] for polygon in coords]  # type: ignore[union-attr]
        points = [(float(p[0]), float(p[1])) for ring in rings for p in ring[:-1]]
        if points:
            return (
                sum(p[0] for p in points) / len(points),
                sum(p[1] for p in points) / len(points),
            )
    except (TypeError, ValueError, IndexError):
        return None
    return None


def read_geojson(path: Path) -> tuple[list[Record], list[str]]:
    """Records of a GeoJSON FeatureCollection (WGS84), one per feature."""
    # parse_json refuses deep nesting and unpaired surrogates with a message naming the file
    data = parse_json(read_bounded(path, max_bytes=MAX_FILE_BYTES), source=path.name)
    if isinstance(data, list):
        raise _file_error(
            path,
            "this is a JSON array, not a GeoJSON FeatureCollection: import it with the format "
            "json (--format json) and a column mapping that names its fields, e.g. "
            "plugins.childcare.columns.lat = ['address.latitude'] (see docs/mapping-records.md).",
        )
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        shape = (
            f"a GeoJSON {data.get('type')}"
            if isinstance(data, dict) and isinstance(data.get("type"), str)
            else "a JSON object"
            if isinstance(data, dict)
            else "no JSON object"
        )
        raise _file_error(
            path,
            f"the file is {shape}, no GeoJSON FeatureCollection; for JSON records (an array or "
            "object of records) use the format json (--format json) with a column mapping.",
        )
    crs = data.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", "")).casefold()
        if name and not any(w in name for w in _WGS84):
            raise _file_error(
                path,
                f"its coordinate system is {name!r}; convert it to WGS84 (EPSG:4326) first, "
                "e.g. with ogr2ogr -t_srs EPSG:4326.",
            )
    features = data.get("features")
    if not isinstance(features, list):
        raise _file_error(path, "its 'features' member is not a list.")
    records = []
    for number, feature in enumerate(features, start=1):
        position = f"feature {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            records.append(Record(position, {}, problem="it is no GeoJSON Feature"))
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            records.append(Record(position, {}, problem="its properties are no object"))
            continue
        values, names = _folded(properties)
        lon = lat = None
        geometry = feature.get("geometry")
        if isinstance(geometry, dict):
            point = _centroid(geometry)
            if point is None:
                records.append(
                    Record(
                        position,
                        values,
                        names=names,
                        problem=f"its geometry ({geometry.get('type')}) has no usable point",
                    )
                )
                continue
            lon, lat = point
        native = feature.get("id")
        records.append(
            Record(
                position,
                values,
                lat,
                lon,
                native_id="" if native is None else str(native),
                names=names,
            )
        )
    return records, []


def read_json(path: Path) -> tuple[list[Record], list[str]]:
    """Records of a JSON file: an array or object of records, nested fields as dotted paths."""
    records = []
    for found in read_json_records(read_bounded(path, max_bytes=MAX_FILE_BYTES), name=path.name):
        values, names = _folded(found.values)
        key = found.values.get("record_key")
        records.append(
            Record(
                found.position,
                values,
                native_id="" if key is None else str(key),
                names=names,
                problem=found.problem,
            )
        )
    return records, []


def _decode(path: Path) -> tuple[str, list[str]]:
    raw = read_bounded(path, max_bytes=MAX_FILE_BYTES)
    check_lines(raw, source=path.name)
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        # municipal exports from spreadsheets are often Windows-1252
        return raw.decode("cp1252", errors="strict"), ["the file was read as Windows-1252"]


def read_csv(path: Path) -> tuple[list[Record], list[str]]:
    """Records of a CSV file (delimiter ',', ';', tab or '|', detected), one per row."""
    try:
        text, notes = _decode(path)
    except UnicodeDecodeError as exc:
        raise _file_error(
            path, f"the file is neither UTF-8 nor Windows-1252 (byte {exc.start})."
        ) from None
    table = read_csv_table(text, name=path.name)
    if table.delimiter != ",":
        shown = {"\t": "tabs"}.get(table.delimiter, repr(table.delimiter))
        notes.append(f"fields separated by {shown}")
    folded = [fold_column(h) for h in table.header]
    seen: dict[str, int] = {}
    for i, name in enumerate(folded):
        if name and name in seen:
            first, second = table.header[seen[name]], table.header[i]
            raise _file_error(path, f"the columns {first!r} and {second!r} have the same name.")
        seen[name] = i
    names = {f: h for f, h in zip(folded, table.header, strict=True) if f}
    return [
        Record(
            row.where,
            {fold_column(h): v for h, v in row.values.items() if fold_column(h)},
            names=names,
        )
        if not row.problem
        else Record(row.where, {}, problem=row.problem)
        for row in table.rows
    ], notes


def _osm_position(obj: Any) -> str:
    kind = {"n": "node", "w": "way", "r": "relation", "a": "area"}[obj.type_str()]
    return f"{kind}/{obj.id}"


def read_osm(path: Path) -> tuple[list[Record], list[str]]:
    """Records of an OSM extract (.osm XML, .osm.pbf, ...): every node, way and multipolygon
    relation tagged amenity=kindergarten or amenity=childcare; ways and relations are placed at
    the mean of their (outer) vertices."""
    import osmium

    records: list[Record] = []
    relation_ids: set[int] = set()
    try:
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations()
            .with_areas(osmium.filter.TagFilter(*OSM_TAGS))
            .with_filter(osmium.filter.TagFilter(*OSM_TAGS))
        )
        for obj in processor:
            tags = {tag.k: tag.v for tag in obj.tags}
            if obj.is_node():
                location = obj.location
                if not location.valid():
                    records.append(
                        Record(_osm_position(obj), tags, problem="it has no valid location")
                    )
                    continue
                records.append(
                    Record(_osm_position(obj), tags, location.lat, location.lon, f"node/{obj.id}")
                )
            elif obj.is_way():
                points = [(n.location.lat, n.location.lon) for n in obj.nodes if n.location.valid()]
                if obj.is_closed() and len(points) > 1:
                    points = points[:-1]
                position = _osm_position(obj)
                if not points:
                    records.append(
                        Record(position, tags, problem="its nodes are missing from the extract")
                    )
                    continue
                lat = sum(p[0] for p in points) / len(points)
                lon = sum(p[1] for p in points) / len(points)
                records.append(Record(position, tags, lat, lon, position))
            elif obj.is_area() and not obj.from_way():
                relation = obj.orig_id()
                if relation in relation_ids:
                    continue
                relation_ids.add(relation)
                points = [
                    (n.lat, n.lon)
                    for ring in obj.outer_rings()
                    for n in list(ring)[:-1]
                    if n.location.valid()
                ]
                position = f"relation/{relation}"
                if not points:
                    records.append(Record(position, tags, problem="its outline is incomplete"))
                    continue
                lat = sum(p[0] for p in points) / len(points)
                lon = sum(p[1] for p in points) / len(points)
                records.append(Record(position, tags, lat, lon, position))
    except RuntimeError as exc:
        raise _file_error(path, f"it is no readable OSM file: {exc}") from None
    return records, []


def read_records(path: Path, fmt: str) -> tuple[list[Record], list[str]]:
    readers: dict[str, Callable[[Path], tuple[list[Record], list[str]]]] = {
        "geojson": read_geojson,
        "json": read_json,
        "csv": read_csv,
        "osm": read_osm,
    }
    if fmt not in readers:
        raise ImportError_(
            f"{fmt!r} is no import format; formats are: {', '.join(FORMATS)}.",
            {"format": ["unknown format"]},
        )
    if not path.is_file():
        raise ImportError_(f"The file {str(path)!r} does not exist.", {"file": ["not found"]})
    return readers[fmt](path)


# --- records to Kitas ------------------------------------------------------------------------


class _Fields:
    """Looks up Kita fields in a record through the column mapping."""

    def __init__(
        self,
        mapping: ColumnMapping,
        columns: Iterable[str],
        conversions: Mapping[str, ValueConversion] | None = None,
    ) -> None:
        present = set(columns)
        self.candidates = mapping.fields()
        self.columns: dict[str, list[str]] = {
            name: [c for c in (fold_column(x) for x in candidates) if c in present]
            for name, candidates in self.candidates.items()
        }
        self.conversions = dict(conversions or {})
        self.names: dict[str, str] = {}

    def looked_at(self, name: str) -> str:
        """The columns mapped to ``name`` that the file has, or the candidates looked for."""
        found = self.columns.get(name) or []
        if found:
            return ", ".join(self.names.get(c, c) for c in found)
        return "none of " + ", ".join(self.candidates.get(name) or []) + " is in the file"

    def converted(self, record: Record, name: str, context: _Context) -> Any:
        """The value of ``name`` through its declared conversion (a warning when it fails)."""
        value = self.value(record, name)
        conversion = self.conversions.get(name)
        if conversion is None or value is None:
            return value
        try:
            return conversion.apply(value)
        except ValueError as exc:
            context.warnings.append(
                ImportProblem(
                    record.position,
                    f"{name}: {exc}; ignored (conversion plugins.childcare.convert.{name})",
                )
            )
            return None

    def column(self, name: str) -> str | None:
        found = self.columns.get(name) or []
        return found[0] if found else None

    def used(self) -> set[str]:
        return {c for columns in self.columns.values() for c in columns}

    def value(self, record: Record, name: str) -> Any:
        column = self.column(name)
        if column is None:
            return None
        value = record.values.get(column)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, record: Record, name: str) -> str:
        value = self.value(record, name)
        return "" if value is None else str(value).strip()

    def any_yes(self, record: Record, name: str) -> bool | None:
        """Whether any mapped column of ``name`` says yes (None if all are empty)."""
        answers = [parse_bool(record.values.get(c)) for c in self.columns.get(name) or []]
        known = [a for a in answers if a is not None]
        return any(known) if known else None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.loads(json.dumps(value, default=str))


def _derived_id(name: str, street: str, postcode: str) -> str:
    text = "|".join(fold_column(v) for v in (name, street, postcode))
    # a content key, not a secret: SHA-1 keeps existing keys stable
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False)
    return "derived:" + digest.hexdigest()[:16]


_NO_LOCATION = "it has no location (no geometry, no coordinates, no postcode)"
#: Kinds of childcare a mapped ``kind`` may give (kept in a Kita's ``extra``).
KINDS = ("kita", "childminder")


@define
class _Context:
    source: str
    locate: Callable[[Address], Location] | None
    warnings: list[ImportProblem]


def _complete(record: Record, values: dict[str, Any], context: _Context) -> dict[str, Any] | str:
    """Town from the postcode, location from the geocoder; a str is the reason to reject."""
    postcode = values.get("postcode", "")
    if not values.get("town") and is_postcode(postcode or ""):
        places = postcode_towns(postcode)
        if places:
            values["town"] = places[0]
        else:
            context.warnings.append(
                ImportProblem(record.position, f"postcode {postcode} is unknown; no town")
            )
    if values.get("lat") is None or values.get("lon") is None:
        if context.locate is None or not postcode:
            return _NO_LOCATION
        try:
            where = context.locate(Address(street=values.get("street", ""), postcode=postcode))
        except (GeocodingError, ValueError) as exc:
            return f"it has no location and its postcode cannot be placed: {exc}"
        values["lat"], values["lon"] = where.lat, where.lon
        context.warnings.append(
            ImportProblem(record.position, "no coordinates; placed at its postcode's centre")
        )
    return values


def _hours(record: Record, text: str, context: _Context) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    hours = parse_opening_hours(text)
    if hours is None:
        context.warnings.append(
            ImportProblem(record.position, f"opening hours {text!r} not understood; kept as text")
        )
        return None, None
    return hours.opens, hours.closes


def _build(record: Record, values: dict[str, Any]) -> Kita | str:
    try:
        kita = Kita(**values)
    except (TypeError, ValueError) as exc:
        return str(exc)
    problems = kita.problems()
    return "; ".join(message.rstrip(".") for _, message in problems) if problems else kita


def kita_from_columns(record: Record, fields: _Fields, context: _Context) -> Kita | str:
    """A Kita from a GeoJSON feature or CSV row through the column mapping; a str is the reason
    to reject the record."""
    if record.problem:
        return record.problem
    f = fields
    street = f.text(record, "street")
    number = f.text(record, "housenumber")
    if number and number not in street:
        street = f"{street} {number}".strip()
    point = _coordinates(record, f)
    if isinstance(point, str):
        return point
    lat, lon = point
    name = f.text(record, "name")
    postcode = f.text(record, "postcode")
    if isinstance(f.value(record, "postcode"), int | float):
        postcode = f"{int(f.value(record, 'postcode')):05d}"
    source_id = (
        f.text(record, "id")
        or record.native_id
        or (_derived_id(name, street, postcode) if name else "")
    )
    ages = _ages(record, f, context)
    places_raw = f.value(record, "places")
    places = parse_int(places_raw)
    if places_raw is not None and places is None:
        context.warnings.append(
            ImportProblem(record.position, f"number of places {places_raw!r} is no number")
        )
    hours_text, opens, closes = _opening(record, f, context)
    values: dict[str, Any] = {
        "source": context.source,
        "source_id": source_id,
        "name": name,
        "lat": lat,
        "lon": lon,
        "operator": f.text(record, "operator"),
        "street": street,
        "postcode": postcode,
        "town": f.text(record, "town"),
        "district": f.text(record, "district"),
        "age_groups": tuple(ages),
        "places": places,
        "opening_hours": hours_text,
        "opens": opens,
        "closes": closes,
        "concept": f.text(record, "concept"),
        "languages": split_list(f.value(record, "languages")),
        "inclusion": f.any_yes(record, "inclusion"),
        "lunch": f.any_yes(record, "lunch"),
        "phone": f.text(record, "phone"),
        "email": f.text(record, "email"),
        "website": f.text(record, "website"),
        "notes": f.text(record, "notes"),
        "extra": _extra(record, f, context),
    }
    if not name:
        return (
            "it has no name (mapped columns: "
            + (", ".join(fields.columns.get("name") or []) or "none found")
            + ")"
        )
    completed = _complete(record, values, context)
    if completed == _NO_LOCATION:
        return (
            "it has no location: no geometry and no value in the columns looked at for lat ("
            + f.looked_at("lat")
            + "), lon ("
            + f.looked_at("lon")
            + ") or postcode ("
            + f.looked_at("postcode")
            + "); name the file's columns in plugins.childcare.columns.lat, .lon or .postcode "
            "(nested JSON fields as dotted paths such as address.postalcode)"
        )
    if isinstance(completed, str):
        return completed
    return _build(record, completed)


def _coordinates(record: Record, f: _Fields) -> tuple[float | None, float | None] | str:
    """The point from the geometry or the mapped columns; a str is the reason to reject."""
    lat, lon = record.lat, record.lon
    if lat is None or lon is None:
        lat, lon = _number(f.value(record, "lat")), _number(f.value(record, "lon"))
        if (f.value(record, "lat") is not None and lat is None) or (
            f.value(record, "lon") is not None and lon is None
        ):
            return (
                f"its coordinates {f.value(record, 'lat')!r}, {f.value(record, 'lon')!r} "
                "are no numbers"
            )
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"its coordinates {lat}, {lon} are no WGS84 latitude and longitude"
    return lat, lon


def _ages(record: Record, f: _Fields, context: _Context) -> set[str]:
    """Age groups from yes/no columns, an age range and a text naming groups."""
    ages: set[str] = set()
    for code, name in (("u3", "age_under3"), ("3to6", "age_3_6"), ("school", "age_school")):
        if f.any_yes(record, name):
            ages.add(code)
    low, high = f.converted(record, "age_from", context), f.converted(record, "age_to", context)
    low, high = _age(record, "age_from", low, context), _age(record, "age_to", high, context)
    if low is not None or high is not None:
        ages.update(age_groups_from_range(low, high))
    text_ages = f.text(record, "age_groups")
    if text_ages:
        parsed = age_groups_from_text(text_ages)
        if parsed is None:
            context.warnings.append(
                ImportProblem(record.position, f"age groups {text_ages!r} not understood")
            )
        else:
            ages.update(parsed)
    return ages


def _opening(record: Record, f: _Fields, context: _Context) -> tuple[str, int | None, int | None]:
    """Opening hours as text, opening and closing minute (own columns win over the text)."""
    hours_text = f.text(record, "opening_hours")
    opens, closes = _hours(record, hours_text, context)
    own_opens = _clock(record, f, "opens", context)
    own_closes = _clock(record, f, "closes", context)
    if own_opens is not None or own_closes is not None:
        opens = own_opens if own_opens is not None else opens
        closes = own_closes if own_closes is not None else closes
        if not hours_text and opens is not None and closes is not None:
            hours_text = f"{format_clock(opens)}-{format_clock(closes)}"
    return hours_text, opens, closes


def _extra(record: Record, f: _Fields, context: _Context) -> dict[str, Any]:
    """The values no field took, under the file's names, and the kind (Kita or day care)."""
    kind = f.converted(record, "kind", context)
    if kind is not None and kind not in KINDS:
        context.warnings.append(
            ImportProblem(
                record.position,
                f"kind {kind!r} is neither {' nor '.join(KINDS)}; map the file's codes with "
                "plugins.childcare.convert.kind",
            )
        )
        kind = None
    used = f.used()
    extra = {
        record.names.get(k, k): _jsonable(v)
        for k, v in record.values.items()
        if k not in used and v not in (None, "")
    }
    if kind is not None:
        extra["kind"] = kind
    return extra


def _age(record: Record, name: str, value: Any, context: _Context) -> float | None:
    if value is None:
        return None
    number = _number(value)
    if number is None or not 0 <= number <= 18:
        context.warnings.append(
            ImportProblem(
                record.position,
                f"{name}: {value!r} is no age in years from 0 to 18 (for months declare "
                f"plugins.childcare.convert.{name} = 'months')",
            )
        )
        return None
    return number


def _clock(record: Record, fields: _Fields, name: str, context: _Context) -> int | None:
    value = fields.converted(record, name, context)
    if value is None:
        return None
    if name not in fields.conversions:
        try:
            return int(ValueConversion("clock").apply(value))
        except ValueError:
            context.warnings.append(
                ImportProblem(
                    record.position,
                    f"{name}: {value!r} is no time of day such as 07:00 (for numbers after "
                    f"midnight declare plugins.childcare.convert.{name} = 'milliseconds', "
                    "'seconds' or 'minutes')",
                )
            )
            return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        context.warnings.append(
            ImportProblem(
                record.position,
                f"{name}: the conversion gives {value!r}, no time of day; declare "
                f"plugins.childcare.convert.{name} as 'clock', 'milliseconds', 'seconds' or "
                "'minutes'",
            )
        )
        return None
    return int(value)


#: OSM tags read into Kita fields (the rest is kept in ``extra``).
OSM_FIELDS = {
    "name": "name",
    "operator": "operator",
    "addr:street": "street",
    "addr:housenumber": "street",
    "addr:postcode": "postcode",
    "addr:city": "town",
    "addr:suburb": "district",
    "capacity": "places",
    "opening_hours": "opening_hours",
    "min_age": "age_groups",
    "max_age": "age_groups",
    "description": "concept",
    "pedagogy": "concept",
    "language": "languages",
    "phone": "phone",
    "contact:phone": "phone",
    "email": "email",
    "contact:email": "email",
    "website": "website",
    "contact:website": "website",
    "note": "notes",
}


def kita_from_osm(record: Record, context: _Context) -> Kita | str:
    """A Kita from an OSM object's tags; a str is the reason to reject it."""
    if record.problem:
        return record.problem
    tags = record.values
    name = tags.get("name", "").strip()
    if not name:
        kind = "Kindergarten" if tags.get("amenity") == "kindergarten" else "Kinderbetreuung"
        name = f"{kind} ({tags['operator']})" if tags.get("operator") else kind
        context.warnings.append(ImportProblem(record.position, f"no name; shown as {name!r}"))
    low, high = _number(tags.get("min_age")), _number(tags.get("max_age"))
    if low is not None or high is not None:
        ages: tuple[str, ...] = age_groups_from_range(low, high)
    elif tags.get("amenity") == "kindergarten":
        # in Germany amenity=kindergarten without ages is a Kita for 3 to 6
        ages = ("3to6",)
    else:
        ages = ()
    languages = list(split_list(tags.get("language")))
    languages += [
        k.split(":", 1)[1] for k, v in tags.items() if k.startswith("language:") and v == "yes"
    ]
    places_raw = tags.get("capacity")
    places = parse_int(places_raw)
    if places_raw and places is None:
        context.warnings.append(
            ImportProblem(record.position, f"capacity {places_raw!r} is no number")
        )
    hours_text = tags.get("opening_hours", "").strip()
    opens, closes = _hours(record, hours_text, context)
    street = " ".join(
        p for p in (tags.get("addr:street", ""), tags.get("addr:housenumber", "")) if p
    )
    extra = {
        k: v
        for k, v in tags.items()
        if k not in OSM_FIELDS and not k.startswith("language:") and k != "amenity"
    }
    extra["amenity"] = tags.get("amenity", "")
    values: dict[str, Any] = {
        "source": context.source,
        "source_id": record.native_id,
        "name": name,
        "lat": record.lat,
        "lon": record.lon,
        "operator": tags.get("operator", ""),
        "street": street,
        "postcode": tags.get("addr:postcode", ""),
        "town": tags.get("addr:city", ""),
        "district": tags.get("addr:suburb", ""),
        "age_groups": ages,
        "places": places,
        "opening_hours": hours_text,
        "opens": opens,
        "closes": closes,
        "concept": tags.get("pedagogy", "") or tags.get("description", ""),
        "languages": tuple(languages),
        "inclusion": None,
        "lunch": None,
        "phone": tags.get("contact:phone", "") or tags.get("phone", ""),
        "email": tags.get("contact:email", "") or tags.get("email", ""),
        "website": tags.get("contact:website", "") or tags.get("website", ""),
        "notes": tags.get("note", ""),
        "extra": extra,
    }
    completed = _complete(record, values, context)
    if isinstance(completed, str):
        return completed
    return _build(record, completed)


# --- the whole import ------------------------------------------------------------------------


def default_source(path: Path, fmt: str) -> str:
    """The data set name used when none is given: ``osm`` for OSM (ids are global there),
    else the file name without its suffixes."""
    if fmt == "osm":
        return "osm"
    stem = path.name.split(".")[0]
    return slugify(stem)[:100]


def _filtered(
    path: Path, records: list[Record], where: Iterable[str], notes: list[str]
) -> list[Record]:
    """The records matching every filter (paths folded like column names)."""
    filters = [RecordFilter.parse(text) for text in where]
    if not filters:
        return records
    columns = {c for r in records for c in r.values}
    kept = records
    for raw in filters:
        rule = RecordFilter(fold_column(raw.path), raw.values, raw.negated)
        if rule.path not in columns:
            shown = ", ".join(sorted({r.names.get(c, c) for r in records for c in r.values}))
            raise _file_error(
                path,
                f"the record filter {str(raw)!r} names the field {raw.path!r}, which no record "
                f"has; fields are: {shown}.",
            )
        kept = [r for r in kept if r.problem or rule.matches(r.values)]
    notes.append(
        f"record filter {' and '.join(str(f) for f in filters)}: {len(kept)} of "
        f"{len(records)} records kept"
    )
    return kept


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    session: Session,
    path: str | Path,
    *,
    mapping: ColumnMapping | None = None,
    locate: Callable[[Address], Location] | None = None,
    fmt: str | None = None,
    source: str | None = None,
    prune: bool = True,
    skip_invalid: bool = False,
    dry_run: bool = False,
    region: Region | None = None,
    allow_outside_region: bool = False,
    conversions: Mapping[str, ValueConversion] | None = None,
    where: Iterable[str] = (),
) -> ImportReport:
    """Import a Kita file into the data set ``source`` inside the caller's transaction.

    Raises ``ImportError_`` (and writes nothing) when the file cannot be read, holds no Kita,
    or has a rejected record while ``skip_invalid`` is false. ``conversions`` apply to mapped
    fields (``core.ValueConversion``), ``where`` keeps only the records matching every filter
    (``type=KITA``). With a ``region`` the Kitas must lie in it (``core.check_in_region``)
    unless ``allow_outside_region``. ``locate`` (``platform.locate``) places a Kita without
    coordinates from its address; without it such a Kita is rejected.
    """
    path = Path(path)
    fmt = fmt or detect_format(path)
    source = (source or default_source(path, fmt)).strip()
    if not source or len(source) > 100:
        raise ImportError_(
            f"The source name {source!r} must have 1 to 100 characters.",
            {"source": ["1 to 100 characters"]},
        )
    records, notes = read_records(path, fmt)
    read = len(records)
    records = _filtered(path, records, where, notes)
    report = ImportReport(
        file_name=path.name,
        format=fmt,
        source=source,
        read=len(records),
        notes=notes,
        dry_run=dry_run,
        details={"sha256": _sha256(path)},
    )
    context = _Context(source, locate, report.warnings)
    convert = _converter(path, fmt, records, mapping, conversions, context, report.notes)
    kitas, first_position = _converted(records, convert, report.rejected)
    if report.rejected and not skip_invalid:
        raise _rejected_error(path, report.rejected, len(records))
    if not kitas:
        raise _file_error(path, "it holds no Kita; nothing was imported.")
    if region is not None:
        check = check_in_region(
            region,
            [k.lat for k in kitas],
            [k.lon for k in kitas],
            what="Kitas",
            name=path.name,
            labels=[first_position[k.source_id] for k in kitas],
            allow_outside=allow_outside_region,
        )
        report.warnings.extend(ImportProblem("region", w) for w in check.warnings)
    if report.rejected:
        report.notes.append(
            f"{len(report.rejected)} of {read} records were left out (--skip-invalid); they "
            "are listed as rejected"
        )
    counts = repo.sync_source(session, source, kitas, prune=prune, dry_run=dry_run)
    report.created, report.updated = counts.created, counts.updated
    report.unchanged, report.removed = counts.unchanged, counts.removed
    if not dry_run:
        _record_import(session, report)
        report.written = True
    return report


def _converter(
    path: Path,
    fmt: str,
    records: list[Record],
    mapping: ColumnMapping | None,
    conversions: Mapping[str, ValueConversion] | None,
    context: _Context,
    notes: list[str],
) -> Callable[[Record], Kita | str]:
    """What turns a record into a Kita: the OSM tags, or the column mapping of the file."""
    if fmt == "osm":
        return lambda r: kita_from_osm(r, context)
    columns = {c for r in records for c in r.values}
    fields = _Fields(mapping or ColumnMapping(), columns, conversions)
    for r in records:
        fields.names.update(r.names)
    if records and fields.column("name") is None:
        shown = ", ".join(sorted({r.names.get(c, c) for r in records for c in r.values}))
        raise _file_error(path, Sentence.message(DOMAIN, "import.no_name_column", columns=shown))
    if records and fields.column("id") is None:
        notes.append(
            "no id column found: ids are derived from name, street and postcode (set "
            "plugins.childcare.columns.id to keep Kitas apart when these change)"
        )
    return lambda r: kita_from_columns(r, fields, context)


def _converted(
    records: list[Record], convert: Callable[[Record], Kita | str], rejected: list[ImportProblem]
) -> tuple[list[Kita], dict[str, str]]:
    """The Kitas of the records and where each id first was; the rest go to ``rejected``."""
    kitas: list[Kita] = []
    first_position: dict[str, str] = {}
    for record in records:
        result = convert(record)
        if isinstance(result, str):
            rejected.append(ImportProblem(record.position, result))
            continue
        if result.source_id in first_position:
            used_at = first_position[result.source_id]
            rejected.append(
                ImportProblem(
                    record.position, f"its id {result.source_id!r} is used by {used_at} already"
                )
            )
            continue
        first_position[result.source_id] = record.position
        kitas.append(result)
    return kitas, first_position


def _rejected_error(path: Path, rejected: list[ImportProblem], total: int) -> ImportError_:
    shown = rejected[:MAX_PROBLEMS_IN_MESSAGE]
    more = len(rejected) - len(shown)
    problems = "; ".join(str(p) for p in shown)
    key = "import.rejected_more" if more else "import.rejected"
    said = Sentence.message(
        DOMAIN, key, file=path.name, count=len(rejected), total=total, problems=problems, more=more
    )
    return ImportError_(said, {p.where: [p.message] for p in rejected})


def _record_import(session: Session, report: ImportReport) -> None:
    """The import's figures and problems in the plugin's import log."""
    data = report.as_dict()
    repo.record_import(
        session,
        {
            "source": report.source,
            "file_name": report.file_name[:500],
            "format": report.format,
            "sha256": report.details["sha256"],
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "removed": report.removed,
            "rejected": len(report.rejected),
            "report": {k: data[k] for k in ("rejected", "warnings", "notes", "read")},
        },
    )
