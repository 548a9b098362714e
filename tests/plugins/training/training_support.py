"""Helpers of the training tests: settings, sample files, and brute-force references that
answer course searches and company filters by looping over every record."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core import Company, NotFound, Region, load_settings
from core import classifications as core_vocab
from core.search.textindex import fold, words
from plugins.training.model import Course

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "plugins" / "training" / "data" / "samples"
CSV_SAMPLE = SAMPLES / "courses.csv"
JSON_SAMPLE = SAMPLES / "courses.json"
BA_SAMPLE = SAMPLES / "weiterbildungssuche.json"
#: The day the tests live on (the samples' courses lie around it).
TODAY = dt.date(2027, 1, 11)
TOKEN = "test-operator-token"
#: Every language the plugin ships texts for (its pages are tested in each).
LANGUAGES = ["de", "en", "tr", "ar"]


def training_config(url: str, enabled: bool = True, **training: Any) -> dict[str, Any]:
    """Settings overrides (the TOML shape) with or without the plugin."""
    config: dict[str, Any] = {
        "portal": {"database_url": url, "operator_token": TOKEN, "languages": LANGUAGES},
        "search": {"refresh_interval": 0.0},
        "plugins": {"enabled": ["training"] if enabled else []},
    }
    if enabled:
        config["plugins"]["training"] = {"today": TODAY.isoformat(), **training}
    return config


def settings_for(url: str, **training: Any) -> Any:
    return load_settings(env={}, overrides=training_config(url, **training))


# --- brute force: courses --------------------------------------------------------------------


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def is_current(course: Course, today: dt.date) -> bool:
    """The rule as the issue states it: past courses disappear."""
    if course.end_date is not None:
        return course.end_date >= today
    if course.on_demand:
        return True
    return course.start_date is not None and course.start_date >= today


def town_code(course: Course, region: Region) -> str | None:
    if course.postcode:
        town = region.town_for_postcode(course.postcode)
        if town is not None:
            return town.ags
    if course.town:
        try:
            return region.find_town(course.town).ags
        except NotFound:
            pass
    return "other" if course.format != "online" and course.location is not None else None


def _document_words(course: Course) -> set[str]:
    labels = " ".join(
        t.label(lang)
        for t in core_vocab.professions()
        if t.code in course.professions
        for lang in LANGUAGES
    )
    text = f"{course.title} {course.description} {course.provider} {course.town} {labels}"
    return set(words(text))


def _value_of(course: Course, key: str, region: Region) -> tuple[str, ...]:
    if key in ("kind", "format", "provider_type"):
        return (getattr(course, key),)
    if key == "town":
        code = town_code(course, region)
        return (code,) if code else ()
    return tuple(getattr(course, {"profession": "professions"}.get(key, key)))


def _near(course: Course, query: Mapping[str, Any]) -> float | None:
    centre = query.get("near")
    if centre is None or course.format == "online" or course.location is None:
        return None
    return _haversine_m(centre[0], centre[1], course.location.lat, course.location.lon)


def reference_search(
    courses: Sequence[Course],
    region: Region,
    today: dt.date,
    query: Mapping[str, Any],
) -> tuple[list[int], dict[str, dict[str, int]]]:
    """Ids of matching courses (in the list's order) and facet counts, by brute force.

    ``query``: ``filters`` {key: [values]}, ``text``, ``bbox`` (w, s, e, n), ``near``
    (lat, lon), ``radius_km``, ``sort`` (date, title, distance).
    """
    filters: dict[str, list[str]] = dict(query.get("filters") or {})

    def base(course: Course) -> bool:
        if not is_current(course, today):
            return False
        placebound = course.format != "online" and course.location is not None
        bbox = query.get("bbox")
        if bbox is not None and placebound:
            west, south, east, north = bbox
            lat, lon = course.location.lat, course.location.lon  # type: ignore[union-attr]
            if not (south <= lat <= north and west <= lon <= east):
                return False
        radius = query.get("radius_km")
        if radius is not None and placebound:
            distance = _near(course, query)
            if distance is None or distance > radius * 1000:
                return False
        text = query.get("text") or ""
        if text:
            doc = _document_words(course)
            for word in words(text):
                if not any(word in w for w in doc):
                    return False
        return True

    def passes(course: Course, key: str) -> bool:
        return bool(set(_value_of(course, key, region)) & set(filters[key]))

    matching = []
    counts: dict[str, dict[str, int]] = {}
    keys = ("kind", "profession", "format", "funding", "provider_type", "town")
    for key in keys:
        counts[key] = {}
    for course in courses:
        if not base(course):
            continue
        ok = {key: passes(course, key) for key in filters}
        if all(ok.values()):
            matching.append(course)
        for key in keys:
            if all(v for k, v in ok.items() if k != key):
                for value in _value_of(course, key, region):
                    counts[key][value] = counts[key].get(value, 0) + 1

    def order(course: Course) -> tuple[Any, ...]:
        title = (fold(course.title), course.id)
        if query.get("sort") == "title":
            return title
        if query.get("sort") == "distance":
            distance = _near(course, query)
            return (math.inf if distance is None else distance, *title)
        first = course.start_date or course.end_date
        day = max(first, today) if first is not None else today
        return (day, *title)

    return [c.id for c in sorted(matching, key=order)], counts  # type: ignore[misc]


# --- brute force: companies -----------------------------------------------------------------


def trains_in(company: Company) -> set[str]:
    data = company.extensions.get("training") or {}
    if data.get("trains_apprentices") is False:
        return set()
    codes = data.get("apprenticeship_professions") or []
    return {c for c in codes if isinstance(c, str)}


def offers_dual_study(company: Company) -> bool:
    return (company.extensions.get("training") or {}).get("dual_study") is True


def supports_further_training(company: Company) -> bool:
    data = company.extensions.get("training") or {}
    values = [data.get("further_training_budget_eur"), data.get("further_training_days")]
    return any(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in values)
