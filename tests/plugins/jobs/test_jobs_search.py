"""The jobs filters and the "offene Stellen" badge in the company search, against brute force;
and a position past its last day gone from every view the next day, by the clock alone.

The portal lives on a frozen day (the portal's clock, which the search index and the plugin's
pages both follow). Companies and demo positions come from the demo generators; Kitas are
placed at random. Every expected answer is worked out here from what the database holds, with
the rule "open" as the issue states it (jobs_support.is_open) and distances in plain Python.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from jobs_support import TODAY, is_open, jobs_config, position

from core import Company, Platform, SearchQuery, Status, load_settings, vocabulary
from core.io.demo import demo_rows
from core.persistence import companies as company_repo
from plugins.childcare import repository as kita_repo
from plugins.childcare.model import Kita
from plugins.jobs import vocabulary as jv
from plugins.jobs.alerts import alert_matches
from plugins.jobs.demo import create_demo_data
from plugins.jobs.hooks import service_for
from plugins.jobs.repository import PositionRepository
from webapp.app import create_app

COMPANIES = 600
KITA_KM = 1.0
NEAR = (51.62, 7.13)  # between Marl, Herten and Recklinghausen
RADIUS_KM = 9.0
EARTH_RADIUS_M = 6_371_008.8
KINDS = jv.KINDS.codes
GROUPS = vocabulary("professions").codes


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine in plain Python (the engine uses numpy)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, a))))


@pytest.fixture
def world(new_database: Any) -> Iterator[tuple[Platform, list[Kita]]]:
    """A portal with demo companies, demo positions and Kitas, living on TODAY."""
    config = jobs_config(new_database("search"), today="")  # the portal's clock decides
    config["plugins"]["enabled"] = ["childcare", "jobs"]
    platform = Platform(load_settings(env={}, overrides=config))
    platform.upgrade_database()
    platform.clock = lambda: TODAY
    with platform.session(write=True) as session:
        company_repo.bulk_insert_rows(session, demo_rows(platform.region, COMPANIES, 7))
    create_demo_data(platform, seed=3, today=TODAY)
    rng = random.Random(5)
    located = [c for c in platform.companies() if c.location is not None]
    kitas = [
        Kita(
            source="test",
            source_id=f"k{i}",
            name=f"Kita {i}",
            # near a random company, so that "Kita within 1 km" splits the companies
            lat=c.location.lat + rng.uniform(-0.012, 0.012),  # type: ignore[union-attr]
            lon=c.location.lon + rng.uniform(-0.018, 0.018),  # type: ignore[union-attr]
        )
        for i, c in enumerate(rng.sample(located, 40))
    ]
    with platform.session(write=True) as session:
        kitas = kita_repo.add_kitas(session, kitas)
    yield platform, kitas
    platform.db.dispose()


class Truth:
    """What the database holds on a day, and the answer to a query worked out from it."""

    def __init__(self, platform: Platform, kitas: list[Kita], day: dt.date) -> None:
        self.companies = [
            c
            for c in platform.companies()
            if c.status is Status.PUBLISHED and c.location is not None
        ]
        with platform.session() as session:
            positions = PositionRepository(session).all()
        self.open: dict[int, list[Any]] = {}
        for p in positions:
            if p.company_id is not None and is_open(p, day):
                self.open.setdefault(p.company_id, []).append(p)
        self.day = day
        self.kitas = kitas

    def kinds(self, c: Company) -> set[str]:
        return {p.kind for p in self.open.get(c.id or 0, [])}

    def groups(self, c: Company) -> set[str]:
        return {p.profession[:2] for p in self.open.get(c.id or 0, []) if p.profession}

    def starts(self, c: Company) -> list[int]:
        return [
            0 if p.start_date is None else max(0, (p.start_date - self.day).days)
            for p in self.open.get(c.id or 0, [])
        ]

    def kita_near(self, c: Company) -> bool:
        lat, lon = c.location.lat, c.location.lon  # type: ignore[union-attr]
        return any(metres(lat, lon, k.lat, k.lon) <= KITA_KM * 1000 for k in self.kitas)

    def in_radius(self, c: Company) -> bool:
        lat, lon = c.location.lat, c.location.lon  # type: ignore[union-attr]
        return metres(NEAR[0], NEAR[1], lat, lon) <= RADIUS_KM * 1000

    def passes(self, c: Company, f: dict[str, Any], leave_out: str = "") -> bool:
        """Whether ``c`` passes every filter of ``f`` but ``leave_out``."""
        checks = {
            "jobs_hiring": lambda: bool(self.open.get(c.id or 0)),
            "jobs_kind": lambda: bool(self.kinds(c) & set(f["jobs_kind"])),
            "jobs_profession": lambda: bool(self.groups(c) & set(f["jobs_profession"])),
            "jobs_start": lambda: any(
                f["jobs_start"][0] <= s <= f["jobs_start"][1] for s in self.starts(c)
            ),
            "kita": lambda: self.kita_near(c),
            "radius": lambda: self.in_radius(c),
        }
        return all(checks[key]() for key in f if key != leave_out)

    def ids(self, f: dict[str, Any]) -> set[int]:
        return {c.id or 0 for c in self.companies if self.passes(c, f)}

    def facet(self, f: dict[str, Any], key: str, value: str) -> int:
        """Core's disjunctive rule: the other filters applied, then this value."""
        have = {
            "jobs_hiring": lambda c: bool(self.open.get(c.id or 0)),
            "jobs_kind": lambda c: value in self.kinds(c),
            "jobs_profession": lambda c: value in self.groups(c),
        }[key]
        return sum(1 for c in self.companies if self.passes(c, f, leave_out=key) and have(c))


