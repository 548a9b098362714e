"""Schema names in the OpenAPI document: each plugin's under its own name, clashes refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fake_plugins.schemas import SchemaPlugin
from flask import Flask
from webapp_support import platform_of

from core.errors import ConfigError
from webapp import create_app
from webapp.api.schema_names import namespace_of


@pytest.fixture
def build(new_database: Callable[[str], str]) -> Iterator[Callable[..., Flask]]:
    """``build(plugin, ...)`` -> an app with these plugins enabled, in this order."""
    made: list[Flask] = []

    def make(*plugins: SchemaPlugin) -> Flask:
        names = [p.MANIFEST.name for p in plugins]
        app = create_app(
            {
                "plugins": {"enabled": names},
                "portal": {"database_url": new_database("schemas")},
            },
            extra_plugins={p.MANIFEST.name: p for p in plugins},
        )
        made.append(app)
        return app

    yield make
    for app in made:
        platform_of(app).db.dispose()


def _document(app: Flask) -> dict[str, Any]:
    return app.test_client().get("/api/openapi.json").get_json()


def _answer_ref(document: dict[str, Any], path: str) -> str:
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    return content["application/json"]["schema"]["$ref"]


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [("rating", "Rating"), ("open_data", "OpenData"), ("kita-finder", "KitaFinder")],
)
def test_namespace_is_the_plugin_name_in_camel_case(plugin: str, expected: str) -> None:
    assert namespace_of(plugin) == expected


def test_plugin_schemas_are_named_under_the_plugin_and_core_keeps_its_names(
    build: Callable[..., Flask],
) -> None:
    # both plugins name a schema class like core's layer schema, and like each other's
    plain = _document(build())
    document = _document(build(SchemaPlugin("maps", "LayerSchema"), SchemaPlugin("atlas", "Layer")))
    schemas = document["components"]["schemas"]
    assert schemas["Layer"] == plain["components"]["schemas"]["Layer"]
    for name in ("MapsLayer", "AtlasLayer"):
        assert schemas[name]["properties"] == {"label": {"type": "string"}}
    assert _answer_ref(document, "/api/v1/maps/thing") == "#/components/schemas/MapsLayer"
    assert _answer_ref(document, "/api/v1/atlas/thing") == "#/components/schemas/AtlasLayer"
    assert not any(name.rstrip("0123456789") != name for name in schemas)
    # nothing of core's document changed but the two plugins' additions
    assert set(schemas) - set(plain["components"]["schemas"]) == {"MapsLayer", "AtlasLayer"}


def test_plugin_schema_named_with_the_prefix_already_is_kept(build: Callable[..., Flask]) -> None:
    document = _document(build(SchemaPlugin("maps", "MapsTileSchema")))
    assert "MapsTile" in document["components"]["schemas"]
    assert _answer_ref(document, "/api/v1/maps/thing") == "#/components/schemas/MapsTile"


def test_clash_with_a_core_schema_stops_the_start_naming_core_and_the_plugin(
    build: Callable[..., Flask],
) -> None:
    # plugin "layer": its LayerSchema starts with its namespace already, so it stays "Layer"
    with pytest.raises(ConfigError, match=r"'Layer': core and plugin 'layer' both define one"):
        build(SchemaPlugin("layer", "LayerSchema"))


def test_clash_between_two_plugins_stops_the_start_naming_both(
    build: Callable[..., Flask],
) -> None:
    # "open_data" keeps OpenDataSet; "open" names its DataSet OpenDataSet as well
    with pytest.raises(
        ConfigError, match=r"'OpenDataSet': plugin 'open_data' and plugin 'open' both define one"
    ):
        build(SchemaPlugin("open_data", "OpenDataSetSchema"), SchemaPlugin("open", "DataSet"))
