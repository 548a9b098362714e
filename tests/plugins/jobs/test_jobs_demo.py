"""The demo positions: fictitious and flagged, each fitting its company (checked against every
demo company), about one company in four hiring, dated from the day of the demo, and a second
run that moves them along without adding any."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from jobs_support import TODAY, is_open, position

from core import DEMO_SOURCE, Status
from core.io.company_types import company_type_of
from core.io.demo import demo_rows
from core.persistence import companies as company_repo
from plugins.jobs import vocabulary as jv
from plugins.jobs.demo import DEMO_NOTE, PHONE_PREFIX, create_demo_data
from plugins.jobs.repository import PositionRepository

COMPANIES = 800


@pytest.fixture
def demo(fresh):
    platform = fresh()
    with platform.session(write=True) as session:
        company_repo.bulk_insert_rows(session, demo_rows(platform.region, COMPANIES, 5))
    line = create_demo_data(platform, seed=2, today=TODAY)
    with platform.session() as session:
        positions = PositionRepository(session).all()
    companies = {c.id: c for c in platform.companies()}
    return platform, line, positions, companies


def test_each_position_fits_its_company_and_its_company_type(demo):
    _, _, positions, companies = demo
    matched = [p for p in positions if p.company_id is not None]
    assert len(matched) > 100
    for p in matched:
        company = companies[p.company_id]
        kind = company_type_of(company)
        assert company.is_demo and company.status == Status.PUBLISHED
        assert kind is not None, company.name
        assert p.profession in company.professions, (p.title, company.name, company.professions)
        assert p.profession in kind.professions, (p.title, kind.key)
        trained = {title for title, code in kind.apprenticeships if code == p.profession}
        assert any(title in p.title for title in trained), (p.title, kind.key)
        assert (p.employer_name, p.employer_postcode, p.employer_town) == (
            company.name, company.address.postcode, company.address.town,
        )  # fmt: skip
        assert p.match == "matched" and "jobs" in company.offers
        if p.kind == "dual_study":
            assert "duales_studium" in company.offers
        if p.kind == "internship":
            assert "praktikum" in company.offers


def test_no_company_advertises_the_same_position_twice(demo):
    _, _, positions, _ = demo
    pairs = [(p.company_id, p.title) for p in positions if p.company_id is not None]
    assert len(pairs) == len(set(pairs))
    assert max(Counter(c for c, _ in pairs).values()) >= 2, "no company has several positions"


@pytest.mark.parametrize(
    "trade, expected",
    [
        ("autohaus", {"Kfz-Mechatroniker/in", "Automobilkaufmann/-frau"}),
        ("pflegedienst", {"Pflegefachmann/-frau", "Altenpflegehelfer/in"}),
        ("baeckerei", {"Bäcker/in", "Fachverkäufer/in im Lebensmittelhandwerk"}),
    ],
)
def test_well_known_trades_look_for_the_people_a_reader_expects(demo, trade, expected):
    _, _, positions, companies = demo
    of_trade = [
        p
        for p in positions
        if p.company_id is not None and company_type_of(companies[p.company_id]).key == trade
    ]
    assert of_trade, f"no {trade} is hiring in the demo"
    assert all(any(e in p.title for e in expected) for p in of_trade)


def test_about_one_demo_company_in_four_is_hiring(demo):
    _, line, positions, companies = demo
    public = [c for c in companies.values() if c.is_demo and c.status == Status.PUBLISHED]
    hiring = {p.company_id for p in positions if p.company_id is not None and is_open(p, TODAY)}
    assert 0.18 <= len(hiring) / len(public) <= 0.32, len(hiring) / len(public)
    open_now = sum(is_open(p, TODAY) for p in positions)
    assert line.startswith(f"{open_now} offene fiktive Stellen bei ")


def test_positions_are_flagged_and_dated_from_today(demo):
    _, _, positions, _ = demo
    assert all(p.is_demo and p.source == DEMO_SOURCE for p in positions)
    assert all(p.description.startswith(DEMO_NOTE) for p in positions)
    assert all(p.apply_url or p.apply_email or p.apply_phone for p in positions)
    assert all(p.apply_phone.startswith(PHONE_PREFIX) for p in positions if p.apply_phone)
    assert all(".example" in p.apply_url + p.apply_email for p in positions if not p.apply_phone)
    closed = [p for p in positions if not is_open(p, TODAY)]
    assert any(p.valid_through and p.valid_through < TODAY for p in closed), "none ran out"
    assert any(p.filled_on and p.filled_on < TODAY for p in closed), "none was filled"
    assert any(p.published > TODAY for p in closed), "none is published later"
    assert len(closed) < len(positions) / 2
    starts = [p.start_date for p in positions if is_open(p, TODAY)]
    assert None in starts, "no position starts at once"
    assert any(s and s > TODAY for s in starts), "no position starts later"
    kinds = {p.kind for p in positions}
    # duales Studium only where a company is a dual-study partner: rare among 800 companies
    assert kinds <= set(jv.KINDS.codes) and len(kinds) >= 5, kinds
    for p in positions:
        if p.kind in ("apprenticeship", "dual_study"):
            assert (p.start_date.month, p.start_date.day) == (8, 1)
        assert p.published <= TODAY + dt.timedelta(days=5)


def test_the_review_list_has_proposals_and_employers_without_a_company(demo):
    platform, _, _, companies = demo
    with platform.session() as session:
        listed = PositionRepository(session).review_list()
    review = [p for p in listed if p.match == "review"]
    unmatched = [p for p in listed if p.match == "unmatched"]
    assert len(review) >= 3 and len(unmatched) >= 3
    for p in review:
        (candidate,) = p.match_candidates
        company = companies[candidate]
        assert p.employer_postcode == company.address.postcode
        assert p.employer_name != company.name and p.profession in company.professions
    for p in unmatched:
        assert p.lat is not None and p.employer_town in {t.name for t in platform.region.towns}


def test_a_second_run_moves_the_dates_along_and_adds_nothing(demo):
    platform, _, before, _ = demo
    with platform.session(write=True) as session:
        own = PositionRepository(session).add(position(external_id="keep-me"))
    later = TODAY + dt.timedelta(days=7)
    create_demo_data(platform, seed=2, today=later)
    with platform.session() as session:
        after = PositionRepository(session).all()
    demo_after = [p for p in after if p.source == DEMO_SOURCE]
    assert [p.id for p in demo_after] == [p.id for p in before]
    assert own in after
    for old, new in zip(before, demo_after, strict=True):
        assert new.title == old.title and new.external_id == old.external_id
        assert new.published == old.published + dt.timedelta(days=7)


def test_a_second_run_keeps_the_company_an_operator_chose_on_the_review_list(demo):
    platform, _, _, _ = demo
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        review, unmatched = repo.review_list()[0], repo.review_list()[-1]
        assert (review.match, unmatched.match) == ("review", "unmatched")
        chosen = review.match_candidates[0]
        repo.update(review.evolve(match="manual", company_id=chosen))
        repo.update(unmatched.evolve(match="manual"))  # "no company"
    create_demo_data(platform, seed=2, today=TODAY)
    with platform.session() as session:
        repo = PositionRepository(session)
        assert (repo.get(review.id).match, repo.get(review.id).company_id) == ("manual", chosen)
        assert (repo.get(unmatched.id).match, repo.get(unmatched.id).company_id) == ("manual", None)
        assert review.id not in {p.id for p in repo.review_list()}
