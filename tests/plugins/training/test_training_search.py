"""Course search and company filters against brute force; facets; the clock."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from training_support import (
    TODAY,
    is_current,
    offers_dual_study,
    reference_search,
    supports_further_training,
    trains_in,
)

from core import InvalidQuery
from core import classifications as core_vocab
from plugins.training import vocabulary as tv

FACET_KEYS = ("kind", "profession", "format", "funding", "provider_type", "town")
WORDS = ("mechatronik", "deutsch", "umschulung", "datev", "elektro", "demo", "kurs", "pflege")


def _random_query(rng: random.Random, region) -> tuple[dict[str, list[str]], dict]:
    params: dict[str, list[str]] = {}
    reference: dict = {"filters": {}}
    pools = {
        "kind": list(tv.KINDS.codes),
        "profession": ["26", "25", "24", "51", "71", "72", "81", "43", "34"],
        "format": list(tv.FORMATS.codes),
        "funding": list(tv.FUNDING.codes),
        "provider_type": list(tv.PROVIDER_TYPES.codes),
        "town": [t.ags for t in region.towns] + ["other"],
    }
    for key in rng.sample(FACET_KEYS, rng.randint(0, 3)):
        values = rng.sample(pools[key], rng.randint(1, 2))
        params[key] = [",".join(values)] if rng.random() < 0.5 else values
        reference["filters"][key] = values
    if rng.random() < 0.3:
        word = rng.choice(WORDS)
        params["q"] = [word]
        reference["text"] = word
    if rng.random() < 0.4:
        town = rng.choice(region.towns)
        radius = rng.choice((5, 10, 20))
        params["near"] = [f"{town.center.lat},{town.center.lon}"]
        params["radius_km"] = [str(radius)]
        reference["near"] = (town.center.lat, town.center.lon)
        reference["radius_km"] = radius
    elif rng.random() < 0.2:
        box = (7.0, 51.5, 7.2, 51.7)
        params["bbox"] = [",".join(map(str, box))]
        reference["bbox"] = box
    sorts = ["date", "title"] + (["distance"] if "near" in reference else [])
    reference["sort"] = rng.choice(sorts)
    params["sort"] = [reference["sort"]]
    params["per_page"] = ["200"]
    return params, reference


@pytest.mark.parametrize("seed", range(6))
def test_course_search_agrees_with_brute_force(world, seed):
    rng = random.Random(seed)
    region = world.platform.region
    for _ in range(12):
        params, reference = _random_query(rng, region)
        result = world.service.search(world.service.parse(params))
        ids, counts = reference_search(world.courses, region, TODAY, reference)
        assert result.total == len(ids), params
        assert [c.id for c, _ in result.items] == ids, params
        for key in FACET_KEYS:
            got = {v.value: v.count for v in result.facets[key] if v.count}
            assert got == counts[key], (key, params)


def test_every_facet_count_is_the_total_its_option_gives(world):
    service = world.service
    base_params = {"near_town": ["Marl"], "radius_km": ["20"], "format": ["praesenz,blended"]}
    result = service.search(service.parse(base_params))
    assert result.total > 0
    checked = 0
    for key in FACET_KEYS:
        for value in result.facets[key]:
            if key == "format" or value.count == 0:
                continue
            given = service.search(service.parse({**base_params, key: [value.value]}))
            assert given.total == value.count, (key, value.value)
            checked += 1
    # the filter in force counts every option as if it alone were chosen
    for value in result.facets["format"]:
        given = service.search(
            service.parse({"near_town": ["Marl"], "radius_km": ["20"], "format": [value.value]})
        )
        assert given.total == value.count
    assert checked > 10


def test_the_list_pages_through_every_hit_once(world):
    service = world.service
    total = service.search(service.parse({})).total
    seen = []
    for page in range(1, total // 7 + 2):
        result = service.search(service.parse({"per_page": ["7"], "page": [str(page)]}))
        seen += [c.id for c, _ in result.items]
    assert len(seen) == total == len(set(seen))
    assert total == sum(1 for c in world.courses if is_current(c, TODAY))


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"kind": ["kaffee"]}, "kind"),
        ({"sort": ["price"]}, "sort"),
        ({"sort": ["distance"]}, "sort"),
        ({"near_town": ["Atlantis"]}, "near_town"),
        ({"colour": ["blue"]}, "colour"),
    ],
)
def test_bad_queries_name_the_parameter(world, params, problem):
    with pytest.raises(InvalidQuery) as caught:
        world.service.parse(params)
    assert problem in caught.value.errors


def test_past_courses_disappear_by_themselves(world):
    service = world.service
    index = service.index()
    ends = sorted({c.end_date for c in world.courses if c.end_date and c.end_date >= TODAY})
    layer = world.platform.layers["training_courses"]
    try:
        for day in (TODAY, ends[len(ends) // 2], ends[-1] + dt.timedelta(days=1)):
            service.clock = lambda day=day: day
            expected = {c.id for c in world.courses if is_current(c, day)}
            result = service.search(service.parse({"per_page": ["200"]}))
            assert {c.id for c, _ in result.items} == expected
            assert result.total == len(expected)
            assert sum(v.count for v in result.facets["kind"]) == len(expected)
            shown = {f["properties"]["id"] for f in layer.features(None, "de")}
            assert shown == {
                c.id for c in world.courses if c.id in expected and c.format != "online"
            }
            for course in world.courses[:40]:
                if course.id in expected:
                    assert service.course(course.id).id == course.id
                else:
                    with pytest.raises(Exception, match="no current course"):
                        service.course(course.id)
                    assert service.course(course.id, include_past=True).id == course.id
        assert len(index) == len(world.courses), "past courses stay in the database"
    finally:
        service.clock = lambda: TODAY


def test_company_filters_agree_with_brute_force(world):
    platform = world.platform
    companies = world.searchable
    rng = random.Random(3)
    towns = {t.ags: t for t in platform.region.towns}

    def ids_of(params):
        found, page = [], 1
        while True:
            result = platform.search(
                platform.parse_query({**params, "per_page": ["200"], "page": [str(page)]})
            )
            found += [h.id for h in result.items]
            if len(found) >= result.total:
                return result, set(found)
            page += 1

    for code in ("26", "25", "62", "81", "43"):
        result, found = ids_of({"training_apprenticeship": [code]})
        expected = {c.id for c in companies if code in trains_in(c)}
        assert found == expected and expected, code
        ags = rng.choice(sorted({c.address.ags for c in companies if code in trains_in(c)}))
        _, found = ids_of({"training_apprenticeship": [code], "town": [ags]})
        assert found == {c.id for c in companies if code in trains_in(c) and c.address.ags == ags}
        assert towns[ags].name
    result, found = ids_of({"training_apprenticeship": ["26,24"], "training_dual_study": ["true"]})
    assert found == {
        c.id for c in companies if trains_in(c) & {"26", "24"} and offers_dual_study(c)
    }
    _, found = ids_of({"training_further": ["true"]})
    assert found == {c.id for c in companies if supports_further_training(c)}
    # facet counts of the plugin's filters are brute-force counts too
    result = platform.search(platform.parse_query({"town": ["05562032"]}))
    in_marl = [c for c in companies if c.address.ags == "05562032"]
    facet = {v.value: v.count for v in result.facets["training_apprenticeship"]}
    for code in core_vocab.professions().codes:
        assert facet[code] == sum(1 for c in in_marl if code in trains_in(c)), code
    (dual,) = result.facets["training_dual_study"]
    assert dual.count == sum(1 for c in in_marl if offers_dual_study(c))


def test_company_filters_read_malformed_answers_as_not_given():
    from core import IndexSource
    from plugins.training.hooks import offers_of

    source = IndexSource.from_companies([])
    source.extensions = [
        {"training": {"apprenticeship_professions": ["26", 7, None], "dual_study": "yes"}},
        {"training": {"trains_apprentices": False, "apprenticeship_professions": ["26"]}},
        {"training": "nonsense"},
        {"training": {"further_training_budget_eur": -5, "further_training_days": True}},
        {},
    ]
    offers = offers_of(source)
    assert offers[0].professions == ("26",) and offers[0].trains_apprentices
    assert offers[0].dual_study is False
    assert offers[1].professions == () and not offers[1].trains_apprentices
    assert offers[2].is_empty and offers[4].is_empty
    assert not offers[3].supports_further_training


def test_the_layer_answers_a_box_from_the_index(world):
    layer = world.platform.layers["training_courses"]
    from core import BBox

    box = BBox(7.05, 51.55, 7.25, 51.7)
    features = layer.features(box, "en")
    expected = {
        c.id
        for c in world.courses
        if is_current(c, TODAY)
        and c.format != "online"
        and 51.55 <= c.location.lat <= 51.7
        and 7.05 <= c.location.lon <= 7.25
    }
    assert {f["properties"]["id"] for f in features} == expected and expected
    assert all(f["properties"]["kind_label"] for f in features)


def test_nearby_courses_for_a_profile_agree_with_brute_force(world):
    from training_support import _haversine_m

    service = world.service
    settings = service.settings
    checked = 0
    for company in world.searchable[:200]:
        professions = tuple(dict.fromkeys((*company.professions, *sorted(trains_in(company)))))
        got = service.nearby(company.location, professions)
        near = []
        online = []
        for c in world.courses:
            if not is_current(c, TODAY) or not set(c.professions) & set(professions):
                continue
            if c.format == "online":
                online.append(c)
                continue
            d = _haversine_m(
                company.location.lat, company.location.lon, c.location.lat, c.location.lon
            )
            if d <= settings.profile_radius_km * 1000:
                near.append((d, c.id))
        expected = [i for _, i in sorted(near)][: settings.profile_max_courses]
        assert [n.course.id for n in got][: len(expected)] == expected
        assert len(got) == min(settings.profile_max_courses, len(near) + len(online))
        checked += bool(got)
    assert checked > 50
    assert np.isfinite([n.distance_m for n in got if n.distance_m is not None]).all()
