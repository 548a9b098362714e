"""Search results, facet counts, order and paging against brute force over the same companies."""

from __future__ import annotations

import math
import random
from typing import Any

import attrs
import pytest
from checks import assert_search_matches
from reference import ALL, Between, Reference, RefQuery, random_query

from core import Company, Platform, SearchQuery
from core import classifications as vocab
from core.region import Region


@pytest.mark.parametrize("seed", range(40))
def test_random_search_matches_brute_force(
    seed: int, search_platform: Platform, reference: Reference, region: Region
) -> None:
    rng = random.Random(seed)
    ref_query, sort = random_query(rng, reference, region)
    per_page = rng.choice([50, 97, 200])
    assert_search_matches(search_platform, reference, ref_query, sort=sort, per_page=per_page)


@pytest.mark.parametrize("seed", range(100, 106))
def test_facet_count_is_what_choosing_the_value_gives(
    seed: int, search_platform: Platform, reference: Reference, region: Region
) -> None:
    """Choosing a facet value (alone for "any" filters, added for "all" filters) gives exactly
    as many results as the facet showed."""
    ref_query, sort = random_query(random.Random(seed), reference, region)
    query = attrs.evolve(
        search_platform.parse_query(ref_query.to_params(sort=sort)), clusters=False, per_page=1
    )
    result = search_platform.search(query)
    current = query.filter_values
    for key, values in result.facets.items():
        spec = reference.filters[key]
        for value in values:
            if spec.kind == "multi" and spec.match == ALL:
                chosen = tuple(dict.fromkeys((*current.get(key, ()), value.value)))
            else:
                chosen = (value.value,)
            narrowed = search_platform.search(attrs.evolve(query, filters={**current, key: chosen}))
            assert narrowed.total == value.count, f"{key}={value.value} with {ref_query}"


def test_empty_search_finds_every_public_located_company(
    search_platform: Platform, reference: Reference, dataset: list[Company]
) -> None:
    result = search_platform.search(SearchQuery(per_page=1, clusters=False))
    assert result.total == len(reference.companies)
    # drafts, archived and unlocated companies exist in the data set, and are not counted
    assert len(reference.companies) < len(dataset)


@pytest.mark.parametrize("name", ["Geheimprojekt", "Archivierte Werkstatt", "Ortlos Beratung"])
def test_unpublished_or_unlocated_companies_are_never_found(
    search_platform: Platform, name: str
) -> None:
    result = search_platform.search(SearchQuery(text=name, clusters=False))
    assert result.total == 0
    assert all(name not in hit.name for hit in result.items)


# --- text ----------------------------------------------------------------------------------------


SPELLINGS = ["Bäckerei", "baeckerei", "BACKEREI", "BÄCKEREI", "bäckerei"]


@pytest.mark.parametrize("text", SPELLINGS)
def test_text_search_ignores_case_and_umlaut_spelling(
    search_platform: Platform, reference: Reference, text: str
) -> None:
    result = search_platform.search(SearchQuery(text=text, per_page=200, clusters=False))
    found = {hit.id for hit in result.items}
    assert "Großbäckerei Kuhlmann" in {hit.name for hit in result.items}
    assert found == {c.id for c in reference.result(RefQuery(text=text))}
    same = search_platform.search(SearchQuery(text=SPELLINGS[0], per_page=200, clusters=False))
    assert found == {hit.id for hit in same.items}


@pytest.mark.parametrize("text", ["bäck", "Baeck", "ckere"])
def test_text_search_matches_parts_of_words(search_platform: Platform, text: str) -> None:
    part = search_platform.search(SearchQuery(text=text, per_page=1, clusters=False))
    whole = search_platform.search(SearchQuery(text="Bäckerei", per_page=1, clusters=False))
    assert part.total >= whole.total > 0


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Quantenkaffeeröster", "Großbäckerei Kuhlmann"),  # a word of the description
        ("Straßenbau", "Strassenbau Öztürk KG"),
        ("oeztuerk", "Strassenbau Öztürk KG"),
        ("obsthof marl", "Apfel Obsthof Terhorst"),  # every word must match
    ],
)
def test_text_search_finds_by_name_description_and_town(
    search_platform: Platform, reference: Reference, text: str, name: str
) -> None:
    result = search_platform.search(SearchQuery(text=text, per_page=200, clusters=False))
    assert name in {hit.name for hit in result.items}
    assert {h.id for h in result.items} == {c.id for c in reference.result(RefQuery(text=text))}