def params(f: dict[str, Any]) -> dict[str, list[str]]:
    """The URL parameters of the filters ``f`` (as the truth above reads them)."""
    out: dict[str, list[str]] = {"per_page": ["200"]}
    for key, value in f.items():
        if key == "jobs_hiring":
            out[key] = ["true"]
        elif key in ("jobs_kind", "jobs_profession"):
            out[key] = list(value)
        elif key == "jobs_start":
            out[key] = [f"{value[0]}..{value[1]}"]
        elif key == "kita":
            out["childcare_kita"] = [f"{KITA_KM:g}km"]
        elif key == "radius":
            out["near"] = [f"{NEAR[0]},{NEAR[1]}"]
            out["radius_km"] = [f"{RADIUS_KM:g}"]
    return out


def found(platform: Platform, f: dict[str, Any]) -> tuple[set[int], Any]:
    """Every company the search lists for ``f`` (all pages), and the first page's answer."""
    query = platform.parse_query(params(f))
    first = platform.search(query)
    ids = {hit.id for hit in first.items}
    page = 1
    while len(ids) < first.total:
        page += 1
        more = platform.parse_query({**params(f), "page": [str(page)]})
        ids |= {hit.id for hit in platform.search(more).items}
    assert len(ids) == first.total
    return ids, first


def combinations(truth: Truth) -> Iterable[dict[str, Any]]:
    common_group = max(GROUPS, key=lambda g: sum(g in truth.groups(c) for c in truth.companies))
    yield {}
    yield {"jobs_hiring": True}
    yield {"jobs_kind": ("apprenticeship",)}
    yield {"jobs_kind": ("full_time", "part_time")}
    yield {"jobs_profession": (common_group,)}
    yield {"jobs_start": (0, 0)}
    yield {"jobs_start": (30, 120)}
    yield {"jobs_hiring": True, "kita": True}
    yield {"jobs_kind": ("apprenticeship", "dual_study"), "radius": True}
    yield {"jobs_profession": (common_group,), "kita": True, "radius": True}
    yield {"jobs_kind": ("full_time",), "jobs_profession": (common_group,), "radius": True}
    yield {"jobs_hiring": True, "jobs_start": (0, 60), "kita": True, "radius": True}


def test_filters_and_facet_counts_equal_brute_force(world: tuple[Platform, list[Kita]]) -> None:
    platform, kitas = world
    truth = Truth(platform, kitas, TODAY)
    assert len(truth.open) > COMPANIES // 10  # the demo hires: the test has something to see
    for f in combinations(truth):
        ids, result = found(platform, f)
        assert ids == truth.ids(f), f
        assert result.facets["jobs_hiring"][0].count == truth.facet(f, "jobs_hiring", "true"), f
        for key, codes in (("jobs_kind", KINDS), ("jobs_profession", GROUPS)):
            counts = {v.value: v.count for v in result.facets[key]}
            assert counts == {code: truth.facet(f, key, code) for code in codes}, (f, key)


def test_hiring_companies_carry_their_count_on_list_and_map(
    world: tuple[Platform, list[Kita]],
) -> None:
    platform, kitas = world
    truth = Truth(platform, kitas, TODAY)
    query = SearchQuery(filters={"jobs_hiring": True}, per_page=500, zoom=18)
    result = platform.search(query)
    hits = [*result.items, *result.points, *(m for c in result.clusters for m in c.members)]
    assert hits
    for hit in hits:
        count = len(truth.open[hit.id])
        word = "Stelle" if count == 1 else "Stellen"
        assert [(b.key, b.count, b.label) for b in hit.badges] == [
            ("jobs_open", count, f"{count} offene {word}")
        ]
    english = platform.search(SearchQuery(per_page=500, clusters=False, lang="en"))
    for hit in english.items:
        count = len(truth.open.get(hit.id, []))
        assert [b.label for b in hit.badges] == (
            [] if count == 0 else [f"{count} open position" + ("s" if count > 1 else "")]
        )


def _company_without_positions(truth: Truth, platform: Platform, n: int) -> list[int]:
    with platform.session() as session:
        taken = {p.company_id for p in PositionRepository(session).all()}
    return [c.id or 0 for c in truth.companies if c.id not in taken][:n]


