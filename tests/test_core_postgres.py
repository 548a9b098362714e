"""The same repository, index and search code on PostgreSQL (psycopg 3).

The server is REGIOKARTE_TEST_DATABASE_URL or a throwaway cluster (tests/conftest.py); each
test gets an empty database.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from checks import assert_search_matches, run_writer, wait_for
from fake_plugins.fake import FakePlugin
from reference import Reference, RefQuery, random_query

from core import Company, Location, Platform, SearchQuery, Status
from core.io.demo import demo_companies
from core.persistence import companies as repo
from core.region import Region

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_companies(region: Region, dataset: list[Company]) -> list[Company]:
    """A small demo set plus the hand-made edge cases of the shared data set."""
    companies = list(demo_companies(region, 600, 17))
    for number, company in enumerate(companies, start=1):
        company.id = number
    handmade = [c for c in dataset if not c.is_demo]
    for number, company in enumerate(handmade, start=len(companies) + 1):
        copy = Company.from_dict({**company.to_dict(), "id": number})
        copy.slug = company.slug
        companies.append(copy)
    return companies


def test_migrations_upgrade_an_empty_database(
    make_platform: Callable[..., Platform], pg_url: str
) -> None:
    platform = make_platform(
        url=pg_url,
        upgrade=False,
        plugins={"enabled": ["fake"]},
        extra_plugins={"fake": FakePlugin(blueprint=object())},
    )
    assert platform.db.dialect.name == "postgresql"
    assert not platform.database_is_current()
    platform.upgrade_database()
    tables = set(sa.inspect(platform.db).get_table_names())
    assert {
        "core_companies",
        "core_company_contacts",
        "core_changes",
        "core_index_state",
        "fake_places",
    } <= tables
    assert platform.database_is_current()
    platform.upgrade_database()  # again: nothing to do


@pytest.mark.parametrize("seed", range(8))
def test_facets_and_results_match_brute_force(
    make_platform: Callable[..., Platform],
    pg_url: str,
    pg_companies: list[Company],
    region: Region,
    seed: int,
) -> None:
    platform = make_platform(pg_companies, url=pg_url)
    reference = Reference(pg_companies, region)
    rng = random.Random(seed)
    assert_search_matches(platform, reference, RefQuery())
    for _ in range(4):
        ref_query, sort = random_query(rng, reference, region)
        assert_search_matches(platform, reference, ref_query, sort=sort, per_page=97)


def test_save_update_delete_are_followed_by_another_platform(
    make_platform: Callable[..., Platform],
    pg_url: str,
    pg_companies: list[Company],
    region: Region,
) -> None:
    writer = make_platform(pg_companies[:300], url=pg_url)
    reader = make_platform(url=pg_url, upgrade=False)
    total = reader.search(SearchQuery(per_page=1)).total

    def found(text: str) -> list[int]:
        return [h.id for h in reader.search(SearchQuery(text=text, clusters=False)).items]

    saved = writer.save_company(
        Company(
            name="Postgres Probe GmbH",
            status=Status.PUBLISHED,
            location=Location(51.6, 7.15),
            industry="J",
        )
    )
    wait_for(lambda: found("Probe") == [saved.id], what="the new company is found")

    saved.name = "Postgres Sonde GmbH"
    writer.save_company(saved)
    wait_for(
        lambda: found("Sonde") == [saved.id] and found("Probe") == [],
        what="the new name is found, the old one not",
    )

    saved.status = Status.DRAFT
    writer.save_company(saved)
    wait_for(lambda: found("Sonde") == [], what="the unpublished company is gone")

    victim = next(c for c in pg_companies[:300] if c.status is Status.PUBLISHED)
    writer.delete_company(victim.id)
    wait_for(
        lambda: reader.search(SearchQuery(per_page=1)).total == total - 1,
        what="the deleted company is gone",
    )
    assert reader.engine.stats["full_builds"] == 1

    with writer.session() as session:
        reference = Reference(repo.list_companies(session), region)
    assert_search_matches(reader, reference, RefQuery())


def test_bulk_insert_rebuilds_every_index(
    make_platform: Callable[..., Platform], pg_url: str, pg_companies: list[Company]
) -> None:
    writer = make_platform(pg_companies[:100], url=pg_url)
    reader = make_platform(url=pg_url, upgrade=False)
    total = reader.search(SearchQuery(per_page=1)).total
    builds = reader.engine.stats["full_builds"]
    more = [c for c in pg_companies[100:300]]
    with writer.session(write=True) as session:
        repo.bulk_insert_companies(session, more)
    published = sum(1 for c in more if c.status is Status.PUBLISHED and c.location)
    wait_for(
        lambda: reader.search(SearchQuery(per_page=1)).total == total + published,
        what="the bulk-inserted companies are found",
    )
    assert reader.engine.stats["full_builds"] == builds + 1


def test_a_company_can_be_added_after_a_bulk_insert(
    make_platform: Callable[..., Platform], pg_url: str, pg_companies: list[Company]
) -> None:
    """`regiokarte demo` or an import, then a company registers through the questionnaire."""
    platform = make_platform(pg_companies[:50], url=pg_url)
    saved = platform.save_company(
        Company(name="Nach dem Import GmbH", status=Status.PUBLISHED, location=Location(51.6, 7.2))
    )
    assert saved.id is not None and saved.id > 50
    assert [h.id for h in platform.search(SearchQuery(text="Nach dem Import")).items] == [saved.id]


def test_a_change_from_another_process_is_followed(
    make_platform: Callable[..., Platform], pg_url: str, pg_companies: list[Company]
) -> None:
    platform = make_platform(pg_companies[:100], url=pg_url)
    assert platform.search(SearchQuery(text="Fernschreiber")).total == 0
    new = {
        "name": "Fernschreiber KG",
        "status": "published",
        "lat": 51.55,
        "lon": 7.0,
        "industry": "J",
    }
    new_id = int(run_writer(pg_url, "add", company=new))
    hits = wait_for(
        lambda: platform.search(SearchQuery(text="Fernschreiber")).items,
        what="the company added by another process is found",
    )
    assert [h.id for h in hits] == [new_id]
