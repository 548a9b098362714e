"""The in-memory course index and the course search: filters, facets, order, page.

Courses are few (thousands, not millions), but the search answers the same way as core's
company search: every filter is a ``FilterSpec`` with a column over all courses, facet counts
are counted on the result of all *other* active filters (so each option's count is the total
it would give), and everything is numpy over whole columns. Which courses are current depends
on the day, so that is a mask computed per search from the clock, never baked into the index.

Online courses (format ``online``) are not bound to a place: geographic filters (bbox, radius)
apply to courses held in person or blended only, and online courses match any area.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

import numpy as np
from attrs import define
from attrs import frozen
from core import BBox
from core import Choice
from core import FacetValue
from core import FilterKind
from core import FilterRegistry
from core import FilterSpec
from core import IndexSource
from core import InvalidQuery
from core import Location
from core import NotFound
from core import PlaceResolver
from core import Region
from core import TextIndex
from core import catalog
from core import choices_from
from core import fold
from core import from_row
from core import haversine_m
from core import parse_search_params

from plugins.training import vocabulary as tv
from plugins.training.model import Course
from plugins.training.texts import DOMAIN
from plugins.training.texts import message

__all__ = [
    "OTHER_TOWN",
    "SORTS",
    "CourseIndex",
    "CourseQuery",
    "CourseResult",
    "CourseSource",
    "Nearby",
    "course_filters",
    "nearby_courses",
    "parse_course_params",
    "search_courses",
]

SORTS = ("date", "title", "distance")
OTHER_TOWN = "other"
#: Day number standing for "no end" (a course on demand without dates).
FOREVER = 10**8


@frozen
class CourseQuery:
    """One course search: filters, text, area, order and page."""

    filters: tuple[tuple[str, Any], ...] = ()
    text: str = ""
    bbox: BBox | None = None
    near: Location | None = None
    radius_km: float | None = None
    sort: str = "date"
    page: int = 1
    per_page: int = 20
    lang: str = "de"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def filter_values(self) -> dict[str, Any]:
        return dict(self.filters)


@frozen
class CourseResult:
    """The answer to a CourseQuery."""

    total: int
    items: tuple[tuple[Course, float | None], ...]
    facets: dict[str, tuple[FacetValue, ...]]
    page: int
    per_page: int
    today: dt.date


@define
class CourseSource:
    """What course filter columns read: the courses and the region town each lies in."""

    courses: Sequence[Course]
    towns: Sequence[str | None]
    choice_column = staticmethod(IndexSource.choice_column)
    multichoice_column = staticmethod(IndexSource.multichoice_column)

    def __len__(self) -> int:
        return len(self.courses)


def _town_choices(region: Region) -> tuple[Choice, ...]:
    towns = tuple(Choice(t.ags, t.name, group=t.district or None) for t in region.towns)
    return (*towns, Choice(OTHER_TOWN, message("facet.town.other")))


def course_filters(region: Region) -> list[FilterSpec]:
    """The course list's filters (they are not company filters: they live in this index);
    their texts are the catalog's ``facet.<key>.label`` and ``.help``."""
    towns = _town_choices(region)

    def spec(key: str, kind: FilterKind, *, helped: bool = False, **kwargs: Any) -> FilterSpec:
        texts = {"label": message(f"facet.{key}.label")}
        if helped:
            texts["help"] = message(f"facet.{key}.help")
        return FilterSpec(key, kind=kind, plugin="training", group="courses", **texts, **kwargs)

    def on(name: str, key: str, kind: FilterKind, **kwargs: Any) -> FilterSpec:
        """A filter on the course field ``name`` (a multichoice one on a field of codes)."""
        choices = kwargs["choices"]

        def column(s: CourseSource) -> Any:
            multi = kind is FilterKind.MULTICHOICE
            make = s.multichoice_column if multi else s.choice_column
            return make([getattr(c, name) for c in s.courses], choices)

        return spec(key, kind, column=column, **kwargs)

    multi, one = FilterKind.MULTICHOICE, FilterKind.CHOICE
    return [
        on("kind", "kind", one, choices=choices_from(tv.KINDS)),
        on("professions", "profession", multi, choices=tv.profession_choices(), helped=True),
        on("format", "format", one, choices=choices_from(tv.FORMATS)),
        on("funding", "funding", multi, choices=choices_from(tv.FUNDING), helped=True),
        on("provider_type", "provider_type", one, choices=choices_from(tv.PROVIDER_TYPES)),
        spec(
            "town",
            one,
            choices=towns,
            column=lambda s: s.choice_column(list(s.towns), towns),
        ),
    ]