@pytest.mark.parametrize(
    ("typed", "written"), [("Yilmaz", "Yılmaz"), ("Sahin", "Şahin"), ("Wisniewski", "Wiśniewski")]
)
def test_names_with_foreign_letters_are_found_as_typed_on_a_german_keyboard(
    search_platform: Platform, reference: Reference, typed: str, written: str
) -> None:
    """A job seeker types "Yilmaz" for "Yılmaz" (dotless i): the company must be found."""
    companies = {c.id for c in reference.companies if written in c.name}
    assert companies
    result = search_platform.search(SearchQuery(text=typed, per_page=200, clusters=False))
    missing = companies - {hit.id for hit in result.items}
    assert not missing, f"{len(missing)} of {len(companies)} companies named {written} not found"


def test_text_search_needs_every_word(search_platform: Platform) -> None:
    both = search_platform.search(SearchQuery(text="obsthof marl", clusters=False))
    neither = search_platform.search(SearchQuery(text="obsthof waltrop", clusters=False))
    assert both.total == 2
    assert neither.total == 0


def test_text_search_matches_industry_labels(
    search_platform: Platform, reference: Reference
) -> None:
    """A word of an industry's label finds that industry's companies (the user types
    "Forstwirtschaft", not "A")."""
    farms = [c for c in reference.companies if c.industry == "A"]
    assert farms
    labelled = search_platform.search(
        SearchQuery(text="Forstwirtschaft", filters={"industry": ("A",)}, clusters=False)
    )
    assert labelled.total == len(farms)
    anywhere = search_platform.search(SearchQuery(text="Forstwirtschaft", clusters=False))
    assert anywhere.total == len(reference.result(RefQuery(text="Forstwirtschaft")))


@pytest.mark.parametrize(
    "text",
    [
        "Tarım",  # Turkish: "Tarım, ormancılık ve balıkçılık"
        "tarim",  # as typed without Turkish letters
        "الزراعة",  # Arabic: "الزراعة والحراجة وصيد الأسماك"
        "الزِّرَاعَة",  # the same word with its short vowels written
        "زراعة",  # and without the article
    ],
)
def test_text_search_matches_industry_labels_in_every_offered_language(
    make_platform: Any, dataset_url: str, reference: Reference, region: Region, text: str
) -> None:
    """A word of an industry's Turkish or Arabic label finds that industry's companies on a
    portal that offers those languages."""
    platform = make_platform(
        url=dataset_url, upgrade=False, portal={"languages": ["de", "en", "tr", "ar"]}
    )
    farms = [c for c in reference.companies if c.industry == "A"]
    found = platform.search(SearchQuery(text=text, clusters=False))
    assert found.total >= len(farms) > 0
    within = platform.search(SearchQuery(text=text, filters={"industry": ("A",)}, clusters=False))
    assert within.total == len(farms)
    offered = Reference(reference.companies, region, languages=("de", "en", "tr", "ar"))
    assert found.total == len(offered.result(RefQuery(text=text)))


# --- order and paging ----------------------------------------------------------------------------


def test_equal_names_are_ordered_by_id(search_platform: Platform, dataset: list[Company]) -> None:
    twins = sorted(c.id for c in dataset if c.name == "Zeche Ewald Service GmbH")
    assert len(twins) == 2
    result = search_platform.search(SearchQuery(text="zeche ewald", clusters=False))
    assert [hit.id for hit in result.items] == twins


def test_umlaut_names_sort_with_their_base_letter(search_platform: Platform) -> None:
    result = search_platform.search(SearchQuery(text="obsthof terhorst", clusters=False))
    assert [hit.name for hit in result.items] == [
        "Äpfel & Birnen Obsthof Terhorst",
        "Apfel Obsthof Terhorst",
    ]


