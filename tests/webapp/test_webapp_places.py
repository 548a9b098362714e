"""GET /api/v1/places: suggestions for the place field, in the OpenAPI document; and radius
searches around any place people name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

Get = Callable[..., Any]


def test_suggestions_for_what_was_typed(get_json: Get) -> None:
    body = get_json("/api/v1/places?q=gelsenkirchen%20bu")
    assert [p["label"] for p in body["places"]] == ["Buer (Gelsenkirchen)"]
    place = body["places"][0]
    assert place["kind"] == "district" and place["municipality"] == "Gelsenkirchen"
    misspelt = get_json("/api/v1/places?q=Gelsenkirchn&limit=3")["places"]
    assert misspelt[0]["label"] == "Gelsenkirchen" and len(misspelt) <= 3
    codes = get_json("/api/v1/places?q=45894")["places"]
    assert [(p["kind"], p["label"]) for p in codes] == [("postcode", "45894 Gelsenkirchen")]


def test_bad_place_queries_are_named(client: FlaskClient) -> None:
    for url in ("/api/v1/places", "/api/v1/places?q=", "/api/v1/places?q=marl&limit=0"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.get_json()["errors"]


def test_the_places_endpoint_is_documented(get_json: Get) -> None:
    spec = get_json("/api/openapi.json")
    operation = spec["paths"]["/api/v1/places"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "limit"}
    assert "200" in operation["responses"]


def test_a_radius_search_around_a_district(get_json: Get) -> None:
    for written in ("Gelsenkirchen-Buer", "Buer", "gelsenkirchen buer", "Buer (Gelsenkirchen)"):
        body = get_json(f"/api/v1/search?near_town={written}&radius_km=3&per_page=1")
        assert body["total"] > 0, written
    postcode = get_json("/api/v1/search?near_town=45894&radius_km=3&per_page=1")
    buer = get_json("/api/v1/search?near_town=Buer&radius_km=3&per_page=1")
    assert postcode["total"] > 0 and buer["total"] > 0


def test_an_unknown_place_in_a_search_suggests_names(client: FlaskClient) -> None:
    response = client.get("/api/v1/search?near_town=Gelsenkirchn&radius_km=3")
    assert response.status_code == 422
    body = response.get_json()
    assert "near_town" in body["errors"]
    assert "Gelsenkirchen" in body["message"]
