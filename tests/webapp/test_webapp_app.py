"""The app around the API: configuration layers, layers, plugins, one error shape."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webapp_support import AppFactory, RatingPlugin, platform_of

from core.errors import ConfigError
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginManifest
from webapp import create_app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def apps() -> Iterator[list[Flask]]:
    """Apps a test builds with create_app directly; their connections are closed afterwards."""
    made: list[Flask] = []
    yield made
    for app in made:
        platform_of(app).db.dispose()


def test_settings_layer_defaults_file_environment_then_overrides(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    apps: list[Flask],
    new_database: Callable[[str], str],
) -> None:
    config = tmp_path / "portal.toml"
    config.write_text(
        '[portal]\ntitle = "From the file"\nlanguages = ["en", "de"]\n'
        f'database_url = "{new_database("a")}"\n',
        encoding="utf-8",
    )
    for key in [k for k in os.environ if k.startswith("REGIOKARTE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("REGIOKARTE_CONFIG", str(config))
    apps.append(create_app())
    settings = platform_of(apps[-1]).settings
    assert settings.portal.title == "From the file" and settings.portal.languages == ["en", "de"]
    monkeypatch.setenv("REGIOKARTE_PORTAL__TITLE", "From the environment")
    apps.append(create_app())
    assert platform_of(apps[-1]).settings.portal.title == "From the environment"
    app = create_app({"portal": {"title": "From the test"}})
    apps.append(app)
    assert platform_of(app).settings.portal.title == "From the test"
    # the file made English the default language
    platform_of(app).upgrade_database()
    assert app.test_client().get("/api/v1/filters").get_json()["lang"] == "en"


def test_example_configuration_of_the_region_loads(
    monkeypatch: pytest.MonkeyPatch, apps: list[Flask], new_database: Callable[[str], str]
) -> None:
    for key in [k for k in os.environ if k.startswith("REGIOKARTE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("REGIOKARTE_CONFIG", str(REPO / "config" / "emscher-lippe.toml"))
    app = create_app({"portal": {"database_url": new_database("el")}})
    apps.append(app)
    platform = platform_of(app)
    assert platform.settings.portal.title == "Arbeitgeberkarte Emscher-Lippe"
    assert platform.region.name == "Emscher-Lippe"
    assert platform.settings.portal.operator_token == ""


def test_layers_are_listed_and_served_as_geojson(make_app: AppFactory) -> None:
    client = make_app(companies=60, plugin=RatingPlugin()).test_client()
    layers = client.get("/api/v1/layers?lang=en").get_json()["layers"]
    by_id = {layer["id"]: layer for layer in layers}
    assert by_id["companies"]["label"] == "Companies" and by_id["companies"]["default_visible"]
    assert by_id["rating_places"]["plugin"] == "rating"
    places = client.get(by_id["rating_places"]["url"] + "?bbox=6.9,51.4,7.005,51.6").get_json()
    assert places["type"] == "FeatureCollection" and places["total"] == 6
    assert not places["truncated"]
    assert places["features"][0]["geometry"]["type"] == "Point"
    assert client.get("/api/v1/layers/nowhere").status_code == 404
    bad = client.get("/api/v1/layers/companies?bbox=7,52,6,51")
    assert bad.status_code == 422 and "bbox" in bad.get_json()["errors"]


def test_layer_responses_are_capped_and_say_so(make_app: AppFactory) -> None:
    client = make_app(companies=300, search={"max_points": 50}).test_client()
    body = client.get("/api/v1/layers/companies").get_json()
    assert body["truncated"] is True and body["max_features"] == 50
    assert len(body["features"]) == 50 < body["total"]


def test_plugins_are_listed_with_hooks_and_redacted_settings(make_app: AppFactory) -> None:
    client = make_app(plugin=RatingPlugin()).test_client()
    body = client.get("/api/v1/plugins?lang=en").get_json()
    by_name = {p["name"]: p for p in body["plugins"]}
    assert list(by_name)[:2] == ["core", "rating"]
    rating = by_name["rating"]
    assert rating["version"] == "1.2.3" and rating["title"] == "Ratings"
    assert rating["status"] == "enabled"
    assert {"register_filters", "register_blueprints", "register_commands"} <= set(rating["hooks"])
    assert rating["settings"]["api_token"] == "***"
    assert rating["settings"]["label"] == "Bewertung"


def test_plugin_api_blueprint_is_mounted(make_app: AppFactory) -> None:
    client = make_app(plugin=RatingPlugin()).test_client()
    assert client.get("/api/v1/rating/hello").get_json() == {"message": "Hallo from Bewertung"}


def test_plugin_returning_no_blueprint_stops_the_start_naming_it(
    new_database: Callable[[str], str],
) -> None:
    class Broken:
        MANIFEST = PluginManifest(
            name="broken", title_de="Kaputt", title_en="Broken", version="0.0.1"
        )

        @hookimpl
        def register_blueprints(self, platform: object) -> list[object]:
            return [object()]

    with pytest.raises(ConfigError, match="'broken'.*register_blueprints"):
        create_app(
            {
                "plugins": {"enabled": ["broken"]},
                "portal": {"database_url": new_database("b")},
            },
            extra_plugins={"broken": Broken()},
        )


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("put", "/api/v1/search", {"GET", "HEAD", "OPTIONS"}),
        ("delete", "/api/v1/companies", {"GET", "POST", "HEAD", "OPTIONS"}),
        ("post", "/api/v1/companies/1", {"GET", "PATCH", "DELETE", "HEAD", "OPTIONS"}),
    ],
)
def test_method_not_allowed_carries_allow(
    client: FlaskClient, method: str, url: str, allowed: set[str]
) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    assert response.get_json()["code"] == 405


def test_unknown_url_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json and set(response.get_json()) >= {"code", "status", "message"}


def test_crash_is_json_500_without_traceback(make_app: AppFactory) -> None:
    app: Flask = make_app(plugin=RatingPlugin(), plugins={"rating": {"boom": True}})
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    response = app.test_client().get("/api/v1/rating/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == 500 and body["status"] == "Internal Server Error"
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_start_page_is_minimal_html(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Emscher-Lippe" in response.get_data(as_text=True)
