"""The in-memory index of one process follows changes committed by another process.

A platform searches a SQLite file; a separate OS process adds, updates, unpublishes or deletes a
company through core's API (or bulk-inserts rows); the first platform's search must show the
change within a bounded time. Afterwards the whole index is compared with brute force over
what the database now holds.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from checks import assert_search_matches, run_writer, wait_for
from reference import Reference, RefQuery

from core import Company, Location, Platform, SearchQuery, SearchResult, Status
from core.io.demo import demo_companies
from core.persistence import companies as repo
from core.region import Region


def db_companies(platform: Platform) -> list[Company]:
    with platform.session() as session:
        return repo.list_companies(session)


@pytest.fixture
def small_set(region: Region) -> list[Company]:
    companies = list(demo_companies(region, 200, 5))
    for number, company in enumerate(companies, start=1):
        company.id = number
    return companies


@pytest.fixture
def watcher(make_platform: Callable[..., Platform], small_set: list[Company]) -> Platform:
    """The platform whose index must follow: it has searched once before any change."""
    platform = make_platform(small_set)
    assert platform.search(SearchQuery(per_page=1)).total > 0
    return platform


def search_text(platform: Platform, text: str) -> SearchResult:
    return platform.search(SearchQuery(text=text, per_page=50, clusters=False))


def facet(platform: Platform, key: str, value: str) -> int:
    result = platform.search(SearchQuery(per_page=1, clusters=False))
    return {v.value: v.count for v in result.facets[key]}[value]


def assert_index_is_database(platform: Platform, region: Region) -> None:
    """Everything the index answers equals brute force over the database's current rows."""
    reference = Reference(db_companies(platform), region)
    assert_search_matches(platform, reference, RefQuery())
    assert_search_matches(platform, reference, RefQuery(filters={"size": ("micro",)}, text="gmbh"))
    assert_search_matches(
        platform, reference, RefQuery(near=(51.6, 7.15), radius_km=12.0), sort="distance"
    )


def published(companies: list[Company]) -> list[Company]:
    return [c for c in companies if c.status is Status.PUBLISHED and c.location is not None]


def test_company_added_elsewhere_becomes_findable(watcher: Platform, region: Region) -> None:
    url = watcher.settings.portal.database_url
    builds = watcher.engine.stats["full_builds"]
    logistics_before = facet(watcher, "industry", "H")
    assert search_text(watcher, "Zukunftswerft").total == 0
    new = {
        "name": "Zukunftswerft Polling GmbH",
        "status": "published",
        "industry": "H",
        "town": "Marl",
        "ags": "05562024",
        "postcode": "45768",
        "lat": 51.65,
        "lon": 7.09,
        "employees": 12,
        "professions": ["52"],
        "offers": ["ausbildung"],
    }
    new_id = int(run_writer(url, "add", company=new))

    hits = wait_for(
        lambda: search_text(watcher, "Zukunftswerft").items, what="the added company is found"
    )
    assert [h.id for h in hits] == [new_id]
    assert facet(watcher, "industry", "H") == logistics_before + 1
    assert watcher.engine.stats["full_builds"] == builds, "a single change should be patched in"
    assert_index_is_database(watcher, region)


def test_company_updated_elsewhere_is_found_under_its_new_name(
    watcher: Platform, small_set: list[Company], region: Region
) -> None:
    url = watcher.settings.portal.database_url
    target = next(c for c in published(small_set) if c.industry != "K")
    assert search_text(watcher, "Umbenannt").total == 0
    finance_before = facet(watcher, "industry", "K")

    run_writer(
        url,
        "update",
        id=target.id,
        changes={
            "name": "Umbenannt Finanzkontor",
            "industry": "K",
            "industry_division": None,
            "description": "Neu: Finanzberatung.",
        },
    )

    wait_for(lambda: search_text(watcher, "Umbenannt").total == 1, what="the new name is found")
    assert [h.id for h in search_text(watcher, "Finanzkontor").items] == [target.id]
    assert target.id not in {h.id for h in search_text(watcher, target.name).items}
    assert facet(watcher, "industry", "K") == finance_before + 1
    assert_index_is_database(watcher, region)


def test_company_unpublished_elsewhere_disappears(
    watcher: Platform, small_set: list[Company], region: Region
) -> None:
    url = watcher.settings.portal.database_url
    target = published(small_set)[3]
    total = watcher.search(SearchQuery(per_page=1)).total
    assert target.id in {h.id for h in search_text(watcher, target.name).items}

    run_writer(url, "unpublish", id=target.id)

    wait_for(
        lambda: watcher.search(SearchQuery(per_page=1)).total == total - 1,
        what="the unpublished company is gone",
    )
    assert target.id not in {h.id for h in search_text(watcher, target.name).items}
    assert_index_is_database(watcher, region)


