"""Every in-tree layer gives its features the documented popup fields (title, lines, link)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from layer_portal import build_layer_app, seed_layers
from webapp_support import platform_of

from core import point_feature
from regiokarte_testing import valid_feature

#: Layer id -> properties key that holds the record's name (the popup's title).
NAME_OF = {
    "companies": "name",
    "childcare_kitas": "name",
    "housing_offers": "title",
    "training_courses": "title",
    "events": "title",
    "events_actors": "name",
    "transit_stops": "name",
    "transit_stations": "name",
}


@pytest.fixture(scope="module")
def layer_app(
    new_module_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    app = build_layer_app(new_module_database("layers"))
    seed_layers(app, tmp_path_factory.mktemp("layer-files"))
    yield app
    platform_of(app).db.dispose()


def _features(app: Flask, layer: str, lang: str) -> list[dict[str, Any]]:
    answer = app.test_client().get(f"/api/v1/layers/{layer}?lang={lang}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["features"]


@pytest.mark.parametrize("layer", sorted(NAME_OF))
def test_every_feature_has_a_popup_with_title_lines_and_link(layer_app: Flask, layer: str) -> None:
    features = _features(layer_app, layer, "de")
    assert features, f"the seeded portal has no features in {layer}"
    for feature in features:
        assert valid_feature(feature) is None
        popup = feature["properties"]["popup"]
        assert popup["title"] == feature["properties"][NAME_OF[layer]]
        assert popup["lines"] and all(isinstance(line, str) and line for line in popup["lines"])
        assert len(popup["lines"]) <= 6
        link = popup["link"]
        assert link is None or link.startswith(("/", "https://")), link


def test_popup_lines_say_what_a_visitor_decides_by_in_the_page_language(
    layer_app: Flask,
) -> None:
    def lines(layer: str, lang: str) -> list[list[str]]:
        return [f["properties"]["popup"]["lines"] for f in _features(layer_app, layer, lang)]

    kitas = _features(layer_app, "childcare_kitas", "de")
    for kita in kitas:
        props = kita["properties"]
        assert props["popup"]["link"] == props["url"]
        if props["operator"]:
            assert props["operator"] in props["popup"]["lines"]
    assert any(line.endswith(" Plätze") for ls in lines("childcare_kitas", "de") for line in ls)
    assert any(line.endswith(" places") for ls in lines("childcare_kitas", "en") for line in ls)

    offers = {
        f["properties"]["title"]: f["properties"]
        for f in _features(layer_app, "housing_offers", "de")
    }
    apartment = offers["Azubi-Apartment am Marler Stern"]["popup"]["lines"]
    assert "330\u00a0€ warm" in apartment and "1 Zimmer, 24 m²" in apartment and "Marl" in apartment
    assert "2,5 Zimmer, 61 m²" in offers["Zwei Zimmer für Pflegekräfte"]["popup"]["lines"]

    stops = lines("transit_stops", "de")
    assert stops and all(ls[0] == "Linien: SB25" for ls in stops)
    # one bus an hour leaves Marl Mitte; Marl Rathaus is where it ends (no departures line)
    assert sorted(stops) == [
        ["Linien: SB25"],
        ["Linien: SB25", "1 Abfahrt pro Stunde (werktags morgens)"],
    ]
    assert ["Lines: SB25", "1 departure per hour (weekday morning)"] in lines("transit_stops", "en")

    (event,) = _features(layer_app, "events", "de")
    assert event["properties"]["popup"]["link"] == event["properties"]["url"]
    assert "Rathaus Marl, Creiler Platz 1, 45768 Marl" in event["properties"]["popup"]["lines"]

    for course in _features(layer_app, "training_courses", "en"):
        props = course["properties"]
        assert props["provider"] in props["popup"]["lines"]
        assert props["popup"]["link"].startswith(f"/weiterbildung/{props['id']}")


@pytest.mark.parametrize(
    ("keywords", "popup"),
    [
        ({}, None),
        (
            {"title": "Kita Sonnenschein", "lines": ["AWO", "", None, "7-17 Uhr"], "link": "/k/1"},
            {"title": "Kita Sonnenschein", "lines": ["AWO", "7-17 Uhr"], "link": "/k/1"},
        ),
        ({"lines": ["nur eine Zeile"]}, {"title": None, "lines": ["nur eine Zeile"], "link": None}),
    ],
)
def test_point_feature_keeps_the_popup_apart_from_the_properties(
    keywords: dict[str, Any], popup: dict[str, Any] | None
) -> None:
    feature = point_feature("k1", 51.6, 7.1, {"name": "Kita", "lines": ["SB25"]}, **keywords)
    props = feature["properties"]
    assert props["name"] == "Kita" and props["lines"] == ["SB25"]
    assert props.get("popup") == popup
    assert valid_feature(feature) is None


def test_point_feature_refuses_more_lines_than_a_popup_shows_and_a_bare_text() -> None:
    with pytest.raises(ValueError, match="at most 6 lines; feature 'k1' has 7"):
        point_feature("k1", 51.6, 7.1, {}, title="x", lines=[str(i) for i in range(7)])
    with pytest.raises(TypeError, match="list of texts"):
        point_feature("k1", 51.6, 7.1, {}, lines="eine Zeile")


@pytest.mark.parametrize(
    ("popup", "problem"),
    [
        ({"title": 3, "lines": [], "link": None}, "popup 'title'"),
        ({"title": "x", "lines": "a", "link": None}, "popup 'lines'"),
        ({"title": "x", "lines": [1], "link": None}, "popup 'lines'"),
        ({"title": "x", "lines": [], "link": "javascript:alert(1)"}, "popup 'link'"),
        ({"title": "x", "lines": ["a"] * 7, "link": None}, "at most 6"),
    ],
)
def test_the_testing_kit_names_a_malformed_popup(popup: dict[str, Any], problem: str) -> None:
    feature = point_feature("k1", 51.6, 7.1, {"popup": popup})
    assert problem in (valid_feature(feature) or "")
