"""Helpers shared by the tests: a search compared with the reference in full, bounded polling,
and a writer that changes the database from a separate OS process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from reference import Reference, RefQuery, assert_distance_order, haversine_m, size_class

from core import Company, Platform, SearchHit, SearchQuery, SearchResult

ROOT = Path(__file__).resolve().parent.parent


def all_pages(platform: Platform, query: SearchQuery, first: SearchResult) -> list[SearchHit]:
    """The items of every page of ``query``, whose first page is ``first``."""
    hits = list(first.items)
    for page in range(2, first.pages + 1):
        result = platform.search(attrs.evolve(query, page=page, clusters=False))
        assert result.total == first.total
        hits += result.items
    return hits


def facet_table(result: SearchResult) -> dict[str, dict[str, int]]:
    return {key: {v.value: v.count for v in values} for key, values in result.facets.items()}


def assert_hit(hit: SearchHit, company: Company, near: tuple[float, float] | None) -> None:
    """A list entry shows the company's own data."""
    assert company.location is not None
    assert (hit.name, hit.slug, hit.town, hit.industry) == (
        company.name,
        company.slug,
        company.address.town,
        company.industry,
    )
    assert (hit.lat, hit.lon) == (company.location.lat, company.location.lon)
    assert hit.size == size_class(company.employees)
    assert hit.is_demo == company.is_demo
    if near is None:
        assert hit.distance_m is None
    else:
        exact = haversine_m(near[0], near[1], company.location.lat, company.location.lon)
        assert hit.distance_m == pytest.approx(exact, abs=0.06)


def assert_search_matches(
    platform: Platform,
    reference: Reference,
    ref_query: RefQuery,
    *,
    sort: str = "name",
    per_page: int = 200,
) -> SearchResult:
    """Total, every facet count and every item of every page, in order, as brute force says."""
    query = platform.parse_query(ref_query.to_params(sort=sort, per_page=per_page))
    expected = reference.ordered(ref_query, sort)
    by_id = {c.id: c for c in reference.companies}

    first = platform.search(query)

    assert first.total == len(expected), ref_query
    want = reference.facets(ref_query)
    got = facet_table(first)
    assert set(got) == set(want)
    for key in want:
        assert got[key] == want[key], f"facet {key} of {ref_query}"
    for key, values in first.facets.items():
        chosen = ref_query.filters.get(key, ())
        chosen = {"true"} if chosen is True else set(chosen)
        assert {v.value for v in values if v.selected} == chosen, key

    hits = all_pages(platform, query, first)
    ids = [hit.id for hit in hits]
    assert len(ids) == len(set(ids)), "a company is listed on two pages"
    assert set(ids) == {c.id for c in expected}
    if sort == "name":
        assert ids == [c.id for c in expected]
    else:
        assert ref_query.near is not None
        assert_distance_order(ids, by_id, reference, ref_query.near)
    for hit in hits:
        assert_hit(hit, by_id[hit.id], ref_query.near)
    return first


def wait_for(condition: Callable[[], Any], *, timeout: float = 5.0, what: str = "") -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:g} s: {what or condition}")
        time.sleep(0.02)


#: Runs in a separate interpreter: one change through core's public API, then exit.
WRITER = r"""
import json, sys
from core import Company, Platform, Status, load_settings
from core.io.demo import demo_rows
from core.persistence import companies as repo
from core.persistence.db import begin_write

job = json.loads(sys.argv[1])
platform = Platform(load_settings(env={}, overrides={"portal": {"database_url": job["url"]}}))
try:
    action = job["action"]
    if action == "add":
        print(platform.save_company(Company.from_dict(job["company"])).id)
    elif action == "update":
        with platform.session() as session:
            current = repo.get_company(session, job["id"]).to_dict()
        platform.save_company(Company.from_dict({**current, **job["changes"]}))
    elif action == "unpublish":
        # through the repository, with a session and commit of its own
        session = platform.session_factory()
        begin_write(session)
        company = repo.get_company(session, job["id"])
        company.status = Status.DRAFT
        repo.update_company(session, company)
        session.commit()
        session.close()
    elif action == "delete":
        platform.delete_company(job["id"])
    elif action == "bulk":
        rows = [dict(r, status="published", name="Massenimport " + r["name"],
                     slug="massenimport-" + r["slug"])
                for r in demo_rows(platform.region, job["count"], job["seed"])]
        with platform.session(write=True) as session:
            print(repo.bulk_insert_rows(session, rows))
    else:
        raise SystemExit("unknown action " + action)
finally:
    platform.db.dispose()
"""


def run_writer(url: str, action: str, **job: Any) -> str:
    """Run one change in a separate process; its standard output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
    result = subprocess.run(
        [sys.executable, "-c", WRITER, json.dumps({"url": url, "action": action, **job})],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
