"""Processes die and write at once: nothing is lost beyond the one request in flight.

* gunicorn as in production (``webapp/gunicorn_conf.py``, two sync workers): a worker killed
  with SIGKILL while requests run loses at most the request it was answering; the master
  starts a new worker and every other and every following request succeeds.
* Several processes write to one SQLite file at once through the platform's write path
  (``begin_write``: BEGIN IMMEDIATE, WAL, a busy timeout): none sees "database is locked" and
  every row arrives.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from reliability_support import (
    Gunicorn,
    build_app,
    children,
    platform_of,
    row_counts,
    run,
    search_total,
    wait_until,
    writer_command,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def server(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Gunicorn]:
    url = new_database("workers")
    app = build_app(url, tmp_path, plugins=[])
    platform_of(app).upgrade_database()
    run(app, "demo", "--companies", "400", "--seed", "8")
    platform_of(app).db.dispose()
    started = Gunicorn(url, tmp_path / "gunicorn.log")
    try:
        wait_until(started.answers, timeout=120, what="gunicorn answers")
        wait_until(lambda: len(children(started.process.pid)) == 2, 30, "two workers run")
        yield started
    finally:
        started.stop()


def test_a_killed_worker_loses_only_its_request_in_flight(server: Gunicorn) -> None:
    expected = search_total(server.url)
    before = children(server.process.pid)
    victim = min(before)

    def attempt(number: int) -> int | None:
        if number == 20:
            os.kill(victim, signal.SIGKILL)
        try:
            return search_total(server.url)
        except (OSError, urllib.error.URLError, http.client.HTTPException):
            # the request the killed worker was answering
            return None

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, range(60)))
    failed = results.count(None)
    assert failed <= 1, f"{failed} requests failed; a sync worker answers one at a time"
    assert set(results) - {None} == {expected}

    wait_until(
        lambda: len(children(server.process.pid)) == 2,
        timeout=30,
        what="the master replaced the killed worker",
    )
    after = children(server.process.pid)
    assert victim not in after and len(after - before) == 1
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: search_total(server.url), range(20))) == [expected] * 20


def test_concurrent_writers_on_sqlite_never_see_a_locked_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'writers.db'}"
    app = build_app(url, tmp_path, plugins=[])
    platform_of(app).upgrade_database()
    writers = [
        subprocess.Popen(
            writer_command(url, transactions=30, per_transaction=3, tag=f"w{number}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(4)
    ]
    outcomes = [writer.communicate(timeout=300) for writer in writers]
    for writer, (out, err) in zip(writers, outcomes, strict=True):
        assert "locked" not in err
        assert writer.returncode == 0, err
        assert int(out) == 90
    counts = row_counts(platform_of(app))
    assert counts["core_companies"] == 4 * 90
    assert counts["core_company_contacts"] == 4 * 90
    platform_of(app).db.dispose()
