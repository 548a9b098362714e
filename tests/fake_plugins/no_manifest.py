"""A module that implements a hook but declares no MANIFEST."""

from __future__ import annotations

from typing import Any

from core import hookimpl


@hookimpl
def register_filters(platform: Any) -> list[Any]:
    return []
