"""Overload protection in the app: which waits are refused, how a refusal looks, where the
wait is read from. (The whole server under overload: tests/reliability.)"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest
from flask import Flask

from core.errors import ConfigError
from webapp import create_app
from webapp.overload import Admission, queue_wait, waited_in_backlog


def admission() -> Admission:
    return Admission(target=0.05, interval=0.5, max_wait=10.0)


def test_a_burst_is_served_a_standing_queue_is_cut() -> None:
    gate = admission()
    # a burst: waits grow within one interval (0-0.5 s), the first found the queue empty
    assert all(gate.admit(wait, now) for wait, now in [(0.0, 0.0), (0.3, 0.1), (0.9, 0.4)])
    # the next interval (0.6-1.1 s) is still served, but its queue never empties
    assert all(gate.admit(wait, now) for wait, now in [(0.9, 0.6), (0.4, 0.8), (0.2, 1.0)])
    # so in the one after it (from 1.2 s) what waited more than twice 0.05 s is refused ...
    assert not gate.admit(0.3, 1.2)
    assert not gate.admit(0.11, 1.3)
    # ... and what comes in time is served
    assert gate.admit(0.1, 1.4) and gate.admit(0.0, 1.5)
    # that interval's queue emptied (shortest wait 0 s): the next one serves everything again
    assert gate.admit(0.6, 1.8) and gate.admit(0.9, 1.9)
    assert gate.refused == 2


def test_an_idle_interval_ends_the_standing_queue() -> None:
    gate = admission()
    gate.admit(1.0, 0.0)
    gate.admit(1.0, 0.6)  # interval 0..0.5 stood
    assert not gate.admit(0.5, 0.7)
    # nothing came for a whole interval: the first request afterwards finds a fresh state
    assert gate.admit(0.5, 5.0)


def test_whatever_waited_longer_than_max_wait_is_refused() -> None:
    gate = admission()
    assert not gate.admit(10.5, 0.0)
    assert gate.admit(9.5, 0.1)


@pytest.fixture
def late_app(new_database: Callable[[str], str]) -> Flask:
    """The app trusting X-Request-Start from a front proxy."""
    return create_app(
        {
            "portal": {"database_url": new_database("overload")},
            "overload": {"request_start_header": "X-Request-Start", "retry_after": 7},
        }
    )


def started(seconds_ago: float) -> dict[str, str]:
    return {"X-Request-Start": f"t={time.time() - seconds_ago:.3f}"}


def test_a_request_that_waited_too_long_is_refused_in_json_or_a_page(late_app: Flask) -> None:
    client = late_app.test_client()
    # served: in time, or no time given
    assert client.get("/api/v1/filters", headers=started(0.0)).status_code == 200
    assert client.get("/api/v1/filters").status_code == 200
    late = client.get("/api/v1/filters", headers=started(11.0))
    assert late.status_code == 503 and late.headers["Retry-After"] == "7"
    problem = late.get_json()
    assert problem["code"] == 503 and "try again in 7 seconds" in problem["message"]
    page = client.get("/", headers=started(11.0))
    assert page.status_code == 503 and page.headers["Retry-After"] == "7"
    assert page.mimetype == "text/html" and "Gerade überlastet" in page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers
    english = client.get("/?lang=en", headers=started(11.0)).get_data(as_text=True)
    assert 'lang="en"' in english and "Busy right now" in english


def test_the_header_counts_only_when_the_proxy_is_trusted(
    new_database: Callable[[str], str],
) -> None:
    app = create_app({"portal": {"database_url": new_database("untrusted")}})
    assert app.test_client().get("/api/v1/filters", headers=started(60.0)).status_code == 200


@pytest.mark.parametrize(
    "value, waited",
    [
        ("t=1764999990.5", 9.5),
        ("1764999990500", 9.5),
        ("t=1764999990500000", 9.5),
        ("t=1765000020", 0.0),  # clocks a little apart: never a negative wait
        ("t=nonsense", None),
    ],
)
def test_request_start_in_seconds_milli_or_microseconds(
    monkeypatch: pytest.MonkeyPatch, value: str, waited: float | None
) -> None:
    monkeypatch.setattr(time, "time", lambda: 1_765_000_000.0)
    found = queue_wait({"HTTP_X_REQUEST_START": value}, "X-Request-Start")
    assert found == (None if waited is None else pytest.approx(waited))


def test_the_wait_in_the_backlog_is_read_from_the_socket() -> None:
    # a request sent to a listening socket that nobody accepts for 0.3 s
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET / HTTP/1.0\r\n\r\n")
        time.sleep(0.3)
        accepted, _ = listener.accept()
        with client, accepted:
            accepted.recv(100)
            waited = waited_in_backlog(accepted)
    if waited is None:
        pytest.skip("this system reports no TCP_INFO (not Linux)")
    assert 0.25 <= waited < 5.0
    assert queue_wait({"gunicorn.socket": object()}) is None


def test_impossible_settings_stop_the_start(new_database: Callable[[str], str]) -> None:
    with pytest.raises(ConfigError, match="overload.target_wait"):
        create_app(
            {"portal": {"database_url": new_database("bad")}, "overload": {"target_wait": 0.0}}
        )
