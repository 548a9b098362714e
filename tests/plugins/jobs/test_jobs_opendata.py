"""Open data files of the open positions (/api/v1/jobs/opendata/positions.csv and .json): the
positions the public sees, no personal or internal field, the licence in every file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient
from jobs_world import World, build_world

from plugins.jobs.opendata import FIELDS

#: What the files must never hold: a person's address or line, how matching went.
PRIVATE = {
    "apply_email",
    "apply_phone",
    "match",
    "match_candidates",
    "filled_on",
    "created_at",
    "updated_at",
}
LICENCE = {"licence": "CC-BY-4.0", "licence_url": "https://creativecommons.org/licenses/by/4.0/"}


@pytest.fixture(scope="module")
def world(new_module_database: Callable[[str], str]) -> Iterator[World]:
    built = build_world(
        new_module_database("jobs-opendata"),
        opendata={**LICENCE, "attribution": "Regionalagentur Emscher-Lippe"},
    )
    yield built
    built.platform.db.dispose()


@pytest.fixture
def client(world: World) -> FlaskClient:
    return world.app.test_client()


def test_the_json_file_holds_the_public_positions_and_its_licence(
    world: World, client: FlaskClient
) -> None:
    answer = client.get("/api/v1/jobs/opendata/positions.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    data = answer.get_json()
    assert data["license"] == "CC-BY-4.0" and data["license_url"] == LICENCE["licence_url"]
    assert data["attribution"] == "Regionalagentur Emscher-Lippe"
    records = data["positions"]
    assert sorted(r["id"] for r in records) == sorted(p.id for p in world.public())
    assert all(set(r) == set(FIELDS) for r in records)
    by_id = {p.id: p for p in world.positions}
    slugs = {c.id: c.slug for c in world.companies}
    for record in records:
        stored = by_id[record["id"]]
        assert record["title"] == stored.title and record["kind"] == stored.kind
        assert record["url"] == f"/stellen/{stored.id}"
        if stored.company_id is None:
            assert record["company_slug"] is None and record["company_name"] is None
        else:
            assert record["company_slug"] == slugs[stored.company_id]
            assert record["lat"] is not None, "a position lies at its company's place at least"
    assert any(r["company_id"] is None for r in records), "not matched ones are open data too"


def test_no_file_holds_personal_or_internal_fields(world: World, client: FlaskClient) -> None:
    assert not PRIVATE & set(FIELDS)
    # the stored positions do have apply addresses and phone numbers: none leaks
    addresses = {p.apply_email for p in world.positions if p.apply_email}
    phones = {p.apply_phone for p in world.positions if p.apply_phone}
    assert addresses and phones
    for path in ("positions.json", "positions.csv"):
        body = client.get(f"/api/v1/jobs/opendata/{path}").get_data(as_text=True)
        assert not any(a in body for a in addresses), path
        assert not any(p in body for p in phones), path
        assert not any(f'"{name}"' in body for name in PRIVATE)


def test_the_csv_file_names_its_licence_on_every_line(world: World, client: FlaskClient) -> None:
    answer = client.get("/api/v1/jobs/opendata/positions.csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "positions.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert list(rows[0]) == [*FIELDS, "license"]
    assert {r["license"] for r in rows} == {"CC-BY-4.0"}
    assert sorted(int(r["id"]) for r in rows) == sorted(p.id for p in world.public())


def test_an_unchanged_file_is_not_sent_again(client: FlaskClient) -> None:
    first = client.get("/api/v1/jobs/opendata/positions.json")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/jobs/opendata/positions.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()
    other = client.get("/api/v1/jobs/opendata/positions.csv", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_switched_off_open_data_publishes_no_positions(
    new_database: Callable[[str], str],
) -> None:
    off = build_world(new_database("jobs-opendata-off"), opendata={"enabled": False})
    try:
        client = off.app.test_client()
        for path in ("positions.json", "positions.csv"):
            answer = client.get(f"/api/v1/jobs/opendata/{path}")
            assert answer.status_code == 404
            assert "opendata.enabled" in answer.get_json()["message"]
    finally:
        off.platform.db.dispose()
