"""Company import files (CSV and GeoJSON) read, checked and inserted all or nothing.

The file format is documented in ``docs/import-format.md``; ``core.io.exporting`` writes the same
format, so an export imports again without loss. Importing runs in three steps, each usable on
its own (the command line shows a progress bar over them):

1. ``read_records``: parse the file into records (one per CSV row or GeoJSON feature), each
   with its line (or feature) number; problems of the file itself (not UTF-8, unknown columns)
   stop here.
2. ``validate_records``: turn every record into a validated ``Company``; every bad record is
   collected, and if there is any, ``ImportError_`` names each with its line and reason.
3. ``insert_companies``: inside the caller's transaction, check ids and slugs against the
   database and each other, then bulk insert (which makes every search index rebuild).

``import_file`` runs all three in one transaction and tells the plugins afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import evolve, frozen

from core import classifications as vocab
from core.errors import (
    ImportError_,
    InputRejected,
    InputTooLarge,
    RegiokarteError,
    ValidationError,
)
from core.io.csvfiles import csv_reader
from core.io.untrusted import (
    MAX_JSON_DEPTH,
    MAX_ROWS,
    check_json,
    check_lines,
    parse_json,
    read_bounded,
)
from core.model import Company, Status
from core.persistence import companies as repo
from core.persistence.db import MAX_INTEGER
from core.search.regioncheck import check_in_region

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.platform import Platform

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "MULTI_VALUED",
    "ImportReport",
    "Record",
    "company_from_record",
    "detect_format",
    "import_file",
    "import_records",
    "insert_companies",
    "read_csv",
    "read_geojson",
    "read_records",
    "validate_records",
]

FORMATS = ("csv", "geojson")
_EXTENSIONS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson"}

#: The CSV header, in the order exports write it; only ``name`` is required in a file.
CSV_COLUMNS = (
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
    "family",
    "certificates",
    "offers",
    "benefits",
    "website",
    "status",
    "is_demo",
    "contact_name",
    "contact_email",
    "contact_phone",
    "extensions",
    "created_at",
    "updated_at",
)
REQUIRED_COLUMNS = ("name",)
#: Separators between CSV fields, told apart by the header line.
DELIMITERS = (",", ";", "\t", "|")
#: Fields holding several codes: ';'-separated in CSV, arrays (or the same text) in GeoJSON.
MULTI_VALUED = ("professions", "family", "certificates", "offers", "benefits")
SEPARATOR = ";"
#: Longest text the database columns take (the model checks name and description itself).
MAX_LENGTH = {
    "slug": 220,
    "street": 200,
    "town": 100,
    "website": 500,
    "contact_name": 200,
    "contact_email": 320,
    "contact_phone": 50,
}
INSERT_CHUNK = 2000
#: Largest company file read (a million companies with long descriptions); the web app's
#: uploads stop far earlier, at their request size.
MAX_FILE_BYTES = 1024 * 1024 * 1024
_TRUE = ("true", "1", "yes", "ja", "wahr")
_FALSE = ("false", "0", "no", "nein", "falsch", "")


@frozen
class Record:
    """One company as read from a file, before checking: where it was and its raw values."""

    where: str
    line: int
    values: Mapping[str, Any]
    #: A problem of the record as a whole (a CSV row with too many fields, a feature that is
    #: no Point); without values nothing else is checked.
    problem: str = ""


@frozen
class ImportReport:
    """What an import did."""

    count: int
    ids: tuple[int, ...]
    format: str


def detect_format(path: str | Path, given: str | None = None) -> str:
    """``given`` if set, else the format the file name's extension implies."""
    if given:
        if given not in FORMATS:
            raise ImportError_(
                f"The format {given!r} is not supported; use one of {', '.join(FORMATS)}.",
                {"format": [f"one of {', '.join(FORMATS)}"]},
            )
        return given
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise ImportError_(
            f"Cannot tell the format of {Path(path).name!r} from its extension; name it .csv or "
            ".geojson, or give the format (csv or geojson).",
            {"format": ["unknown extension"]},
        )
    return _EXTENSIONS[suffix]


