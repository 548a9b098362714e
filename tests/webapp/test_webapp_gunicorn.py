"""Several servers, several workers, one database: gunicorn as in production.

No state lives in one process that another needs. Two gunicorn servers
(``webapp/gunicorn_conf.py``, two workers each) run on one database of the engine under test
(PostgreSQL in the PostgreSQL pass). A company written through one server must be found, and a
deleted one gone, in every worker of both servers within 2 s: each worker follows the
database's change log by itself. Rate limits are counted in Redis when ``limits.storage_uri``
names it, else per process.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from checks import wait_for
from flask import Flask
from pg_cluster import free_port

from core import Platform, load_settings
from core.io.demo import demo_rows
from core.persistence import companies as repo
from webapp.security import limiter_of

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "gunicorn-test-token"
#: ARCHITECTURE.md: a saved profile is findable within 2 s in every worker.
FRESHNESS_S = 2.0
#: Requests sent at once to a server: more than its workers, so every worker answers some.
PARALLEL = 6

pytestmark = pytest.mark.slow


class Server:
    """``gunicorn -c python:webapp.gunicorn_conf webapp.wsgi:app`` on a free loopback port."""

    def __init__(self, database_url: str, log: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
        env |= {
            "REGIOKARTE_DATABASE_URL": database_url,
            "REGIOKARTE_PORTAL__OPERATOR_TOKEN": TOKEN,
            # a production server starts only with a strong session key
            "REGIOKARTE_PORTAL__SECRET_KEY": secrets.token_urlsafe(48),
            "REGIOKARTE_LIMITS__ENABLED": "false",
            # these tests send bursts on purpose and measure freshness, not load shedding: on a
            # busy machine the shedding would answer some of them 503 (tests/reliability has it)
            "REGIOKARTE_OVERLOAD__ENABLED": "false",
        }
        command = [sys.executable, "-m", "gunicorn", "-c", "python:webapp.gunicorn_conf"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [*command, "webapp.wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {self.log_path.read_text(errors='replace')}")
            try:
                get_json(f"{self.url}/api/v1/search?per_page=1")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer in {timeout:g} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def get_json(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Connection": "close"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def send(url: str, method: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


@pytest.fixture
def servers(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[list[Server]]:
    """Two servers with two workers each on one database of 300 demo companies."""
    url = new_database("shared")
    platform = Platform(load_settings(env={}, overrides={"portal": {"database_url": url}}))
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 300, 4))
    platform.db.dispose()
    started = [Server(url, tmp_path / f"gunicorn-{name}.log") for name in ("a", "b")]
    try:
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


def totals_everywhere(servers: list[Server], text: str) -> set[int]:
    """The totals that ``PARALLEL`` simultaneous searches for ``text`` per server answer."""
    urls = [f"{s.url}/api/v1/search?q={text}&per_page=1" for s in servers for _ in range(PARALLEL)]
    with ThreadPoolExecutor(len(urls)) as pool:
        return {body["total"] for body in pool.map(get_json, urls)}


def test_a_write_through_one_server_reaches_every_worker_of_both(servers: list[Server]) -> None:
    a, b = servers
    word = "Zweiprozessprobe"
    assert totals_everywhere(servers, word) == {0}
    created = send(
        f"{a.url}/api/v1/companies",
        "POST",
        {
            "name": f"{word} GmbH",
            "status": "published",
            "industry": "J",
            "postcode": "45768",
            "town": "Marl",
            "lat": 51.656,
            "lon": 7.09,
        },
    )
    written = time.monotonic()
    wait_for(
        lambda: totals_everywhere(servers, word) == {1},
        timeout=FRESHNESS_S,
        what="the company written through server A is found by every worker of A and B",
    )
    found_after = time.monotonic() - written

    send(f"{b.url}/api/v1/companies/{created['id']}", "DELETE")
    deleted = time.monotonic()
    wait_for(
        lambda: totals_everywhere(servers, word) == {0},
        timeout=FRESHNESS_S,
        what="the company deleted through server B is gone from every worker of A and B",
    )
    gone_after = time.monotonic() - deleted
    print(f"found everywhere after {found_after:.2f} s, gone after {gone_after:.2f} s")


# --- rate limits: shared through Redis, per process without it ------------------------------------


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A throwaway Redis server on loopback (Debian's redis-server), nothing kept on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    pytest.importorskip("redis", reason="the Redis client is not installed (extra 'redis')")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _accepts(port), timeout=10, what="redis-server accepts connections")
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def limited_app(make_app: Callable[..., Flask], storage_uri: str) -> Flask:
    """An app whose POST /limited allows 3 requests a minute per client address."""
    app = make_app(limits={"enabled": True, "storage_uri": storage_uri})

    @app.post("/limited")
    @limiter_of(app).limit("3 per minute")
    def limited() -> str:
        return "ok"

    return app


def test_rate_limits_count_across_processes_through_redis(
    make_app: Callable[..., Flask], redis_url: str
) -> None:
    """Two app instances stand for two workers: with Redis they share one count."""
    first, second = (limited_app(make_app, redis_url).test_client() for _ in range(2))
    assert [first.post("/limited").status_code for _ in range(2)] == [200, 200]
    assert [second.post("/limited").status_code for _ in range(2)] == [200, 429]
    assert first.post("/limited").status_code == 429


def test_without_redis_each_process_counts_alone(make_app: Callable[..., Flask]) -> None:
    """The documented fallback (memory://) suits one worker only: each process counts alone."""
    first, second = (limited_app(make_app, "memory://").test_client() for _ in range(2))
    assert [first.post("/limited").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert [second.post("/limited").status_code for _ in range(4)] == [200, 200, 200, 429]
