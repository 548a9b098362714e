"""Helpers for a plugin's settings class: the help text of a setting and the check of
number ranges that ``problems()`` reports (see docs/plugin-settings.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["range_problems", "setting_help"]


def setting_help(text: str) -> dict[str, Any]:
    """The ``metadata`` of a setting's attrs field: its help text (one sentence, with the
    unit), which ``regiokarte plugins --verbose`` and the plugin's README show."""
    return {"help": text}


def range_problems(settings: Any, limits: Mapping[str, tuple[float, float]]) -> list[str]:
    """``key: must lie between low and high, not value`` for each setting of ``limits`` (key
    -> (low, high), both allowed) whose value lies outside, for a ``problems()`` method."""
    out = []
    for key, (low, high) in limits.items():
        value = getattr(settings, key)
        if not low <= value <= high:
            out.append(f"{key}: must lie between {low:g} and {high:g}, not {value!r}")
    return out
