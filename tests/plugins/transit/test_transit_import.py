"""GTFS import: counts against the csv module, robustness, rejections, atomicity, the CLI."""

from __future__ import annotations

import copy
import zipfile

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from transit_feeds import generate_feed, write_feed
from transit_support import CAIRNS, make_transit_platform, zip_rows

from core import BBox, ImportError_
from plugins.transit import register_commands
from plugins.transit import tables as t
from plugins.transit.importer import feed_size, import_feed


def table_count(platform, table) -> int:
    with platform.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)))


def test_cairns_counts_equal_the_zip(cairns):
    expected = {
        name: len(zip_rows(CAIRNS, name))
        for name in (
            "stops.txt",
            "routes.txt",
            "trips.txt",
            "stop_times.txt",
            "calendar.txt",
            "calendar_dates.txt",
        )
    }
    assert expected["stops.txt"] == 416 and expected["routes.txt"] == 22
    report = cairns.report
    files = report.details["files"]
    for name, n in expected.items():
        assert (files[name]["read"], files[name]["imported"], files[name]["rejected"]) == (n, n, 0)
    assert table_count(cairns.platform, t.stops) == expected["stops.txt"]
    assert table_count(cairns.platform, t.routes) == expected["routes.txt"]
    assert table_count(cairns.platform, t.trips) == expected["trips.txt"]
    assert table_count(cairns.platform, t.stop_times) == expected["stop_times.txt"]
    text = report.format_text("GTFS-Fahrplan", "GTFS feed")
    assert "Fahrplan (timetable): 416 stops, 22 routes" in text
    assert "Nicht verwendet (not used): shapes.txt" in text
    assert (report.details["start_date"], report.details["end_date"]) == (20140526, 20141228)


def test_stops_layer_matches_the_zip(cairns):
    rows = zip_rows(CAIRNS, "stops.txt")
    layer = cairns.platform.layers["transit_stops"]
    everything = layer.features(None, "de")
    assert len(everything) == len(rows)
    assert {f["properties"]["stop_id"] for f in everything} == {r["stop_id"] for r in rows}
    box = BBox(145.74, -16.95, 145.78, -16.90)
    inside = {
        r["stop_id"]
        for r in rows
        if box.south <= float(r["stop_lat"]) <= box.north
        and box.west <= float(r["stop_lon"]) <= box.east
    }
    got = layer.features(box, "en")
    assert {f["properties"]["stop_id"] for f in got} == inside and inside
    assert all(f["properties"]["lines"] for f in got)
    lines_in_zip = {r["route_short_name"] for r in zip_rows(CAIRNS, "routes.txt")}
    assert {x for f in everything for x in f["properties"]["lines"]} <= lines_in_zip


def test_stations_layer_has_attribution(cairns):
    layer = cairns.platform.layers["transit_stations"]
    assert "Deutsche Bahn" in layer.attribution
    names = {f["properties"]["name"] for f in layer.features(None, "de")}
    assert {"Marl Mitte", "Gelsenkirchen Hbf", "Recklinghausen Hbf"} <= names


def quirky(tables):
    """Extra columns, a Latin-1 name, times past 24:00, bad rows of every kind."""
    tables = copy.deepcopy(tables)
    stops = tables["stops.txt"]
    stops[0].append("wheelchair_boarding")
    for row in stops[1:]:
        row.append("1")
    stops[1][1] = "Straße am Müller-Platz"
    stops.append(["BAD", "Ohne Koordinaten", "", "", "0", ""])
    stops.append(["S0", "Doppelt", "51.6", "7.1", "0", ""])
    stops.append(["NODE", "Knoten", "", "", "3", ""])
    times = tables["stop_times.txt"]
    times.append(["R1-0-0", "08:00:00", "08:00:00", "NOWHERE", "999", "0", "0"])
    times.append(["NO-TRIP", "08:00:00", "08:00:00", "S1", "1", "0", "0"])
    times.append(["R1-0-0", "8 Uhr", "", "S1", "998", "0", "0"])
    tables["trips.txt"].append(["NO-ROUTE", "WK", "T-bad", "0"])
    # a trip late in the evening running past midnight
    tables["trips.txt"].append(["R1", "WK", "T-late", "0"])
    times.append(["T-late", "24:50:00", "24:50:00", "S1", "1", "0", "0"])
    times.append(["T-late", "25:10:00", "25:10:00", "S2", "2", "0", "0"])
    # a trip with a single stop is dropped after reading
    tables["trips.txt"].append(["R1", "WK", "T-short", "0"])
    times.append(["T-short", "07:00:00", "07:00:00", "S1", "1", "0", "0"])
    return tables