@pytest.mark.parametrize("sort", ["name", "distance"])
def test_deep_pages_work_without_a_cap(
    search_platform: Platform, reference: Reference, sort: str
) -> None:
    ref_query = RefQuery(near=(51.6, 7.1)) if sort == "distance" else RefQuery()
    expected = reference.ordered(ref_query, sort)
    assert len(expected) > 2500
    for position in (0, 1, 777, 2500, len(expected) - 1):
        params = ref_query.to_params(sort=sort, per_page=1, page=position + 1)
        result = search_platform.search(search_platform.parse_query(params))
        assert result.total == len(expected)
        assert [hit.id for hit in result.items] == [expected[position].id], position
    beyond = search_platform.parse_query(
        ref_query.to_params(sort=sort, per_page=7, page=len(expected) // 7 + 2)
    )
    result = search_platform.search(beyond)
    assert result.items == ()
    assert result.total == len(expected)


@pytest.mark.parametrize("per_page", [1, 13, 200])
def test_last_page_holds_the_remainder(
    search_platform: Platform, reference: Reference, per_page: int
) -> None:
    ref_query = RefQuery(filters={"industry": ("F", "C")})
    expected = reference.ordered(ref_query)
    pages = math.ceil(len(expected) / per_page)
    params = ref_query.to_params(per_page=per_page, page=pages)
    result = search_platform.search(search_platform.parse_query(params))
    assert result.pages == pages
    assert [hit.id for hit in result.items] == [c.id for c in expected[(pages - 1) * per_page :]]


# --- facets in detail ----------------------------------------------------------------------------


def test_facets_list_every_choice_in_vocabulary_order(
    search_platform: Platform, region: Region
) -> None:
    result = search_platform.search(SearchQuery(per_page=1, clusters=False))
    assert [v.value for v in result.facets["industry"]] == list(vocab.industries().codes)
    assert [v.value for v in result.facets["size"]] == ["micro", "small", "medium", "large"]
    assert [v.value for v in result.facets["town"]] == [t.ags for t in region.towns] + ["other"]
    assert "employees" not in result.facets  # a range has no facet


def test_outside_the_region_counts_as_other(
    search_platform: Platform, reference: Reference
) -> None:
    result = search_platform.search(SearchQuery(filters={"town": ("other",)}, clusters=False))
    names = {hit.name for hit in result.items}
    assert {"Hafen Logistik Dortmund GmbH", "Ohne Branche e.V."} <= names
    assert result.total == len(reference.result(RefQuery(filters={"town": ("other",)})))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_facet_labels_follow_the_language(search_platform: Platform, lang: str) -> None:
    result = search_platform.search(SearchQuery(per_page=1, clusters=False, lang=lang))
    label = {v.value: v.label for v in result.facets["size"]}
    assert label["micro"] == vocab.size_classes().get("micro").label(lang)


def test_all_filter_facet_shows_what_adding_a_value_gives(
    search_platform: Platform, reference: Reference
) -> None:
    """With family=part_time chosen, the count of flexible_hours is the number of companies
    that offer both, and part_time's own count equals the total."""
    query = SearchQuery(filters={"family": ("part_time",)}, per_page=1, clusters=False)
    result = search_platform.search(query)
    counts = {v.value: v.count for v in result.facets["family"]}
    both = RefQuery(filters={"family": ("part_time", "flexible_hours")})
    assert counts["flexible_hours"] == len(reference.result(both))
    assert counts["part_time"] == result.total


def test_any_filter_facet_ignores_its_own_choice(
    search_platform: Platform, reference: Reference
) -> None:
    query = SearchQuery(
        filters={"industry": ("F",), "size": ("small",)}, per_page=1, clusters=False
    )
    result = search_platform.search(query)
    counts = {v.value: v.count for v in result.facets["industry"]}
    for code in ("F", "C", "G"):
        alone = RefQuery(filters={"industry": (code,), "size": ("small",)})
        assert counts[code] == len(reference.result(alone))


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [("10..49", 10, 49), ("..9", None, 9), ("250..", 250, None), ("20", 20, None), ("0..0", 0, 0)],
)
def test_employee_ranges_are_inclusive(
    search_platform: Platform,
    reference: Reference,
    value: str,
    low: int | None,
    high: int | None,
) -> None:
    query = search_platform.parse_query({"employees": [value], "per_page": ["200"]})
    result = search_platform.search(query)
    expected = reference.result(RefQuery(filters={"employees": Between(low, high)}))
    assert result.total == len(expected)
    assert result.total == sum(
        1
        for c in reference.companies
        if (low is None or c.employees >= low) and (high is None or c.employees <= high)
    )


@pytest.mark.parametrize("seed", range(200, 210))
def test_matching_ids_are_every_company_the_search_finds(
    seed: int, search_platform: Platform, reference: Reference, region: Region
) -> None:
    # the ids a plugin's alert_matches narrows its items to: all pages at once, sorted
    ref_query, _ = random_query(random.Random(seed), reference, region)
    query = search_platform.parse_query(ref_query.to_params(per_page="7", page="3"))
    found = search_platform.matching_ids(query)
    assert found.tolist() == sorted(c.id for c in reference.result(ref_query))
