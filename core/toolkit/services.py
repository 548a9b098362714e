"""One service object per platform for a plugin, and hook implementations that only list
things (migration folders, commands, blueprints, navigation links, data sets).

Core checks a plugin's settings at start-up (their types, and the rules of the settings class's
``problems()``), before any hook runs: a plugin's service takes the settings as they are.
"""

from __future__ import annotations

import importlib
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from core.plugins.hookspecs import hookimpl

if TYPE_CHECKING:
    from core.platform import Platform

__all__ = ["PluginService", "list_hook", "migrations_hook"]

S = TypeVar("S")


class PluginService(Generic[S]):
    """The service object of one plugin per platform, made on first use.

    ``PluginService("housing", HousingService)`` is called with a platform and returns
    ``HousingService(platform, settings)``, ``settings`` being the plugin's settings as core
    checked them at start-up; later calls with the same platform return the same object. The
    objects go when their platform goes (tests make many platforms).
    """

    def __init__(self, plugin: str, factory: Callable[[Platform, Any], S]) -> None:
        self.plugin = plugin
        self.factory = factory
        self._made: weakref.WeakKeyDictionary[Platform, S] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, platform: Platform) -> S:
        made = self._made.get(platform)
        if made is not None:
            return made
        with self._lock:
            made = self._made.get(platform)
            if made is None:
                made = self._made[platform] = self.factory(
                    platform, platform.plugin_settings(self.plugin)
                )
            return made


def resolve_reference(reference: str, values: bool = False) -> Any:
    """What a ``"package.module:name"`` reference names, imported now; unless ``values``, it
    must be callable."""
    module, _, name = reference.partition(":")
    if not module or not name:
        raise ValueError(f"{reference!r} is not a reference of the form 'package.module:name'.")
    found = getattr(importlib.import_module(module), name)
    if not values and not callable(found):
        raise TypeError(f"{reference!r} is not callable.")
    return found


def list_hook(*parts: Any) -> Callable[..., list[Any]]:
    """A hook implementation returning one item per part, for hooks that only list things
    (``register_commands``, ``register_blueprints``, ``register_navigation``,
    ``register_datasets`` ...). Assign it to the hook's name in the plugin module:
    ``register_commands = list_hook("my_plugin.cli:make_group")``.

    A part is a value (returned as it is), a callable (called with the platform), or a
    ``"package.module:function"`` reference, imported on the first call and called with the
    platform: modules that import the plugin's hook module themselves (its ``service_for``)
    are then imported only once it is complete.
    """
    resolved: dict[str, Callable[..., Any]] = {}

    def item(part: Any, platform: Platform) -> Any:
        if isinstance(part, str):
            if part not in resolved:
                resolved[part] = resolve_reference(part)
            return resolved[part](platform)
        return part(platform) if callable(part) else part

    @hookimpl
    def implementation(platform: Platform) -> list[Any]:
        return [item(part, platform) for part in parts]

    return implementation


def migrations_hook(module_file: str) -> Callable[..., list[str]]:
    """The ``register_migrations`` implementation of a plugin whose Alembic revisions lie in
    the folder ``migrations`` beside ``module_file`` (pass ``__file__``)."""
    folder = str(Path(module_file).resolve().parent / "migrations")

    @hookimpl
    def register_migrations(platform: Platform) -> list[str]:
        return [folder]

    return register_migrations
