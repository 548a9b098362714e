"""Helpers for a plugin's settings class: a setting with its default and help text, and the
check of number ranges that ``problems()`` reports (see docs/plugin-settings.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = ["range_problems", "setting", "setting_help"]

_NO_DEFAULT: Any = object()


def setting(
    default: Any = _NO_DEFAULT, help_text: str = "", *, factory: Callable[[], Any] | None = None
) -> Any:
    """A setting of an attrs settings class: its ``default`` (or a ``factory`` for mutable
    values such as lists) and its help text (``setting_help``), e.g. ``per_page: int =
    setting(20, "Courses per page of the course list.")``."""
    if factory is not None:
        return attrs.field(factory=factory, metadata=setting_help(help_text))
    if default is _NO_DEFAULT:
        raise TypeError("A setting needs a default or a factory.")
    return attrs.field(default=default, metadata=setting_help(help_text))


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
