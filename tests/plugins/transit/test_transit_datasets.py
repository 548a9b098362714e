"""The stops dataset of the admin area: search against a scan of the table, read-only rows,
feed import through the dataset (counts, atomicity, the layer follows), CSV export."""

from __future__ import annotations

import copy
import csv
import io

import pytest
from sqlalchemy import func, select
from transit_feeds import generate_feed, write_feed
from transit_support import make_transit_platform

from core import ImportError_, NotFound, ValidationError
from plugins.transit import tables as t
from plugins.transit.datasets import EXPORT_COLUMNS, STOPS_DATASET
from plugins.transit.hooks import service_for


def stop_rows(platform):
    with platform.session() as session:
        return session.execute(select(t.stops).order_by(t.stops.c.id)).all()


def table_count(platform, table) -> int:
    with platform.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)))


def brute_force(platform, text: str) -> list[str]:
    """Ids of the stops whose name, stop_id or code contain every word, by name and id."""
    words = text.casefold().split()
    rows = [
        r
        for r in stop_rows(platform)
        if all(any(w in v.casefold() for v in (r.name, r.stop_id, r.code)) for w in words)
    ]
    return [str(r.id) for r in sorted(rows, key=lambda r: (r.name, r.id))]


def run_import(platform, path, fmt="gtfs"):
    dataset = platform.dataset(STOPS_DATASET)
    with platform.session(write=True) as session:
        result = dataset.import_file(session, path, fmt)
    dataset.changed()
    return result


@pytest.fixture
def platform(new_database):
    built = make_transit_platform(new_database("stops"))
    # processes look for a new feed only hourly: what follows at once is changed()'s doing
    built.settings.search.refresh_interval = 3600.0
    yield built
    built.db.dispose()


def renamed_feed(tables):
    """The feed with stop S0 renamed, a stop added and the last plain stop removed."""
    changed = copy.deepcopy(tables)
    header, *rows = changed["stops.txt"]
    rows[0][1] = "Straße am Müller-Platz"
    removed = rows.pop(len(rows) - 4)[0]
    rows.append(["NEU", "Neue Haltestelle", rows[1][2], rows[1][3], "0", ""])
    changed["stops.txt"] = [header, *rows]
    return changed, removed


def without_stop(tables, stop_id):
    """The feed without the stop times and transfers at ``stop_id`` (a consistent feed)."""
    changed = copy.deepcopy(tables)
    changed["stop_times.txt"] = [r for r in changed["stop_times.txt"] if r[3] != stop_id]
    changed["transfers.txt"] = [r for r in changed["transfers.txt"] if stop_id not in r[:2]]
    return changed


@pytest.mark.parametrize(
    "text", ["", "cairns", "STATION", "st 1", "  Stop  ", "kein-treffer-hier", "9"]
)
def test_search_equals_a_scan_of_the_table(cairns, text):
    dataset = cairns.platform.dataset(STOPS_DATASET)
    expected = brute_force(cairns.platform, text)
    with cairns.platform.session() as session:
        first = dataset.search(session, text, 0, 25)
        rest = dataset.search(session, text, 25, 10_000)
        middle = dataset.search(session, text, 10, 7)
    assert first.total == rest.total == middle.total == len(expected)
    assert [r["id"] for r in first.rows + rest.rows] == expected
    assert [r["id"] for r in middle.rows] == expected[10:17]


def test_rows_are_the_table_rows_and_read_only(cairns):
    platform = cairns.platform
    dataset = platform.dataset(STOPS_DATASET)
    assert dataset.update is None and dataset.delete is None
    assert not any(f.editable for f in dataset.fields)
    assert {f.name for f in dataset.fields} >= {"id", "name", "stop_id", "lat", "lon"}
    row = stop_rows(platform)[17]
    with platform.session() as session:
        got = dataset.get(session, str(row.id))
        for bad in ("999999", "S17", ""):
            with pytest.raises(NotFound, match="no stop"):
                dataset.get(session, bad)
    assert got == {
        "id": str(row.id),
        "name": row.name,
        "stop_id": row.stop_id,
        "code": row.code,
        "location_type": str(row.location_type),
        "parent_station": row.parent_station,
        "lat": row.lat,
        "lon": row.lon,
    }


