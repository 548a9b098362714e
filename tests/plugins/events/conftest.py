"""Fixtures of the events plugin tests: a platform with the plugin on a fresh SQLite file, a
clock set to 1 October 2026 (before the events the tests create)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
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
def platform(tmp_path: Path) -> Iterator[Platform]:
    built = make_events_platform(f"sqlite:///{tmp_path / 'events.db'}")
    yield built
    built.db.dispose()


@pytest.fixture
def svc(platform: Platform, clock: Clock) -> EventsService:
    return service(platform, clock)