@pytest.mark.parametrize(
    "options",
    [
        {"encoding": "latin-1"},
        {"bom": True, "line_end": "\r\n"},
        {"folder": "gtfs/"},
    ],
)
def test_real_world_quirks(tmp_path, new_database, options):
    feed = write_feed(tmp_path / "feed.zip", quirky(generate_feed(3)), **options)
    platform = make_transit_platform(new_database("db"))
    progress = []
    with pytest.raises(ImportError_, match="would be left out.*--skip-invalid"):
        with platform.session(write=True) as session:
            import_feed(session, feed)
    with platform.session(write=True) as session:
        report = import_feed(session, feed, progress=progress.append, skip_invalid=True)
    assert sum(progress) == feed_size(feed)
    files = report.details["files"]
    assert files["stops.txt"]["reasons"] == {
        "stop_lat/stop_lon missing or not numbers": 1,
        "stop_id appears twice": 1,
    }
    assert files["stops.txt"]["skipped"] == 1
    times = files["stop_times.txt"]["reasons"]
    assert times["stop_id is not an imported stop"] == 1
    assert times["trip_id is not an imported trip"] == 1  # NO-TRIP
    assert any("bad value" in r for r in times)
    trips = files["trips.txt"]["reasons"]
    assert trips["route_id is not in routes.txt"] == 1
    assert trips["trip dropped: fewer than two stop times"] == 1
    assert report.invalid == sum(f["rejected"] for f in files.values())
    assert any(p.where.startswith("stops.txt line ") for p in report.rejected)
    with platform.session() as session:
        name = session.scalar(select(t.stops.c.name).where(t.stops.c.stop_id == "S0"))
        late = session.execute(
            select(t.trips.c.first_departure, t.trips.c.last_arrival).where(
                t.trips.c.trip_id == "T-late"
            )
        ).one()
    assert name == "Straße am Müller-Platz"
    assert tuple(late) == (24 * 3600 + 50 * 60, 25 * 3600 + 10 * 60)
    latin = "Latin-1" in " ".join(map(str, report.warnings))
    assert latin == (options.get("encoding") == "latin-1")
    assert files["frequencies.txt"]["imported"] == 1
    assert files["transfers.txt"]["imported"] == 8


def test_ungrouped_stop_times_and_duplicates(tmp_path, new_database):
    tables = generate_feed(2)
    header, *rows = tables["stop_times.txt"]
    rows = rows[::2] + rows[1::2]  # interleave trips
    rows.append(list(rows[0]))  # (trip, sequence) twice
    tables["stop_times.txt"] = [header, *rows]
    feed = write_feed(tmp_path / "feed.zip", tables)
    platform = make_transit_platform(new_database("db"))
    with platform.session(write=True) as session:
        report = import_feed(session, feed, skip_invalid=True)
    files = report.details["files"]
    assert files["stop_times.txt"]["reasons"] == {"stop_sequence appears twice in the trip": 1}
    assert report.details["partial_trips"] == 1
    assert table_count(platform, t.stop_times) == len(rows) - 1


def test_a_bad_feed_changes_nothing(tmp_path, new_database):
    platform = make_transit_platform(new_database("db"))
    good = write_feed(tmp_path / "good.zip", generate_feed(1))
    with platform.session(write=True) as session:
        import_feed(session, good)
    before = table_count(platform, t.stop_times)
    tables = generate_feed(1)
    del tables["trips.txt"]
    broken = write_feed(tmp_path / "broken.zip", tables)
    with (
        pytest.raises(ImportError_, match="trips.txt missing"),
        platform.session(write=True) as session,
    ):
        import_feed(session, broken)
    tables = generate_feed(1)
    tables["stop_times.txt"] = tables["stop_times.txt"][:1] + [
        ["nope", "07:00:00", "07:00:00", "S1", "1", "0", "0"]
    ]
    empty = write_feed(tmp_path / "empty.zip", tables)
    with pytest.raises(ImportError_, match="no usable"), platform.session(write=True) as session:
        import_feed(session, empty)
    assert table_count(platform, t.stop_times) == before
    assert table_count(platform, t.feeds) == 1
    with pytest.raises(ImportError_, match="zip"), platform.session(write=True) as session:
        import_feed(session, tmp_path / "good.zip.missing")


def test_cli_imports_and_reports(tmp_path, new_database):
    platform = make_transit_platform(new_database("db"))
    group = register_commands(platform=platform)[0]
    runner = CliRunner()
    result = runner.invoke(group, ["import", str(CAIRNS), "--allow-outside-region"])
    assert result.exit_code == 0, result.output
    assert "Fahrplan (timetable): 416 stops, 22 routes" in result.output
    info = runner.invoke(group, ["info"])
    assert info.exit_code == 0 and "stops: 416" in info.output
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("stops.txt", "stop_id\n")
    result = runner.invoke(group, ["import", str(bad)])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    assert table_count(platform, t.stops) == 416


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_stop_popups_speak_the_layer_language(cairns, lang):
    """A stop's popup names its lines and departures with the catalog's words of ``lang``."""
    from core import catalog

    texts = catalog("transit")
    features = cairns.platform.layers["transit_stops"].features(None, lang)
    served = [f for f in features if f["properties"]["lines"]]
    assert served
    for feature in served:
        lines = feature["properties"]["popup"]["lines"]
        wanted = texts.text("stop.lines", lang, lines=", ".join(feature["properties"]["lines"]))
        assert lines[0] == wanted
    stations = cairns.platform.layers["transit_stations"].features(None, lang)
    assert stations and all(
        f["properties"]["popup"]["lines"][0] == texts.text("stop.station", lang) for f in stations
    )
