"""Plugins whose API answers with one schema of a given class name: for schema naming tests."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from core import PluginManifest, hookimpl


class SchemaPlugin:
    """Plugin ``name`` with ``GET /api/v1/<name>/thing`` answering a schema class
    ``schema_class`` (e.g. ``"LayerSchema"``, the name of a core schema as well)."""

    def __init__(self, name: str, schema_class: str) -> None:
        self.MANIFEST = PluginManifest(
            name=name, title_de=f"Test {name}", title_en=f"Test {name}", version="0.1.0"
        )
        # a module-level class as a plugin author writes it, only with the name chosen here
        self.schema = type(schema_class, (ma.Schema,), {"label": ma.fields.String()})
        self.schema.__module__ = __name__

    @hookimpl
    def register_blueprints(self, platform: Any) -> list[Blueprint]:
        name = self.MANIFEST.name
        blp = Blueprint(name, __name__, url_prefix=f"/api/v1/{name}")

        @blp.route("/thing")
        class Thing(MethodView):
            @blp.response(200, self.schema)
            def get(self) -> dict[str, str]:
                """The plugin's thing"""
                return {"label": name}

        return [blp]
