"""The search index follows the portal's day: a column that depends on the date is rebuilt by
the first search of a new day, without any write or manual rebuild; badge texts say the count
in each language's plural form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core import (
    Badge,
    Company,
    ConfigError,
    FilterKind,
    FilterSpec,
    IndexSource,
    Platform,
    PluginManifest,
    Range,
    SearchQuery,
    Status,
    hookimpl,
    register_catalog,
)
from core.io.demo import demo_companies
from core.region import Region

DAY = dt.date(2026, 3, 2)


class Calendar:
    """A plugin whose filter and badge depend on the day: a company is "due" on days whose
    number has the parity of its id, and its badge counts the days since the month began."""

    MANIFEST = PluginManifest(name="calendar", title="Kalender", version="1.0.0")

    def __init__(self) -> None:
        self.days_seen: list[dt.date] = []

    @hookimpl
    def register_filters(self) -> list[FilterSpec]:
        def due(source: IndexSource) -> np.ndarray:
            self.days_seen.append(source.today)
            return np.asarray(source.ids % 2 == source.today.toordinal() % 2)

        def dates(source: IndexSource) -> np.ndarray:
            # several values per company, as many as the source's largest id has digits: a
            # patch of one company brings another width than the full build
            width = len(str(int(source.ids.max()))) if len(source) else 1
            out = np.full((len(source), width), np.nan)
            for slot in range(width):
                keep = source.ids % (slot + 2) == 0
                out[keep, slot] = (source.ids[keep] * (slot + 1)) % 50
            return out

        return [
            FilterSpec(
                "calendar_due", "Fällig", kind=FilterKind.BOOL, column=due, plugin="calendar"
            ),
            FilterSpec(
                "calendar_dates", "Termine", kind=FilterKind.RANGE, column=dates, plugin="calendar"
            ),
        ]

    @hookimpl
    def register_badges(self) -> list[Badge]:
        def days(source: IndexSource) -> np.ndarray:
            return np.full(len(source), source.today.day - 1, dtype=np.int64)

        def broken(source: IndexSource) -> np.ndarray:
            raise RuntimeError("the calendar lost its pages")

        return [
            Badge("calendar_days", "calendar_probe", "badge.days", days, plugin="calendar"),
            Badge("calendar_broken", "calendar_probe", "badge.days", broken, plugin="calendar"),
        ]


@pytest.fixture(scope="module", autouse=True)
def calendar_catalog(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("calendar_locale")
    forms = ("zero", "one", "two", "few", "many", "other")
    (folder / "messages.toml").write_text(
        "[badge.days]\n"
        + "".join(f'{f} = "{{n}} Tag{"" if f == "one" else "e"}"\n' for f in forms),
        encoding="utf-8",
    )
    arabic = {"zero": "{n} أيام", "one": "يوم واحد", "two": "يومان", "few": "{n} أيام"}
    arabic |= {"many": "{n} يومًا", "other": "{n} يوم"}
    entries = "".join(
        f'\nmsgctxt "badge.days.{f}"\nmsgid "{{n}} Tag{"" if f == "one" else "e"}"\n'
        f'msgstr "{arabic[f]}"\n'
        for f in forms
    )
    po = Path(folder / "ar" / "LC_MESSAGES" / "calendar_probe.po")
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ar\\n"\n'
        + entries,
        encoding="utf-8",
    )
    register_catalog("calendar_probe", folder)


@pytest.fixture
def calendar() -> Calendar:
    return Calendar()


@pytest.fixture
def companies(region: Region) -> list[Company]:
    found = list(demo_companies(region, 120, 11))
    for number, company in enumerate(found, start=1):
        company.id = number
    return found


@pytest.fixture
def platform(
    make_platform: Callable[..., Platform], companies: list[Company], calendar: Calendar
) -> Platform:
    made = make_platform(
        companies, extra_plugins={"calendar": calendar}, plugins={"enabled": ["calendar"]}
    )
    made.clock = lambda: DAY
    return made


def due_ids(companies: list[Company], day: dt.date) -> list[int]:
    """Brute force: the published, located companies due on ``day``."""
    return sorted(
        c.id
        for c in companies
        if c.id is not None
        and c.status is Status.PUBLISHED
        and c.location is not None
        and c.id % 2 == day.toordinal() % 2
    )


def found_ids(platform: Platform) -> list[int]:
    query = SearchQuery(filters={"calendar_due": True}, per_page=500, clusters=False)
    return sorted(hit.id for hit in platform.search(query).items)


def test_a_new_day_rebuilds_the_columns_that_depend_on_it(
    platform: Platform, companies: list[Company], calendar: Calendar
) -> None:
    assert found_ids(platform) == due_ids(companies, DAY)
    builds = platform.engine.stats["full_builds"]
    assert platform.search_index().day == DAY
    # the same day: searching again rebuilds nothing
    assert found_ids(platform) == due_ids(companies, DAY)
    assert platform.engine.stats["full_builds"] == builds

    tomorrow = DAY + dt.timedelta(days=1)
    platform.clock = lambda: tomorrow  # midnight passes; no write, no reindex
    assert found_ids(platform) == due_ids(companies, tomorrow)
    assert due_ids(companies, tomorrow) != due_ids(companies, DAY)
    assert platform.engine.stats["new_day_builds"] == 1
    assert platform.search_index().day == tomorrow
    assert calendar.days_seen[-1] == tomorrow


def test_a_patch_keeps_the_day_of_its_snapshot(
    platform: Platform, companies: list[Company], calendar: Calendar
) -> None:
    assert found_ids(platform) == due_ids(companies, DAY)
    company = platform.company(companies[0].id or 0)
    company.description = "Neu beschrieben"
    platform.save_company(company)
    platform.search_index(refresh=True)
    assert set(calendar.days_seen) == {DAY}
    assert found_ids(platform) == due_ids(companies, DAY)


def test_badge_counts_follow_the_day_and_speak_each_language(platform: Platform) -> None:
    def labels(lang: str) -> set[str]:
        query = SearchQuery(per_page=5, clusters=False, lang=lang)
        return {b.label for hit in platform.search(query).items for b in hit.badges}

    # 2 March: one day since the month began
    assert labels("de") == {"1 Tag"}
    assert labels("ar") == {"يوم واحد"}
    platform.clock = lambda: dt.date(2026, 3, 3)
    assert labels("de") == {"2 Tage"}
    assert labels("ar") == {"يومان"}
    platform.clock = lambda: dt.date(2026, 3, 6)
    assert labels("ar") == {"5 أيام"}  # Arabic "few": 3 to 10
    platform.clock = lambda: dt.date(2026, 3, 12)
    assert labels("ar") == {"11 يومًا"}  # Arabic "many": 11 to 99
    platform.clock = lambda: dt.date(2026, 3, 1)
    assert labels("de") == set()  # a count of 0 shows no badge


def test_badges_need_their_plural_texts() -> None:
    with pytest.raises(ConfigError, match="badge.missing.other"):
        Badge("calendar_x", "calendar_probe", "badge.missing", lambda s: np.zeros(len(s)))


def test_an_unknown_time_zone_stops_the_start(
    make_platform: Callable[..., Any], companies: list[Company]
) -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        make_platform(companies[:1], portal={"timezone": "Mars/Olympus"})


def date_values(company_id: int, width: int) -> list[float]:
    """The calendar's values of a company, worked out by hand (see ``Calendar.dates``)."""
    return [
        float((company_id * (slot + 1)) % 50)
        for slot in range(width)
        if company_id % (slot + 2) == 0
    ]


