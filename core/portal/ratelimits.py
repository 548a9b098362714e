"""Rate limits for plugins: how often one client may do something, counted where the web
app's own limits are counted.

``RateLimiter.hit(scope, key, limit)`` counts one attempt of ``key`` (a client address, say)
in ``scope`` (what is limited, e.g. ``"events_registration"``) against ``limit`` (``"20/hour"``,
``"5 per hour;50 per day"``: the notation of the ``limits`` library, which Flask-Limiter uses
too) in a moving window, and says whether the attempt is allowed. Each scope and key counts
alone.

The settings section ``limits`` says where counts live and whether they apply:
``storage_uri = "memory://"`` counts in this process (each worker alone), ``"redis://host:6379"``
in Redis, shared by every worker and server; ``enabled = false`` allows everything. The storage
is made, and connects, on first use, so a platform starts without reaching Redis.

Failing open: when the storage cannot be reached (Redis down or too slow), ``hit`` allows the
attempt, logs a warning (at most one a minute, logger ``core.portal.ratelimits``) and leaves the
storage alone for a few seconds before it asks again. A rate limit guards a form against
floods; while the store is away the forms keep working unthrottled rather than answering
every visitor with an error page, and the log tells the operator. A storage URI that cannot
work at all (unknown scheme, missing client library) is a ``ConfigError`` instead.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from core.errors import ConfigError
from core.settings import LimitSettings

if TYPE_CHECKING:  # the library is imported on first use: it is not needed to start a process
    from limits import RateLimitItem
    from limits.strategies import MovingWindowRateLimiter

__all__ = ["RateLimiter"]

log = logging.getLogger(__name__)

#: Seconds between two warnings about an unreachable storage.
WARN_EVERY_S = 60.0
#: Seconds an unreachable storage is left alone (everything allowed) before it is asked again.
RETRY_STORAGE_AFTER_S = 5.0
#: Socket timeouts for Redis, so an unreachable server costs a request at most about a second;
#: parameters in the URI (``?socket_timeout=0.2``) take precedence.
REDIS_TIMEOUTS: dict[str, float | str | bool] = {
    "socket_connect_timeout": 1.0,
    "socket_timeout": 1.0,
}
REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix")


@functools.lru_cache(maxsize=256)
def _parse(limit: str) -> tuple[RateLimitItem, ...]:
    from limits import parse_many

    try:
        return tuple(parse_many(limit))
    except ValueError:
        raise ConfigError(
            f"The rate limit {limit!r} is not valid; write a count per time unit such as "
            "'5/hour', '10 per 15 minutes' or several separated by ';' ('5/hour;20/day'); "
            "units are second, minute, hour, day, month and year."
        ) from None


class RateLimiter:
    """Counts attempts per scope and key against limits like ``"5/hour"``; fails open when
    its storage is unreachable."""

    def __init__(
        self,
        storage_uri: str = "memory://",
        *,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.storage_uri = storage_uri
        self.enabled = enabled
        #: seconds of a monotonic clock, for the warning interval and the pause after a failure
        self.clock = clock
        self._lock = threading.Lock()
        self._strategy: MovingWindowRateLimiter | None = None
        self._paused_until = -math.inf
        self._warned_at = -math.inf

    @classmethod
    def from_settings(cls, settings: LimitSettings) -> RateLimiter:
        """The limiter of the settings section ``limits`` (``storage_uri``, ``enabled``)."""
        return cls(settings.storage_uri, enabled=settings.enabled)

    def hit(self, scope: str, key: str, limit: str) -> bool:
        """Count one attempt of ``key`` in ``scope``; False when ``limit`` is used up.

        A refused attempt is not counted (by the limit that refused it). Always True when
        limits are disabled or the storage is unreachable.
        """
        items = _parse(limit)
        if not self.enabled:
            return True
        from limits.errors import StorageError

        try:
            strategy = self._strategy_now()
            if strategy is None:
                return True
            return all(strategy.hit(item, scope, key) for item in items)
        except StorageError as exc:
            self._failed(exc)
            return True

    def retry_after(self, scope: str, key: str, limit: str) -> int:
        """Seconds until ``key`` may try again in ``scope`` under ``limit`` (0: now)."""
        items = _parse(limit)
        if not self.enabled:
            return 0
        from limits.errors import StorageError

        try:
            strategy = self._strategy_now()
            if strategy is None:
                return 0
            resets = [
                stats.reset_time
                for stats in (strategy.get_window_stats(item, scope, key) for item in items)
                if stats.remaining <= 0
            ]
        except StorageError as exc:
            self._failed(exc)
            return 0
        if not resets:
            return 0
        # the storage keeps wall-clock times
        return max(1, math.ceil(max(resets) - time.time()))

    def _strategy_now(self) -> MovingWindowRateLimiter | None:
        """The counting strategy on its storage (made on first use); None during the pause
        after a failure."""
        with self._lock:
            if self.clock() < self._paused_until:
                return None
            if self._strategy is None:
                self._strategy = self._make_strategy()
            return self._strategy

    def _make_strategy(self) -> MovingWindowRateLimiter:
        from limits.errors import ConfigurationError
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        scheme = self.storage_uri.partition("://")[0]
        options = REDIS_TIMEOUTS if scheme in REDIS_SCHEMES else {}
        try:
            storage = storage_from_string(self.storage_uri, wrap_exceptions=True, **options)
            return MovingWindowRateLimiter(storage)
        except (ConfigurationError, NotImplementedError, ValueError) as exc:
            shown = _redacted(self.storage_uri)
            reason = str(exc).replace(self.storage_uri, shown) or type(exc).__name__
            raise ConfigError(
                f"limits.storage_uri {shown!r} cannot be used for rate limits ({reason}); "
                "use memory:// (one process) or redis://host:6379 (shared by all workers; "
                "needs the 'redis' extra)."
            ) from None

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            now = self.clock()
            self._paused_until = now + RETRY_STORAGE_AFTER_S
            if now - self._warned_at < WARN_EVERY_S:
                return
            self._warned_at = now
        log.warning(
            "rate limit storage %s is unreachable (%s); limits are not applied until it "
            "answers again",
            _redacted(self.storage_uri),
            exc,
        )


def _redacted(uri: str) -> str:
    """``uri`` without a password (``redis://:secret@host`` -> ``redis://:***@host``)."""
    scheme, sep, rest = uri.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return uri
    user, colon, _ = credentials.partition(":")
    return f"{scheme}{sep}{user}{colon}{'***' if colon else ''}@{host}"
