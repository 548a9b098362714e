"""Settings for tests: defaults, a throwaway database, strict plugins, the environment ignored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core import Settings, load_settings

__all__ = ["deep_merge", "make_test_settings"]


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` laid over it, tables merged key by key."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def make_test_settings(
    folder: Path,
    plugins: Sequence[str] = (),
    config: Mapping[str, Any] | None = None,
    *,
    database_url: str | None = None,
) -> Settings:
    """Settings for one test: a SQLite file in ``folder`` (unless ``database_url``), the given
    plugins enabled, strict plugin errors, no waiting for index refreshes, mails to a folder.

    ``config`` has the shape of the TOML file (``{"plugins": {"demo": {"radius_km": 2}}}``)
    and wins over everything else; environment variables are ignored, so a developer's
    ``REGIOKARTE_*`` settings never leak into tests.
    """
    folder = Path(folder)
    defaults: dict[str, Any] = {
        "portal": {
            "database_url": database_url or f"sqlite:///{folder / 'regiokarte.db'}",
            "secret_key": "test-only-secret",
        },
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(folder / "outbox")},
        "limits": {"enabled": False},
        "plugins": {"enabled": list(plugins), "strict": True},
    }
    return load_settings(env={}, overrides=deep_merge(defaults, config or {}))
