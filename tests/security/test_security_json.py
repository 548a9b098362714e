"""Hostile JSON: bodies nested thousands of levels deep or holding unpaired surrogates are
answered 400 on every route that reads a JSON body (never 500), and import files with the same
content are refused with a message instead of crashing the importers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from core import InputRejected, check_json, parse_json
from core.io.importing import read_records
from tests.security.conftest import OPERATOR_TOKEN
from webapp.cli import cli
from webapp.security import JSON_MAX_DEPTH, Role, access_table

#: 100,000 levels: far beyond Python's recursion limit (the parser's RecursionError).
ABYSS = "[" * 100_000 + "]" * 100_000
#: Parses fine, but nests deeper than any real document.
DEEP = '{"name": ' + "[" * 200 + "1" + "]" * 200 + "}"
#: JSON's escape for an unpaired high surrogate, as text (not a Python surrogate).
SURROGATE = '{"name": "Firma \\ud800", "email": "a@example.org", "places": 1}'
SURROGATE_KEY = '{"\\udc00": 1}'
BODIES = {"abyss": ABYSS, "deep": DEEP, "surrogate": SURROGATE, "surrogate key": SURROGATE_KEY}

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _json_routes(app: Flask) -> list[tuple[str, str, Role | None]]:
    """(URL with placeholder ids, method, role) of every write route of the JSON API."""
    rules = {r.endpoint + r.rule: r for r in app.url_map.iter_rules()}
    out = []
    for (rule, endpoint, method), role in sorted(access_table(app).items()):
        if method in WRITE_METHODS and rule.startswith("/api/"):
            url_rule = rules[endpoint + rule]
            values = {
                name: 1 if type(url_rule._converters[name]).__name__ == "IntegerConverter" else "x"
                for name in url_rule.arguments
            }
            out.append((url_rule.build(values, append_unknown=False)[1], method, role))
    return out


def test_the_api_has_public_write_routes_to_attack(app: Flask) -> None:
    routes = _json_routes(app)
    assert ("/api/v1/events/1/registrations", "POST", Role.PUBLIC) in routes
    assert ("/api/v1/submissions", "POST", Role.PUBLIC) in routes


@pytest.mark.parametrize("body", BODIES, ids=list(BODIES))
def test_every_json_write_route_answers_400_to_hostile_bodies(app: Flask, body: str) -> None:
    client = app.test_client()
    answers: dict[str, Any] = {}
    for url, method, _role in _json_routes(app):
        # with the operator token: the route gets as far as reading its body
        response = client.open(
            url,
            method=method,
            data=BODIES[body],
            content_type="application/json",
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        )
        answers[f"{method} {url}"] = response.status_code
        assert response.status_code < 500, (method, url, response.get_data(as_text=True))
    # the routes that read a body say why they refuse it
    registration = client.post(
        "/api/v1/events/1/registrations", data=BODIES[body], content_type="application/json"
    )
    assert registration.status_code == 400, registration.get_json()
    message = registration.get_json()["message"]
    assert ("levels deep" in message) if "surrogate" not in body else ("Unicode" in message)
    submission = client.post(
        "/api/v1/submissions", data=BODIES[body], content_type="application/json"
    )
    assert submission.status_code == 400
    assert answers["POST /api/v1/events/1/registrations"] == 400


def test_thirty_nested_registrations_are_thirty_400s(app: Flask) -> None:
    client = app.test_client()
    statuses = {
        client.post(
            "/api/v1/events/1/registrations", data=ABYSS, content_type="application/json"
        ).status_code
        for _ in range(30)
    }
    assert statuses == {400}


def test_a_body_at_the_depth_limit_reaches_the_view(app: Flask) -> None:
    # exactly JSON_MAX_DEPTH levels: not refused for its depth (the schema says what is wrong)
    body = "[" * (JSON_MAX_DEPTH - 1) + "{}" + "]" * (JSON_MAX_DEPTH - 1)
    response = app.test_client().post(
        "/api/v1/submissions", data=body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "levels deep" not in response.get_json()["message"]


def test_paired_surrogates_are_ordinary_text() -> None:
    # an escaped emoji (a valid pair) is text like any other
    assert parse_json('{"x": "\\ud83d\\ude00"}') == {"x": "\U0001f600"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (ABYSS, "more than 64 levels deep"),
        ("[" * 65 + "]" * 65, "more than 64 levels deep"),
        ('{"a": ["\\ud800"]}', "$.a[0]"),
        ('{"a": {"\\udfff": 1}}', "a key"),
        ("{nope", "is not JSON (line 1"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_parse_json_refuses_with_a_message(text: str | bytes, found: str) -> None:
    with pytest.raises(InputRejected) as caught:
        parse_json(text, source="upload.json")
    assert found in caught.value.message
    assert caught.value.message.startswith("upload.json")


def test_check_json_walks_iteratively() -> None:
    # built without recursion, deeper than the interpreter could recurse
    value: list[Any] = []
    for _ in range(50_000):
        value = [value]
    with pytest.raises(InputRejected):
        check_json(value)
    check_json(json.loads("[" * 64 + "]" * 64))


def _geojson(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "companies.geojson"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("body", ["abyss", "surrogate"])
def test_the_company_importer_refuses_hostile_json(tmp_path: Path, body: str) -> None:
    feature = (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, '
        '"properties": %s}]}'
    )
    text = feature % (ABYSS if body == "abyss" else SURROGATE)
    with pytest.raises(InputRejected) as caught:
        read_records(_geojson(tmp_path, text))
    assert caught.value.message.startswith("companies.geojson ")
    assert "Nothing was imported" in caught.value.message


@pytest.mark.parametrize("body", ["abyss", "surrogate"])
def test_the_kita_importer_refuses_hostile_json(tmp_path: Path, body: str) -> None:
    from plugins.childcare.importers import read_geojson

    text = (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        '{"type": "Point", "coordinates": [7.1, 51.6]}, "properties": %s}]}'
    ) % (ABYSS if body == "abyss" else SURROGATE)
    path = tmp_path / "kitas.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputRejected) as caught:
        read_geojson(path)
    assert caught.value.message.startswith("kitas.geojson")


def test_the_import_command_exits_1_on_hostile_json(app: Flask, tmp_path: Path) -> None:
    path = _geojson(tmp_path, '{"type": "FeatureCollection", "features": ' + ABYSS + "}")
    result = app.test_cli_runner().invoke(cli, ["import", "companies", str(path)])
    assert result.exit_code == 1, result.output
    assert "levels deep" in result.output


@pytest.mark.parametrize("body", ["abyss", "deep", "surrogate"])
def test_every_dataset_json_import_refuses_hostile_json(
    app: Flask, tmp_path: Path, body: str
) -> None:
    platform = app.extensions["regiokarte"]
    formats = {
        dataset_id: [f for f in dataset.import_formats if "json" in f]
        for dataset_id, dataset in platform.datasets().items()
    }
    tried = 0
    for dataset_id, json_formats in sorted(formats.items()):
        for fmt in json_formats:
            path = tmp_path / f"{dataset_id}.{fmt}"
            # the hostile value where records are expected and at the top
            path.write_text(BODIES[body], encoding="utf-8")
            with platform.session(write=True) as session:
                with pytest.raises(InputRejected) as caught:
                    platform.dataset(dataset_id).import_file(session, path, fmt)
            assert ("levels deep" in caught.value.message) != ("surrogate" in body)
            tried += 1
    assert tried >= 3  # Kitas (GeoJSON), housing offers and courses (JSON) at least
