"""Fixtures of the events plugin tests: a platform with the plugin on a fresh database of the
engine under test, a clock set to 1 October 2026 (before the events the tests create)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from events_support import Clock, make_events_platform, service

from core import Platform
from plugins.events.service import EventsService

START = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def platform(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Platform]:
    built = make_events_platform(new_database("events"), outbox=tmp_path / "outbox")
    yield built
    built.db.dispose()


@pytest.fixture
def svc(platform: Platform, clock: Clock) -> EventsService:
    return service(platform, clock)
