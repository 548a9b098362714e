"""The Kita filters against brute force on random data, also after Kitas and companies change.

The filters' columns are built with KD-trees when the index is built; the reference here walks
every company-Kita pair in plain Python.
"""

from __future__ import annotations

import random

import attrs
import pytest
from childcare_reference import nearest_km, random_companies, random_kitas, within

from core import Location
from plugins.childcare import repository as repo
from plugins.childcare.hooks import service_for
from plugins.childcare.questionnaire import OFFER_CODES, apply_answers, offers_of

N_COMPANIES = 400
N_KITAS = 60


def ids(platform, **params) -> set[int]:
    query = platform.parse_query(
        {"per_page": ["200"], **{k: [v] if isinstance(v, str) else v for k, v in params.items()}}
    )
    result = platform.search(query)
    found = {hit.id for hit in result.items}
    page = 1
    while len(found) < result.total:
        page += 1
        more = platform.search(
            platform.parse_query(
                {
                    **{k: [v] if isinstance(v, str) else v for k, v in params.items()},
                    "per_page": ["200"],
                    "page": [str(page)],
                }
            )
        )
        found |= {hit.id for hit in more.items}
    assert len(found) == result.total
    return found


@pytest.fixture
def world(childcare_platform):
    companies = random_companies(N_COMPANIES, seed=3)
    platform = childcare_platform(companies)
    with platform.session(write=True) as session:
        kitas = repo.add_kitas(session, random_kitas(N_KITAS, seed=4))
    return platform, companies, kitas


def check_everything(platform, companies, kitas, rng: random.Random) -> None:
    # the range filter: nearest Kita of any kind within N km, for random N
    for _ in range(6):
        km = round(rng.uniform(0.05, 3.0), 3)
        assert ids(platform, childcare_kita_km=f"..{km}") == within(companies, kitas, km)
    # the faceted filter: every radius x age group x closing time
    service = service_for(platform)
    spec = platform.filters["childcare_kita"]
    result = platform.search(platform.parse_query({}))
    facets = {f.value: f.count for f in result.facets["childcare_kita"]}
    index = 0
    for radius in service.settings.radii_km:
        for kita_class in service.classes:
            choice = spec.choices[index]
            index += 1
            expected = within(companies, kitas, radius, kita_class.age, kita_class.closes)
            assert facets[choice.value] == len(expected), choice.value
            if kita_class.age in (None, "u3") and kita_class.closes in (None, 17 * 60):
                assert ids(platform, childcare_kita=choice.value) == expected, choice.value
    assert index == len(spec.choices)


def test_kita_filters_match_brute_force(world):
    platform, companies, kitas = world
    check_everything(platform, companies, kitas, random.Random(1))


def test_filters_follow_kita_changes(world):
    platform, companies, kitas = world
    rng = random.Random(2)
    check_everything(platform, companies, kitas, rng)
    # a Kita is added where it is nearest for some companies
    added = random_kitas(3, seed=99)
    with platform.session(write=True) as session:
        kitas = kitas + repo.add_kitas(session, added)
    check_everything(platform, companies, kitas, rng)
    # and some are removed, among them the nearest one of the first company
    first = companies[0]
    nearest = min(kitas, key=lambda k: nearest_km(first, [k]))
    gone = {nearest.id, kitas[5].id, kitas[-1].id}
    with platform.session(write=True) as session:
        assert repo.delete_kitas(session, gone) == 3
    kitas = [k for k in kitas if k.id not in gone]
    check_everything(platform, companies, kitas, rng)


def test_filters_follow_company_changes(world):
    platform, companies, kitas = world
    before = platform.engine.stats["full_builds"]
    check_everything(platform, companies, kitas, random.Random(3))
    # move a company right next to a Kita that is open until 18:00: the engine patches it
    target = next(k for k in kitas if k.closes is not None and k.closes >= 18 * 60)
    moved = attrs.evolve(companies[7], location=Location(target.lat + 0.0004, target.lon))
    platform.save_company(moved)
    companies = [moved if c.id == moved.id else c for c in companies]
    check_everything(platform, companies, kitas, random.Random(4))
    assert moved.id in ids(platform, childcare_kita="1km-until1800")
    assert platform.engine.stats["patches"] >= 1
    assert platform.engine.stats["full_builds"] == before + 1


def test_no_kitas_means_no_hits(childcare_platform):
    companies = random_companies(20, seed=5)
    platform = childcare_platform(companies)
    assert ids(platform, childcare_kita_km="..100") == set()
    result = platform.search(platform.parse_query({}))
    assert result.total == 20
    assert all(f.count == 0 for f in result.facets["childcare_kita"])


def test_support_filters_match_the_answers(world):
    platform, companies, _ = world

    def offers(company):
        return set(offers_of(company.extensions.get("childcare")))

    support = {c.id for c in companies if offers(c) or "childcare_support" in c.family}
    assert ids(platform, childcare_support="true") == support
    result = platform.search(platform.parse_query({}))
    assert [f.count for f in result.facets["childcare_support"]] == [len(support)]
    counts = {f.value: f.count for f in result.facets["childcare_offer"]}
    for code in OFFER_CODES:
        have = {c.id for c in companies if code in offers(c)}
        assert counts[code] == len(have)
        assert ids(platform, childcare_offer=code) == have
    both = {c.id for c in companies if {"allowance", "holiday_care"} <= offers(c)}
    assert ids(platform, childcare_offer=["allowance", "holiday_care"]) == both


def test_questionnaire_answers_feed_the_work_family_filter(world):
    platform, companies, _ = world
    company = next(c for c in companies if not c.extensions and not c.family)
    apply_answers(company, {"company_kita": True, "company_kita_places": 12, "allowance": False})
    platform.save_company(company)
    assert company.id in ids(platform, family="childcare_support")
    assert company.id in ids(platform, childcare_offer="company_kita")
    apply_answers(company, {"company_kita": False, "allowance": False})
    platform.save_company(company)
    assert company.id not in ids(platform, family="childcare_support")
    assert company.id not in ids(platform, childcare_support="true")


def test_the_section_is_well_formed_data():
    from core import AnswerType
    from plugins.childcare.questionnaire import childcare_section

    section = childcare_section()
    keys = [q.key for q in section.questions]
    assert len(keys) == len(set(keys)) and section.namespace == "childcare"
    # every offer is a yes/no question of its own
    offers = {q.key for q in section.questions if q.answer is AnswerType.BOOL}
    assert set(OFFER_CODES) <= offers
    for question in section.questions:
        assert all(question.label(lang) for lang in ("de", "en", "tr", "ar"))
        if question.show_if is not None:
            assert question.show_if[0] in keys


def test_core_questionnaire_takes_the_section(childcare_platform):
    from plugins.childcare import register_questionnaire_sections

    platform = childcare_platform()
    (section,) = register_questionnaire_sections(platform=platform)
    assert section.key == "childcare" and section.plugin == "childcare"
    assert [q.key for q in section.questions][:2] == ["company_kita", "company_kita_places"]
    company = random_companies(1, seed=8)[0]
    company.extensions, company.family = {}, ()
    stored = section.apply(company, {"holiday_care": True, "emergency_care": False})
    assert stored.extensions["childcare"] == {"holiday_care": True, "emergency_care": False}
    assert "childcare_support" in stored.family
