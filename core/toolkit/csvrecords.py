"""The records of an import's CSV text with their line numbers, read the same by every importer.

Spreadsheets save CSV with ',' or (in German) ';' between fields, files get cut off while
copied, headers name a column twice: ``read_csv_table`` finds the separator from the header
line, refuses what makes the whole file unreadable (``ImportError_`` naming the file, the line
and the fix; nothing is imported) and hands every other record on with its line and, for a
record that cannot be read, the problem, so an importer can report it and go on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from attrs import frozen

from core.errors import ImportError_, Sentence
from core.i18n import Text
from core.io.csvfiles import csv_reader
from core.io.records import cut_off_note
from core.texts import DOMAIN

__all__ = ["CSV_DELIMITERS", "CsvRow", "CsvTable", "read_csv_table"]

#: Separators between fields, told apart by the header line (the most frequent one wins).
CSV_DELIMITERS = (",", ";", "\t", "|")


@frozen
class CsvRow:
    """One record: where it starts (``line 4``), its cells by column, or what is wrong."""

    where: str
    values: Mapping[str, str]
    #: set when the record cannot be read (a field too many or too few); ``values`` is empty
    problem: str = ""


@frozen
class CsvTable:
    """The header, the separator found and the records of a CSV text (blank lines left out)."""

    header: tuple[str, ...]
    delimiter: str
    rows: tuple[CsvRow, ...]


def _file_error(name: str, key: str, **values: object) -> ImportError_:
    """The refusal of the file ``name`` for the problem ``import.<key>`` of core's catalog:
    an operator reads it in the admin page's language (the command line shows English)."""
    problem = Text.message(DOMAIN, f"import.{key}", **values)
    return ImportError_(
        Sentence.message(DOMAIN, "import.file_refused", name=name, problem=problem),
        {"file": [Sentence.message(DOMAIN, f"import.{key}", **values)]},
    )


def _check_header(
    name: str, header: tuple[str, ...], columns: Sequence[str] | None, required: Sequence[str]
) -> None:
    if columns is not None:
        unknown = [h for h in header if h not in columns]
        if unknown:
            raise _file_error(
                name,
                "unknown_columns",
                columns=", ".join(map(repr, unknown)),
                valid=", ".join(columns),
            )
    doubled = sorted({h for h in header if h and header.count(h) > 1})
    if doubled:
        raise _file_error(name, "doubled_columns", columns=", ".join(doubled))
    missing = [c for c in required if c not in header]
    if missing:
        raise _file_error(name, "missing_columns", columns=", ".join(missing))


def read_csv_table(
    text: str,
    *,
    name: str = "file",
    columns: Sequence[str] | None = None,
    required: Sequence[str] = (),
    delimiters: Sequence[str] = CSV_DELIMITERS,
) -> CsvTable:
    """The records of ``text`` (header line first); ``name`` names the file in messages.

    ``columns`` lists the allowed column names (``None``: any), ``required`` those that must
    be there. Cells are read by ``csv_reader`` (the formula guard of our own exports undone)
    and header names stripped. A record with more or fewer fields than the header keeps its
    line with a ``problem`` (saying so when the text ends in it: a cut-off copy).
    """
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise _file_error(name, "empty")
    delimiter = max(delimiters, key=lambda d: (first.count(d), d == ","))
    reader = csv_reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = tuple(h.strip() for h in next(reader))
    except csv.Error as exc:
        raise _file_error(name, "malformed_header", detail=str(exc)) from None
    _check_header(name, header, columns, required)
    rows: list[CsvRow] = []
    previous = reader.line_num
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _file_error(name, "malformed_line", line=start, detail=str(exc)) from None
        previous = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(header):
            problem = f"it has {len(row)} fields, the header has {len(header)}"
            if len(row) < len(header):
                problem += cut_off_note(text, reader.line_num)
            rows.append(CsvRow(f"line {start}", {}, problem))
            continue
        rows.append(CsvRow(f"line {start}", dict(zip(header, row, strict=True))))
    return CsvTable(header, delimiter, tuple(rows))
