"""Overload is shed: more requests than the workers can serve get a quick 503, and the server
recovers as soon as the load drops.

A real gunicorn (``webapp/gunicorn_conf.py``, two sync workers) serves the app with a test
route that holds its worker for ``SLOW_S`` seconds without using the processor, so the server's
capacity is known: 2 / SLOW_S requests a second. A generator on loopback offers five times that
for a few seconds, each request at its due time whatever the answers take (open loop), then
stops. Without shedding every request would queue in the listen backlog and be served in turn
(the last ones after many seconds, long after their clients gave up); with it, the requests the
workers have no time for are answered 503 with Retry-After, in the app's JSON problem document
or its German page, and the ones that are served are still served in full. Afterwards every
request is answered 200 again.

Outcomes are counted; the only times are generous bounds on the client side.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pg_cluster import free_port

from core import Platform, load_settings

ROOT = Path(__file__).resolve().parents[2]
#: Seconds the test route holds a worker; with 2 workers the capacity is 2 / SLOW_S per second.
SLOW_S = 0.1
WORKERS = 2
CAPACITY = WORKERS / SLOW_S
#: Offered load: five times the capacity, for BURST_S seconds.
RATE = 5 * CAPACITY
BURST_S = 3.0
#: A client gives up after this long (a generous bound: sheds come in well under a second).
CLIENT_TIMEOUT_S = 20.0

pytestmark = pytest.mark.slow


class Answer:
    """One request's outcome: status (0: no answer), Retry-After, body, seconds to answer."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes, seconds: float) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds


async def fetch(port: int, path: str, accept: str) -> Answer:
    started = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), CLIENT_TIMEOUT_S
        )
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), CLIENT_TIMEOUT_S)
        finally:
            writer.close()
    except (OSError, TimeoutError):
        return Answer(0, {}, b"", time.monotonic() - started)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/"):
        return Answer(0, {}, b"", time.monotonic() - started)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(lines[0].split()[1]), headers, body, time.monotonic() - started)


async def offer(port: int, rate: float, seconds: float) -> list[Answer]:
    """``rate`` requests a second for ``seconds``, each at its due time; all their answers."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    tasks = []
    for number in range(int(rate * seconds)):
        delay = start + number / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        # half of the clients are programs (JSON), half browsers (a page)
        accept = "application/json" if number % 2 else "text/html"
        tasks.append(asyncio.create_task(fetch(port, "/langsam", accept)))
    return list(await asyncio.gather(*tasks))


@pytest.fixture
def server(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[int]:
    """gunicorn with the production configuration, two workers, the slow test route; port."""
    url = new_database("overload")
    platform = Platform(load_settings(env={}, overrides={"portal": {"database_url": url}}))
    platform.upgrade_database()
    platform.db.dispose()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
    env |= {
        "REGIOKARTE_DATABASE_URL": url,
        "REGIOKARTE_LIMITS__ENABLED": "false",
        "REGIOKARTE_PLUGINS__ENABLED": '["slow"]',
        "REGIOKARTE_PORTAL__SECRET_KEY": "overload-test-" + "k" * 40,
        "REGIOKARTE_TEST_SLOW_S": str(SLOW_S),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)]),
    }
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:webapp.gunicorn_conf"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "fake_plugins.slow_wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while asyncio.run(fetch(port, "/langsam", "application/json")).status != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_overload_is_answered_503_quickly_and_the_server_recovers(server: int) -> None:
    answers = asyncio.run(offer(server, RATE, BURST_S))
    offered = len(answers)
    statuses = [a.status for a in answers]
    served = [a for a in answers if a.status == 200]
    shed = [a for a in answers if a.status == 503]
    # every request got an answer: none reset, none left waiting until its client gave up
    assert statuses.count(0) == 0, f"{statuses.count(0)} of {offered} got no answer"
    assert len(served) + len(shed) == offered, sorted(set(statuses))
    # the workers kept serving (they did not spend themselves on requests given up) ...
    assert len(served) >= CAPACITY * BURST_S / 4, (len(served), len(shed))
    # ... and turned away what they could not serve: offered five times the capacity, at
    # least half of the requests are refused
    assert len(shed) >= offered / 2, (len(served), len(shed))
    # quickly: most refusals well before a client would give up, none after
    quick = [a for a in shed if a.seconds < CLIENT_TIMEOUT_S / 4]
    assert len(quick) >= 0.9 * len(shed), sorted(a.seconds for a in shed)[-10:]
    # a refusal says when to come back, as JSON for programs and as a page for people
    for answer in shed:
        assert int(answer.headers["retry-after"]) >= 1
        if answer.headers["content-type"].startswith("application/json"):
            problem = json.loads(answer.body)
            assert problem["code"] == 503 and "overloaded" in problem["message"]
        else:
            assert answer.headers["content-type"].startswith("text/html")
            assert "Gerade überlastet" in answer.body.decode()

    # the load has dropped: requests one after another are all served again
    recovered = [
        asyncio.run(fetch(server, "/langsam", "application/json")).status for _ in range(10)
    ]
    assert recovered == [200] * 10