def test_import_counts_and_the_layer_follows(platform, tmp_path):
    service = service_for(platform)
    tables = generate_feed(1)
    first = run_import(platform, write_feed(tmp_path / "one.zip", tables))
    in_file = len(tables["stops.txt"]) - 1
    assert (first.created, first.updated, first.deleted, first.unchanged) == (in_file, 0, 0, 0)
    assert table_count(platform, t.stops) == in_file
    assert table_count(platform, t.feeds) == 1
    assert len(service.state().stops.ids) == in_file

    changed, removed = renamed_feed(tables)
    # stop times still at the removed stop: refused, naming the problem, nothing changed
    before = stop_rows(platform)
    with pytest.raises(ImportError_, match=f"stop_id is not an imported stop \\('{removed}'\\)"):
        run_import(platform, write_feed(tmp_path / "stale.zip", changed))
    assert stop_rows(platform) == before
    second = run_import(platform, write_feed(tmp_path / "two.zip", without_stop(changed, removed)))
    assert (second.created, second.updated, second.deleted) == (1, 1, 1)
    assert second.unchanged == in_file - 2
    names = {r.stop_id: r.name for r in stop_rows(platform)}
    assert names["S0"] == "Straße am Müller-Platz" and removed not in names and "NEU" in names
    # the public layer shows the new feed with its lines at once (changed() reloaded it)
    features = platform.layer_features("transit_stops", None, "de")
    shown = {f["properties"]["stop_id"]: f["properties"]["name"] for f in features}
    assert shown == names
    assert all(f["properties"]["departures_per_hour"] is not None for f in features)
    # so do the router's stops (profiles, travel times: "stop:NEU" is a place to start from)
    state = service.state()
    assert dict(zip(state.stops.stop_ids, state.stops.names, strict=True)) == names
    assert service.resolve_origin("stop:NEU").label == "Neue Haltestelle"
    with platform.session() as session:
        for text in ("müller STRASSE", "MÜLLER straße"):
            found = platform.dataset(STOPS_DATASET).search(session, text, 0, 10)
            assert [r["stop_id"] for r in found.rows] == ["S0"]


def test_a_rejected_feed_writes_nothing(platform, tmp_path):
    tables = generate_feed(1)
    run_import(platform, write_feed(tmp_path / "good.zip", tables))
    before = stop_rows(platform)
    broken = copy.deepcopy(tables)
    del broken["trips.txt"]
    broken["stops.txt"][1][1] = "Umbenannt"
    with pytest.raises(ImportError_, match=r"trips\.txt missing"):
        run_import(platform, write_feed(tmp_path / "broken.zip", broken))
    with pytest.raises(ImportError_, match="gtfs"):
        run_import(platform, write_feed(tmp_path / "other.zip", tables), fmt="csv")
    not_zip = tmp_path / "stops.zip"
    not_zip.write_text("stop_id,stop_name\n1,A\n", encoding="utf-8")
    with pytest.raises(ImportError_, match="zip"):
        run_import(platform, not_zip)
    assert stop_rows(platform) == before
    assert table_count(platform, t.feeds) == 1


def test_export_is_a_stops_file_that_imports_unchanged(platform, tmp_path):
    tables = generate_feed(4)
    run_import(platform, write_feed(tmp_path / "feed.zip", tables))
    before = stop_rows(platform)
    dataset = platform.dataset(STOPS_DATASET)
    with platform.session() as session:
        exported = dataset.export(session, "csv")
        with pytest.raises(ValidationError, match="csv"):
            dataset.export(session, "json")
    assert exported.media_type.startswith("text/csv") and exported.filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8"))))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [(r[0], r[2], float(r[3]), float(r[4])) for r in rows[1:]] == [
        (r.stop_id, r.name, r.lat, r.lon) for r in before
    ]
    again = dict(tables, **{"stops.txt": rows})
    result = run_import(platform, write_feed(tmp_path / "again.zip", again))
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert result.unchanged == len(before)
    after = stop_rows(platform)
    assert [tuple(r)[1:] for r in after] == [tuple(r)[1:] for r in before]


def test_the_admin_import_checks_the_region(platform):
    """The stops dataset takes the admin form's "allow data outside the region" option."""
    from transit_support import CAIRNS

    from core import OutsideRegionError

    dataset = platform.dataset(STOPS_DATASET)
    assert dataset.import_region_checked
    before = stop_rows(platform)
    with pytest.raises(OutsideRegionError, match="--allow-outside-region"):
        with platform.session(write=True) as session:
            dataset.import_file(session, CAIRNS, "gtfs")
    assert stop_rows(platform) == before
    with platform.session(write=True) as session:
        result = dataset.import_file(session, CAIRNS, "gtfs", allow_outside_region=True)
    dataset.changed()
    assert result.created == 416
    assert any("outside" in m for m in result.messages)
