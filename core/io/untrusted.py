"""Reading untrusted input within bounds: JSON, files, zip members, lines and rows.

Every upload and import goes through these helpers before it is parsed, so that a hostile or
broken file is refused early, with a message naming the limit, instead of using up the
memory or the time of a worker:

* ``parse_json`` / ``check_json``: JSON nested at most ``MAX_JSON_DEPTH`` levels deep, whose
  strings are valid Unicode (no unpaired surrogates such as ``"\\ud800"``, which no database
  can store and no UTF-8 encoder writes).
* ``read_bounded``: a whole file of at most so many bytes (read no further than that).
* ``open_zip_member``: a member of a zip archive, refused when its declared size or its
  compression ratio is beyond the limits, and cut off (with an error) when it unpacks to more
  than it declared.
* ``limit_lines`` / ``check_lines``: no line longer than ``MAX_LINE_BYTES`` in a stream (checked
  while reading, so a single line of gigabytes is refused after reading the limit) or in
  bytes already read.
* ``limit_rows``: no more than so many records.

The errors are ``InputRejected`` (the input is malformed in a way no parser should see:
refused as a whole, HTTP 422) and its subclass ``InputTooLarge`` (a size limit: HTTP 413). Both
are ``ImportError_``: nothing was imported.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from core.errors import InputRejected, InputTooLarge, Sentence
from core.texts import DOMAIN

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_JSON_DEPTH",
    "MAX_LINE_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "check_json",
    "check_lines",
    "limit_lines",
    "limit_rows",
    "open_zip_member",
    "parse_json",
    "read_bounded",
]

#: Deepest nesting of arrays and objects accepted: real documents (GeoJSON multipolygons
#: included) nest fewer than 10 levels; thousands of levels only serve to exhaust the stack.
MAX_JSON_DEPTH = 64
#: Longest line of a line-oriented file (CSV, GTFS tables, iCalendar), in bytes. A CSV field
#: may hold at most 128 KiB anyway (Python's csv module), so a row of a dozen long fields fits.
MAX_LINE_BYTES = 1024 * 1024
#: Largest uncompressed size of one zip member: a GTFS ``stop_times.txt`` of a whole German
#: state is a few hundred megabytes.
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
#: Highest compression ratio of a zip member: text compresses 5 to 30 times; zip bombs
#: (a line of a billion spaces, say) reach a thousand and more.
MAX_COMPRESSION_RATIO = 100
#: Most records one import takes (ten times the design size of 100,000 companies).
MAX_ROWS = 1_000_000

_T = TypeVar("_T")
_CHUNK = 64 * 1024
_BREAK = re.compile(rb"\r\n?|\n")


def _size(count: int) -> str:
    """``2 GiB``, ``1 MiB``, ``8.3 MiB``, ``128 KiB`` or ``1,999 bytes``."""
    for unit, name in ((1024**3, "GiB"), (1024**2, "MiB"), (1024, "KiB")):
        if count >= unit and (count % unit == 0 or unit > 1024):
            return f"{count / unit:.1f}".removesuffix(".0") + f" {name}"
    return f"{count:,} bytes"


# --- JSON --------------------------------------------------------------------------------


def parse_json(
    data: str | bytes, *, source: str = "The file", max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """The value of a JSON text, checked like ``check_json``; ``InputRejected`` otherwise.

    ``source`` names the input in messages (``"kitas.json"``, ``"The request body"``). Bytes
    are read as UTF-8 (a byte-order mark is skipped).
    """
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputRejected(
                f"{source} is not UTF-8 text (line {line}); save it as UTF-8 and send it again.",
                {"file": ["not UTF-8"]},
            ) from None
    else:
        text = data
    try:
        value = json.loads(text)
    except RecursionError:
        raise _too_deep(source, max_depth) from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            # a half-copied file: say so rather than name the missing bracket
            raise InputRejected(
                Sentence.message(DOMAIN, "import.cut_off", source=source, line=exc.lineno),
                {"file": ["cut off in the middle of a record"]},
            ) from None
        raise InputRejected(
            Sentence.message(
                DOMAIN,
                "import.not_json",
                source=source,
                line=exc.lineno,
                column=exc.colno,
                detail=exc.msg,
            ),
            {"file": [f"invalid JSON: {exc.msg}"]},
        ) from None
    check_json(value, source=source, max_depth=max_depth)
    return value


def _too_deep(source: str, max_depth: int) -> InputRejected:
    return InputRejected(
        f"{source} nests arrays and objects more than {max_depth} levels deep; flatten it "
        f"(at most {max_depth} levels are accepted).",
        {"file": [f"nested more than {max_depth} levels"]},
    )


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_json(value: Any, *, source: str = "The file", max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse a parsed JSON value nested deeper than ``max_depth`` or holding text that is not
    valid Unicode (an unpaired surrogate, as ``"\\ud800"`` decodes to); ``InputRejected``
    names the place (``$.features[3].properties.name``)."""
    # iterative: the check must not itself run out of stack on the input it guards against
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(value, 1, ())]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, str):
            if _has_surrogate(item):
                raise _bad_text(source, path)
            if "\x00" in item:
                raise _nul_text(source, path)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise _too_deep(source, max_depth)
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and _has_surrogate(key):
                    raise _bad_text(source, path, in_key=True)
                stack.append((child, depth + 1, (*path, str(key))))
        else:
            stack.extend((child, depth + 1, (*path, n)) for n, child in enumerate(item))


