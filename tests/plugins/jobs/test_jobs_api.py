"""The jobs API (/api/v1/jobs/...) against brute force over the stored positions: lists with
every filter and page, a position, a company's positions; closed positions and companies not
on the map never show to the public; operators see everything on request."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from jobs_support import TODAY, is_open
from jobs_world import AUTH, World, build_world, order, town_of

from plugins.jobs import vocabulary as jv
from plugins.jobs.model import Position


@pytest.fixture(scope="module")
def world(new_module_database: Callable[[str], str]) -> Iterator[World]:
    built = build_world(new_module_database("jobs-api"))
    yield built
    built.platform.db.dispose()


@pytest.fixture
def client(world: World) -> FlaskClient:
    return world.app.test_client()


def _all_pages(client: FlaskClient, params: dict[str, Any], **kw: Any) -> tuple[int, list[int]]:
    ids: list[int] = []
    page, total = 1, None
    while True:
        answer = client.get(
            "/api/v1/jobs/positions", query_string={**params, "page": page, "per_page": 17}, **kw
        )
        assert answer.status_code == 200, answer.get_json()
        data = answer.get_json()
        total = data["total"]
        ids.extend(item["id"] for item in data["items"])
        if not data["items"]:
            return total, ids
        page += 1


def _random_filters(rng: random.Random, world: World) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    if rng.random() < 0.5:
        params["kind"] = rng.sample(jv.KINDS.codes, rng.randint(1, 3))
    if rng.random() < 0.5:
        params["profession"] = rng.sample(["26", "263", "26312", "81", "52122", "71"], 2)
    if rng.random() < 0.5:
        towns = [t.ags for t in world.region.towns] + ["other"]
        params["town"] = rng.sample(towns, rng.randint(1, 3))
    if rng.random() < 0.3:
        hiring = sorted({p.company_id for p in world.public() if p.company_id})
        params["company"] = [str(c) for c in rng.sample(hiring, 5)]
    return params


def _brute(world: World, positions: list[Position], params: dict[str, list[str]]) -> list[int]:
    def fits(p: Position) -> bool:
        if "kind" in params and p.kind not in params["kind"]:
            return False
        if "profession" in params and not any(
            p.profession is not None and p.profession[: len(code)] == code
            for code in params["profession"]
        ):
            return False
        if "town" in params and town_of(p, world.region) not in params["town"]:
            return False
        return "company" not in params or str(p.company_id) in params["company"]

    return order([p for p in positions if fits(p)])


@pytest.mark.parametrize("seed", range(12))
def test_the_list_is_every_public_open_position_that_fits_the_filters(
    world: World, client: FlaskClient, seed: int
) -> None:
    params = _random_filters(random.Random(seed), world)
    expected = _brute(world, world.public(), params)
    total, ids = _all_pages(client, params)
    assert ids == expected and total == len(expected)


def test_filters_take_several_values_separated_by_commas(world: World, client: FlaskClient) -> None:
    params = {"kind": ["apprenticeship", "dual_study"], "profession": ["26", "81"]}
    joined = {k: ",".join(v) for k, v in params.items()}
    expected = _brute(world, world.public(), params)
    assert expected, "the world has such positions"
    assert _all_pages(client, joined)[1] == expected


def test_operators_see_closed_positions_and_those_off_the_map_on_request(
    world: World, client: FlaskClient
) -> None:
    total, ids = _all_pages(client, {"open": "false"}, headers=AUTH)
    assert ids == order(world.positions) and total == len(world.positions)
    # the public may not: closed positions never show to it
    answer = client.get("/api/v1/jobs/positions?open=false")
    assert answer.status_code == 403
    assert "operator" in answer.get_json()["message"]


def test_a_position_shows_its_fields_labels_and_company(world: World, client: FlaskClient) -> None:
    shown = next(
        p for p in world.public() if p.company_id and p.start_date and p.start_date > TODAY
    )
    data = client.get(f"/api/v1/jobs/positions/{shown.id}?lang=en").get_json()
    company = next(c for c in world.companies if c.id == shown.company_id)
    assert data["id"] == shown.id and data["title"] == shown.title
    assert data["url"] == f"/stellen/{shown.id}?lang=en"
    assert data["kind_label"] == jv.KINDS.label(shown.kind, "en")
    assert data["employment_type"] == jv.EMPLOYMENT_TYPE[shown.kind]
    assert data["company"] == {
        "id": company.id,
        "slug": company.slug,
        "name": company.name,
        "town": company.address.town,
        "url": f"/unternehmen/{company.slug}",
    }
    assert data["open"] is True and data["start_date"] == shown.start_date.isoformat()
    # it names no place of its own: it lies at its company's
    assert company.location is not None and shown.lat is None
    assert (data["lat"], data["lon"]) == (company.location.lat, company.location.lon)
    assert "match" not in data and "match_candidates" not in data


def test_a_closed_position_is_gone_and_one_off_the_map_is_not_found(
    world: World, client: FlaskClient
) -> None:
    public = {p.id for p in world.public()}
    closed = next(p for p in world.positions if p.company_id in world.on_map and p.id not in public)
    hidden = next(p for p in world.positions if p.company_id and p.company_id not in world.on_map)
    unmatched = next(p for p in world.public() if p.company_id is None)
    answer = client.get(f"/api/v1/jobs/positions/{unmatched.id}")
    assert answer.status_code == 200 and answer.get_json()["company"] is None
    gone = client.get(f"/api/v1/jobs/positions/{closed.id}")
    assert gone.status_code == 410 and "no longer open" in gone.get_json()["message"]
    assert client.get(f"/api/v1/jobs/positions/{hidden.id}").status_code == 404
    assert client.get("/api/v1/jobs/positions/999999").status_code == 404
    # operators see both
    for p, today_open in ((closed, False), (hidden, is_open(hidden, TODAY))):
        answer = client.get(f"/api/v1/jobs/positions/{p.id}?open=false", headers=AUTH)
        assert answer.status_code == 200
        assert answer.get_json()["open"] is today_open and "match" in answer.get_json()


def test_a_companys_positions_are_its_open_ones(world: World, client: FlaskClient) -> None:
    checked = 0
    for company_id in sorted(world.on_map)[:25]:
        data = client.get(f"/api/v1/jobs/companies/{company_id}/positions").get_json()
        expected = order([p for p in world.public() if p.company_id == company_id])
        assert [i["id"] for i in data["items"]] == expected
        assert data["total"] == len(expected) and data["company"]["id"] == company_id
        checked += bool(expected)
    assert checked > 3
    draft = next(c for c in world.companies if not c.is_public)
    answer = client.get(f"/api/v1/jobs/companies/{draft.id}/positions")
    assert answer.status_code == 404


def test_an_unknown_town_is_refused_naming_the_towns(client: FlaskClient) -> None:
    answer = client.get("/api/v1/jobs/positions?town=Atlantis")
    assert answer.status_code == 422
    message = answer.get_json()["message"]
    assert "Atlantis" in message and "Marl" in message


def test_a_position_expiring_today_is_gone_tomorrow(world: World, client: FlaskClient) -> None:
    last_day = next(p for p in world.public() if p.title == "Letzter Tag")
    assert client.get(f"/api/v1/jobs/positions/{last_day.id}").status_code == 200
    tomorrow = TODAY + dt.timedelta(days=1)
    world.service.clock = lambda: tomorrow
    try:
        assert client.get(f"/api/v1/jobs/positions/{last_day.id}").status_code == 410
        total, ids = _all_pages(client, {})
        assert last_day.id not in ids and ids == order(world.public(tomorrow))
    finally:
        world.service.clock = lambda: TODAY


def test_the_openapi_document_lists_the_jobs_paths(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    paths = document["paths"]
    for path in (
        "/api/v1/jobs/positions",
        "/api/v1/jobs/positions/{position_id}",
        "/api/v1/jobs/companies/{company_id}/positions",
        "/api/v1/jobs/opendata/positions.csv",
        "/api/v1/jobs/opendata/positions.json",
    ):
        assert "get" in paths[path], path
    listed = paths["/api/v1/jobs/positions"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["$ref"].endswith("JobsPositionList")
    assert "JobsPosition" in document["components"]["schemas"]
