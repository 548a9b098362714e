"""Names of the schemas in the OpenAPI document: core's as they are, each plugin's under its name.

Core and every plugin share one ``components/schemas`` table. apispec names a schema after its
class (``LayerSchema`` -> ``Layer``) and, when two classes meet on one name, renames the second
(``Layer1``) with a warning: a plugin's ``LayerSchema`` would then change core's document. So a
schema that a plugin brings in is named with the plugin's name in CamelCase in front
(``LayerSchema`` of plugin ``rating`` -> ``RatingLayer``; a name that starts with it already,
such as ``TrainingCourse`` of plugin ``training``, is kept). Should two owners still arrive at
one name, the start stops with a ``ConfigError`` naming both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import resolver
from apispec.ext.marshmallow.common import resolve_schema_cls

from core.errors import ConfigError

__all__ = ["SchemaNames", "namespace_of"]

#: Schemas defined in these packages belong to core (shared by everyone who uses them).
CORE_PACKAGES = ("core", "webapp", "flask_smorest", "marshmallow", "apispec")


def namespace_of(plugin: str) -> str:
    """The CamelCase prefix of a plugin's schema names: ``open_data`` -> ``OpenData``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", plugin))


def _owner_text(owner: str | None) -> str:
    return "core" if owner is None else f"plugin {owner!r}"


class SchemaNames:
    """The ``schema_name_resolver`` of the API's MarshmallowPlugin.

    ``spec`` is set once the Api has made its APISpec; ``for_plugin(name)`` surrounds the
    registration of a plugin's blueprints, so that the schemas met meanwhile are the plugin's.
    """

    def __init__(self) -> None:
        self.spec: APISpec | None = None
        self._plugin: str | None = None
        #: name -> (owner plugin or None for core, schema class)
        self._owners: dict[str, tuple[str | None, type]] = {}

    @contextmanager
    def for_plugin(self, plugin: str) -> Iterator[None]:
        """Name the schemas registered inside the block as ``plugin``'s."""
        previous, self._plugin = self._plugin, plugin
        try:
            yield
        finally:
            self._plugin = previous

    def __call__(self, schema: Any) -> str:
        resolved = resolve_schema_cls(schema)
        cls = resolved[0] if isinstance(resolved, list) else resolved
        name = resolver(cls)
        owner = None if cls.__module__.split(".")[0] in CORE_PACKAGES else self._plugin
        if owner is not None:
            prefix = namespace_of(owner)
            if not name.startswith(prefix):
                name = prefix + name
        known = self._owners.get(name)
        if known is None and self.spec is not None and name in self.spec.components.schemas:
            known = (None, object)  # registered by name (core), not through this resolver
        if known is not None and known[1] is not cls:
            first, second = _owner_text(known[0]), _owner_text(owner)
            who = f"{first} and {second} both" if first != second else f"{first} twice"
            raise ConfigError(
                f"The OpenAPI document cannot name two schemas {name!r}: {who} define one "
                f"(the second is {cls.__module__}.{cls.__qualname__}). Rename the schema "
                f"class of {second}."
            )
        self._owners[name] = (owner, cls)
        return name