def _nul_text(source: str, path: tuple[str | int, ...]) -> InputRejected:
    # PostgreSQL text and JSON cannot hold U+0000: refused here instead of failing on write
    return InputRejected(
        f"{source} holds the character U+0000 (NUL) at {_where(path)}, which no text may hold; "
        "remove it.",
        {_where(path): ["contains the character U+0000 (NUL), which no text may hold"]},
    )


def _where(path: tuple[str | int, ...]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _bad_text(source: str, path: tuple[str | int, ...], *, in_key: bool = False) -> InputRejected:
    what = "a key" if in_key else "text"
    return InputRejected(
        f"{source} holds {what} that is not valid Unicode at {_where(path)} (an unpaired "
        "surrogate such as \\ud800); send the text as it is, without lone surrogate escapes.",
        {_where(path): ["not valid Unicode (unpaired surrogate)"]},
    )


# --- files -------------------------------------------------------------------------------


def read_bounded(path: str | Path, *, max_bytes: int, source: str | None = None) -> bytes:
    """The bytes of the file at ``path``; ``InputTooLarge`` if it holds more than
    ``max_bytes`` (no more than ``max_bytes + 1`` bytes are read to find out)."""
    file = Path(path)
    name = source or file.name
    try:
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputRejected(
            f"{name} cannot be read ({exc.strerror}). Nothing was imported.",
            {"file": ["cannot be read"]},
        ) from None
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"{name} is larger than {_size(max_bytes)}, the most an import takes; split it "
            "into smaller files. Nothing was imported.",
            {"file": [f"larger than {_size(max_bytes)}"]},
        )
    return data


# --- zip members -------------------------------------------------------------------------