def test_expired_positions_never_appear_and_the_next_day_needs_no_rebuild(
    world: tuple[Platform, list[Kita]],
) -> None:
    platform, kitas = world
    truth = Truth(platform, kitas, TODAY)
    last_day, expired, filled, tomorrow = _company_without_positions(truth, platform, 4)
    yesterday = TODAY - dt.timedelta(days=1)
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        for number, (company, changes) in enumerate(
            [
                (last_day, {"valid_through": TODAY}),
                (expired, {"valid_through": yesterday}),
                (filled, {"filled_on": yesterday}),
                (tomorrow, {"published": TODAY + dt.timedelta(days=1)}),
            ]
        ):
            repo.add(
                position(
                    external_id=f"X-{number}",
                    company_id=company,
                    match="manual",
                    kind="apprenticeship",
                    **changes,
                )
            )

    def hiring() -> set[int]:
        return found(platform, {"jobs_hiring": True})[0]

    def counted(company: int) -> int:
        row = platform.search_index().row_of[company]
        return int(platform.search_index().badge_counts["jobs_open"][row])

    today = hiring()
    assert last_day in today
    assert {expired, filled, tomorrow}.isdisjoint(today)
    assert today == Truth(platform, kitas, TODAY).ids({"jobs_hiring": True})
    assert (counted(last_day), counted(expired), counted(filled)) == (1, 0, 0)
    facets = {
        v.value: v.count
        for v in platform.search(platform.parse_query({"jobs_kind": ["apprenticeship"]})).facets[
            "jobs_kind"
        ]
    }
    assert facets["apprenticeship"] == Truth(platform, kitas, TODAY).facet(
        {"jobs_kind": ("apprenticeship",)}, "jobs_kind", "apprenticeship"
    )

    builds = platform.engine.stats["full_builds"]
    platform.clock = lambda: TODAY + dt.timedelta(days=1)  # midnight: no write, no reindex
    next_day = hiring()
    assert last_day not in next_day
    assert tomorrow in next_day
    assert next_day == Truth(platform, kitas, TODAY + dt.timedelta(days=1)).ids(
        {"jobs_hiring": True}
    )
    assert counted(last_day) == 0
    assert platform.engine.stats["full_builds"] == builds + 1


def test_a_position_past_its_last_day_is_gone_everywhere_the_next_day(
    new_database: Any,
) -> None:
    """The portal's clock alone moves every view: search, badge, profile, position page, API
    and alerts drop a position the day after its last day, and never show an expired one."""
    app = create_app(jobs_config(new_database("everywhere"), today=""))
    app.config["TESTING"] = True
    platform: Platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    platform.clock = lambda: TODAY
    with platform.session(write=True) as session:
        company_repo.bulk_insert_rows(session, demo_rows(platform.region, 40, 3))
    company = next(c for c in platform.companies() if c.is_public and c.location is not None)
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        last = repo.add(
            position(
                external_id="last-day",
                company_id=company.id,
                match="manual",
                title="Letzter Tag heute",
                valid_through=TODAY,
            )
        )
        gone = repo.add(
            position(
                external_id="ran-out",
                company_id=company.id,
                match="manual",
                title="Gestern abgelaufen",
                valid_through=TODAY - dt.timedelta(days=1),
            )
        )
    client = app.test_client()
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def seen() -> dict[str, Any]:
        hits = platform.search(platform.parse_query({"jobs_hiring": ["true"], "per_page": ["200"]}))
        mine = [h for h in hits.items if h.id == company.id]
        api = client.get("/api/v1/jobs/positions?per_page=100").get_json()
        of_company = client.get(f"/api/v1/jobs/companies/{company.id}/positions").get_json()
        profile = client.get(f"/unternehmen/{company.slug}").get_data(as_text=True)
        alerts = alert_matches(service_for(platform), SearchQuery(), since)
        return {
            "hiring": bool(mine),
            "badge": [b.count for h in mine for b in h.badges],
            "facet": hits.facets["jobs_hiring"][0].count,
            "api": {i["id"] for i in api["items"]},
            "company_api": {i["id"] for i in of_company["items"]},
            "profile": {t for t in ("Letzter Tag heute", "Gestern abgelaufen") if t in profile},
            "alerts": {int(a.id) for a in alerts},
            "page": client.get(f"/stellen/{last.id}").status_code,
            "page_gone": client.get(f"/stellen/{gone.id}").status_code,
            "api_one": client.get(f"/api/v1/jobs/positions/{last.id}").status_code,
            "api_gone": client.get(f"/api/v1/jobs/positions/{gone.id}").status_code,
        }

    today = seen()
    assert today == {
        "hiring": True,
        "badge": [1],
        "facet": 1,
        "api": {last.id},
        "company_api": {last.id},
        "profile": {"Letzter Tag heute"},
        "alerts": {last.id},
        "page": 200,
        "page_gone": 410,
        "api_one": 200,
        "api_gone": 410,
    }
    platform.clock = lambda: TODAY + dt.timedelta(days=1)  # midnight; nothing written
    assert seen() == {
        "hiring": False,
        "badge": [],
        "facet": 0,
        "api": set(),
        "company_api": set(),
        "profile": set(),
        "alerts": set(),
        "page": 410,
        "page_gone": 410,
        "api_one": 410,
        "api_gone": 410,
    }
    app.extensions["regiokarte"].db.dispose()
