"""Reading GTFS zips as real feeds come: streamed row by row, whatever their quirks.

Handled: files in a sub-folder of the zip, a UTF-8 byte-order mark, Latin-1 text where UTF-8
fails (with a warning), upper-case or padded column names, extra columns, blank lines, and
times past 24:00 (``25:10:00`` is 1:10 the next morning of the same service day).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from core import limit_lines
from core import open_zip_member

__all__ = [
    "GtfsZip",
    "TruncatedRecord",
    "parse_date",
    "parse_time",
]

_TIME = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_CHUNK = 1 << 20


def parse_time(text: str) -> int | None:
    """Seconds after midnight of ``H:MM:SS`` (hours may pass 24); None for an empty field."""
    text = text.strip()
    if not text:
        return None
    match = _TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"time {text!r} is not H:MM:SS")
    return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3])


def parse_date(text: str) -> int:
    """A ``YYYYMMDD`` date as the integer 20140526 (checked to be a real date)."""
    import datetime as dt

    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"date {text!r} is not YYYYMMDD")
    dt.date(int(match[1]), int(match[2]), int(match[3]))
    return int(text.strip())


class TruncatedRecord(ValueError):
    """The file's last record has fewer fields than the header and no line end: the file was
    cut off in the middle of a line (a half-copied or half-downloaded file)."""

    def __init__(self, line: int, fields: int, width: int) -> None:
        super().__init__(
            f"the file ends in the middle of a record (line {line} has {fields} of {width} "
            "fields and no line end): it looks cut off; copy or download it again"
        )
        self.line = line


class _Counting(io.RawIOBase):
    """A binary stream that reports how many (uncompressed) bytes were read, and keeps the
    last byte (does the file end with a line end?)."""

    def __init__(self, raw: io.BufferedIOBase, progress: Callable[[int], None] | None) -> None:
        self._raw = raw
        self._progress = progress
        self.last_byte = b""

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        # the zip member holds the zip file open until it is closed itself
        self._raw.close()
        super().close()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        if n:
            self.last_byte = data[-1:]
        if self._progress is not None and n:
            self._progress(n)
        return n


class GtfsZip:
    """A GTFS zip file: which tables it holds, their sizes, encodings and rows."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise ValueError(f"{self.path} is not a readable zip file: {exc}") from None
        self.members: dict[str, zipfile.ZipInfo] = {}
        self._streams: list[io.TextIOWrapper] = []
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            name = info.filename.rsplit("/", 1)[-1].lower()
            if name.endswith(".txt") and name not in self.members:
                self.members[name] = info

    def close(self) -> None:
        # members whose rows were never read to the end (an import refused early)
        for stream in self._streams:
            stream.close()
        self._streams.clear()
        self._zip.close()

    def __enter__(self) -> GtfsZip:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def all_names(self) -> list[str]:
        """Every file name in the zip (to tell what a zip that is no feed holds)."""
        return [info.filename for info in self._zip.infolist() if not info.is_dir()]

    def _open(self, name: str) -> IO[bytes]:
        """The member's bytes within the limits for untrusted files: declared size and
        compression ratio checked before reading, no line longer than ``MAX_LINE_BYTES``
        (a zip of a few megabytes holding one line of gigabytes is refused after reading
        about a megabyte of it, instead of filling the memory)."""
        member = open_zip_member(self._zip, self.members[name])
        return limit_lines(member, source=f"{name} in {self.path.name}")

    def has(self, name: str) -> bool:
        return name in self.members

    def size(self, name: str) -> int:
        """Uncompressed size in bytes (0 when the file is missing)."""
        info = self.members.get(name)
        return info.file_size if info else 0

    def head(self, name: str, size: int = 4096) -> bytes:
        """The first ``size`` bytes of a member (to tell what a file is)."""
        with self._zip.open(self.members[name]) as raw:
            return raw.read(size)

    def encoding(self, name: str) -> str:
        """``utf-8-sig`` when the whole file decodes as UTF-8, else ``latin-1``.

        Decides before any row is read, in a streaming pass, so a bad byte in the last line
        cannot leave a half-imported file behind.
        """
        decoder = codecs.getincrementaldecoder("utf-8")()
        with self._open(name) as raw:
            try:
                while chunk := raw.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return "latin-1"
        return "utf-8-sig"

    def rows(
        self,
        name: str,
        encoding: str = "utf-8-sig",
        progress: Callable[[int], None] | None = None,
    ) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
        """The header (lower-case, trimmed) and an iterator of (line number, row dict).

        Blank lines are skipped; short rows are padded with empty strings; values are trimmed.
        """
        raw = self._open(name)
        counting = _Counting(raw, progress)  # type: ignore[arg-type]
        stream = io.BufferedReader(counting, buffer_size=_CHUNK)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        self._streams.append(text)
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            text.close()
            return [], iter(())
        if header and encoding == "latin-1" and header[0].startswith("ï»¿"):
            header[0] = header[0][3:]
        columns = [h.strip().lower().lstrip("\ufeff") for h in header]

        def iterate() -> Iterator[tuple[int, dict[str, str]]]:
            width = len(columns)
            # one record of look-ahead: only the last one can be a cut-off record
            pending: tuple[int, list[str]] | None = None
            try:
                for values in reader:
                    if not values or (len(values) == 1 and not values[0].strip()):
                        continue
                    if pending is not None:
                        yield _record(columns, width, *pending)
                    pending = (reader.line_num, values)
                if pending is not None:
                    line, values = pending
                    if len(values) < width and counting.last_byte not in (b"\n", b"\r"):
                        raise TruncatedRecord(line, len(values), width)
                    yield _record(columns, width, line, values)
            finally:
                text.close()

        return columns, iterate()


def _record(
    columns: list[str], width: int, line: int, values: list[str]
) -> tuple[int, dict[str, str]]:
    if len(values) < width:
        values = values + [""] * (width - len(values))
    return line, {c: v.strip() for c, v in zip(columns, values, strict=False)}