def test_a_range_over_several_values_per_company_matches_any_even_after_a_patch(
    platform: Platform, companies: list[Company]
) -> None:
    width = len(str(max(c.id or 0 for c in companies)))

    def expected(low: float, high: float) -> list[int]:
        return sorted(
            c.id or 0
            for c in companies
            if c.status is Status.PUBLISHED
            and c.location is not None
            and any(low <= v <= high for v in date_values(c.id or 0, width))
        )

    def found(low: float, high: float) -> list[int]:
        query = SearchQuery(
            filters={"calendar_dates": Range(low, high)}, per_page=500, clusters=False
        )
        return sorted(hit.id for hit in platform.search(query).items)

    for low, high in ((0, 0), (10, 20), (3, 3), (45, 49)):
        assert found(low, high) == expected(low, high)
    # a patch of one company computes its values alone (one value wide): the snapshot keeps
    # the other companies' values and this one's
    changed = next(c for c in companies if c.status is Status.PUBLISHED and c.location and c.id)
    company = platform.company(changed.id or 0)
    company.description = "Neu"
    platform.save_company(company)
    platform.search_index(refresh=True)
    assert platform.engine.stats["patches"] >= 1
    for low, high in ((0, 0), (10, 20), (45, 49)):
        got = found(low, high)
        want = expected(low, high)
        # the patched company's values now come from a source holding only itself
        alone = date_values(changed.id or 0, len(str(changed.id)))
        mine = any(low <= v <= high for v in alone)
        assert [i for i in got if i != changed.id] == [i for i in want if i != changed.id]
        assert (changed.id in got) == mine


def test_a_failing_badge_is_left_out_and_the_rest_answers(platform: Platform) -> None:
    result = platform.search(SearchQuery(per_page=5, clusters=False))
    assert result.total > 0
    keys = {b.key for hit in result.items for b in hit.badges}
    assert keys == {"calendar_days"}
    assert "calendar_broken" not in platform.search_index().badge_counts
