"""Resource limits on imports: a 2 MB GTFS zip holding one line of 2 GiB, long lines, large
files and too many records are refused with a message after reading about the limit, never
by filling the memory; the command line exits 1."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from core import (
    MAX_LINE_BYTES,
    ImportError_,
    InputTooLarge,
    check_lines,
    limit_lines,
    limit_rows,
    open_zip_member,
    read_bounded,
)
from core.io.importing import read_records
from tests.security.hostile_files import MIB, long_line_feed, one_line_feed
from webapp.cli import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def one_line_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_line_feed(tmp_path_factory.mktemp("hostile") / "feed.zip")


class _Counted:
    """Counts what ``zipfile`` unpacks (every member read goes through ZipExtFile.read)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.bytes = 0
        original = zipfile.ZipExtFile.read

        def read(member: zipfile.ZipExtFile, n: int = -1) -> bytes:
            data = original(member, n)
            self.bytes += len(data)
            return data

        monkeypatch.setattr(zipfile.ZipExtFile, "read", read)


def test_the_one_line_zip_is_what_the_attack_used(one_line_zip: Path) -> None:
    assert one_line_zip.stat().st_size < 3 * MIB
    with zipfile.ZipFile(one_line_zip) as archive:
        member = archive.getinfo("stop_times.txt")
        assert member.file_size > 2048 * MIB
        with archive.open(member) as raw:
            start = raw.read(200_000)
    assert start.count(b"\n") == 1 and start.endswith(b"x" * 1000)