# --- step 1: reading ---------------------------------------------------------------------


def _file_error(name: str, message: str) -> ImportError_:
    return ImportError_(f"{name}: {message} Nothing was imported.", {"file": [message]})


def read_records(
    path: str | Path,
    fmt: str | None = None,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_rows: int = MAX_ROWS,
) -> list[Record]:
    """Every record of the file at ``path`` (format from ``fmt`` or the extension).

    Files larger than ``max_bytes``, CSV lines longer than ``MAX_LINE_BYTES`` and more than
    ``max_rows`` records are refused (``InputTooLarge``) before they fill the memory.
    """
    file = Path(path)
    fmt = detect_format(file, fmt)
    data = read_bounded(file, max_bytes=max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("cp1252")
            hint = (
                " It looks like Windows-1252 (a spreadsheet's plain 'CSV' format): save it as "
                "'CSV UTF-8'."
            )
        except UnicodeDecodeError:
            pass
        raise _file_error(
            file.name,
            f"is not UTF-8 text (line {line}); save it as UTF-8 and import again.{hint}",
        ) from None
    head = text.lstrip()[:1]
    if fmt == "csv" and head in ("{", "["):
        raise _file_error(
            file.name,
            "looks like JSON, not CSV: name it .geojson or give the format geojson "
            "(--format geojson).",
        )
    if fmt == "geojson" and head not in ("{", "[", ""):
        raise _file_error(
            file.name,
            "looks like CSV or text, not GeoJSON: name it .csv or give the format csv "
            "(--format csv).",
        )
    if fmt == "csv":
        check_lines(data, source=file.name)
        return read_csv(io.StringIO(text, newline=""), name=file.name, max_rows=max_rows)
    return read_geojson(text, name=file.name, max_rows=max_rows)


def read_csv(
    stream: Iterable[str], *, name: str = "file", max_rows: int = MAX_ROWS
) -> list[Record]:
    """Records of a CSV text (header line first; ',' or ';' between fields)."""
    lines = _Lines(stream)
    try:
        first = next(lines)
    except StopIteration:
        raise _file_error(name, "is empty; the first line must be the header.") from None
    # German spreadsheets often save with ';' between fields; the header tells which
    delimiter = max(DELIMITERS, key=lambda d: (first.count(d), d == ","))
    # csv_reader undoes the formula guard of our own exports, so they import again as written
    reader = csv_reader(_chain([first], lines), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise _file_error(name, f"has a malformed header line: {exc}.") from None
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise _file_error(
            name,
            f"has unknown column(s) {', '.join(map(repr, unknown))}; valid columns are: "
            f"{', '.join(CSV_COLUMNS)}.",
        )
    doubled = sorted({h for h in header if header.count(h) > 1})
    if doubled:
        raise _file_error(name, f"names the column(s) {', '.join(doubled)} twice.")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise _file_error(name, f"has no column {', '.join(missing)}; it is required.")
    records: list[Record] = []
    short = 0  # the number of records up to the last one with too few fields
    previous = reader.line_num
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if lines.done:
                # a quoted field still open at the end: the last record was cut off
                problem = (
                    "the file ends in the middle of this record, inside a quoted field (cut "
                    "off?); copy or export it again completely"
                )
                records.append(Record(f"line {start}", start, {}, problem))
                break
            raise _file_error(name, f"line {start} is malformed CSV: {exc}.") from None
        previous = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(records) >= max_rows:
            raise _too_many(name, max_rows)
        where = f"line {start}"
        if len(row) != len(header):
            problem = f"it has {len(row)} fields, the header has {len(header)}"
            records.append(Record(where, start, {}, problem))
            short = len(records) if len(row) < len(header) else 0
            continue
        records.append(Record(where, start, dict(zip(header, row, strict=True))))
    # the reader hands over an unquoted last line before it learns that the file ends there:
    # a short last record with no line break after it was cut off
    if short and short == len(records) and not lines.last.endswith("\n"):
        cut = records[-1]
        records[-1] = evolve(
            cut,
            problem=cut.problem + ": the file ends in the middle of this record (cut off?); "
            "copy or export it again completely",
        )
    return records


class _Lines:
    """The lines of a CSV text, remembering the last one and whether there are more."""

    def __init__(self, stream: Iterable[str]) -> None:
        self._lines = iter(stream)
        self.last = ""
        self.done = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            self.last = next(self._lines)
        except StopIteration:
            self.done = True
            raise
        return self.last


def _chain(first: list[str], rest: Iterable[str]) -> Iterable[str]:
    yield from first
    yield from rest


def _too_many(name: str, max_rows: int) -> InputTooLarge:
    return InputTooLarge(
        f"{name} holds more than {max_rows:,} companies, the most one import takes; split it "
        "into smaller files. Nothing was imported.",
        {"file": [f"more than {max_rows} records"]},
    )


def read_geojson(text: str, *, name: str = "file", max_rows: int = MAX_ROWS) -> list[Record]:
    """Records of a GeoJSON FeatureCollection of Point features (properties: the fields)."""
    try:
        data = parse_json(text, source=name)
    except InputRejected as exc:
        raise type(exc)(f"{exc.message} Nothing was imported.", exc.errors) from None
    if isinstance(data, list):
        raise _file_error(
            name,
            "is a JSON array, not a GeoJSON FeatureCollection: a company file is a "
            'FeatureCollection of Point features ({"type": "FeatureCollection", "features": '
            "[...]}) or a CSV with the columns of docs/import-format.md.",
        )
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _file_error(
            name,
            'is not a GeoJSON FeatureCollection ({"type": '
            '"FeatureCollection", "features": [...]}).',
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise _file_error(name, "has no list of features.")
    if len(features) > max_rows:
        raise _too_many(name, max_rows)
    records = []
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            records.append(Record(where, number, {}, "it is not a GeoJSON Feature"))
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            records.append(Record(where, number, {}, "its properties are not an object"))
            continue
        values: dict[str, Any] = dict(properties)
        problems: list[str] = []
        geometry = feature.get("geometry")
        if geometry is not None:
            coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if (
                not isinstance(geometry, dict)
                or geometry.get("type") != "Point"
                or not isinstance(coordinates, list)
                or len(coordinates) not in (2, 3)
            ):
                problems.append("its geometry is not a Point [lon, lat]")
            else:
                values["lon"], values["lat"] = coordinates[0], coordinates[1]
        if "id" not in values and isinstance(feature.get("id"), int):
            values["id"] = feature["id"]
        contact = values.pop("contact", None)
        if isinstance(contact, dict):
            for key in ("name", "email", "phone"):
                if key in contact:
                    values[f"contact_{key}"] = contact[key]
        elif contact is not None:
            problems.append("contact must be an object with name, email and phone")
        values.pop("size", None)  # derived from employees; exports write it for readers
        records.append(Record(where, number, values, "; ".join(problems)))
    return records


# --- step 2: checking --------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, field: str, message: str) -> None:
        self.messages.append(f"{field}: {message}")


def _text(values: Mapping[str, Any], key: str, problems: _Problems) -> str:
    value = values.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(key, f"{value!r} must be text")
        return ""
    limit = MAX_LENGTH.get(key)
    if limit is not None and len(value) > limit:
        problems.add(key, f"at most {limit} characters, not {len(value)}")
    return value


def _optional_text(values: Mapping[str, Any], key: str, problems: _Problems) -> str:
    return _text(values, key, problems).strip()


def _integer(values: Mapping[str, Any], key: str, problems: _Problems) -> int | None:
    value = values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        problems.add(key, f"{value!r} is not a whole number")
        return None
    try:
        number = int(value)
    except ValueError:
        problems.add(key, f"{value!r} is not a whole number")
        return None
    if number < 0:
        problems.add(key, f"must be 0 or more, not {number}")
        return None
    if number > MAX_INTEGER:
        problems.add(key, f"{number} is too large (at most {MAX_INTEGER})")
        return None
    return number


def _number(values: Mapping[str, Any], key: str, problems: _Problems) -> float | None:
    value = values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.add(key, f"{value!r} is not a number")
        return None
    try:
        number = float(value)
    except ValueError:
        problems.add(key, f"{value!r} is not a number (use a decimal point: 51.61)")
        return None
    if not math.isfinite(number):
        problems.add(key, f"{value!r} is not a finite number")
        return None
    return number


def _codes(values: Mapping[str, Any], key: str, problems: _Problems) -> tuple[str, ...]:
    value = values.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(SEPARATOR) if p.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    problems.add(key, f"{value!r} must be codes separated by '{SEPARATOR}' (or a list of codes)")
    return ()


def _boolean(values: Mapping[str, Any], key: str, problems: _Problems) -> bool:
    value = values.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    problems.add(key, f"{value!r} is not true or false")
    return False


def _timestamp(values: Mapping[str, Any], key: str, problems: _Problems) -> dt.datetime | None:
    value = values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        problems.add(key, f"{value!r} is not an ISO 8601 date and time (2024-05-31T14:30:00Z)")
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


def _extensions(values: Mapping[str, Any], problems: _Problems) -> dict[str, dict[str, Any]]:
    value = values.get("extensions")
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
            check_json(value, source="extensions")
        except json.JSONDecodeError as exc:
            problems.add("extensions", f"is not valid JSON: {exc.msg}")
            return {}
        except RecursionError:
            problems.add("extensions", f"nests more than {MAX_JSON_DEPTH} levels deep")
            return {}
        except InputRejected as exc:
            problems.add("extensions", exc.message.removeprefix("extensions ").rstrip("."))
            return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, dict) for k, v in value.items()
    ):
        problems.add("extensions", 'must be a JSON object of objects, such as {"plugin": {...}}')
        return {}
    return value


def _status(values: Mapping[str, Any], default: Status, problems: _Problems) -> Status:
    value = values.get("status")
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        return Status(str(value).strip())
    except ValueError:
        problems.add(
            "status", f"{value!r} is not a status; use one of {', '.join(vocab.statuses().codes)}"
        )
        return default


def company_from_record(
    record: Record,
    *,
    default_status: Status = Status.PUBLISHED,
    complete: Callable[[Company], Company] | None = None,
) -> Company:
    """The validated company a record describes; ValidationError lists every problem."""
    values = record.values
    if record.problem and not values:
        raise ValidationError(record.problem)
    problems = _Problems()
    if record.problem:
        problems.messages.append(record.problem)
    unknown = sorted(k for k in values if k not in CSV_COLUMNS)
    if unknown:
        problems.add(", ".join(unknown), f"unknown field(s); valid: {', '.join(CSV_COLUMNS)}")
    lat, lon = _number(values, "lat", problems), _number(values, "lon", problems)
    if (lat is None) != (lon is None):
        problems.add("lat/lon", "give both coordinates or neither")
    contact = {key: _text(values, f"contact_{key}", problems) for key in ("name", "email", "phone")}
    data: dict[str, Any] = {
        "id": _integer(values, "id", problems),
        "slug": _optional_text(values, "slug", problems),
        "name": _text(values, "name", problems),
        "description": _text(values, "description", problems),
        "street": _text(values, "street", problems),
        "postcode": _optional_text(values, "postcode", problems),
        "town": _text(values, "town", problems),
        "ags": _optional_text(values, "ags", problems),
        "lat": lat,
        "lon": lon,
        "industry": _optional_text(values, "industry", problems),
        "industry_division": _optional_text(values, "industry_division", problems) or None,
        "employees": _integer(values, "employees", problems),
        "website": _optional_text(values, "website", problems),
        "status": _status(values, default_status, problems),
        "is_demo": _boolean(values, "is_demo", problems),
        "extensions": _extensions(values, problems),
        "contact": contact,
    }
    for key in MULTI_VALUED:
        data[key] = _codes(values, key, problems)
    created_at = _timestamp(values, "created_at", problems)
    updated_at = _timestamp(values, "updated_at", problems)
    if data["id"] == 0:
        problems.add("id", "ids start at 1")
    company = None
    try:
        company = Company.from_dict(data)
        if complete is not None and not problems.messages:
            company = complete(company)
        company.validate()
    except RegiokarteError as exc:
        problems.messages.extend(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
        if not exc.errors:
            problems.messages.append(exc.message)
    if problems.messages or company is None:
        raise ValidationError("; ".join(dict.fromkeys(problems.messages)))
    company.created_at, company.updated_at = created_at, updated_at
    return company


def _bad_rows(name: str, problems: dict[str, list[str]], total: int) -> ImportError_:
    count = len(problems)
    rows = "row" if total == 1 else "rows"
    verb = "is" if count == 1 else "are"
    return ImportError_(
        f"{name}: {count} of {total} {rows} {verb} invalid; nothing was imported. "
        + " ".join(f"{where}: {'; '.join(msgs)}." for where, msgs in list(problems.items())[:5])
        + (" ..." if count > 5 else ""),
        problems,
    )


def validate_records(
    records: Iterable[Record],
    *,
    default_status: Status = Status.PUBLISHED,
    complete: Callable[[Company], Company] | None = None,
    name: str = "file",
) -> list[tuple[Record, Company]]:
    """Every record as a company; ImportError_ names every bad record with its reason."""
    good: list[tuple[Record, Company]] = []
    problems: dict[str, list[str]] = {}
    total = 0
    for record in records:
        total += 1
        try:
            good.append(
                (
                    record,
                    company_from_record(record, default_status=default_status, complete=complete),
                )
            )
        except ValidationError as exc:
            problems.setdefault(record.where, []).append(exc.message)
    if problems:
        raise _bad_rows(name, problems, total)
    if not good:
        raise ImportError_(
            f"{name}: there is no company in the file; nothing was imported.",
            {"file": ["no companies"]},
        )
    return good


# --- step 3: inserting -------------------------------------------------------------------


def insert_companies(
    session: Session,
    rows: Sequence[tuple[Record, Company]],
    *,
    keep_ids: bool = True,
    name: str = "file",
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Insert validated companies in the caller's transaction; their ids, in file order.

    With ``keep_ids`` a record's id is kept (and must be free); records without one, or all
    when ``keep_ids`` is false, get new ids. A slug given in the file must be free; a missing
    one is made from the name and made unique.
    """
    problems: dict[str, list[str]] = {}
    taken_slugs = repo.all_slugs(session)
    taken_ids = (
        repo.existing_ids(session, (c.id for _, c in rows if c.id is not None))
        if keep_ids
        else set()
    )
    file_ids: dict[int, str] = {}
    file_slugs: dict[str, str] = {}
    for record, company in rows:
        if keep_ids and company.id is not None:
            if company.id in taken_ids:
                problems.setdefault(record.where, []).append(
                    f"id: a company with id {company.id} exists already (import with new ids "
                    "to add it as a new company)"
                )
            elif company.id in file_ids:
                problems.setdefault(record.where, []).append(
                    f"id: {company.id} is also the id of {file_ids[company.id]}"
                )
            file_ids.setdefault(company.id, record.where)
        if record.values.get("slug"):
            if company.slug in taken_slugs:
                problems.setdefault(record.where, []).append(
                    f"slug: {company.slug!r} is taken by a company in the database"
                )
            elif company.slug in file_slugs:
                problems.setdefault(record.where, []).append(
                    f"slug: {company.slug!r} is also the slug of {file_slugs[company.slug]}"
                )
            file_slugs.setdefault(company.slug, record.where)
    if problems:
        raise _bad_rows(name, problems, len(rows))

    used = taken_slugs | set(file_slugs)
    next_id = max([repo.max_company_id(session), *file_ids]) + 1
    companies: list[Company] = []
    for record, company in rows:
        if not record.values.get("slug"):
            company.slug = _free_slug(company.slug, used)
        used.add(company.slug)
        if not keep_ids or company.id is None:
            company.id = next_id
            next_id += 1
        companies.append(company)

    # in parts, so a progress bar moves; the transaction is still the caller's one
    for start in range(0, len(companies), INSERT_CHUNK):
        part = companies[start : start + INSERT_CHUNK]
        repo.bulk_insert_companies(session, part)
        if progress is not None:
            progress(len(part))
    return [c.id for c in companies if c.id is not None]


def _free_slug(wanted: str, used: set[str]) -> str:
    if wanted not in used:
        return wanted
    n = 2
    while f"{wanted}-{n}" in used:
        n += 1
    return f"{wanted}-{n}"


def import_records(
    platform: Platform,
    records: Sequence[Record],
    *,
    name: str = "file",
    keep_ids: bool = True,
    default_status: Status = Status.PUBLISHED,
    geocode: bool = False,
    progress: Callable[[int], None] | None = None,
    allow_outside_region: bool = False,
    skip_invalid: bool = False,
    warn: Callable[[str], None] | None = None,
) -> list[int]:
    """Check and insert ``records`` in one transaction, then tell the plugins; the new ids.

    ``geocode`` fills missing locations (and town, municipality key) from postcodes with the
    platform's geocoder. ``progress`` is called with the number of records done, twice per
    record (checked, then inserted): a bar of ``2 * len(records)`` steps fits. The companies
    must lie in the platform's region (``core.check_in_region``) unless
    ``allow_outside_region``. ``skip_invalid`` leaves bad records out instead of refusing the
    file; ``warn`` receives a sentence per record left out and per warning.
    """

    def checked() -> Iterable[Record]:
        for record in records:
            yield record
            if progress is not None:
                progress(1)

    def tell(message: str) -> None:
        if warn is not None:
            warn(message)

    complete = platform.complete_company if geocode else None
    if skip_invalid:
        rows = []
        for record in checked():
            try:
                company = company_from_record(
                    record, default_status=default_status, complete=complete
                )
            except ValidationError as exc:
                tell(f"{record.where}: {exc.message} (left out)")
                continue
            rows.append((record, company))
        if len(rows) < len(records):
            tell(
                f"{len(records) - len(rows)} of {len(records)} records were left out "
                "(--skip-invalid)."
            )
        if not rows:
            raise ImportError_(
                f"{name}: no record is valid; nothing was imported.", {"file": ["no companies"]}
            )
    else:
        rows = validate_records(
            checked(), default_status=default_status, name=name, complete=complete
        )
    check = check_in_region(
        platform.region,
        [c.location.lat if c.location else None for _, c in rows],
        [c.location.lon if c.location else None for _, c in rows],
        what="companies",
        name=name,
        labels=[r.where for r, _ in rows],
        allow_outside=allow_outside_region,
    )
    for message in check.warnings:
        tell(message)
    with platform.session(write=True) as session:
        ids = insert_companies(session, rows, keep_ids=keep_ids, name=name, progress=progress)
    for company_id in ids:
        platform.pm.hook.company_changed(platform=platform, company_id=company_id, deleted=False)
    return ids


def import_file(
    platform: Platform,
    path: str | Path,
    fmt: str | None = None,
    **options: Any,
) -> ImportReport:
    """Read, check and insert a whole file (options as for ``import_records``)."""
    file = Path(path)
    fmt = detect_format(file, fmt)
    ids = import_records(platform, read_records(file, fmt), name=file.name, **options)
    return ImportReport(count=len(ids), ids=tuple(ids), format=fmt)
