"""Load test: gunicorn as in production, on loopback, with 50,000 demo companies.

    python bench/load_bench.py [--companies 50000] [--startup-sizes 50000 500000]
                               [--workers 2] [--rate 300] [--seconds 15] [--engine auto]
                               [--startup-only] [--starts 1] [--no-precompile]
                               [--overload-rate 300] [--overload-seconds 20] [--overload-only]
                               [--no-shedding]

1. Fills a database (a throwaway PostgreSQL cluster when PostgreSQL is installed, else SQLite)
   with demo companies and starts ``gunicorn -c python:webapp.gunicorn_conf webapp.wsgi:app``;
   cold start = spawn until the first search is answered (imports, app, index build).
2. A URL mix like the portal's traffic: searches (whole region with clusters, city, district,
   with and without filters), company pages and the companies layer of a city view.
3. Throughput at saturation with wrk (Debian package; ``bench/wrk_paths.lua`` cycles the URLs):
   the mix, and filtered searches alone.
4. Latency at a fixed rate (default 300 requests/s) from an open-loop generator: every request
   is timed from the moment it was due, so a slow server cannot slow the load down.
5. Overload: the mix offered at ``--overload-rate`` (default 300 requests/s, more than two
   workers serve) for ``--overload-seconds``, clients giving up after 10 s: how many requests
   were served, refused at once with 503 + Retry-After, or got nothing; then the recovery
   (how long until a search is answered fast again, and the mix at a tenth of the rate).
   ``--overload-only`` runs this phase alone (no wrk phases, no other sizes); ``--no-shedding``
   turns the overload protection off (``overload.enabled = false``) to compare.
6. RSS and PSS of each worker, after start and after the load; cold start and memory again at
   the other sizes (default 500,000). ``--startup-only`` skips steps 2-4; ``--starts 3`` starts
   the server at ``--companies`` three times (cold start varies with the machine's load).

The project's modules are byte-compiled first (``__pycache__``, as on a deployed server).
``--no-precompile`` skips that: in a checkout without ``__pycache__`` and with
PYTHONDONTWRITEBYTECODE set, every start then compiles the project's modules again.

Prints Markdown; nothing is asserted. Wall-clock figures depend on the machine and on what else
runs on it: the header says which machine and its load.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from loadkit import (
    Databases,
    Gunicorn,
    fill,
    machine,
    open_loop,
    overload,
    precompile,
    search_path,
    settle,
    views,
    wrk,
)

from core.region import default_region

TARGET_P95_MS = 50
TARGET_FILTERED_RPS = 800


def url_mix(slugs: list[str], seed: int, count: int = 3000) -> list[tuple[str, str]]:
    """(kind, path) in a shuffled mix: 70 % searches, 18 % company pages, 12 % layers (a
    layer's features in a district view, as a map shows them when zoomed in)."""
    rng = np.random.default_rng(seed)
    shuffle = random.Random(seed)
    kinds = views(default_region(), rng)
    weights = {
        "whole region": 8,
        "whole region + filters": 10,
        "city": 12,
        "city + filters": 14,
        "district": 12,
        "district + filters": 14,
        "company page": 18,
        "layer (district view)": 12,
    }
    jobs: list[tuple[str, str]] = []
    for kind, weight in weights.items():
        for _ in range(count * weight // 100):
            if kind == "company page":
                path = f"/unternehmen/{slugs[int(rng.integers(len(slugs)))]}"
            elif kind.startswith("layer"):
                bbox = kinds["district"]()["bbox"][0]
                path = f"/api/v1/layers/companies?bbox={bbox}"
            else:
                path = search_path(kinds[kind]())
            jobs.append((kind, path))
    shuffle.shuffle(jobs)
    return jobs


def memory_line(memory: dict[str, list[tuple[float, float]]]) -> str:
    workers = memory["workers"]
    if not workers:
        return "no workers found"
    rss = max(r for r, _ in workers)
    pss = max(p for _, p in workers)
    master = memory["master"][0][0]
    return (
        f"{rss:,.0f} MB RSS / {pss:,.0f} MB PSS per worker (max of {len(workers)}), "
        f"master {master:,.0f} MB RSS"
    )


def load_phases(
    server: Gunicorn, slugs: list[str], args: argparse.Namespace, rows: list[tuple[str, str]]
) -> None:
    """Saturation with wrk (the mix, then filtered searches) and latency at a fixed rate."""
    jobs = url_mix(slugs, args.seed)
    paths = [p for _, p in jobs]
    filtered = [p for k, p in jobs if k.endswith("+ filters")]
    wrk(server.base, paths, connections=args.connections, seconds=3)  # warm-up
    for name, chosen in (("mixed URLs", paths), ("filtered searches", filtered)):
        settle(server.base)
        sat = wrk(server.base, chosen, connections=args.connections, seconds=args.seconds)
        rows.append(
            (
                f"saturation, {name} (wrk, {args.connections} connections)",
                f"**{sat['rps']:,.0f} req/s**, p50 {sat['p50']:.1f} / p95 "
                f"{sat['p95']:.1f} / p99 {sat['p99']:.1f} ms, {sat['errors']} errors",
            )
        )
        print(f"- {rows[-1][0]}: {rows[-1][1]}", flush=True)

    settle(server.base)
    fixed = open_loop(server.base, jobs, rate=args.rate, seconds=args.seconds)
    rows.append(
        (
            f"mixed URLs at {args.rate:g} req/s (open loop, {args.seconds:g} s)",
            f"p50 {fixed['p50']:.1f} / **p95 {fixed['p95']:.1f}** / p99 "
            f"{fixed['p99']:.1f} ms, sent {fixed['sent_rate']:.0f} req/s, "
            f"{fixed['errors']} errors of {fixed['requests']:,}",
        )
    )
    for kind, (p50, p95) in sorted(fixed["by_kind"].items()):
        rows.append(
            (
                f"&nbsp;&nbsp;{kind} at {args.rate:g} req/s",
                f"p50 {p50:.1f} / p95 {p95:.1f} ms",
            )
        )
    rows.append((f"memory after the load at {args.companies:,}", memory_line(server.memory())))


def overload_phase(
    server: Gunicorn, slugs: list[str], args: argparse.Namespace, rows: list[tuple[str, str]]
) -> None:
    """More load than the workers serve, then the recovery."""
    paths = [p for _, p in url_mix(slugs, args.seed + 1)]
    settle(server.base)
    rate, seconds = args.overload_rate, args.overload_seconds
    burst = overload(server.base, paths, rate=rate, seconds=seconds)
    recovery_started = time.perf_counter()
    settle(server.base)
    recovered_s = time.perf_counter() - recovery_started
    after = open_loop(server.base, [("mix", p) for p in paths], rate=rate / 10, seconds=5)
    ok_p50, ok_p95 = burst["ok_ms"]
    shed_p50, shed_p95 = burst["shed_ms"]
    rows += [
        (
            f"overload: mixed URLs offered at {rate:g} req/s for {seconds:g} s "
            f"(sent {burst['sent_rate']:.0f} req/s, {burst['offered']:,} requests)",
            f"**{burst['ok']:,} served** (p50 {ok_p50:.0f} / p95 {ok_p95:.0f} ms), "
            f"**{burst['shed']:,} refused 503** ({burst['shed_with_retry_after']:,} with "
            f"Retry-After; p50 {shed_p50:.0f} / p95 {shed_p95:.0f} ms), "
            f"{burst['no_answer']:,} no answer within 10 s, {burst['other']:,} other",
        ),
        (
            "overload: last answers after the last request was sent",
            f"{burst['drained_s']:.1f} s",
        ),
        (
            f"after the overload: a search fast again after; the mix at {rate / 10:g} req/s",
            f"{recovered_s:.1f} s; p50 {after['p50']:.1f} / p95 {after['p95']:.1f} ms, "
            f"{after['errors']} errors of {after['requests']:,}",
        ),
    ]
    for name, value in rows[-3:]:
        print(f"- {name}: {value}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--startup-sizes", type=int, nargs="*", default=[500_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--engine", choices=["auto", "postgresql", "sqlite"], default="auto")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--startup-only",
        action="store_true",
        help="only cold start and memory after start at every size (no load phases)",
    )
    parser.add_argument(
        "--no-precompile",
        action="store_true",
        help="do not byte-compile the project's modules first",
    )
    parser.add_argument("--overload-rate", type=float, default=300.0)
    parser.add_argument("--overload-seconds", type=float, default=20.0)
    parser.add_argument(
        "--overload-only",
        action="store_true",
        help="only the overload phase and the recovery (no wrk phases, no other sizes)",
    )
    parser.add_argument(
        "--no-shedding",
        action="store_true",
        help="run the server with overload.enabled = false (for comparison)",
    )
    parser.add_argument(
        "--starts",
        type=int,
        default=1,
        help="cold starts at --companies (the first is measured fully)",
    )
    args = parser.parse_args()
    began = time.perf_counter()
    if not args.no_precompile:
        precompile()
    bytecode = (
        "project bytecode compiled beforehand"
        if not args.no_precompile
        else "project bytecode not compiled beforehand"
    )

    rows: list[tuple[str, str]] = []
    with Databases(args.engine) as databases, tempfile.TemporaryDirectory() as tmp:
        print(
            f"# regiokarte load test ({time.strftime('%Y-%m-%d %H:%M')})\n\n"
            f"Machine: {machine()}. Database: {databases.engine}. gunicorn "
            f"{args.workers} sync workers (webapp/gunicorn_conf.py"
            f"{', overload protection off' if args.no_shedding else ''}), {bytecode}, wrk and the "
            "load generator on the same machine.\n",
            flush=True,
        )
        url = databases.new("load50k")
        insert_s, slugs = fill(url, args.companies, args.seed)
        rows.append((f"demo data insert, {args.companies:,} companies", f"{insert_s:.1f} s"))
        shedding = {"REGIOKARTE_OVERLOAD__ENABLED": "false"} if args.no_shedding else {}
        with Gunicorn(url, args.workers, Path(tmp) / "gunicorn.log", shedding) as server:
            cold = server.start()
            rows.append(
                (f"cold start at {args.companies:,} (spawn to first answer)", f"{cold:.2f} s")
            )
            server.wait_workers(args.workers)
            rows.append((f"memory after start at {args.companies:,}", memory_line(server.memory())))
            if not args.startup_only and not args.overload_only:
                load_phases(server, slugs, args, rows)
            if not args.startup_only:
                overload_phase(server, slugs, args, rows)
        for again in range(1, args.starts):
            log = Path(tmp) / f"gunicorn-{again}.log"
            with Gunicorn(url, args.workers, log) as server:
                cold = server.start()
                rows.append((f"cold start at {args.companies:,}, again", f"{cold:.2f} s"))

        for size in [] if args.overload_only else args.startup_sizes:
            url = databases.new(f"load{size}")
            insert_s, _ = fill(url, size, args.seed)
            rows.append((f"demo data insert, {size:,} companies", f"{insert_s:.1f} s"))
            with Gunicorn(url, args.workers, Path(tmp) / f"gunicorn-{size}.log") as server:
                cold = server.start()
                rows.append((f"cold start at {size:,} (spawn to first answer)", f"{cold:.2f} s"))
                server.wait_workers(args.workers)
                # one search per worker, so each has touched its index
                wrk(server.base, ["/api/v1/search?per_page=1"], connections=args.workers, seconds=1)
                rows.append((f"memory after start at {size:,}", memory_line(server.memory())))

    print("\n| measure | figure |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(
        f"\nTargets: p95 <= {TARGET_P95_MS} ms at 300 req/s; >= {TARGET_FILTERED_RPS} req/s "
        "at saturation for filtered searches; <= 300 MB per worker and <= 3 s cold start at "
        f"50,000. Whole run: {time.perf_counter() - began:.0f} s.",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
