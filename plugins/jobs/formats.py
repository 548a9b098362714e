"""Reading position files into records: the plugin's own CSV and JSON format.

Readers only parse; they never judge the values (``importer`` does, for every record, and
reports each one). What makes a file unreadable as a whole (not UTF-8, not JSON, unknown CSV
columns) raises ``ImportError_`` at once. The answer of the Jobsuche of the Bundesagentur für
Arbeit is read by ``ba``. The formats are documented in the plugin's README.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from attrs import define
from attrs import field
from core import ImportError_
from core import Sentence
from core import check_json
from core import check_lines
from core import parse_json
from core import read_csv_table

__all__ = [
    "FIELDS",
    "FORMATS",
    "MAX_FILE_BYTES",
    "NOT_AN_OBJECT",
    "REQUIRED",
    "Record",
    "decode",
    "detect_format",
    "file_error",
    "load_json",
    "read_csv",
    "read_json",
]

#: csv and json: the plugin's own format; ba: an answer of the Jobsuche (``ba.py``).
FORMATS = ("csv", "json", "ba")

#: The columns of the own format, in the order an export writes them.
FIELDS = (
    "external_id",
    "title",
    "employer_name",
    "employer_postcode",
    "employer_town",
    "company_id",
    "profession",
    "kind",
    "start_date",
    "published",
    "valid_through",
    "filled_on",
    "description",
    "apply_url",
    "apply_email",
    "apply_phone",
    "lat",
    "lon",
)
#: Columns a CSV file must have (the other columns may be left out).
REQUIRED = ("external_id", "title", "employer_name", "kind")

#: Largest position file read (50,000 positions with long descriptions fit several times).
MAX_FILE_BYTES = 200 * 1024 * 1024


#: The problem of a record that is no JSON object.
NOT_AN_OBJECT = Sentence("it is not an object", "sie ist kein Objekt")


@define
class Record:
    """One position as read from a file: where it was, its raw values, what the reader
    noticed (``problem``: it cannot be read; ``warnings``: values it had to guess)."""

    where: str
    values: dict[str, Any]
    problem: str = ""
    warnings: list[str] = field(factory=list)
    #: where the record is that replaces this one (the same id later in a Jobsuche answer)
    superseded_by: str = ""


def file_error(name: str, en: str, de: str) -> ImportError_:
    """The refusal of a whole file, in English and German, saying that nothing changed."""
    message = Sentence(
        f"{name}: {en} Nothing was imported.", f"{name}: {de} Es wurde nichts importiert."
    )
    return ImportError_(message, {"file": [message]})


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a file (with or without byte order mark); lines longer than
    ``core.MAX_LINE_BYTES`` are refused."""
    check_lines(data, source=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise file_error(
            name,
            f"is not UTF-8 text (line {line}); save it as UTF-8 and import it again.",
            f"ist kein UTF-8-Text (Zeile {line}); speichern Sie sie als UTF-8 und importieren "
            "Sie sie erneut.",
        ) from None


def detect_format(name: str, text: str, given: str | None = None) -> str:
    """``given``; else csv for .csv files, ba for JSON with ``stellenangebote``, else json."""
    if given:
        if given not in FORMATS:
            allowed = ", ".join(FORMATS)
            message = Sentence(
                f"The format {given!r} is not supported; use one of {allowed}.",
                f"Das Format {given!r} wird nicht unterstützt; möglich sind {allowed}.",
            )
            raise ImportError_(message, {"format": [message]})
        return given
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json" or text.lstrip().startswith(("{", "[")):
        return "ba" if '"stellenangebote"' in text else "json"
    raise file_error(
        name,
        f"its format cannot be told; name it .csv or .json, or give the format "
        f"({', '.join(FORMATS)}).",
        f"ihr Format ist nicht zu erkennen; nennen Sie die Datei .csv oder .json oder geben "
        f"Sie das Format an ({', '.join(FORMATS)}).",
    )


def read_csv(text: str, name: str = "file") -> list[Record]:
    """Records of a CSV text: a header line with the own format's column names first (an
    ``id`` column is ignored); ``,``, ``;`` or tab between fields (German spreadsheets save
    with ``;``)."""
    # an export's id column is the portal's number of the position: not read back
    table = read_csv_table(text, name=name, columns=(*FIELDS, "id"), required=REQUIRED)
    return [
        Record(row.where, {k: v for k, v in row.values.items() if k != "id"}, row.problem)
        for row in table.rows
    ]


def load_json(text: str, name: str) -> Any:
    """The value of a JSON text; ``ImportError_`` naming the line of a syntax error."""
    try:
        value = json.loads(text)
    except RecursionError:
        return parse_json(text, source=name)  # raises: nested too deeply
    except json.JSONDecodeError as exc:
        raise file_error(
            name,
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).",
            f"ist kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}: {exc.msg}).",
        ) from None
    check_json(value, source=name)
    return value


def read_json(text: str, name: str = "file") -> list[Record]:
    """Records of ``{"positions": [...]}`` (or a bare list): one object per position, with
    the own format's field names."""
    data = load_json(text, name)
    items = data.get("positions") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise file_error(
            name,
            'is not a list of positions ({"positions": [{...}, ...]}).',
            'ist keine Liste von Stellen ({"positions": [{...}, ...]}).',
        )
    records = []
    for number, item in enumerate(items, start=1):
        where = f"position {number}"
        if not isinstance(item, dict):
            records.append(Record(where, {}, NOT_AN_OBJECT))
            continue
        values = {k: v for k, v in item.items() if k != "id"}
        unknown = sorted(set(values) - set(FIELDS))
        problem = ""
        if unknown:
            problem = Sentence(
                f"unknown field(s) {', '.join(unknown)}; the fields are {', '.join(FIELDS)}",
                f"unbekannte(s) Feld(er) {', '.join(unknown)}; die Felder sind {', '.join(FIELDS)}",
            )
        records.append(Record(where, values, problem))
    return records
