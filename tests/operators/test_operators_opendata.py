"""Open data files: published companies only, no personal data, the operator's licence."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import update

from core.io.opendata import FIELDS
from core.model import Status
from core.persistence import companies as repo
from core.persistence.tables import CompanyRow

PERSONAL = ("contact", "contact_name", "contact_email", "contact_phone", "email", "editor")
PERSONAL += ("consent", "token", "extensions", "status")
DRAFTS = 7


def _with_drafts(app: Any) -> int:
    """Withdraw a few profiles; the number of published ones left."""
    platform = app.extensions["regiokarte"]
    with platform.session(write=True) as session:
        session.execute(
            update(CompanyRow).where(CompanyRow.id <= DRAFTS).values(status=Status.DRAFT.value)
        )
    with platform.session() as session:
        return repo.count_companies(session, status=Status.PUBLISHED)


def _personal_keys(keys: Any) -> set[str]:
    return {k for k in keys if any(word in k.lower() for word in PERSONAL)}


def test_geojson_lists_every_published_company_without_personal_data(
    second_region_app: Any,
) -> None:
    published = _with_drafts(second_region_app)
    response = second_region_app.test_client().get("/api/v1/opendata/companies.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.is_streamed
    data = json.loads(response.get_data(as_text=True))
    assert len(data["features"]) == published > 0
    assert data["license"] == "dl-de/by-2-0"
    assert data["attribution"] == "Beispiel-Wirtschaftsförderung Westfalen"
    ids = set()
    for feature in data["features"]:
        assert _personal_keys(feature["properties"]) == set()
        assert feature["geometry"]["type"] == "Point"
        ids.add(feature["id"])
    assert not ids & set(range(1, DRAFTS + 1))
    text = response.get_data(as_text=True)
    assert "@" not in text.replace("@context", "")  # no e-mail address anywhere


def test_csv_has_the_same_records_and_a_licence_column(second_region_app: Any) -> None:
    published = _with_drafts(second_region_app)
    response = second_region_app.test_client().get("/api/v1/opendata/companies.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == published
    assert list(rows[0]) == [*FIELDS, "license"]
    assert _personal_keys(rows[0]) == set()
    assert {r["license"] for r in rows} == {"dl-de/by-2-0"}
    assert "@" not in response.get_data(as_text=True)


def test_files_are_cacheable_and_answer_conditional_requests(second_region_app: Any) -> None:
    client = second_region_app.test_client()
    first = client.get("/api/v1/opendata/companies.csv")
    assert "max-age=300" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = client.get("/api/v1/opendata/companies.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    _with_drafts(second_region_app)
    changed = client.get("/api/v1/opendata/companies.csv", headers={"If-None-Match": etag})
    assert changed.status_code == 200


def test_licence_is_the_operators_setting(make_app: Any) -> None:
    app = make_app(None, companies=3, opendata={"licence": "CC-BY-4.0", "attribution": "X"})
    data = app.test_client().get("/api/v1/opendata/companies.geojson").get_json(force=True)
    assert (data["license"], data["attribution"]) == ("CC-BY-4.0", "X")


def test_switched_off_open_data_is_not_found(make_app: Any) -> None:
    app = make_app(None, companies=1, opendata={"enabled": False})
    assert app.test_client().get("/api/v1/opendata/companies.csv").status_code == 404


def test_open_data_is_documented_in_openapi(client: Any) -> None:
    paths = client.get("/api/openapi.json").get_json()["paths"]
    geojson = paths["/api/v1/opendata/companies.geojson"]["get"]
    assert "application/geo+json" in geojson["responses"]["200"]["content"]
    assert (
        "text/csv" in paths["/api/v1/opendata/companies.csv"]["get"]["responses"]["200"]["content"]
    )
