"""Transit benchmark: GTFS import and travel-time search on a regional-size feed.

    python bench/transit_bench.py [--stops 25000] [--routes 900] [--companies 50000]

No regional feed can be downloaded here, so a synthetic one of VRR-like size is generated
(stops spread over the Emscher-Lippe box, bus lines as walks over neighbouring stops, a few
fast rail lines, services every 10-30 minutes from 5:00 to 23:00). It is imported with the
plugin's importer (timed, with peak memory), demo companies are added, and travel-time
searches (parse + search, as the API runs them) are timed cold (router run) and cached.
Prints Markdown; nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import io
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from core import Platform, load_settings
from core.io.demo import demo_rows
from core.persistence import companies as repo
from core.region import default_region
from plugins.transit.hooks import service_for
from plugins.transit.importer import import_feed

SOUTH, NORTH, WEST, EAST = 51.45, 51.82, 6.85, 7.45


def hms(t: int) -> str:
    return f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"


def generate(target: Path, n_stops: int, n_routes: int, seed: int) -> dict[str, int]:
    """Write a synthetic feed; returns its table sizes."""
    rng = np.random.default_rng(seed)
    # stops cluster around the region's towns (and some other places), like real networks
    towns = np.asarray([(t.center.lat, t.center.lon) for t in default_region().towns])
    others = np.column_stack([rng.uniform(SOUTH, NORTH, 30), rng.uniform(WEST, EAST, 30)])
    centres = np.concatenate([towns, towns, others])
    pick = rng.integers(0, len(centres), n_stops)
    lat = centres[pick, 0] + rng.normal(0, 0.02, n_stops)
    lon = centres[pick, 1] + rng.normal(0, 0.03, n_stops)
    xy = np.column_stack([lat * 111.0, lon * 69.0])
    tree = cKDTree(xy)
    _, neighbours = tree.query(xy, k=9)
    counts = {"stops": n_stops, "routes": n_routes, "trips": 0, "stop_times": 0}
    files: list[Path] = []

    def table(name: str, header: list[str]) -> tuple[io.TextIOWrapper, Any]:
        # plain files first (a zip takes one writer at a time), zipped at the end
        files.append(target.parent / name)
        handle = files[-1].open("w", encoding="utf-8", newline="")
        writer = csv.writer(handle)
        writer.writerow(header)
        return handle, writer

    if True:  # (kept indented: the writers above are closed below)
        handle, w = table(
            "agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone"]
        )
        w.writerow(["B", "Benchmark-Verkehr", "https://example.org", "Europe/Berlin"])
        handle.close()
        handle, w = table("stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon"])
        for i in range(n_stops):
            w.writerow([f"s{i}", f"Haltestelle {i}", f"{lat[i]:.6f}", f"{lon[i]:.6f}"])
        handle.close()
        handle, w = table(
            "calendar.txt",
            [
                "service_id",
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
                "start_date",
                "end_date",
            ],
        )
        w.writerow(["WD", 1, 1, 1, 1, 1, 0, 0, "20260101", "20261231"])
        w.writerow(["WE", 0, 0, 0, 0, 0, 1, 1, "20260101", "20261231"])
        handle.close()
        routes_h, routes_w = table(
            "routes.txt", ["route_id", "route_short_name", "route_long_name", "route_type"]
        )
        trips_h, trips_w = table("trips.txt", ["route_id", "service_id", "trip_id"])
        times_h, times_w = table(
            "stop_times.txt",
            ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
        )
        for r in range(n_routes):
            rail = r < n_routes // 30
            length = int(rng.integers(8, 16) if rail else rng.integers(15, 35))
            path = [int(rng.integers(n_stops))]
            heading = rng.normal(size=2)
            while len(path) < length:
                here = path[-1]
                if rail:
                    # rail: long hops between distant stops in one direction
                    aim = xy[here] + heading / np.linalg.norm(heading) * 4.0
                    _, nxt = tree.query(aim, k=3)
                    options = [int(x) for x in nxt if int(x) not in path]
                else:
                    options = [int(x) for x in neighbours[here][1:] if int(x) not in path]
                if not options:
                    break
                path.append(options[int(rng.integers(len(options)))])
            if len(path) < 3:
                continue
            hops = np.linalg.norm(np.diff(xy[path], axis=0), axis=1)  # km
            speed = 70.0 if rail else 20.0  # km/h including stops
            run = np.maximum(60, np.rint(hops / speed * 3600)).astype(int)
            name = f"RE{r}" if rail else f"{100 + r}"
            routes_w.writerow([f"r{r}", name, f"Linie {name}", 2 if rail else 3])
            headway = int(rng.choice([600, 900, 1200, 1800]))
            for direction, p, h in ((0, path, run), (1, path[::-1], run[::-1])):
                first = 5 * 3600 + int(rng.integers(headway))
                for n, start in enumerate(range(first, 23 * 3600, headway)):
                    trip = f"r{r}d{direction}n{n}"
                    trips_w.writerow([f"r{r}", "WD", trip])
                    t = start
                    for seq, stop in enumerate(p):
                        dwell = 20 if 0 < seq < len(p) - 1 else 0
                        times_w.writerow([trip, hms(t), hms(t + dwell), f"s{stop}", seq + 1])
                        if seq < len(h):
                            t += dwell + int(h[seq])
                    counts["trips"] += 1
                    counts["stop_times"] += len(p)
        for handle in (routes_h, trips_h, times_h):
            handle.close()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for file in files:
            z.write(file, file.name)
            file.unlink()
    return counts


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stops", type=int, default=25_000)
    parser.add_argument("--routes", type=int, default=900)
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--origins", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="transit-bench-"))
    feed = folder / "feed.zip"
    started = time.perf_counter()
    sizes = generate(feed, args.stops, args.routes, args.seed)
    print(
        f"# Transit benchmark\n\nSynthetic feed generated in {time.perf_counter() - started:.0f} s"
        f" ({feed.stat().st_size / 1e6:.1f} MB zipped).\n",
        flush=True,
    )
    settings = load_settings(
        env={},
        overrides={
            "portal": {"database_url": f"sqlite:///{folder / 'bench.db'}"},
            "plugins": {"enabled": ["transit"], "transit": {"service_date": "2026-03-11"}},
        },
    )
    platform = Platform(settings)
    platform.upgrade_database()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    with platform.session(write=True) as session:
        report = import_feed(session, feed)
    import_seconds = time.perf_counter() - started
    rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, args.companies, args.seed))
    started = time.perf_counter()
    platform.engine.refresh(force=True)
    index_seconds = time.perf_counter() - started
    service = service_for(platform)
    state = service.state()
    table = state.timetable
    load_seconds = service.stats.get("last_load_seconds", 0.0)

    rng = np.random.default_rng(args.seed)
    towns = platform.region.towns
    origins = []
    for i in range(args.origins):
        town = towns[i % len(towns)]
        origins.append(
            f"{town.center.lat + rng.normal(0, 0.01):.5f},"
            f"{town.center.lon + rng.normal(0, 0.01):.5f}"
        )

    def run(params: dict[str, list[str]]) -> tuple[float, int]:
        t0 = time.perf_counter()
        result = platform.search(platform.parse_query(params))
        return (time.perf_counter() - t0) * 1000, result.total

    cold, cached, combined, router, reached = [], [], [], [], []
    for origin in origins:
        params = {"transit_from": [origin], "transit_time": ["..45"], "sort": ["transit_time"]}
        before = service.stats["routes"]
        ms, total = run(params)
        cold.append(ms)
        reached.append(total)
        if service.stats["routes"] > before:
            router.append(service.route_from(service.resolve_origin(origin)).seconds * 1000)
        for _ in range(5):
            cached.append(run(params)[0])
        combined.append(run({**params, "industry": ["C", "G"], "size": ["small"]})[0])
    print("| feed | value |\n|---|---|")
    imported = {name: f["imported"] for name, f in report.details["files"].items()}
    print(f"| stops | {imported['stops.txt']:,} |\n| routes | {imported['routes.txt']:,} |")
    print(f"| trips | {imported['trips.txt']:,} |\n| stop times | {imported['stop_times.txt']:,} |")
    print(
        f"| service day window | {table.start // 3600}:00-{table.end // 3600}:"
        f"{table.end % 3600 // 60:02d}: {table.n_runs:,} runs, {table.n_events:,} stop events, "
        f"{table.n_patterns:,} patterns, {table.n_columns:,} columns, "
        f"{len(table.fp_from):,} footpaths |"
    )
    print(
        f"| departures tried | {len(service.settings.departures)} "
        f"({service.settings.departure} + {service.settings.departure_window_min} min) |"
    )
    print(f"| companies | {platform.engine.index.size:,} |\n")
    print("| step | time |\n|---|---|")
    print(
        f"| import (SQLite) | {import_seconds:.1f} s "
        f"({sizes['stop_times'] / import_seconds:,.0f} stop times/s), peak RSS "
        f"{rss_import:.0f} MB (before {rss_before:.0f} MB) |"
    )
    print(f"| index build incl. transit columns | {index_seconds:.1f} s |")
    print(f"| timetable load (once per process) | {load_seconds:.1f} s |\n")
    print("| travel-time query (parse + search) | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
    for label, values in (
        ("router alone, cold origin", router),
        ("cold: new origin, ..45 min, sorted", cold),
        ("cached: same origin again", cached),
        ("cached origin + industry + size filters", combined),
    ):
        if values:
            print(
                f"| {label} | {statistics.median(values):.1f} | "
                f"{percentile(values, 95):.1f} | {max(values):.1f} |"
            )
    print(f"\nCompanies reached within 45 min: median {statistics.median(reached):,.0f}.")


if __name__ == "__main__":
    sys.exit(main())