def test_company_deleted_elsewhere_disappears(
    watcher: Platform, small_set: list[Company], region: Region
) -> None:
    url = watcher.settings.portal.database_url
    target = published(small_set)[7]
    total = watcher.search(SearchQuery(per_page=1)).total

    run_writer(url, "delete", id=target.id)

    wait_for(
        lambda: watcher.search(SearchQuery(per_page=1)).total == total - 1,
        what="the deleted company is gone",
    )
    assert target.id not in {h.id for h in search_text(watcher, target.name).items}
    assert_index_is_database(watcher, region)


def test_bulk_insert_elsewhere_rebuilds_the_index(watcher: Platform, region: Region) -> None:
    url = watcher.settings.portal.database_url
    total = watcher.search(SearchQuery(per_page=1)).total
    builds = watcher.engine.stats["full_builds"]

    inserted = int(run_writer(url, "bulk", count=60, seed=99))

    wait_for(
        lambda: watcher.search(SearchQuery(per_page=1)).total == total + inserted,
        what="the bulk-inserted companies are found",
    )
    assert watcher.engine.stats["full_builds"] == builds + 1
    assert search_text(watcher, "Massenimport").total == inserted
    assert_index_is_database(watcher, region)


def test_refresh_interval_bounds_how_stale_a_search_may_be(
    make_platform: Callable[..., Platform], small_set: list[Company]
) -> None:
    """With a long refresh interval the index does not look at the database on every search;
    a forced refresh brings the change in at once."""
    platform = make_platform(small_set, search={"refresh_interval": 3600.0})
    other = make_platform(url=platform.settings.portal.database_url, upgrade=False)
    assert search_text(platform, "Zwischenstand").total == 0
    other.save_company(
        Company(name="Zwischenstand KG", status=Status.PUBLISHED, location=Location(51.6, 7.2))
    )
    assert search_text(platform, "Zwischenstand").total == 0
    platform.engine.refresh(force=True)
    assert search_text(platform, "Zwischenstand").total == 1


# --- many changes in a row, in process -------------------------------------------------------


def _mutate(rng: random.Random, company: Company, region: Region) -> Company:
    """A copy of ``company`` with a few random, valid changes."""
    from core import classifications as vocab

    data = company.to_dict()
    for field in rng.sample(
        [
            "name",
            "industry",
            "professions",
            "family",
            "benefits",
            "offers",
            "employees",
            "location",
            "status",
            "town",
            "description",
        ],
        3,
    ):
        if field == "name":
            data["name"] = (
                rng.choice(["Änderung", "Neuer Name", "Zeta", "Aachener"])
                + f" {rng.randint(1, 99)}"
            )
        elif field == "industry":
            data["industry"] = rng.choice(vocab.industries().codes)
            data["industry_division"] = None
        elif field == "professions":
            data["professions"] = rng.sample(vocab.professions().codes, rng.randint(0, 3))
        elif field == "family":
            data["family"] = rng.sample(vocab.family_features().codes, rng.randint(0, 3))
        elif field == "benefits":
            data["benefits"] = rng.sample(vocab.benefits().codes, rng.randint(0, 3))
        elif field == "offers":
            data["offers"] = rng.sample(vocab.offers().codes, rng.randint(0, 2))
        elif field == "employees":
            data["employees"] = rng.choice([0, 9, 10, 49, 50, 249, 250, 1000])
        elif field == "location":
            data["lat"], data["lon"] = rng.uniform(51.45, 51.8), rng.uniform(6.9, 7.4)
        elif field == "status":
            data["status"] = rng.choice(["published", "published", "draft", "archived"])
        elif field == "town":
            town = rng.choice(region.towns)
            data["town"], data["ags"] = town.name, town.ags
        else:
            data["description"] = rng.choice(["Sonderanfertigung", "Pflegekräfte gesucht", ""])
    data.pop("size")
    return Company.from_dict(data)


@pytest.mark.parametrize("seed", [1, 2])
def test_index_patched_by_many_changes_matches_brute_force(
    make_platform: Callable[..., Platform], small_set: list[Company], region: Region, seed: int
) -> None:
    rng = random.Random(seed)
    platform = make_platform(small_set)
    url = platform.settings.portal.database_url
    # a second platform on the same database plays another worker process
    other = make_platform(url=url, upgrade=False)
    assert other.search(SearchQuery(per_page=1)).total > 0
    for step in range(30):
        current = db_companies(platform)
        action = rng.random()
        if action < 0.6:
            platform.save_company(_mutate(rng, rng.choice(current), region))
        elif action < 0.8:
            base = rng.choice(small_set)
            data = {
                **base.to_dict(),
                "id": None,
                "slug": "",
                "status": "published",
                "name": f"Neugründung {step}",
            }
            data.pop("size")
            platform.save_company(Company.from_dict(data))
        else:
            platform.delete_company(rng.choice(current).id)
        if step % 10 == 9:
            reference = Reference(db_companies(platform), region)
            for searcher in (platform, other):
                assert_search_matches(searcher, reference, RefQuery())
                assert_search_matches(searcher, reference, RefQuery(text="a"))
                assert_search_matches(
                    searcher,
                    reference,
                    RefQuery(
                        filters={"size": ("micro", "large")}, near=(51.6, 7.1), radius_km=15.0
                    ),
                    sort="distance",
                )
