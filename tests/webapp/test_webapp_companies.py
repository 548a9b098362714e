"""/api/v1/companies: what the public sees, what operators may do, and that plugins hear of it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from webapp_support import AUTH, AppFactory, RatingPlugin

NEW = {
    "name": "Bäckerei Sonnenschein GmbH",
    "industry": "C",
    "industry_division": "10",
    "professions": ["29"],
    "employees": 12,
    "family": ["flexible_hours"],
    "offers": ["ausbildung"],
    "street": "Am Markt 1",
    "postcode": "45768",
    "town": "Marl",
    "lat": 51.656,
    "lon": 7.09,
    "website": "https://example.org",
    "status": "published",
    "extensions": {"rating": {"badge": "gold"}},
    "contact": {"name": "Erika Muster", "email": "erika@example.org", "phone": "02365 1"},
}


@pytest.fixture
def plugin() -> RatingPlugin:
    return RatingPlugin()


@pytest.fixture
def app(make_app: AppFactory, plugin: RatingPlugin) -> Flask:
    return make_app(companies=40, seed=5, plugin=plugin)


def _create(app: Flask, **changes: Any) -> dict[str, Any]:
    response = app.test_client().post("/api/v1/companies", json={**NEW, **changes}, headers=AUTH)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_operator_creates_changes_and_deletes_and_plugins_hear_of_it(
    app: Flask, plugin: RatingPlugin
) -> None:
    client = app.test_client()
    created = _create(app)
    assert created["slug"] == "baeckerei-sonnenschein-gmbh"
    assert created["contact"]["email"] == "erika@example.org"
    company_id = created["id"]
    # findable at once (the test app checks for changes before every search)
    found = client.get("/api/v1/search?q=sonnenschein&rating_badge=gold").get_json()
    assert [i["id"] for i in found["items"]] == [company_id]

    changed = client.patch(f"/api/v1/companies/{company_id}", json={"employees": 60}, headers=AUTH)
    assert changed.status_code == 200
    body = changed.get_json()
    assert body["employees"] == 60 and body["size"] == "medium"
    assert body["name"] == NEW["name"] and body["contact"]["name"] == "Erika Muster"

    email = client.patch(
        f"/api/v1/companies/{company_id}",
        json={"contact": {"email": "neu@example.org"}},
        headers=AUTH,
    ).get_json()["contact"]
    assert email == {"name": "Erika Muster", "email": "neu@example.org", "phone": "02365 1"}

    removed = client.patch(f"/api/v1/companies/{company_id}", json={"contact": None}, headers=AUTH)
    assert removed.get_json()["contact"] == {"name": "", "email": "", "phone": ""}

    assert client.delete(f"/api/v1/companies/{company_id}", headers=AUTH).status_code == 204
    assert client.get(f"/api/v1/companies/{company_id}", headers=AUTH).status_code == 404
    assert plugin.events == [(company_id, False)] * 4 + [(company_id, True)]


def test_public_sees_published_profiles_without_contact_data(app: Flask) -> None:
    client = app.test_client()
    draft = _create(app, status="draft", name="Entwurf KG")
    published = _create(app, name="Sichtbar KG")
    assert client.get(f"/api/v1/companies/{draft['id']}").status_code == 404
    public = client.get(f"/api/v1/companies/{published['id']}").get_json()
    assert "contact" not in public
    operator = client.get(f"/api/v1/companies/{draft['id']}", headers=AUTH).get_json()
    assert operator["status"] == "draft" and operator["contact"]["email"]

    listing = client.get("/api/v1/companies?per_page=200").get_json()
    assert {c["status"] for c in listing["items"]} == {"published"}
    assert all("contact" not in c for c in listing["items"])
    everything = client.get("/api/v1/companies?per_page=200", headers=AUTH).get_json()
    assert everything["total"] == 42 > listing["total"]
    drafts = client.get("/api/v1/companies?status=draft", headers=AUTH).get_json()
    assert draft["id"] in {c["id"] for c in drafts["items"]}
    refused = client.get("/api/v1/companies?status=draft")
    assert refused.status_code == 403 and "operators" in refused.get_json()["message"]


def test_paging_covers_every_published_company_once(app: Flask) -> None:
    client = app.test_client()
    first = client.get("/api/v1/companies?per_page=7").get_json()
    ids = []
    for page in range(1, first["pages"] + 1):
        ids += [
            c["id"]
            for c in client.get(f"/api/v1/companies?per_page=7&page={page}").get_json()["items"]
        ]
    assert len(ids) == len(set(ids)) == first["total"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/companies"),
        ("patch", "/api/v1/companies/1"),
        ("delete", "/api/v1/companies/1"),
    ],
)
def test_writes_need_the_operator_token(app: Flask, method: str, url: str) -> None:
    client = app.test_client()
    anonymous = getattr(client, method)(url, json={"name": "X"})
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = getattr(client, method)(
        url, json={"name": "X"}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    assert wrong.get_json()["message"] == "The operator token is wrong."


def test_writes_are_off_without_a_token_setting(make_app: AppFactory) -> None:
    app = make_app(portal={"operator_token": ""})
    response = app.test_client().post("/api/v1/companies", json=NEW, headers=AUTH)
    assert response.status_code == 403
    message = response.get_json()["message"]
    assert "portal.operator_token" in message and "REGIOKARTE_PORTAL__OPERATOR_TOKEN" in message
    assert app.test_client().get("/api/v1/companies").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "industry": "C", "industry_division": "01"}, "industry_division"),
        ({"name": "X", "lat": 51.6}, "lat"),
        ({"name": "X", "industry": "Z"}, "industry"),
        ({"name": "X", "postcode": "123"}, "postcode"),
        ({"name": "X", "employees": "12"}, "employees"),
        ({"name": "X", "colour": "blue"}, "colour"),
        ({}, "name"),
    ],
)
def test_invalid_bodies_name_the_field(app: Flask, body: dict[str, Any], field: str) -> None:
    response = app.test_client().post("/api/v1/companies", json=body, headers=AUTH)
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()


def test_taken_slug_is_a_conflict(app: Flask) -> None:
    first = _create(app)
    response = app.test_client().post(
        "/api/v1/companies", json={**NEW, "slug": first["slug"]}, headers=AUTH
    )
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"slug": ["already taken"]}


@pytest.mark.parametrize("company_id", [2**31 - 1, 2**31, 2**63 - 1, 2**64])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_ids_beyond_the_integer_range_are_not_found(
    app: Flask, method: str, company_id: int
) -> None:
    """PostgreSQL's INTEGER ids have 32 bits: a larger id is a 404 there too, never a 500."""
    client = app.test_client()
    kwargs: dict[str, Any] = {"json": {"employees": 3}} if method == "patch" else {}
    response = getattr(client, method)(f"/api/v1/companies/{company_id}", headers=AUTH, **kwargs)
    assert response.status_code == 404, response.get_json()
    assert str(company_id) in response.get_json()["message"]


def test_the_public_sees_no_data_of_disabled_plugins(make_app: AppFactory) -> None:
    # the same database, first with the rating plugin, then without it
    with_plugin = make_app(plugin=RatingPlugin(), name="disabled")
    company_id = _create(with_plugin)["id"]
    without = make_app(name="disabled")
    client = without.test_client()
    public = client.get(f"/api/v1/companies/{company_id}").get_json()
    assert public["extensions"] == {}
    listed = client.get("/api/v1/companies").get_json()["items"]
    assert [c["extensions"] for c in listed if c["id"] == company_id] == [{}]
    # kept in the database: operators still see it, enabling the plugin brings it back
    operator = client.get(f"/api/v1/companies/{company_id}", headers=AUTH).get_json()
    assert operator["extensions"] == {"rating": {"badge": "gold"}}
    again = with_plugin.test_client().get(f"/api/v1/companies/{company_id}").get_json()
    assert again["extensions"] == {"rating": {"badge": "gold"}}
