"""Overload protection: a request that waited too long for a worker is answered 503 at once.

gunicorn's sync workers take one request at a time from the listen socket's backlog (the
kernel's accept queue); nothing in gunicorn limits how long a connection waits there. When more
requests come than the workers serve, the queue grows, every request waits longer than its
client does, and the workers spend their time on requests nobody waits for any more: the
server answers almost nothing and the queue never empties.

So each request's wait is measured when a worker takes it up, and a request that waited too
long is answered 503 with ``Retry-After`` (the app's usual JSON problem document or short
German/English page) without doing its work, which costs about a millisecond; the queue
empties, the requests that remain are answered in time, and the server is back to normal as
soon as the load drops.

The wait comes from the connection itself: Linux reports per TCP socket how long ago its last
data arrived (``TCP_INFO``, ``tcpi_last_data_recv``, in milliseconds); for a request read
straight after it arrived that is about 0, for one that sat in the backlog it is the time it
sat there. A front proxy that queues requests itself, or talks to gunicorn over a Unix socket,
can send the time it received a request instead (``overload.request_start_header``, e.g.
nginx ``proxy_set_header X-Request-Start "t=${msec}";``).

Which requests are refused follows the idea of CoDel (Controlled Delay, as Facebook's servers
apply it to request queues): short bursts are served, only a queue that does not empty is cut.
A worker looks at the shortest wait of each ``interval``; when even that exceeded
``target_wait`` the queue is standing, and during the next interval requests that waited more
than twice ``target_wait`` are refused. Whatever waited longer than ``max_wait`` is refused in
any case.
"""

from __future__ import annotations

import math
import socket
import struct
import threading
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request

from core.errors import ConfigError
from core.settings import OverloadSettings

__all__ = ["Admission", "init_overload", "queue_wait", "waited_in_backlog"]

EXTENSION_KEY = "regiokarte.overload"
#: Offset of ``tcpi_last_data_recv`` (u32, milliseconds) in Linux's ``struct tcp_info``.
_LAST_DATA_RECV = 52
_TCP_INFO_SIZE = 104


def waited_in_backlog(sock: Any) -> float | None:
    """Seconds since the last data of ``sock`` arrived (Linux TCP sockets), else None."""
    option = getattr(socket, "TCP_INFO", None)
    if option is None or not isinstance(sock, socket.socket):
        return None
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, option, _TCP_INFO_SIZE)
    except (OSError, ValueError):
        return None  # a Unix socket, or closed already
    if len(raw) < _LAST_DATA_RECV + 4:
        return None
    (milliseconds,) = struct.unpack_from("=I", raw, _LAST_DATA_RECV)
    return float(milliseconds) / 1000.0


def _proxy_start(value: str, now: float) -> float | None:
    """Seconds since the time in a request-start header (``t=`` seconds, ms or µs)."""
    text = value.strip().removeprefix("t=")
    try:
        stamp = float(text)
    except ValueError:
        return None
    if not math.isfinite(stamp) or stamp <= 0:
        return None
    # nginx ${msec} sends seconds with a fraction, others milli- or microseconds
    while stamp > 1e11:
        stamp /= 1000.0
    return max(0.0, now - stamp)


def queue_wait(environ: Mapping[str, Any], header: str = "") -> float | None:
    """Seconds this request waited before a worker took it up; None when nothing tells."""
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        value = environ.get(key)
        if isinstance(value, str):
            return _proxy_start(value, time.time())
    return waited_in_backlog(environ.get("gunicorn.socket"))


class Admission:
    """Per worker process: whether a request that waited ``wait`` seconds is served."""

    def __init__(self, *, target: float, interval: float, max_wait: float) -> None:
        self.target = target
        self.interval = interval
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._interval_end = -math.inf
        self._shortest = math.inf
        self._standing = False
        #: Requests refused since start (for logs and tests).
        self.refused = 0

    def admit(self, wait: float, now: float) -> bool:
        """False: answer 503 now. ``now`` is a monotonic clock reading."""
        with self._lock:
            if now >= self._interval_end:
                # the queue stood when every request of the past interval waited too long; an
                # interval without requests (the server was idle) ends it
                recent = now < self._interval_end + self.interval
                self._standing = recent and self._shortest > self.target
                self._interval_end = now + self.interval
                self._shortest = wait
            else:
                self._shortest = min(self._shortest, wait)
            served = wait <= self.max_wait and not (self._standing and wait > 2 * self.target)
            if not served:
                self.refused += 1
            return served


def init_overload(app: Flask, settings: OverloadSettings) -> Admission | None:
    """Refuse requests that waited too long for this worker (503, before any other work)."""
    problems = settings.problems()
    if problems:
        raise ConfigError("Invalid settings: " + " ".join(problems), {"overload": problems})
    if not settings.enabled:
        return None
    admission = Admission(
        target=settings.target_wait, interval=settings.interval, max_wait=settings.max_wait
    )
    app.extensions[EXTENSION_KEY] = admission
    header = settings.request_start_header
    retry_after = settings.retry_after

    def _shed_when_late() -> Response | None:
        wait = queue_wait(request.environ, header)
        if wait is None or admission.admit(wait, time.monotonic()):
            return None
        from webapp.errors import overloaded_response

        if admission.refused % 1000 == 1:
            current_app.logger.warning(
                "overloaded: answered 503 to a request that waited %.2f s for a worker "
                "(%d such answers since start)",
                wait,
                admission.refused,
            )
        return overloaded_response(retry_after)

    # first of all: a refused request costs no session, rate-limit lookup or database work
    app.before_request_funcs.setdefault(None, []).insert(0, _shed_when_late)
    return admission