def parse_course_params(
    params: Mapping[str, Sequence[str]],
    registry: FilterRegistry,
    places: PlaceResolver,
    *,
    default_per_page: int = 20,
    max_per_page: int = 200,
) -> CourseQuery:
    """A CourseQuery from URL parameters (core's syntax; ``sort`` is date, title or distance)."""
    rest = {k: v for k, v in params.items() if k != "sort"}
    sorts = [v.strip() for v in params.get("sort", ()) if v and v.strip()]
    sort = sorts[-1] if sorts else "date"
    problems: dict[str, list[str]] = {}
    messages: list[str] = []
    if sort not in SORTS:
        messages.append(f"sort={sort!r} is not supported; use one of {', '.join(SORTS)}.")
        problems["sort"] = ["unknown sort order"]
    try:
        query = parse_search_params(
            rest, registry, places, default_per_page=default_per_page, max_per_page=max_per_page
        )
    except InvalidQuery as exc:
        raise InvalidQuery(" ".join([*messages, exc.message]), {**exc.errors, **problems}) from None
    if sort == "distance" and query.near is None:
        messages.append(
            "sort=distance needs a point: give near=lat,lon, near_postcode or near_town."
        )
        problems["sort"] = ["needs near"]
    if messages:
        raise InvalidQuery(" ".join(messages), problems)
    # the same fields as core's query, but the course orders
    return from_row(CourseQuery, query, sort=sort)


def _town_of(course: Course, region: Region) -> str | None:
    town = region.town_for_postcode(course.postcode) if course.postcode else None
    if town is None and course.town:
        try:
            town = region.find_town(course.town)
        except NotFound:
            town = None
    if town is not None:
        return town.ags
    return OTHER_TOWN if course.format != "online" and course.location is not None else None


class CourseIndex:
    """An immutable snapshot of every course (past ones too), as numpy columns."""

    def __init__(
        self,
        courses: Sequence[Course],
        registry: FilterRegistry,
        region: Region,
        version: int = 0,
    ) -> None:
        self.version = version
        self.registry = registry
        self.courses = list(courses)
        n = len(self.courses)
        self.ids = np.fromiter((c.id or 0 for c in self.courses), dtype=np.int64, count=n)
        self.row_of = {int(i): r for r, i in enumerate(self.ids)}
        self.lat = np.array(
            [c.location.lat if c.location else np.nan for c in self.courses], dtype=np.float64
        )
        self.lon = np.array(
            [c.location.lon if c.location else np.nan for c in self.courses], dtype=np.float64
        )
        self.placebound = np.array(
            [c.format != "online" and c.location is not None for c in self.courses], dtype=bool
        )
        never = -FOREVER
        self.first = np.array(
            [
                (c.start_date or c.end_date).toordinal() if (c.start_date or c.end_date) else never
                for c in self.courses
            ],
            dtype=np.int64,
        )
        self.last = np.array(
            [
                c.last_day.toordinal() if c.last_day else (FOREVER if c.on_demand else never)
                for c in self.courses
            ],
            dtype=np.int64,
        )
        self.towns = [_town_of(c, region) for c in self.courses]
        source = CourseSource(self.courses, self.towns)
        self.columns: dict[str, np.ndarray] = {
            spec.key: np.asarray(spec.column(source))  # type: ignore[misc]
            for spec in registry.indexed()
        }
        self.text = TextIndex([self._document(c) for c in self.courses])
        titles = np.array([fold(c.title) for c in self.courses] or [""], dtype=str)[:n]
        self.title_order = np.lexsort((self.ids, titles)) if n else np.zeros(0, dtype=np.int64)
        self.title_rank = np.empty_like(self.title_order)
        self.title_rank[self.title_order] = np.arange(n)

    @staticmethod
    def _document(course: Course) -> str:
        # the professions' names in every language the catalogs have: words in any of them
        # find the course
        languages = catalog(DOMAIN).languages()
        labels = " ".join(
            choice.label(lang)
            for choice in tv.profession_choices()
            if choice.value in course.professions
            for lang in languages
        )
        return f"{course.title} {course.description} {course.provider} {course.town} {labels}"

    def __len__(self) -> int:
        return len(self.courses)

    def current(self, today: dt.date) -> np.ndarray:
        """Rows of courses that can still be attended on ``today``."""
        return np.asarray(self.last >= today.toordinal())

    def course(self, course_id: int) -> Course | None:
        row = self.row_of.get(int(course_id))
        return None if row is None else self.courses[row]

    def distances(self, lat: float, lon: float) -> np.ndarray:
        """Metres from (lat, lon) to every place-bound course; NaN for the others."""
        out = np.full(len(self), np.nan)
        rows = np.flatnonzero(self.placebound)
        if rows.size:
            out[rows] = haversine_m(lat, lon, self.lat[rows], self.lon[rows])
        return out

    def in_box(self, bbox: BBox) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.asarray(
                self.placebound
                & (self.lat >= bbox.south)
                & (self.lat <= bbox.north)
                & (self.lon >= bbox.west)
                & (self.lon <= bbox.east)
            )

    def profession_mask(self, codes: Sequence[str]) -> np.ndarray:
        """Rows of courses for any of the professions ``codes``."""
        spec = self.registry["profession"]
        positions = {c.value: i for i, c in enumerate(spec.choices)}
        cols = [positions[c] for c in codes if c in positions]
        if not cols:
            return np.zeros(len(self), dtype=bool)
        return np.asarray(self.columns["profession"][:, cols].any(axis=1))


