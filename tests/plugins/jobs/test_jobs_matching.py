"""Matching employers to companies: the normalised names, and every match of a directory
compared with the rule applied to every company (brute force)."""

from __future__ import annotations

import itertools
import random

import pytest

from plugins.jobs.matching import (
    MAX_CANDIDATES,
    CompanyDirectory,
    Listing,
    employer_key,
    similarity,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Autohaus Müller GmbH & Co. KG", "Autohaus Mueller"),
        ("AUTOHAUS MÜLLER GMBH", "autohaus müller"),
        ("Bäckerei Weiß e. K.", "Baeckerei Weiss"),
        ("Bäckerei Weiß e.K.", "Bäckerei Weiß"),
        ("Meier UG (haftungsbeschränkt)", "Meier"),
        ("Firma Meier", "Meier GmbH"),
        ("Gröger & Oltermann Elektrotechnik GmbH", "Gröger und Oltermann Elektrotechnik"),
        ("Müller + Söhne OHG", "Mueller und Soehne"),
        ("Pflegedienst Sonnenschein gGmbH", "Pflegedienst Sonnenschein"),
        ("Caritasverband Recklinghausen e.V.", "Caritasverband Recklinghausen"),
        ("Dach-Technik Kowalski", "Dach Technik Kowalski"),
        ("Schmidt Gesellschaft mit beschränkter Haftung", "Schmidt GmbH"),
    ],
)
def test_spellings_of_one_employer_have_one_key(a, b):
    assert employer_key(a) == employer_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bäckerei Schmidt", "Bäckerei Schmitz"),
        ("Autohaus Müller", "Autohaus Möller"),
        ("Elektro Kowalski", "Sanitär Kowalski"),
    ],
)
def test_different_employers_keep_different_keys(a, b):
    assert employer_key(a) != employer_key(b)


def test_a_name_that_is_only_a_legal_form_keeps_it():
    assert employer_key("AG") == "ag"
    assert employer_key("") == ""


def test_similarity_ignores_word_order_and_is_one_for_equal_names():
    assert similarity("autohaus muller", "muller autohaus") == 1.0
    assert similarity("backerei schmidt", "backerei schmitz") == pytest.approx(0.9375)
    assert similarity("", "x") == 0.0


# --- brute force ------------------------------------------------------------------------------

TOWNS = {"45657": "rh", "45659": "rh", "45661": "rh", "45879": "ge", "45881": "ge"}
NAMES = [
    "Autohaus Müller GmbH",
    "Autohaus Möller",
    "Bäckerei Schmidt",
    "Bäckerei Schmitz",
    "Pflegedienst Sonnenschein",
    "Elektro Kowalski",
    "Sanitär Kowalski GmbH",
    "Müller Autohaus",
    "Dachdeckerei Yilmaz",
]


def _town(postcode: str, _town: str) -> str:
    return TOWNS.get(postcode, "")


def expected(
    companies: list[Listing], name: str, postcode: str, match_at: float, review_at: float
) -> tuple[str, int | None, set[int]]:
    """The rule of the module, company by company: the match state, the company and the set
    of candidates (before the cap)."""
    key = employer_key(name)
    same_place: dict[int, float] = {}
    town: dict[int, float] = {}
    for c in companies:
        score = similarity(key, employer_key(c.name))
        if c.postcode == postcode:
            if score >= review_at:
                same_place[c.id] = score
        elif _town(c.postcode, "") == _town(postcode, "") and score >= match_at:
            town[c.id] = score
    exact = [i for i, s in same_place.items() if s == 1.0]
    sure = [i for i, s in same_place.items() if s >= match_at]
    for found in (exact, sure):
        if len(found) == 1:
            return "matched", found[0], set()
    candidates = set(same_place) | set(town)
    return ("review" if candidates else "unmatched"), None, candidates


@pytest.mark.parametrize(("match_at", "review_at"), [(1.0, 0.75), (0.9, 0.8), (1.0, 1.0)])
def test_every_match_equals_the_rule_applied_to_every_company(match_at, review_at):
    rng = random.Random(11)
    companies = [
        Listing(
            i,
            rng.choice(NAMES) + rng.choice(["", " GmbH", " e. K.", " GmbH & Co. KG"]),
            rng.choice(list(TOWNS)),
            "",
        )
        for i in range(1, 61)
    ]
    directory = CompanyDirectory(
        companies, match_threshold=match_at, review_threshold=review_at, town_of=_town
    )
    states = set()
    for name, postcode in itertools.product(NAMES + ["Unbekannt AG"], [*TOWNS, "46236"]):
        found = directory.match(name, postcode)
        state, company, candidates = expected(companies, name, postcode, match_at, review_at)
        states.add(state)
        assert (found.match, found.company_id) == (state, company), (name, postcode)
        assert set(found.candidates) <= candidates
        assert len(found.candidates) == min(MAX_CANDIDATES, len(candidates))
        if found.candidates:
            scores = [
                similarity(employer_key(name), employer_key(companies[i - 1].name))
                for i in found.candidates
            ]
            assert scores == sorted(scores, reverse=True)
    assert states == {"matched", "review", "unmatched"}


def test_the_same_name_in_the_same_postcode_wins_over_similar_names():
    directory = CompanyDirectory(
        [
            Listing(1, "Bäckerei Schmidt GmbH", "45657", ""),
            Listing(2, "Bäckerei Schmitz", "45657", ""),
        ],
        town_of=_town,
    )
    found = directory.match("Baeckerei Schmidt e. K.", "45657")
    assert (found.match, found.company_id) == ("matched", 1)
    similar = directory.match("Bäckerei Schmid", "45657")
    assert similar.match == "review" and set(similar.candidates) == {1, 2}


def test_the_same_name_elsewhere_in_the_town_is_for_review_and_other_towns_are_not():
    directory = CompanyDirectory(
        [Listing(1, "Elektro Kowalski", "45659", ""), Listing(2, "Elektro Kowalski", "45879", "")],
        town_of=_town,
    )
    found = directory.match("Elektro Kowalski GmbH", "45657")
    assert (found.match, found.candidates) == ("review", (1,))
    assert directory.match("Elektro Kowalski", "46236").match == "unmatched"


def test_two_companies_of_the_same_name_and_postcode_go_to_review():
    directory = CompanyDirectory(
        [
            Listing(4, "Pflegedienst Sonnenschein", "45657", ""),
            Listing(9, "Pflegedienst Sonnenschein gGmbH", "45657", ""),
        ],
        town_of=_town,
    )
    found = directory.match("Pflegedienst Sonnenschein", "45657")
    assert (found.match, found.company_id, found.candidates) == ("review", None, (4, 9))
