"""Helpers of the jobs tests: settings, a day to live on, positions to store, and the rules as
the issue states them, for brute-force comparisons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from core import load_settings
from plugins.jobs.model import Position

ROOT = Path(__file__).resolve().parents[3]
#: The day the tests live on (the setting ``today`` of the plugin).
TODAY = dt.date(2027, 3, 15)
TOKEN = "test-operator-token"
#: Every language the plugin ships texts for.
LANGUAGES = ["de", "en", "tr", "ar"]


def jobs_config(url: str, enabled: bool = True, **jobs: Any) -> dict[str, Any]:
    """Settings overrides (the TOML shape) with or without the plugin."""
    config: dict[str, Any] = {
        "portal": {"database_url": url, "operator_token": TOKEN, "languages": LANGUAGES},
        "search": {"refresh_interval": 0.0},
        "plugins": {"enabled": ["jobs"] if enabled else []},
    }
    if enabled:
        config["plugins"]["jobs"] = {"today": TODAY.isoformat(), **jobs}
    return config


def settings_for(url: str, enabled: bool = True, **jobs: Any) -> Any:
    return load_settings(env={}, overrides=jobs_config(url, enabled, **jobs))


def position(**values: Any) -> Position:
    """A valid imported position, changed by ``values``."""
    fields: dict[str, Any] = {
        "employer_name": "Muster Metallbau GmbH",
        "employer_postcode": "45657",
        "employer_town": "Recklinghausen",
        "title": "Metallbauer/in",
        "profession": "24412",
        "kind": "full_time",
        "published": TODAY - dt.timedelta(days=10),
        "source": "import",
        "external_id": "P-1",
        "match": "unmatched",
    }
    fields.update(values)
    return Position(**fields)


def is_open(p: Position, day: dt.date) -> bool:
    """The rule as the issue states it: published, not yet run out, not filled."""
    if p.published > day:
        return False
    if p.valid_through is not None and p.valid_through < day:
        return False
    return p.filled_on is None
