"""/api/v1/layers hands every map the symbol of each layer: the style table's entry for the
layer's hint, no two layers alike, and an operator's Kita colour."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from layer_portal import build_layer_app
from webapp_support import platform_of

from core.search.markers import MARKER_STYLES


@pytest.fixture(scope="module")
def layer_app(new_module_database: Callable[[str], str]) -> Iterator[Flask]:
    app = build_layer_app(new_module_database("layer-styles"))
    yield app
    platform_of(app).db.dispose()


def _layers(app: Flask, query: str = "") -> list[dict[str, object]]:
    answer = app.test_client().get(f"/api/v1/layers{query}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["layers"]


def test_every_layer_comes_with_the_style_of_its_hint(layer_app: Flask) -> None:
    layers = _layers(layer_app)
    assert {d["id"] for d in layers} >= {
        "companies",
        "childcare_kitas",
        "housing_offers",
        "transit_stops",
        "transit_stations",
        "training_courses",
        "events",
        "events_actors",
    }
    for d in layers:
        # the in-tree plugins' hints are all in the table: each gets its entry unchanged
        assert d["style"] == MARKER_STYLES[d["marker"]].as_dict(), d["id"]


def test_no_two_layers_share_a_symbol(layer_app: Flask) -> None:
    layers = _layers(layer_app)
    for a, b in itertools.combinations(layers, 2):
        sa, sb = a["style"], b["style"]
        assert (sa["colour"], sa["shape"]) != (sb["colour"], sb["shape"]), (a["id"], b["id"])
        assert sa["key"] != sb["key"]


def test_the_style_is_the_same_in_every_language(layer_app: Flask) -> None:
    german = {d["id"]: d["style"] for d in _layers(layer_app, "?lang=de")}
    for lang in ("en", "tr", "ar"):
        assert {d["id"]: d["style"] for d in _layers(layer_app, f"?lang={lang}")} == german


def test_the_operators_kita_colour_is_the_kita_symbols_colour(
    new_module_database: Callable[[str], str],
) -> None:
    app = build_layer_app(
        new_module_database("layer-styles-colour"),
        plugins={"enabled": ["childcare", "transit"], "childcare": {"marker_color": "#7B1FA2"}},
    )
    try:
        styles = {d["id"]: d["style"] for d in _layers(app)}
    finally:
        platform_of(app).db.dispose()
    assert styles["childcare_kitas"] == {
        "key": "kita",
        "colour": "#7b1fa2",
        "shape": MARKER_STYLES["kita"].shape,
        "glyph": MARKER_STYLES["kita"].glyph,
    }
