"""The thin Flask layer that composes core and the enabled plugins into the portal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from webapp.app import create_app

__all__ = ["create_app"]


if not TYPE_CHECKING:  # imported when first used: `regiokarte --help` needs no app

    def __getattr__(name: str) -> Any:
        if name == "create_app":
            from webapp.app import create_app

            return create_app
        raise AttributeError(f"module 'webapp' has no attribute {name!r}")
