"""Enable the plugin for regiokarte's fixtures (regiokarte_platform, regiokarte_client, ...)."""

from __future__ import annotations

from pathlib import Path

import pytest

import regiokarte_sportclubs

SAMPLE = (
    Path(regiokarte_sportclubs.__file__).resolve().parent / "data" / "sportvereine_beispiel.osm"
)


@pytest.fixture
def regiokarte_plugins() -> list[str]:
    return ["sportclubs"]


@pytest.fixture
def sample() -> Path:
    return SAMPLE