def _filter_mask(spec: FilterSpec, column: np.ndarray, value: Any) -> np.ndarray:
    positions = {c.value: i for i, c in enumerate(spec.choices)}
    if spec.kind is FilterKind.CHOICE:
        wanted = np.zeros(len(spec.choices) + 1, dtype=bool)
        for v in value:
            wanted[positions[v] + 1] = True
        return np.asarray(wanted[column.astype(np.int64) + 1])
    sub = column[:, [positions[v] for v in value]]
    return np.asarray(sub.all(axis=1) if spec.match == "all" else sub.any(axis=1))


def _facet_counts(spec: FilterSpec, column: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if spec.kind is FilterKind.CHOICE:
        counts = np.bincount(column[mask].astype(np.int64) + 1, minlength=len(spec.choices) + 1)
        return np.asarray(counts[1:])
    return np.asarray(np.count_nonzero(column[mask], axis=0))


def search_courses(
    index: CourseIndex, query: CourseQuery, today: dt.date, *, include_past: bool = False
) -> CourseResult:
    """Answer ``query`` on ``today``: exact total, one page, facet counts for every filter."""
    base = np.ones(len(index), dtype=bool) if include_past else index.current(today)
    if query.bbox is not None:
        base &= ~index.placebound | index.in_box(query.bbox)
    distance = None
    if query.near is not None:
        distance = index.distances(query.near.lat, query.near.lon)
        if query.radius_km is not None:
            with np.errstate(invalid="ignore"):
                base &= ~index.placebound | (distance <= query.radius_km * 1000.0)
    if query.text:
        text = index.text.match(query.text)
        if text is not None:
            base &= text

    active = [
        (index.registry[key], _filter_mask(index.registry[key], index.columns[key], value))
        for key, value in query.filters
    ]
    # prefix[i] = base & masks[:i]; suffix[i] = masks[i:]; "all but i" = prefix[i] & suffix[i+1]
    prefix = [base]
    for _, mask in active:
        prefix.append(prefix[-1] & mask)
    result = prefix[-1]
    suffix: list[np.ndarray | None] = [None] * (len(active) + 1)
    for i in range(len(active) - 1, -1, -1):
        after = suffix[i + 1]
        suffix[i] = active[i][1] if after is None else active[i][1] & after
    without = {}
    for i, (spec, _) in enumerate(active):
        rest = suffix[i + 1]
        without[spec.key] = prefix[i] if rest is None else prefix[i] & rest

    selected = query.filter_values
    facets: dict[str, tuple[FacetValue, ...]] = {}
    for spec in index.registry:
        use_result = spec.kind is FilterKind.MULTICHOICE and spec.match == "all"
        mask = result if use_result else without.get(spec.key, result)
        counts = _facet_counts(spec, index.columns[spec.key], mask)
        picked = set(selected.get(spec.key) or ())
        facets[spec.key] = tuple(
            FacetValue(c.value, c.label(query.lang), int(n), c.value in picked)
            for c, n in zip(spec.choices, counts, strict=True)
        )

    rows = np.flatnonzero(result)
    if query.sort == "distance" and distance is not None:
        keys = np.nan_to_num(distance[rows], nan=np.inf)
    elif query.sort == "title":
        keys = np.zeros(rows.size)
    else:
        # soonest first; courses on demand or already running count as starting today
        keys = np.maximum(index.first[rows], today.toordinal()).astype(np.float64)
    ordered = rows[np.lexsort((index.title_rank[rows], keys))]
    page = ordered[query.offset : query.offset + query.per_page]
    items = tuple(
        (
            index.courses[int(r)],
            None
            if distance is None or math.isnan(float(distance[r]))
            else round(float(distance[r]), 1),
        )
        for r in page
    )
    return CourseResult(
        total=int(result.sum()),
        items=items,
        facets=facets,
        page=query.page,
        per_page=query.per_page,
        today=today,
    )


@frozen
class Nearby:
    """A course near a place (``distance_m`` None for online courses)."""

    course: Course
    distance_m: float | None


def nearby_courses(
    index: CourseIndex,
    today: dt.date,
    location: Location | None,
    professions: Sequence[str],
    *,
    radius_km: float,
    limit: int,
    include_online: bool,
) -> list[Nearby]:
    """Current courses for any of ``professions``: place-bound ones within ``radius_km`` of
    ``location`` by distance, then (if asked) online ones by start date."""
    if limit <= 0 or not professions or not len(index):
        return []
    wanted = index.current(today) & index.profession_mask(professions)
    out: list[Nearby] = []
    if location is not None:
        distance = index.distances(location.lat, location.lon)
        with np.errstate(invalid="ignore"):
            near = wanted & index.placebound & (distance <= radius_km * 1000.0)
        rows = np.flatnonzero(near)
        rows = rows[np.lexsort((index.title_rank[rows], distance[rows]))]
        out += [Nearby(index.courses[int(r)], round(float(distance[r]), 1)) for r in rows]
    if include_online:
        rows = np.flatnonzero(wanted & ~index.placebound)
        keys = np.maximum(index.first[rows], today.toordinal())
        rows = rows[np.lexsort((index.title_rank[rows], keys))]
        out += [Nearby(index.courses[int(r)], None) for r in rows]
    return out[:limit]
