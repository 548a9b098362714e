"""Every error answer of the API has the documented shape, ``errors`` included."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

#: JSON types of the OpenAPI document -> Python types of the decoded body
TYPES = {"integer": int, "string": str, "object": dict}


@pytest.fixture(scope="module")
def error_schema(search_app: Any) -> dict[str, Any]:
    document = search_app.test_client().get("/api/openapi.json").get_json()
    return document["components"]["schemas"]["Error"]


@pytest.mark.parametrize(
    ("method", "url", "status", "per_field"),
    [
        ("get", "/api/v1/nothing-here", 404, False),
        ("get", "/api/v1/companies/987654321", 404, False),
        ("get", "/api/v1/layers/no-such-layer", 404, False),
        ("get", "/api/v1/rating/no-such-thing", 404, False),  # under a plugin's prefix
        ("put", "/api/v1/search", 405, False),
        ("post", "/api/v1/companies", 401, False),  # no operator token
        ("get", "/api/v1/search?industry=ZZ", 422, True),
        ("get", "/api/v1/search?no_such_parameter=1", 422, True),
    ],
)
def test_error_answers_carry_code_status_message_and_errors(
    client: FlaskClient,
    error_schema: dict[str, Any],
    method: str,
    url: str,
    status: int,
    per_field: bool,
) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == status and response.is_json
    body = response.get_json()
    # the document's Error schema lists errors as required, and the answers keep to it
    assert "errors" in error_schema["required"]
    assert set(body) == set(error_schema["properties"])
    for key, spec in error_schema["properties"].items():
        assert isinstance(body[key], TYPES[spec["type"]]), (key, body)
    assert body["code"] == status and body["message"].endswith(".")
    if per_field:
        assert body["errors"] and all(isinstance(v, list) for v in body["errors"].values())
    else:
        assert body["errors"] == {}


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize("url", ["/gibt-es-nicht", "/gibt-es-nicht/auch-nicht/", "/a/b/c"])
def test_a_missing_page_is_a_page_in_the_portals_language(client: FlaskClient, url: str) -> None:
    german = client.get(url, headers=BROWSER)
    assert german.status_code == 404 and german.mimetype == "text/html"
    assert "Seite nicht gefunden" in german.get_data(as_text=True)
    assert '<html lang="de"' in german.get_data(as_text=True)
    english = client.get(url + "?lang=en", headers=BROWSER)
    assert english.status_code == 404 and '<html lang="en"' in english.get_data(as_text=True)
    assert "Seite nicht gefunden" not in english.get_data(as_text=True)
    # a client that asks for JSON keeps the problem document
    asked = client.get(url, headers={"Accept": "application/json"})
    assert asked.status_code == 404 and asked.get_json()["code"] == 404


def test_a_page_address_with_a_trailing_slash_leads_to_the_page(client: FlaskClient) -> None:
    moved = client.get("/barrierefreiheit/?lang=en", headers=BROWSER)
    assert moved.status_code == 308
    assert moved.headers["Location"].endswith("/barrierefreiheit?lang=en")
    assert client.get(moved.headers["Location"], headers=BROWSER).status_code == 200
    # under /api/ nothing is guessed: the API answers JSON
    api = client.get("/api/v1/search/", headers=BROWSER)
    assert api.status_code == 404 and api.is_json
