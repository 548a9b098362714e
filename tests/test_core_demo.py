"""Demo companies: every one is drawn from one plausible company type."""

from __future__ import annotations

import csv
import re
from collections import Counter
from importlib import resources

import pytest

from core.io.company_types import COMPANY_TYPES, company_type_of
from core.io.demo import DEMO_NOTICE, demo_companies, demo_rows
from core.region import default_region

COUNT = 3000


def _classification(name: str) -> dict[str, dict[str, str]]:
    """The shipped classification table, read straight from its CSV (code -> row)."""
    text = resources.files("core.data").joinpath(name).read_text("utf-8")
    return {row["code"]: row for row in csv.DictReader(text.splitlines())}


@pytest.fixture(scope="module")
def companies():
    return list(demo_companies(default_region(), COUNT, 1))


def test_every_demo_company_fits_the_one_type_its_name_names(companies):
    for company in companies:
        kind = company_type_of(company)
        assert kind is not None, f"{company.name!r} names no company type, or more than one"
        assert company.industry == kind.section, company.name
        assert company.industry_division == kind.division, company.name
        assert kind.professions[0] in company.professions, company.name
        assert set(company.professions) <= set(kind.professions), company.name
        if "ausbildung" in company.offers:
            assert kind.apprenticeships, f"{company.name!r} offers an Ausbildung it cannot give"
        if "duales_studium" in company.offers:
            assert kind.dual_study, company.name


def test_company_type_table_agrees_with_the_classifications():
    wz = _classification("wz2008.csv")
    kldb = _classification("kldb2010.csv")
    trades = Counter(trade for kind in COMPANY_TYPES for trade in kind.trades)
    assert [t for t, n in trades.items() if n > 1] == []
    for kind in COMPANY_TYPES:
        division = wz[kind.division]
        assert (division["level"], division["parent"]) == ("division", kind.section), kind.key
        for code in kind.professions:
            assert kldb[code]["level"] == "hauptgruppe", (kind.key, code)
        for title, code in kind.apprenticeships:
            assert code in kind.professions, (kind.key, title)
            assert "," not in title, "profiles keep Ausbildung titles as a comma-separated list"
        assert sum(kind.sizes) == pytest.approx(1), kind.key


@pytest.mark.parametrize(
    ("name", "section", "division", "professions", "apprenticeship"),
    [
        ("Bäckerei Schulte e.K.", "C", "10", {"29", "62"}, "Bäcker/in"),
        ("Pflegedienst Kaya GmbH", "Q", "88", {"81", "82"}, "Pflegefachmann/-frau"),
        ("Steuerbüro Becker", "M", "69", {"72", "71"}, "Steuerfachangestellte/r"),
        ("Becker Metallbau GmbH", "C", "25", {"24", "25"}, "Metallbauer/in"),
    ],
)
def test_well_known_trades_sit_where_a_reader_expects(
    name, section, division, professions, apprenticeship
):
    from core.model import Company

    kind = company_type_of(Company(name=name))
    assert kind is not None
    assert (kind.section, kind.division, set(kind.professions)) == (
        section,
        division,
        professions,
    )
    assert apprenticeship in [title for title, _ in kind.apprenticeships]


def test_sizes_follow_each_type_most_firms_small_care_and_industry_larger(companies):
    micro = sum(c.employees < 10 for c in companies) / len(companies)
    assert 0.6 < micro < 0.9  # Germany: about four in five firms have fewer than ten people
    by_type: dict[str, list[int]] = {}
    for company in companies:
        kind = company_type_of(company)
        assert kind is not None
        by_type.setdefault(kind.key, []).append(company.employees)
    median = {key: sorted(v)[len(v) // 2] for key, v in by_type.items()}
    assert median["steuerberatung"] < 10
    assert median["pflegedienst"] >= 10


def test_contacts_have_clean_mail_addresses_and_say_they_are_fictitious(companies):
    for company in companies:
        assert company.is_demo
        assert company.description.startswith(DEMO_NOTICE)
        assert company.contact is not None
        email = company.contact.email
        assert re.fullmatch(r"kontakt@[a-z0-9]+(-[a-z0-9]+)*\.example", email), email
        assert "haftungsbeschraenkt" not in email and "gmbh" not in email, email


def test_same_seed_same_companies():
    first = list(demo_rows(default_region(), 200, 5))
    assert first == list(demo_rows(default_region(), 200, 5))
    assert first != list(demo_rows(default_region(), 200, 6))
