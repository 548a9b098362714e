"""GET /api/v1/search and /api/v1/filters over HTTP: counts agree, plugins plug in, errors help."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webapp_support import platform_of, rating_of

from core.io.demo import demo_rows

Get = Callable[..., Any]


def _all_pages(get_json: Get, params: list[tuple[str, str]]) -> tuple[dict[str, Any], list[int]]:
    first = get_json("/api/v1/search?" + urlencode([*params, ("per_page", "200")]))
    ids = [item["id"] for item in first["items"]]
    for page in range(2, first["pages"] + 1):
        more = get_json(
            "/api/v1/search?" + urlencode([*params, ("per_page", "200"), ("page", str(page))])
        )
        assert more["total"] == first["total"]
        ids += [item["id"] for item in more["items"]]
    return first, ids


def _random_params(rng: random.Random, filters: list[dict[str, Any]]) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    usable = [f for f in filters if f["kind"] in ("choice", "multichoice", "bool", "range")]
    for spec in rng.sample(usable, rng.randint(1, 3)):
        if spec["kind"] in ("choice", "multichoice"):
            values = rng.sample(spec["choices"], rng.randint(1, min(3, len(spec["choices"]))))
            params += [(spec["key"], c["value"]) for c in values]
        elif spec["kind"] == "bool":
            params.append((spec["key"], "true"))
        else:
            params.append((spec["key"], rng.choice(["..9", "10..49", "5..", "50..2000"])))
    if rng.random() < 0.3:
        params.append(("bbox", "6.9,51.5,7.25,51.7"))
    elif rng.random() < 0.3:
        params += [("near_town", "Marl"), ("radius_km", str(rng.choice([2, 5, 10])))]
    if rng.random() < 0.3:
        params.append(("q", rng.choice(["bau", "gmbh", "pflege", "metall"])))
    return params


@pytest.mark.parametrize("seed", range(8))
def test_total_counts_every_item_of_every_page_and_the_town_facet(get_json: Get, seed: int) -> None:
    filters = get_json("/api/v1/filters")["filters"]
    params = _random_params(random.Random(seed), filters)
    first, ids = _all_pages(get_json, params)
    assert first["total"] == len(ids) == len(set(ids)), params
    if not any(key == "town" for key, _ in params):
        assert sum(f["count"] for f in first["facets"]["town"]) == first["total"], params
    # a facet value's count is what choosing it gives
    industry = (
        next(f for f in first["facets"]["industry"] if f["count"]) if first["total"] else None
    )
    if industry is not None and not any(key == "industry" for key, _ in params):
        narrowed = get_json(
            "/api/v1/search?" + urlencode([*params, ("industry", industry["value"])])
        )
        assert narrowed["total"] == industry["count"]


def test_town_filter_keeps_its_own_facet_counts(get_json: Get) -> None:
    everything = get_json("/api/v1/search")
    marl = get_json("/api/v1/search?town=05562024")
    by_value = {f["value"]: f for f in marl["facets"]["town"]}
    assert by_value["05562024"]["selected"] is True
    assert marl["total"] == by_value["05562024"]["count"]
    # the other towns still show what choosing them would give
    assert sum(f["count"] for f in marl["facets"]["town"]) == everything["total"]


def test_plugin_filter_is_listed_and_searchable_without_webapp_changes(
    search_app: Flask, get_json: Get
) -> None:
    filters = {f["key"]: f for f in get_json("/api/v1/filters?lang=en")["filters"]}
    badge = filters["rating_badge"]
    assert badge["plugin"] == "rating" and badge["kind"] == "choice"
    assert badge["label"] == "Badge" and badge["help"] == "The company's badge."
    assert [c["value"] for c in badge["choices"]] == ["gold", "silver"]
    assert filters["rating_certified"]["kind"] == "bool"

    platform = platform_of(search_app)
    rows = list(demo_rows(platform.region, 1500, 7))
    expected_gold = sum(
        1
        for n, row in enumerate(rows)
        if row["status"] == "published" and rating_of(n)["rating"].get("badge") == "gold"
    )
    gold = get_json("/api/v1/search?rating_badge=gold")
    assert gold["total"] == expected_gold > 0
    everything = get_json("/api/v1/search")
    counts = {f["value"]: f["count"] for f in everything["facets"]["rating_badge"]}
    assert counts["gold"] == expected_gold
    certified = get_json(
        "/api/v1/search?rating_certified=true&rating_badge=gold&rating_badge=silver"
    )
    expected = sum(
        1
        for n, row in enumerate(rows)
        if row["status"] == "published"
        and rating_of(n)["rating"]["certified"]
        and "badge" in rating_of(n)["rating"]
    )
    assert certified["total"] == expected
    assert certified["facets"]["rating_certified"][0]["selected"] is True


def test_language_from_parameter_or_accept_language(client: FlaskClient, get_json: Get) -> None:
    german = get_json("/api/v1/search?per_page=1")
    english = get_json("/api/v1/search?per_page=1", headers={"Accept-Language": "en-GB,en;q=0.8"})
    forced = get_json("/api/v1/search?per_page=1&lang=de", headers={"Accept-Language": "en"})
    label = {
        r["lang"]: {f["value"]: f["label"] for f in r["facets"]["industry"]}
        for r in (german, english)
    }
    assert label["de"]["F"] == "Baugewerbe" and label["en"]["F"] == "Construction"
    assert forced["lang"] == "de"
    response = client.get("/api/v1/filters", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "en"
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("query", "parameter", "hint"),
    [
        ("industry=X", "industry", "valid values are: A, B, C"),
        ("colour=red", "colour", "known filters are"),
        ("per_page=201", "per_page", "1 to 200"),
        ("page=0", "page", "1 to"),
        ("radius_km=5", "radius_km", "needs a centre"),
        ("bbox=7,51,6,52", "bbox", "inverted"),
        ("near_town=Atlantis", "near_town", "postcode such as 45657"),
        ("sort=random", "sort", "name, distance"),
        ("employees=many", "employees", "such as 10..49"),
        ("lang=fr", "lang", "de, en"),
        ("rating_badge=bronze", "rating_badge", "gold, silver"),
    ],
)
def test_invalid_parameters_name_the_parameter_and_what_is_valid(
    client: FlaskClient, query: str, parameter: str, hint: str
) -> None:
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert parameter in body["errors"], body
    assert hint in body["message"], body


def test_radius_search_sorted_by_distance(get_json: Get) -> None:
    result = get_json("/api/v1/search?near_postcode=45768&radius_km=3&sort=distance&per_page=50")
    distances = [item["distance_m"] for item in result["items"]]
    assert distances and distances == sorted(distances)
    assert all(d <= 3000 for d in distances)


def test_map_output_is_clusters_or_points_within_the_marker_limit(get_json: Get) -> None:
    region = get_json("/api/v1/search?zoom=9")
    assert region["clusters"]
    assert sum(c["count"] for c in region["clusters"]) + len(region["points"]) == region["total"]
    street = get_json("/api/v1/search?zoom=17&bbox=7.08,51.64,7.12,51.66")
    assert not street["clusters"] and len(street["points"]) == street["total"]