class _Capped(io.RawIOBase):
    """A member's stream that fails once more bytes come out than were allowed."""

    def __init__(self, raw: IO[bytes], limit: int, source: str) -> None:
        self._raw = raw
        self._limit = limit
        self._source = source
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), _CHUNK))
        n = len(data)
        self.count += n
        if self.count > self._limit:
            raise InputTooLarge(
                f"{self._source} unpacks to more than {_size(self._limit)} (more than its "
                "declared size or the limit); the zip file is damaged or built to exhaust "
                "the server, and was refused.",
                {"file": [f"unpacks to more than {_size(self._limit)}"]},
            )
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_zip_member(
    archive: zipfile.ZipFile,
    member: str | zipfile.ZipInfo,
    *,
    max_bytes: int = MAX_UNPACKED_BYTES,
    max_ratio: float = MAX_COMPRESSION_RATIO,
) -> IO[bytes]:
    """A binary stream of one member of ``archive``, after checking its declared size against
    ``max_bytes`` and its compression ratio against ``max_ratio``; the stream itself stops
    with ``InputTooLarge`` when the member unpacks to more than it declared."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    source = f"{info.filename} in the zip file"
    # tiny members compress badly or absurdly well without harm: judge the ratio from 1 MiB on
    if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise InputTooLarge(
            f"{source} is compressed {ratio:,.0f} to 1 ({_size(info.compress_size)} unpack to "
            f"{_size(info.file_size)}); more than {max_ratio:g} to 1 is refused as a zip bomb.",
            {"file": [f"{info.filename}: compression ratio above {max_ratio:g}"]},
        )
    if info.file_size > max_bytes:
        raise InputTooLarge(
            f"{source} unpacks to {_size(info.file_size)}, more than the "
            f"{_size(max_bytes)} an import takes.",
            {"file": [f"{info.filename}: larger than {_size(max_bytes)} unpacked"]},
        )
    raw = archive.open(info)
    return io.BufferedReader(_Capped(raw, info.file_size, source), buffer_size=_CHUNK)


# --- lines and rows ----------------------------------------------------------------------


class _LineLimited(io.RawIOBase):
    """Passes bytes through and fails when a line grows past the limit."""

    def __init__(self, raw: IO[bytes], limit: int, source: str) -> None:
        self._raw = raw
        self._limit = limit
        self._source = source
        self._run = 0  # bytes since the last line break
        self._line = 1
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), _CHUNK))
        n = len(data)
        self.count += n
        limit = self._limit
        first = _BREAK.search(data)
        if first is None:
            self._run += n
        else:
            if self._run + first.start() > limit:
                raise _line_too_long(self._source, self._line, limit)
            if limit < n:  # lines inside one chunk can only be too long with tiny limits
                _check_lines(data[first.end() :], limit, self._source, self._line + 1)
            self._line += data.count(b"\n") or data.count(b"\r")
            self._run = n - max(data.rfind(b"\n"), data.rfind(b"\r")) - 1
        if self._run > limit:
            raise _line_too_long(self._source, self._line, limit)
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def _line_too_long(source: str, line: int, limit: int) -> InputTooLarge:
    return InputTooLarge(
        f"{source}: line {line} is longer than {_size(limit)}, the longest line accepted; "
        "the file is damaged or not in the expected format, and was refused.",
        {f"line {line}": [f"longer than {_size(limit)}"]},
    )


def limit_lines(
    stream: IO[bytes], *, max_line_bytes: int = MAX_LINE_BYTES, source: str = "The file"
) -> IO[bytes]:
    """``stream`` as a buffered binary stream that raises ``InputTooLarge`` as soon as a line
    runs past ``max_line_bytes``: whatever reads it (``io.TextIOWrapper``, ``csv``) never
    holds more than about that much of one line."""
    return io.BufferedReader(_LineLimited(stream, max_line_bytes, source), buffer_size=_CHUNK)


def check_lines(
    data: bytes | str, *, max_line_bytes: int = MAX_LINE_BYTES, source: str = "The file"
) -> None:
    """Refuse (``InputTooLarge``) bytes or text already read whose longest line is longer
    than ``max_line_bytes`` (text: characters)."""
    _check_lines(data, max_line_bytes, source, 1)


def _check_lines(data: bytes | str, limit: int, source: str, line: int) -> None:
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    start = 0
    while True:
        end = data.find(newline, start)
        stop = len(data) if end < 0 else end
        if stop - start > limit:
            raise _line_too_long(source, line, limit)
        if end < 0:
            return
        start, line = end + 1, line + 1


def limit_rows(
    rows: Iterable[_T], *, max_rows: int = MAX_ROWS, source: str = "The file"
) -> Iterator[_T]:
    """The items of ``rows``, raising ``InputTooLarge`` at the one past ``max_rows``."""
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise InputTooLarge(
                f"{source} has more than {max_rows:,} records, the most one import takes; "
                "split it into smaller files.",
                {"file": [f"more than {max_rows} records"]},
            )
        yield row
