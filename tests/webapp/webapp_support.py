"""Helpers of the web app tests: the app factory on throwaway databases and a test plugin.

The test plugin ``rating`` adds a choice filter and a bool filter read from
``Company.extensions["rating"]``, a map layer, an API blueprint, a command and records the
company events, so every hook the web app wires in has a user here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click
import marshmallow as ma
import numpy as np
import pytest
from attrs import define
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint

from core import (
    BBox,
    Choice,
    FilterKind,
    FilterSpec,
    IndexSource,
    Layer,
    PluginManifest,
    hookimpl,
    point_feature,
)
from core.io.demo import demo_rows
from core.persistence import companies as repo
from core.platform import Platform
from webapp import create_app

TOKEN = "test-operator-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

BADGES = (
    Choice("gold", "Gold", "Gold"),
    Choice("silver", "Silber", "Silver"),
)


@define
class RatingSettings:
    label: str = "Bewertung"
    api_token: str = "do-not-show-me"
    boom: bool = False


class RatingPlugin:
    """A plugin as a third party would write it: core API only, its web parts as blueprints."""

    MANIFEST = PluginManifest(
        name="rating",
        title_de="Bewertungen",
        title_en="Ratings",
        version="1.2.3",
        settings=RatingSettings,
        description="Test plugin of the web app tests.",
    )

    def __init__(self) -> None:
        self.events: list[tuple[int, bool]] = []

    @hookimpl
    def register_filters(self, platform: Any) -> list[FilterSpec]:
        def badge(source: IndexSource) -> np.ndarray:
            return source.choice_column(source.extension("rating", "badge"), BADGES)

        def certified(source: IndexSource) -> np.ndarray:
            return np.array(
                [bool(v) for v in source.extension("rating", "certified", False)], dtype=bool
            )

        return [
            FilterSpec(
                "rating_badge",
                "Auszeichnung",
                "Badge",
                FilterKind.CHOICE,
                column=badge,
                choices=BADGES,
                plugin="rating",
                group="rating",
                help_de="Auszeichnung des Betriebs.",
                help_en="The company's badge.",
            ),
            FilterSpec(
                "rating_certified",
                "Geprüft",
                "Certified",
                FilterKind.BOOL,
                column=certified,
                plugin="rating",
                group="rating",
            ),
        ]

    @hookimpl
    def register_layers(self, platform: Any) -> list[Layer]:
        places = [(f"r{i}", 51.5 + i * 0.001, 7.0 + i * 0.001) for i in range(30)]

        def features(bbox: BBox | None, lang: str) -> list[dict[str, Any]]:
            return [
                point_feature(pid, lat, lon, {"name": "Place" if lang == "en" else "Ort"})
                for pid, lat, lon in places
                if bbox is None
                or (bbox.south <= lat <= bbox.north and bbox.west <= lon <= bbox.east)
            ]

        return [Layer("rating_places", "Bewertete Orte", "Rated places", features, plugin="rating")]

    @hookimpl
    def register_blueprints(self, platform: Any) -> list[Any]:
        blp = Blueprint(
            "rating", __name__, url_prefix="/api/v1/rating", description="The test plugin's API."
        )

        class HelloSchema(ma.Schema):
            message = ma.fields.String(required=True)

        @blp.route("/hello")
        class Hello(MethodView):
            @blp.response(200, HelloSchema)
            def get(self) -> dict[str, str]:
                """Say hello"""
                return {"message": f"Hallo from {platform.plugin_settings('rating').label}"}

        if platform.plugin_settings("rating").boom:

            @blp.route("/boom")
            class Boom(MethodView):
                @blp.response(200, HelloSchema)
                def get(self) -> dict[str, str]:
                    """Fail on purpose"""
                    raise RuntimeError("secret internals")

        return [blp]

    @hookimpl
    def register_commands(self, platform: Any) -> list[click.Command]:
        @click.group("rating", help="Commands of the rating plugin.")
        def group() -> None:
            pass

        @group.command("hello")
        def hello() -> None:
            click.echo(f"Hallo from {platform.plugin_settings('rating').label}")

        return [group]

    @hookimpl
    def company_changed(self, platform: Any, company_id: int, deleted: bool) -> None:
        self.events.append((company_id, deleted))


def rating_of(number: int) -> dict[str, Any]:
    """The plugin data the n-th demo company gets: some gold, some silver, half certified."""
    badge = ("gold", "silver", None)[number % 3]
    data: dict[str, Any] = {"certified": number % 2 == 0}
    if badge is not None:
        data["badge"] = badge
    return {"rating": data}


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


class AppFactory:
    """Builds apps on new databases of the engine under test (the same ``name`` shares one);
    the environment's REGIOKARTE_* settings are ignored."""

    def __init__(self, new_database: Callable[[str], str]) -> None:
        self.new_database = new_database
        self.apps: list[Flask] = []

    def __call__(
        self,
        *,
        companies: int = 0,
        seed: int = 1,
        plugin: RatingPlugin | None = None,
        name: str | None = None,
        **sections: Any,
    ) -> Flask:
        url = self.new_database(name or f"app{len(self.apps)}")
        config = _deep_merge(
            {
                "portal": {"database_url": url, "operator_token": TOKEN},
                "search": {"refresh_interval": 0.0},
            },
            sections,
        )
        if plugin is not None:
            config = _deep_merge(config, {"plugins": {"enabled": ["rating"]}})
        with pytest.MonkeyPatch.context() as patch:
            for key in list(os.environ):
                if key.startswith("REGIOKARTE_"):
                    patch.delenv(key)
            app = create_app(config, extra_plugins={"rating": plugin} if plugin else None)
        app.config["TESTING"] = True
        platform = platform_of(app)
        platform.upgrade_database()
        if companies:
            rows = []
            for number, row in enumerate(demo_rows(platform.region, companies, seed)):
                row["extensions"] = rating_of(number) if plugin is not None else {}
                rows.append(row)
            with platform.session(write=True) as session:
                repo.bulk_insert_rows(session, rows)
        self.apps.append(app)
        return app

    def close(self) -> None:
        for app in self.apps:
            platform_of(app).db.dispose()


def platform_of(app: Flask) -> Platform:
    platform: Platform = app.extensions["regiokarte"]
    return platform
