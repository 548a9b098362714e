"""Fixtures of the jobs plugin tests: fresh platforms with the plugin on new databases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jobs_support import settings_for

from core import Platform


@pytest.fixture
def fresh(new_database: Callable[[str], str]) -> Iterator[Callable[..., Platform]]:
    """``fresh(**jobs_settings)`` -> a platform with the plugin on a new, empty database."""
    platforms: list[Platform] = []

    def build(**jobs: Any) -> Platform:
        platform = Platform(settings_for(new_database(f"fresh-{len(platforms)}"), **jobs))
        platform.upgrade_database()
        platforms.append(platform)
        return platform

    yield build
    for platform in platforms:
        platform.db.dispose()
