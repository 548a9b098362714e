"""Side by side with a peer: the same companies and views, through our API and Datasette's.

    python bench/peer_bench.py [--companies 50000] [--workers 2] [--seconds 6]

The same demo companies (the published ones with a location, as our search sees them) are
loaded into one flat SQLite table for Datasette (pip package; indexes on the filtered and
sorted columns; multi-valued fields as JSON arrays). Both servers run on loopback with the same
number of worker processes: ours gunicorn (``webapp/gunicorn_conf.py``), Datasette uvicorn
(``bench/peer_datasette.py``). The same map views go to both:

* ours: ``/api/v1/search?bbox=...&zoom=...&<filters>&per_page=20`` (total, 20 items by name,
  counts of every facet with the other filters applied, map clusters or points);
* Datasette: ``/companies/companies.json?lat__gte=...&lon__lte=...&<filters>&_sort=name&_size=20``
  with ``_facet=industry&_facet=town&_facet=size&_facet_array=family&_facet_array=offers``
  (total, 20 rows, counts of those five facets).

Per view kind and server, wrk measures latency with one connection at a time (p50/p95) and
throughput with several. The totals of both are compared first, so both answer the same
question. Prints Markdown with the ratios; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
from loadkit import Databases, Gunicorn, Server, fill, machine, search_path, settle, views, wrk

from core.persistence import companies as repo
from core.platform import Platform
from core.region import default_region
from core.settings import load_settings

FACETS = [("_facet", "industry"), ("_facet", "town"), ("_facet", "size")]
FACETS += [("_facet_array", "family"), ("_facet_array", "offers")]
COLUMNS = (
    "id INTEGER PRIMARY KEY, name TEXT, slug TEXT, town TEXT, postcode TEXT, lat REAL, lon REAL, "
    "industry TEXT, industry_division TEXT, size TEXT, employees INTEGER, professions TEXT, "
    "family TEXT, offers TEXT, benefits TEXT, description TEXT"
)


def flat_table(url: str, path: Path) -> int:
    """The published, located companies of ``url`` as one flat table ``companies``."""
    platform = Platform(load_settings(env={}, overrides={"portal": {"database_url": url}}))
    try:
        with platform.session() as session:
            companies = repo.list_companies(session)
    finally:
        platform.db.dispose()
    rows = [
        (
            c.id,
            c.name,
            c.slug,
            c.address.town,
            c.address.postcode,
            c.location.lat,
            c.location.lon,
            c.industry,
            c.industry_division,
            c.size_class,
            c.employees,
            json.dumps(list(c.professions)),
            json.dumps(list(c.family)),
            json.dumps(list(c.offers)),
            json.dumps(list(c.benefits)),
            c.description,
        )
        for c in companies
        if c.status.value == "published" and c.location is not None
    ]
    db = sqlite3.connect(path)
    db.execute(f"CREATE TABLE companies ({COLUMNS})")
    db.executemany(f"INSERT INTO companies VALUES ({', '.join('?' * 16)})", rows)
    for column in ("lat", "lon", "industry", "town", "size", "name"):
        db.execute(f"CREATE INDEX companies_{column} ON companies ({column})")
    db.execute("ANALYZE")
    db.commit()
    db.close()
    return len(rows)


def peer_path(params: dict[str, list[str]]) -> str:
    """The Datasette request for the same view and filters."""
    west, south, east, north = params["bbox"][0].split(",")
    query: list[tuple[str, str]] = [("_size", "20"), ("_sort", "name"), *FACETS]
    query += [("lat__gte", south), ("lat__lte", north), ("lon__gte", west), ("lon__lte", east)]
    if "industry" in params:
        query.append(("industry__in", ",".join(params["industry"])))
    if "size" in params:
        query.append(("size__in", ",".join(params["size"])))
    query += [("family__arraycontains", v) for v in params.get("family", ())]
    query += [("offers__arraycontains", v) for v in params.get("offer", ())]
    return "/companies/companies.json?" + urlencode(query)


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


class Datasette(Server):
    ready_path = "/companies/companies.json?_size=1"

    def __init__(self, path: Path, workers: int, log: Path) -> None:
        env = {**os.environ, "PEER_DATABASE": str(path)}
        command = [sys.executable, "-m", "uvicorn", "--factory", "peer_datasette:make_app"]
        command += ["--app-dir", str(Path(__file__).parent), "--host", "127.0.0.1"]
        command += ["--port", "{port}", "--workers", str(workers)]
        command += ["--log-level", "warning", "--no-access-log"]
        super().__init__(command, env, log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument(
        "--connections", type=int, default=4, help="for throughput (default: 2 per worker)"
    )
    parser.add_argument("--views", type=int, default=200, help="URLs per view kind")
    parser.add_argument("--engine", choices=["auto", "postgresql", "sqlite"], default="auto")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.perf_counter()

    with Databases(args.engine) as databases, tempfile.TemporaryDirectory() as tmp:
        print(
            f"# regiokarte and Datasette side by side ({time.strftime('%Y-%m-%d %H:%M')})\n\n"
            f"Machine: {machine()}. {args.companies:,} demo companies; ours on "
            f"{databases.engine}, gunicorn with {args.workers} workers; Datasette "
            f"on SQLite (immutable), uvicorn with {args.workers} workers; wrk on the same "
            f"machine, {args.seconds:g} s per measurement.\n",
            flush=True,
        )
        url = databases.new("peer")
        fill(url, args.companies, args.seed)
        peer_db = Path(tmp) / "companies.db"
        rows = flat_table(url, peer_db)
        rng = np.random.default_rng(args.seed)
        kinds = views(default_region(), rng)
        chosen = {kind: [draw() for _ in range(args.views)] for kind, draw in kinds.items()}

        ours = Gunicorn(url, args.workers, Path(tmp) / "gunicorn.log")
        peer = Datasette(peer_db, args.workers, Path(tmp) / "datasette.log")
        results: dict[str, dict[str, dict[str, float]]] = {}
        try:
            ours.start()
            peer.start()
            # both answer the same question: compare totals on a few views of each kind
            checked = agreed = 0
            for params_list in chosen.values():
                for params in params_list[:5]:
                    mine = get_json(ours.base + search_path(params) + "&per_page=20")["total"]
                    theirs = get_json(peer.base + peer_path(params))["filtered_table_rows_count"]
                    checked += 1
                    agreed += mine == theirs
            print(
                f"Flat table: {rows:,} rows. Totals agree on {agreed} of {checked} views.\n",
                flush=True,
            )
            for kind, params_list in chosen.items():
                results[kind] = {}
                for name, server, paths in (
                    ("ours", ours, [search_path(p) + "&per_page=20" for p in params_list]),
                    ("peer", peer, [peer_path(p) for p in params_list]),
                ):
                    settle(server.base, server.ready_path)
                    # warm-up, and a first idea of how long one answer takes: a slow server
                    # gets longer windows, so that enough of its answers count (at most 30 s)
                    probe = wrk(server.base, paths[:20], connections=1, seconds=2)
                    each = probe["p50"] / 1000 if probe["requests"] else 10.0
                    window = min(30.0, max(args.seconds, 20 * each))
                    latency = wrk(server.base, paths, connections=1, seconds=window)
                    settle(server.base, server.ready_path)
                    window = min(30.0, max(args.seconds, 5 * each * args.connections))
                    load = wrk(server.base, paths, connections=args.connections, seconds=window)
                    results[kind][name] = {
                        "p50": latency["p50"] if latency["requests"] else float("inf"),
                        "p95": latency["p95"] if latency["requests"] else float("inf"),
                        "rps": load["rps"],
                        "errors": latency["errors"] + load["errors"],
                    }
                r = results[kind]
                print(
                    f"- {kind}: ours p95 {r['ours']['p95']:.1f} ms / {r['ours']['rps']:.0f} "
                    f"req/s, Datasette p95 {r['peer']['p95']:.1f} ms / {r['peer']['rps']:.0f} "
                    "req/s",
                    flush=True,
                )
        finally:
            ours.stop()
            peer.stop()

    print(
        "\n| view | ours p50 / p95 | Datasette p50 / p95 | p95 ratio | ours req/s | "
        "Datasette req/s | throughput ratio |\n|---|---|---|---|---|---|---|"
    )
    for kind, r in results.items():
        o, p = r["ours"], r["peer"]
        throughput = f"{o['rps'] / p['rps']:.1f}x" if p["rps"] > 0 else "(peer: no answer)"
        print(
            f"| {kind} | {o['p50']:.1f} / {o['p95']:.1f} ms | {p['p50']:.1f} / {p['p95']:.1f} ms "
            f"| **{p['p95'] / o['p95']:.1f}x** | {o['rps']:,.0f} | {p['rps']:,.1f} | "
            f"**{throughput}** |"
        )
    errors = sum(v["errors"] for r in results.values() for v in r.values())
    slower = [k for k, r in results.items() if r["ours"]["p95"] > r["peer"]["p95"]]
    print(
        f"\nRatios are Datasette's p95 over ours and our throughput over Datasette's (above 1: "
        f"ours is faster). Goal: >= 10x on whole-region views, never slower. Slower views: "
        f"{', '.join(slower) or 'none'}. Errors: {errors}. Whole run: "
        f"{time.perf_counter() - began:.0f} s."
    )


if __name__ == "__main__":
    main()
