"""Hostile files for the resource-limit tests and ``bench/hostile_bench.py``: a GTFS zip of
about 2 MB whose ``stop_times.txt`` unpacks to one line of 2 GiB (built in two seconds, not by
compressing 2 GiB), and a feed with one long line that compresses only a little."""

from __future__ import annotations

import csv
import io
import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from tests.plugins.transit.transit_feeds import generate_feed

MIB = 1024 * 1024
HEADER = b"trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"


def _table(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _write_zip(path: Path, members: list[tuple[str, Iterator[bytes], int, int, int]]) -> Path:
    """A zip of raw deflate members: (name, compressed chunks, crc, compressed size, size).

    Written by hand because ``zipfile`` would have to compress the 2 GiB itself."""
    central = b""
    with path.open("wb") as out:
        for name, chunks, crc, csize, size in members:
            offset = out.tell()
            encoded = name.encode()
            fields = (20, 0, 8, 0, 0x21, crc, csize, size, len(encoded), 0)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded)
            for chunk in chunks:
                out.write(chunk)
            central += (
                struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset)
                + encoded
            )
        start = out.tell()
        out.write(central)
        count = len(members)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), start, 0))
    return path


def _member(name: str, data: bytes) -> tuple[str, Iterator[bytes], int, int, int]:
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = comp.compress(data) + comp.flush()
    return name, iter([packed]), zlib.crc32(data), len(packed), len(data)


def _feed_members(skip: str) -> list[tuple[str, Iterator[bytes], int, int, int]]:
    return [_member(n, _table(rows)) for n, rows in generate_feed(5).items() if n != skip]


def one_line_feed(path: Path, line_bytes: int = 2048 * MIB) -> Path:
    """A GTFS zip whose ``stop_times.txt`` is its header and then one line of ``line_bytes``
    letters: about 2 MB on disk for 2 GiB, a compression ratio of about 1000."""
    chunk = b"x" * MIB
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(HEADER) + comp.flush(zlib.Z_FULL_FLUSH)
    # after a full flush the compressor starts afresh: every MiB compresses to the same bytes
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.compress(b"\n") + comp.flush()
    blocks = line_bytes // MIB
    crc = zlib.crc32(HEADER)
    for _ in range(blocks):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(b"\n", crc)
    size = len(HEADER) + blocks * MIB + 1
    csize = len(head) + blocks * len(block) + len(tail)

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(blocks):
            yield block
        yield tail

    stop_times = ("stop_times.txt", chunks(), crc, csize, size)
    return _write_zip(path, [*_feed_members("stop_times.txt"), stop_times])


def long_line_feed(path: Path, line_bytes: int = 8 * MIB) -> Path:
    """A GTFS zip whose ``stop_times.txt`` holds one line of ``line_bytes`` random letters:
    it compresses too little for the ratio check, so only the line limit stops it."""
    letters = bytes(range(97, 123)) * 10  # 260 letters: every byte value maps to one
    line = random.Random(7).randbytes(line_bytes).translate(letters[:256])
    data = HEADER + line + b"\n"
    return _write_zip(path, [*_feed_members("stop_times.txt"), _member("stop_times.txt", data)])
