"""Search benchmark: p50/p95 per query kind at several data sizes, index build time, memory.

    python bench/search_bench.py [--sizes 50000 500000] [--repeat 200]

Builds a fresh SQLite database of demo companies per size (in a temporary folder), starts a
Platform on it, and times searches through the same code path the API uses (parse + search).
Prints a Markdown table. Times are wall-clock on this machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import attrs
import numpy as np

from core.io.demo import demo_rows
from core.persistence import companies as repo
from core.platform import Platform
from core.settings import load_settings


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def scenarios(
    platform: Platform, rng: np.random.Generator
) -> dict[str, Callable[[], dict[str, list[str]]]]:
    b = platform.region.bounds
    region_bbox = f"{b.west},{b.south},{b.east},{b.north}"
    towns = platform.region.towns

    def around(span_lat: float, span_lon: float, zoom: int) -> dict[str, list[str]]:
        town = towns[int(rng.integers(len(towns)))]
        lat = town.center.lat + rng.normal(0, 0.01)
        lon = town.center.lon + rng.normal(0, 0.01)
        bbox = f"{lon - span_lon},{lat - span_lat},{lon + span_lon},{lat + span_lat}"
        return {"bbox": [bbox], "zoom": [str(zoom)]}

    def filters() -> dict[str, list[str]]:
        industries = ["C", "F", "G", "M", "Q", "H", "N", "I", "J"]
        out = {
            "industry": list(rng.choice(industries, size=int(rng.integers(1, 3)), replace=False))
        }
        if rng.random() < 0.7:
            out["family"] = [str(rng.choice(["part_time", "flexible_hours", "mobile_work"]))]
        if rng.random() < 0.7:
            out["offer"] = [str(rng.choice(["ausbildung", "praktikum", "duales_studium"]))]
        if rng.random() < 0.5:
            out["size"] = list(rng.choice(["micro", "small", "medium"], size=2, replace=False))
        return out

    return {
        "region": lambda: {"bbox": [region_bbox], "zoom": ["10"]},
        "region + filters": lambda: {"bbox": [region_bbox], "zoom": ["10"], **filters()},
        "city": lambda: around(0.04, 0.07, 13),
        "city + filters": lambda: {**around(0.04, 0.07, 13), **filters()},
        "district": lambda: around(0.008, 0.013, 15),
        "district + filters": lambda: {**around(0.008, 0.013, 15), **filters()},
        "radius 10 km, by distance": lambda: {
            "near_town": [towns[int(rng.integers(len(towns)))].name],
            "radius_km": ["10"],
            "sort": ["distance"],
            "zoom": ["12"],
        },
        "text 'bau' + filters": lambda: {
            "q": ["bau"],
            "bbox": [region_bbox],
            "zoom": ["10"],
            **filters(),
        },
        "region, page 200": lambda: {"bbox": [region_bbox], "zoom": ["10"], "page": ["200"]},
    }


def run_size(count: int, repeat: int, seed: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        settings = load_settings(env={}, overrides={"portal": {"database_url": url}})
        platform = Platform(settings)
        platform.upgrade_database()
        started = time.perf_counter()
        with platform.session(write=True) as session:
            repo.bulk_insert_rows(session, demo_rows(platform.region, count, seed))
        rows.append(("demo data insert", f"{time.perf_counter() - started:.1f} s"))
        del platform
        gc.collect()

        rss_before = rss_mb()
        started = time.perf_counter()
        platform = Platform(settings)
        platform.engine.refresh(force=True)
        cold = time.perf_counter() - started
        index = platform.engine.index
        rows.append(("cold start (load + index build)", f"{cold:.2f} s"))
        rows.append(("indexed companies", f"{index.size:,}"))
        rows.append(("memory of the index (RSS growth)", f"{rss_mb() - rss_before:.0f} MB"))
        rows.append(("process RSS", f"{rss_mb():.0f} MB"))

        rng = np.random.default_rng(seed)
        for name, make in scenarios(platform, rng).items():
            times: list[float] = []
            totals: list[int] = []
            for _ in range(repeat):
                params = make()
                t0 = time.perf_counter()
                result = platform.search(platform.parse_query(params))
                times.append((time.perf_counter() - t0) * 1000)
                totals.append(result.total)
            symbols = len(result.clusters) + len(result.points)
            rows.append(
                (
                    f"search: {name}",
                    f"p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms "
                    f"(median total {int(statistics.median(totals)):,}, {symbols} map symbols)",
                )
            )

        # collision-free clustering of the whole region alone, at the start view and deeper
        from core.search.clustering import place_symbols

        for zoom in (10, 11, 12):
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                placed = place_symbols(index.mx, index.my, index.lat, index.lon, zoom)
                times.append((time.perf_counter() - t0) * 1000)
            rows.append(
                (
                    f"clustering, whole region (zoom {zoom})",
                    f"p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms "
                    f"({placed.size} symbols, none overlapping)",
                )
            )

        # payload of one whole-region map move as the API would send it
        b = platform.region.bounds
        result = platform.search(
            platform.parse_query(
                {"bbox": [f"{b.west},{b.south},{b.east},{b.north}"], "zoom": ["11"]}
            )
        )
        payload = json.dumps(attrs.asdict(result), default=str).encode()
        rows.append(
            (
                "JSON of a whole-region answer (zoom 11)",
                f"{len(payload) / 1024:.0f} KB, {len(gzip.compress(payload)) / 1024:.1f} KB gzip",
            )
        )

        # freshness: a change committed to the database, then found by the next search
        company = repo.get_company(platform.session_factory(), int(index.ids[0]))
        company.name = "Frisch Gespeichert GmbH"
        t0 = time.perf_counter()
        platform.save_company(company)
        while True:
            platform.engine._last_check = float("-inf")  # noqa: SLF001 - measure the patch itself
            if platform.search(platform.parse_query({"q": ["frisch gespeichert"]})).total:
                break
        rows.append(
            (
                "saved profile findable after",
                f"{(time.perf_counter() - t0) * 1000:.0f} ms (+ up to search.refresh_interval)",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000])
    parser.add_argument(
        "--repeat", type=int, default=0, help="searches per scenario (default: by size)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(
        f"# regiokarte search benchmark ({time.strftime('%Y-%m-%d')}, Python "
        f"{sys.version.split()[0]}, numpy {np.__version__})\n"
    )
    for count in args.sizes:
        repeat = args.repeat or (200 if count <= 100_000 else 50)
        print(f"## {count:,} demo companies ({repeat} searches per scenario)\n")
        print("| measure | figure |\n|---|---|")
        for name, value in run_size(count, repeat, args.seed):
            print(f"| {name} | {value} |", flush=True)
        print()


if __name__ == "__main__":
    main()