def test_the_one_line_zip_is_refused_without_unpacking_it(
    one_line_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plugins.transit.gtfs import GtfsZip

    counted = _Counted(monkeypatch)
    with GtfsZip(one_line_zip) as feed, pytest.raises(InputTooLarge) as caught:
        columns, rows = feed.rows("stop_times.txt")
        list(rows)
    assert "zip bomb" in caught.value.message
    assert counted.bytes == 0


def test_a_long_line_that_compresses_badly_is_refused_after_about_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plugins.transit.gtfs import GtfsZip

    path = long_line_feed(tmp_path / "feed.zip")
    counted = _Counted(monkeypatch)
    with GtfsZip(path) as feed:
        for read in (
            lambda: feed.encoding("stop_times.txt"),
            lambda: list(feed.rows("stop_times.txt")[1]),
        ):
            counted.bytes = 0
            with pytest.raises(InputTooLarge) as caught:
                read()
            assert "line 2 is longer than 1 MiB" in caught.value.message
            assert counted.bytes <= MAX_LINE_BYTES + 256 * 1024


def _rss_script(config: dict[str, Any], feed: Path) -> str:
    return f"""
import json, resource, sys, zipfile
sys.path.insert(0, {str(ROOT)!r})
unpacked = [0]
original = zipfile.ZipExtFile.read
def read(member, n=-1):
    data = original(member, n)
    unpacked[0] += len(data)
    return data
zipfile.ZipExtFile.read = read
from webapp.app import create_app
from webapp.cli import cli
app = create_app({config!r})
app.extensions["regiokarte"].upgrade_database()
runner = app.test_cli_runner()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = runner.invoke(cli, ["transit", "import", {str(feed)!r}])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"exit": result.exit_code, "output": result.output,
                   "growth_kib": after - before, "unpacked": unpacked[0]}}))
"""


@pytest.mark.parametrize("kind", ["one line of 2 GiB", "one line of 8 MiB, random"])
def test_the_import_command_refuses_hostile_feeds_in_little_memory(
    kind: str, one_line_zip: Path, tmp_path: Path
) -> None:
    feed = one_line_zip if kind.endswith("2 GiB") else long_line_feed(tmp_path / "long.zip")
    config = {
        "portal": {"database_url": f"sqlite:///{tmp_path / 'feed.db'}"},
        "plugins": {"enabled": ["transit"]},
    }
    # a fresh process: its peak memory before and after the import is the import's own
    done = subprocess.run(
        [sys.executable, "-c", _rss_script(config, feed)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["exit"] == 1
    assert "stop_times.txt" in answer["output"] and "nichts geändert" in answer["output"]
    assert answer["growth_kib"] < 100 * 1024, answer
    # "quickly": at most about a line's limit is unpacked (plus the small tables)
    assert answer["unpacked"] < MAX_LINE_BYTES + 2 * MIB, answer


def test_zip_members_beyond_the_limits_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"a" * (3 * MIB))  # compresses about 1000 to 1
        archive.writestr("small.txt", b"a" * 1000)  # tiny: its ratio does not count
        archive.writestr("text.txt", random.Random(1).randbytes(2 * MIB))  # hardly compresses
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(InputTooLarge, match="zip bomb"):
            open_zip_member(archive, "big.txt")
        with pytest.raises(InputTooLarge, match="more than the 1 MiB"):
            open_zip_member(archive, "text.txt", max_bytes=MIB)
        assert open_zip_member(archive, "small.txt").read() == b"a" * 1000
        assert len(open_zip_member(archive, "text.txt").read()) == 2 * MIB


def test_limit_lines_passes_good_text_and_stops_a_long_line_early() -> None:
    text = b"a,b\r\n" + b"x" * 1000 + b"\n" * 3 + b"y" * 2000
    assert limit_lines(io.BytesIO(text), max_line_bytes=2000).read() == text
    with pytest.raises(InputTooLarge, match="line 5 is longer than 1,999 bytes"):
        limit_lines(io.BytesIO(text), max_line_bytes=1999).read()
    source = io.BytesIO(b"head\n" + b"z" * (50 * MIB))
    limited = limit_lines(source, source="big.csv")
    with pytest.raises(InputTooLarge):
        limited.read()
    assert source.tell() <= MAX_LINE_BYTES + 128 * 1024
    limited.close()
    with pytest.raises(InputTooLarge, match="line 2"):
        check_lines("a\n" + "b" * 11, max_line_bytes=10)


def test_read_bounded_and_limit_rows(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"a" * 1001)
    assert read_bounded(path, max_bytes=1001) == b"a" * 1001
    with pytest.raises(InputTooLarge, match="larger than 1,000 bytes"):
        read_bounded(path, max_bytes=1000)
    assert list(limit_rows(range(3), max_rows=3)) == [0, 1, 2]
    with pytest.raises(InputTooLarge, match="more than 2 records"):
        list(limit_rows(range(3), max_rows=2))


# --- the company importer -----------------------------------------------------------------


def test_company_files_beyond_the_limits_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("name,description\nA,x\nB,y\nC,z\n", encoding="utf-8")
    assert len(read_records(path)) == 3
    with pytest.raises(InputTooLarge, match="more than 2 companies"):
        read_records(path, max_rows=2)
    with pytest.raises(InputTooLarge, match="larger than 10 bytes"):
        read_records(path, max_bytes=10)
    path.write_text("name,description\nA," + "x" * (2 * MIB) + "\n", encoding="utf-8")
    with pytest.raises(InputTooLarge, match="line 2 is longer than 1 MiB"):
        read_records(path)
    geo = tmp_path / "companies.geojson"
    feature = '{"type": "Feature", "geometry": null, "properties": {"name": "A"}}'
    geo.write_text(
        '{"type": "FeatureCollection", "features": [' + ",".join([feature] * 3) + "]}",
        encoding="utf-8",
    )
    with pytest.raises(InputTooLarge, match="more than 2 companies"):
        read_records(geo, max_rows=2)


def test_the_company_import_command_exits_1_on_a_long_line(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("name\n" + "x" * (3 * MIB) + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(cli, ["import", "companies", str(path)])
    assert result.exit_code == 1
    assert "longer than 1 MiB" in result.output


# --- every plugin importer ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["a line of 2 MiB", "a field of 200 KiB"])
def test_every_dataset_csv_import_refuses_long_lines_with_a_message(
    app: Flask, tmp_path: Path, kind: str
) -> None:
    platform = app.extensions["regiokarte"]
    size = 2 * MIB if kind.startswith("a line") else 200 * 1024
    tried = 0
    for dataset_id, dataset in sorted(platform.datasets().items()):
        if "csv" not in dataset.import_formats:
            continue
        path = tmp_path / f"{dataset_id}.csv"
        path.write_text(f"name,title\n{'n' * size},t\n", encoding="utf-8")
        with platform.session(write=True) as session:
            with pytest.raises(ImportError_) as caught:
                dataset.import_file(session, path, "csv")
        assert caught.value.message
        if size > MAX_LINE_BYTES:
            assert isinstance(caught.value, InputTooLarge), (dataset_id, caught.value.message)
        tried += 1
    assert tried >= 4
