"""Strict GTFS imports with the real Cairns feed and copies of it spoilt the way files get spoilt.

Every refused import exits with status 1, names the problem and the fix, and leaves the
database exactly as it was (a dump of every table compared before and after). The Cairns feed
lies in Australia, so the default Emscher-Lippe portal refuses it unless told otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, select
from transit_feeds import derive_feed, read_member
from transit_support import CAIRNS, make_transit_platform, zip_rows

from core import Platform
from plugins.transit import register_commands

ALLOW = "--allow-outside-region"


def dump(platform: Platform) -> str:
    """Every row of every table, as text: SQLite's own dump; elsewhere a sorted SELECT."""
    engine = platform.db
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            return "\n".join(raw.driver_connection.iterdump())
        finally:
            raw.close()
    metadata = MetaData()
    metadata.reflect(engine)
    out = []
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            rows = sorted(repr(tuple(r)) for r in connection.execute(select(table)))
            out.append(f"-- {name}\n" + "\n".join(rows))
    return "\n".join(out)


def run(platform: Platform, *args: str):
    group = register_commands(platform=platform)[0]
    return CliRunner().invoke(group, list(args))


@pytest.fixture(scope="module")
def loaded(new_module_database) -> Iterator[Platform]:
    """A portal (default region Emscher-Lippe) with the whole Cairns feed imported; tests
    only try imports that must be refused."""
    platform = make_transit_platform(new_module_database("db"))
    result = run(platform, "import", str(CAIRNS), ALLOW)
    assert result.exit_code == 0, result.output
    yield platform
    platform.db.dispose()


def stop_times_cut(target: Path) -> tuple[Path, int]:
    """Cairns with stop_times.txt cut in the middle of a line at 60 % of its bytes; returns
    the path and how many trips still have a stop time before the cut."""
    data = read_member(CAIRNS, "stop_times.txt")
    at = int(len(data) * 0.6)
    while data[at - 1 : at] in (b"\n", b",") or data[at : at + 1] in (b"\n", b","):
        at += 1
    kept = data[:at]
    trips = {line.split(b",")[0] for line in kept.splitlines()[1:-1]}  # complete lines
    return derive_feed(CAIRNS, target, {"stop_times.txt": kept}), len(trips)


