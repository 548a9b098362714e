"""Shared parts of the HTTP benchmarks (``make load``, ``make bench-peer``).

A database of demo companies (a throwaway PostgreSQL cluster, or SQLite), gunicorn on a
loopback port as in production (``webapp/gunicorn_conf.py``), wrk driving a list of URLs
(saturation and latency), an open-loop generator at a fixed request rate (latency at a given
load, without coordinated omission), and the memory of server processes. Nothing here asserts
anything about time.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pg_cluster import Cluster, find_pg_bin, free_port  # noqa: E402

from core.io.demo import demo_rows  # noqa: E402
from core.persistence import companies as repo  # noqa: E402
from core.platform import Platform  # noqa: E402
from core.settings import load_settings  # noqa: E402

__all__ = [
    "Databases",
    "Gunicorn",
    "fill",
    "machine",
    "precompile",
    "open_loop",
    "process_memory",
    "settle",
    "wait_http",
    "wrk",
]


def machine() -> str:
    """CPU model, cores, memory and load: the context every figure needs."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.0f} GB RAM, "
        f"load average {load} at the start, Python {sys.version.split()[0]}, "
        f"numpy {np.__version__}"
    )


# --- databases ----------------------------------------------------------------------------------


class Databases:
    """New databases for the benchmark: on a throwaway PostgreSQL cluster (``postgresql``),
    in SQLite files (``sqlite``); ``auto`` takes PostgreSQL when it is installed."""

    def __init__(self, engine: str = "auto") -> None:
        if engine == "auto":
            engine = "postgresql" if find_pg_bin("initdb") else "sqlite"
        self.engine = engine
        self.folder = Path(tempfile.mkdtemp(prefix="regiokarte-bench-"))
        self.cluster: Cluster | None = None
        self._admin: str | None = None
        if engine == "postgresql":
            self.cluster = Cluster()
            self._admin = self.cluster.start()

    def new(self, name: str) -> str:
        if self._admin is None:
            return f"sqlite:///{self.folder / name}.db"
        from sqlalchemy import create_engine, text

        admin = create_engine(self._admin, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self._admin.rsplit("/", 1)[0] + f"/{name}"

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Databases:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fill(url: str, count: int, seed: int = 1) -> tuple[float, list[str]]:
    """Create the tables and insert ``count`` demo companies (as ``regiokarte demo``): the
    seconds it took and the slugs of the published companies."""
    platform = Platform(load_settings(env={}, overrides={"portal": {"database_url": url}}))
    try:
        platform.upgrade_database()
        started = time.perf_counter()
        with platform.session(write=True) as session:
            repo.bulk_insert_rows(session, demo_rows(platform.region, count, seed))
        seconds = time.perf_counter() - started
        platform.engine.refresh(force=True)
        slugs = [str(s) for s in platform.engine.index.slugs]
    finally:
        platform.db.dispose()
    return seconds, slugs


# --- servers ------------------------------------------------------------------------------------

#: the project's packages a server imports (site-packages are byte-compiled when installed)
PROJECT_PACKAGES = ("core", "plugins", "webapp")


def precompile() -> None:
    """Byte-compile the project's modules into their ``__pycache__`` folders, as a deployed
    server has them after its first start (or after ``pip install``): without it every start
    compiles them again when PYTHONDONTWRITEBYTECODE is set."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        # checked against a hash of the source at every import: never stale after an edit
        [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash"]
        + list(PROJECT_PACKAGES),
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 300.0) -> float:
    """Poll ``url`` until it answers 200; the seconds since the call."""
    started = time.perf_counter()
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    response.read()
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def process_memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB; PSS splits pages shared with other processes."""
    rss = pss = float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    if rollup.exists():
        for line in rollup.read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    return rss, pss


class Server:
    """A server process on a free loopback port; ``start`` returns its cold start time."""

    ready_path = "/"

    def __init__(self, command: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = [c.replace("{port}", str(self.port)) for c in command]
        self.env = env
        self.log_path = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start and wait for the first answer: the seconds from spawn to it."""
        started = time.perf_counter()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            wait_http(self.base + self.ready_path, self.process)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}; log:\n{self.log_path.read_text()[-3000:]}") from None
        return time.perf_counter() - started

    def workers(self) -> list[int]:
        assert self.process is not None
        return _children(self.process.pid)

    def wait_workers(self, count: int, timeout: float = 30.0) -> None:
        """Wait until ``count`` worker processes run (they fork after the first answer may
        already have come from one of them)."""
        deadline = time.perf_counter() + timeout
        while len(self.workers()) < count and time.perf_counter() < deadline:
            time.sleep(0.1)

    def memory(self) -> dict[str, list[tuple[float, float]]]:
        """RSS and PSS (MB) of the master and of each worker."""
        assert self.process is not None
        return {
            "master": [process_memory(self.process.pid)],
            "workers": [process_memory(pid) for pid in self.workers()],
        }

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Gunicorn(Server):
    """``gunicorn -c python:webapp.gunicorn_conf webapp.wsgi:app`` on ``database_url``."""

    ready_path = "/api/v1/search?per_page=1"

    def __init__(
        self, database_url: str, workers: int, log: Path, settings: dict[str, str] | None = None
    ) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
        env |= {"REGIOKARTE_DATABASE_URL": database_url, "REGIOKARTE_LIMITS__ENABLED": "false"}
        # a production server starts only with a strong session key
        env["REGIOKARTE_PORTAL__SECRET_KEY"] = secrets.token_urlsafe(48)
        env |= settings or {}
        command = [sys.executable, "-m", "gunicorn", "-c", "python:webapp.gunicorn_conf"]
        command += ["--bind", "127.0.0.1:{port}", "--workers", str(workers), "webapp.wsgi:app"]
        super().__init__(command, env, log)


# --- load ---------------------------------------------------------------------------------------


def settle(base: str, path: str = "/api/v1/search?per_page=1", timeout: float = 60.0) -> None:
    """Wait until the server answers a light request fast again (the previous phase's queue of
    connections has drained), so one phase does not slow down the next."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=timeout) as response:
                response.read()
        except OSError:
            pass
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.2)


def wrk(
    base: str, paths: Iterable[str], *, connections: int, seconds: float, threads: int = 1
) -> dict[str, float]:
    """Run wrk over ``paths`` in turn: requests/s, p50/p95/p99 in ms, errors."""
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        result = subprocess.run(
            [
                binary,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                str(BENCH / "wrk_paths.lua"),
                base,
                "--",
                listing.name,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(listing.name)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    errors = sum(
        figures[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts", "non_2xx")
    )
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "requests": figures["requests"],
        "p50": figures["p50_us"] / 1000,
        "p95": figures["p95_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "errors": errors,
    }


async def _get(host: str, port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    return int(data[9:12]) if data[:5] == b"HTTP/" else 0


async def _open_loop(
    host: str, port: int, jobs: Sequence[tuple[str, str]], rate: float, warmup: int
) -> list[tuple[str, float, int]]:
    loop = asyncio.get_running_loop()
    results: list[tuple[str, float, int]] = []

    async def one(number: int, kind: str, path: str, due: float) -> None:
        try:
            status = await asyncio.wait_for(_get(host, port, path), timeout=10)
        except (OSError, TimeoutError):
            status = 0
        if number >= warmup:
            # from the moment it was due: a late start (server or generator busy) counts
            results.append((kind, (loop.time() - due) * 1000, status))

    tasks = []
    start = loop.time() + 0.1
    for number, (kind, path) in enumerate(jobs):
        due = start + number / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(number, kind, path, due)))
    await asyncio.gather(*tasks)
    return results


def open_loop(
    base: str, jobs: Sequence[tuple[str, str]], *, rate: float, seconds: float, warmup: float = 2
) -> dict[str, Any]:
    """Send (kind, path) jobs in turn at ``rate`` per second for ``seconds`` (after ``warmup``
    seconds not counted), whatever the answers take: latencies per kind and overall."""
    host, port = base.removeprefix("http://").split(":")
    count = int(rate * (seconds + warmup))
    schedule = [jobs[i % len(jobs)] for i in range(count)]
    started = time.perf_counter()
    results = asyncio.run(_open_loop(host, int(port), schedule, rate, int(rate * warmup)))
    elapsed = time.perf_counter() - started
    latencies = np.array([ms for _, ms, _ in results])
    by_kind: dict[str, list[float]] = {}
    for kind, ms, _ in results:
        by_kind.setdefault(kind, []).append(ms)
    return {
        "sent_rate": count / elapsed,
        "requests": len(results),
        "errors": sum(1 for _, _, status in results if status != 200),
        "p50": float(np.percentile(latencies, 50)),
        "p95": float(np.percentile(latencies, 95)),
        "p99": float(np.percentile(latencies, 99)),
        "by_kind": {
            kind: (float(np.percentile(v, 50)), float(np.percentile(v, 95)))
            for kind, v in by_kind.items()
        },
    }


async def _outcome(host: str, port: int, path: str, timeout: float) -> tuple[int, bool]:
    """Status of GET ``path`` (0: reset, refused or no answer within ``timeout``) and whether
    the answer carries Retry-After."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), timeout)
        finally:
            writer.close()
    except (OSError, TimeoutError):
        return 0, False
    head = data.partition(b"\r\n\r\n")[0].lower()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return status, b"\r\nretry-after:" in head


async def _burst(
    host: str, port: int, paths: Sequence[str], rate: float, timeout: float
) -> tuple[list[tuple[float, int, bool]], float]:
    loop = asyncio.get_running_loop()
    results: list[tuple[float, int, bool]] = []

    async def one(path: str, due: float) -> None:
        status, retry_after = await _outcome(host, port, path, timeout)
        results.append(((loop.time() - due) * 1000, status, retry_after))

    tasks = []
    start = loop.time() + 0.1
    for number, path in enumerate(paths):
        delay = start + number / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(path, start + number / rate)))
    last_sent = loop.time()
    await asyncio.gather(*tasks)
    return results, loop.time() - last_sent


def overload(
    base: str, paths: Sequence[str], *, rate: float, seconds: float, timeout: float = 10.0
) -> dict[str, Any]:
    """Offer ``rate`` requests a second for ``seconds`` (open loop, clients give up after
    ``timeout``): how many were served, refused with 503 (+ Retry-After), or got nothing; the
    times of each kind from the moment a request was due; how long the last answers took after
    the last request was sent."""
    host, port = base.removeprefix("http://").split(":")
    count = int(rate * seconds)
    schedule = [paths[i % len(paths)] for i in range(count)]
    started = time.perf_counter()
    results, drained = asyncio.run(_burst(host, int(port), schedule, rate, timeout))
    elapsed = time.perf_counter() - started

    def percentiles(status: int) -> tuple[float, float]:
        ms = [m for m, s, _ in results if s == status]
        if not ms:
            return (float("nan"), float("nan"))
        return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))

    return {
        "offered": count,
        "sent_rate": count / max(elapsed - drained, 1e-9),
        "ok": sum(1 for _, s, _ in results if s == 200),
        "shed": sum(1 for _, s, _ in results if s == 503),
        "shed_with_retry_after": sum(1 for _, s, r in results if s == 503 and r),
        "no_answer": sum(1 for _, s, _ in results if s == 0),
        "other": sum(1 for _, s, _ in results if s not in (0, 200, 503)),
        "ok_ms": percentiles(200),
        "shed_ms": percentiles(503),
        "drained_s": drained,
    }


# --- the views people look at --------------------------------------------------------------------

INDUSTRIES = ("C", "F", "G", "M", "Q", "H", "N", "I", "J")
FAMILY = ("part_time", "flexible_hours", "mobile_work")
OFFERS = ("ausbildung", "praktikum", "duales_studium")
SIZES = ("micro", "small", "medium")


def filters(rng: np.random.Generator) -> dict[str, list[str]]:
    """A typical filter choice: one or two industries, often a family feature and an offer,
    sometimes two size classes."""
    out = {"industry": [str(v) for v in rng.choice(INDUSTRIES, int(rng.integers(1, 3)), False)]}
    if rng.random() < 0.7:
        out["family"] = [str(rng.choice(FAMILY))]
    if rng.random() < 0.7:
        out["offer"] = [str(rng.choice(OFFERS))]
    if rng.random() < 0.5:
        out["size"] = [str(v) for v in rng.choice(SIZES, 2, False)]
    return out


def views(region: Any, rng: np.random.Generator) -> dict[str, Any]:
    """Map views by kind, each a function that draws search parameters (name -> values):
    the whole region (clusters), a city, a district (points), each with and without filters."""
    b = region.bounds
    whole = f"{b.west:.4f},{b.south:.4f},{b.east:.4f},{b.north:.4f}"
    towns = region.towns

    def around(span_lat: float, span_lon: float, zoom: int) -> dict[str, list[str]]:
        town = towns[int(rng.integers(len(towns)))]
        lat = town.center.lat + rng.normal(0, 0.01)
        lon = town.center.lon + rng.normal(0, 0.01)
        bbox = (
            f"{lon - span_lon:.4f},{lat - span_lat:.4f},{lon + span_lon:.4f},{lat + span_lat:.4f}"
        )
        return {"bbox": [bbox], "zoom": [str(zoom)]}

    return {
        "whole region": lambda: {"bbox": [whole], "zoom": ["10"]},
        "whole region + filters": lambda: {"bbox": [whole], "zoom": ["10"], **filters(rng)},
        "city": lambda: around(0.04, 0.07, 13),
        "city + filters": lambda: {**around(0.04, 0.07, 13), **filters(rng)},
        "district": lambda: around(0.008, 0.013, 15),
        "district + filters": lambda: {**around(0.008, 0.013, 15), **filters(rng)},
    }


def search_path(params: dict[str, list[str]]) -> str:
    from urllib.parse import urlencode

    return "/api/v1/search?" + urlencode(params, doseq=True)
