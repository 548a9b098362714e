"""Rate limits for plugins (core/portal/ratelimits.py): counts per scope and key, the switch
``limits.enabled``, counts per process with memory://, one budget for all processes with a real
Redis, and failing open (with a warning a minute) while Redis is away."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from checks import wait_for
from pg_cluster import free_port
from redis_support import RedisServer, redis_server

from core import ConfigError, RateLimiter
from core.portal.ratelimits import RETRY_STORAGE_AFTER_S, WARN_EVERY_S

LOGGER = "core.portal.ratelimits"


class Clock:
    """A settable monotonic clock (seconds) for the warning interval and the pause."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path / "redis") as server:
        yield server


def _hits(limiter: RateLimiter, n: int, scope: str, key: str, limit: str) -> list[bool]:
    return [limiter.hit(scope, key, limit) for _ in range(n)]


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelname == "WARNING"]


# --- counting ----------------------------------------------------------------------------------


def test_counts_per_scope_and_key() -> None:
    limiter = RateLimiter("memory://")
    assert _hits(limiter, 4, "form", "10.0.0.1", "3/hour") == [True, True, True, False]
    # another address, another scope: budgets of their own, untouched by the first
    assert _hits(limiter, 4, "form", "10.0.0.2", "3/hour") == [True, True, True, False]
    assert _hits(limiter, 2, "other_form", "10.0.0.1", "1/hour") == [True, False]
    # the first budget stays used up
    assert limiter.hit("form", "10.0.0.1", "3/hour") is False


def test_several_limits_the_strictest_decides() -> None:
    limiter = RateLimiter("memory://")
    assert _hits(limiter, 3, "a", "k", "5 per hour;2 per minute") == [True, True, False]
    assert _hits(limiter, 3, "b", "k", "2/minute;5/hour") == [True, True, False]


def test_retry_after_is_zero_until_the_budget_is_used_up() -> None:
    limiter = RateLimiter("memory://")
    assert limiter.retry_after("form", "k", "2/hour") == 0
    limiter.hit("form", "k", "2/hour")
    assert limiter.retry_after("form", "k", "2/hour") == 0
    limiter.hit("form", "k", "2/hour")
    # the oldest of the two hits leaves the window within the hour
    assert 0 < limiter.retry_after("form", "k", "2/hour") <= 3600
    assert limiter.retry_after("form", "other", "2/hour") == 0


def test_disabled_limits_let_everything_through() -> None:
    limiter = RateLimiter("memory://", enabled=False)
    assert _hits(limiter, 20, "form", "k", "1/hour") == [True] * 20
    assert limiter.retry_after("form", "k", "1/hour") == 0


def test_memory_storage_counts_per_process() -> None:
    """Two limiters on memory:// stand for two worker processes: each counts alone."""
    first, second = RateLimiter("memory://"), RateLimiter("memory://")
    assert _hits(first, 3, "form", "k", "2/hour") == [True, True, False]
    assert _hits(second, 3, "form", "k", "2/hour") == [True, True, False]


@pytest.mark.parametrize("limit", ["", "5", "five/hour", "5/fortnight", "5 hour"])
def test_a_malformed_limit_is_a_config_error_naming_it(limit: str) -> None:
    limiter = RateLimiter("memory://")
    with pytest.raises(ConfigError) as caught:
        limiter.hit("form", "k", limit)
    assert repr(limit) in caught.value.message and "5/hour" in caught.value.message


def test_an_unusable_storage_uri_is_a_config_error_without_its_password() -> None:
    limiter = RateLimiter("nosuchstore://:geheim@cache.example:1")
    with pytest.raises(ConfigError) as caught:
        limiter.hit("form", "k", "1/hour")
    message = caught.value.message
    assert "geheim" not in message and "nosuchstore://:***@cache.example:1" in message
    assert "redis://" in message  # what would work


# --- the platform's limiter --------------------------------------------------------------------


def test_platform_makes_one_limiter_from_its_settings(make_platform: Any) -> None:
    platform = make_platform(limits={"enabled": False})
    limiter = platform.rate_limiter()
    assert limiter is platform.rate_limiter()
    assert limiter.enabled is False and limiter.storage_uri == "memory://"
    assert _hits(limiter, 3, "form", "k", "1/hour") == [True] * 3


def test_a_platform_starts_and_serves_without_its_redis(
    make_platform: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens on the port: the platform starts, and its limiter fails open."""
    url = f"redis://127.0.0.1:{free_port()}"
    platform = make_platform(limits={"storage_uri": url})
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert _hits(platform.rate_limiter(), 3, "form", "k", "1/hour") == [True] * 3
    (warning,) = _warnings(caplog)
    assert "unreachable" in warning and f"127.0.0.1:{url.rsplit(':', 1)[1]}" in warning


# --- Redis -------------------------------------------------------------------------------------


def test_limiters_on_one_redis_share_one_budget(redis: RedisServer) -> None:
    """Two limiters on the same Redis stand for two workers (or servers): one count."""
    first, second = RateLimiter(redis.url), RateLimiter(redis.url)
    assert _hits(first, 2, "form", "k", "3/hour") == [True, True]
    assert _hits(second, 2, "form", "k", "3/hour") == [True, False]
    assert first.hit("form", "k", "3/hour") is False
    assert 0 < second.retry_after("form", "k", "3/hour") <= 3600
    # other keys and scopes are counted apart in Redis too
    assert first.hit("form", "other", "3/hour") is True
    assert second.hit("other_form", "k", "3/hour") is True


def test_redis_outage_fails_open_warns_once_a_minute_and_recovers(
    redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    limiter = RateLimiter(redis.url, clock=clock)
    assert _hits(limiter, 2, "form", "k", "1/hour") == [True, False]

    redis.stop()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        # refused while Redis answered; allowed now that it is gone
        assert _hits(limiter, 3, "form", "k", "1/hour") == [True] * 3
        assert len(_warnings(caplog)) == 1
        clock.advance(RETRY_STORAGE_AFTER_S + 1)  # asked again, fails again: still one warning
        assert limiter.hit("form", "k", "1/hour") is True
        assert len(_warnings(caplog)) == 1
        clock.advance(WARN_EVERY_S)
        assert limiter.hit("form", "k", "1/hour") is True
        assert len(_warnings(caplog)) == 2
    assert all(redis.url.removeprefix("redis://") in w for w in _warnings(caplog))

    redis.start()  # same port, empty: nothing is saved
    wait_for(redis.accepts, what="redis-server is back")
    # during the pause after the last failure the storage is not asked
    assert _hits(limiter, 2, "form", "k", "1/hour") == [True, True]
    clock.advance(RETRY_STORAGE_AFTER_S + 1)
    assert _hits(limiter, 2, "form", "k", "1/hour") == [True, False]