def test_cairns_is_refused_in_emscher_lippe_naming_the_distance(new_database):
    platform = make_transit_platform(new_database("db"))
    platform.upgrade_database()
    before = dump(platform)
    result = run(platform, "import", str(CAIRNS))
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "Emscher-Lippe" in text and ALLOW in text
    km = re.search(r"median distance from the region is ([\d,.]+) km", text)
    assert km and float(km[1].replace(",", "")) > 13_000  # Cairns - Ruhr: about 14,000 km
    assert dump(platform) == before
    result = run(platform, "import", str(CAIRNS), ALLOW, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert any("outside" in w["message"] for w in report["warnings"])
    assert report["invalid"] == 0


def test_a_feed_cut_in_the_middle_of_a_line_is_refused(loaded, tmp_path, new_database):
    cut, trips_before_cut = stop_times_cut(tmp_path / "cut.zip")
    all_trips = len(zip_rows(CAIRNS, "trips.txt"))
    before = dump(loaded)
    result = run(loaded, "import", str(cut), ALLOW)
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "ends in the middle of a record" in text and "cut off" in text
    assert "--skip-invalid" in text and "nothing was imported" in text
    # the count covers the cut record, the cut trip and every trip left without stop times
    count = int(re.search(r"(\d+) rows or trips would be left out", text)[1])
    assert count == 1 + 1 + (all_trips - trips_before_cut)
    assert dump(loaded) == before

    # accepted on purpose: the report says what is missing; no trip is ridden half
    other = make_transit_platform(new_database("other"))
    result = run(other, "import", str(cut), ALLOW, "--skip-invalid", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    files = report["details"]["files"]
    assert files["trips.txt"]["imported"] == trips_before_cut - 1
    assert files["trips.txt"]["reasons"]["trip dropped: no stop times"] == (
        all_trips - trips_before_cut
    )
    assert (
        files["trips.txt"]["reasons"][
            "trip dropped: its stop times are cut off at the end of stop_times.txt"
        ]
        == 1
    )
    assert report["invalid"] == count and report["details"]["skip_invalid"] is True
    text = run(other, "import", str(cut), ALLOW, "--skip-invalid").output
    other.db.dispose()
    assert f"{count} rows or trips left out (--skip-invalid)" in " ".join(text.split())


def semicolons(data: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(
    "name, spoil, expected",
    [
        (
            "semicolons",
            lambda z: {"stops.txt": semicolons(read_member(z, "stops.txt"))},
            r"stops\.txt is separated by semicolons \(;\), not by commas.*Save the file as CSV",
        ),
        (
            "utf16",
            lambda z: {"stops.txt": read_member(z, "stops.txt").decode().encode("utf-16")},
            r"stops\.txt is UTF-16 text, not UTF-8.*Save it as 'CSV UTF-8'",
        ),
        (
            "unknown_trip",
            lambda z: {
                "stop_times.txt": read_member(z, "stop_times.txt")
                + b"NO-SUCH-TRIP,07:00:00,07:00:00,750000,1,0,0\n"
            },
            r"1 rows or trips would be left out.*"
            r"trip_id is not an imported trip \('NO-SUCH-TRIP'\)",
        ),
        (
            "unknown_stop",
            lambda z: {
                "stop_times.txt": read_member(z, "stop_times.txt").replace(
                    b",750000,", b",NO-STOP,", 1
                )
            },
            r"stop_id is not an imported stop \('NO-STOP'\)",
        ),
        ("no_stop_times", lambda z: {"stop_times.txt": None}, r"stop_times\.txt missing"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "",
)
def test_spoilt_copies_are_refused_by_name(loaded, tmp_path, name, spoil, expected):
    feed = derive_feed(CAIRNS, tmp_path / f"{name}.zip", spoil(CAIRNS))
    before = dump(loaded)
    result = run(loaded, "import", str(feed), ALLOW)
    assert result.exit_code == 1, result.output
    assert re.search(expected, " ".join(result.output.split())), result.output
    assert dump(loaded) == before


@pytest.mark.parametrize(
    "name, make, expected",
    [
        (
            "stops.txt",
            lambda p: p.write_bytes(read_member(CAIRNS, "stops.txt")),
            r"looks like a single GTFS table \(CSV\), not the feed.*zip the files together",
        ),
        (
            "feed.json",
            lambda p: p.write_text('{"type": "FeatureCollection"}'),
            r"is not a zip file \(it looks like a JSON document\)",
        ),
        (
            "nested.zip",
            lambda p: zipfile.ZipFile(p, "w").writestr("gtfs.zip", CAIRNS.read_bytes()),
            r"It holds another zip \(gtfs\.zip\): unpack it",
        ),
        (
            "book.zip",
            lambda p: zipfile.ZipFile(p, "w").writestr("[Content_Types].xml", "<x/>"),
            r"looks like an Office document \(Excel workbook\)",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "",
)
def test_files_that_are_no_feed_are_named(loaded, tmp_path, name, make, expected):
    path = tmp_path / name
    make(path)
    before = dump(loaded)
    result = run(loaded, "import", str(path), ALLOW)
    assert result.exit_code == 1
    assert re.search(expected, " ".join(result.output.split())), result.output
    assert dump(loaded) == before


def early_only(target: Path) -> Path:
    """Cairns with only the trips that end by 06:40 (a feed for the early shift only)."""
    times = zip_rows(CAIRNS, "stop_times.txt")
    last: dict[str, str] = {}
    for row in times:
        last[row["trip_id"]] = max(last.get(row["trip_id"], ""), row["arrival_time"])
    keep = {trip for trip, t in last.items() if t <= "06:40:00"}

    def only(name: str) -> bytes:
        rows = zip_rows(CAIRNS, name)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if r["trip_id"] in keep)
        return out.getvalue().encode()

    return derive_feed(
        CAIRNS, target, {"trips.txt": only("trips.txt"), "stop_times.txt": only("stop_times.txt")}
    )


def test_a_feed_outside_the_search_window_warns(new_database, tmp_path):
    feed = early_only(tmp_path / "early.zip")
    platform = make_transit_platform(new_database("db"), service_date="2014-06-10")
    result = run(platform, "import", str(feed), ALLOW)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "No vehicle leaves between 07:00 and 08:50" in text
    assert "every travel-time filter stays empty" in text and "05:" in text
    info = " ".join(run(platform, "info").output.split())
    assert "No vehicle leaves between 07:00 and 08:50" in info
    from plugins.transit.hooks import service_for

    assert "No vehicle leaves" in service_for(platform).window_warning()  # also /feed
    # with a departure the feed covers, no warning
    early = make_transit_platform(
        platform.settings.portal.database_url, service_date="2014-06-10", departure="05:30"
    )
    assert "No vehicle leaves" not in run(early, "info").output
