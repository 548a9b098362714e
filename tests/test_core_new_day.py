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

        return [
            FilterSpec(
                "calendar_due", "Fällig", kind=FilterKind.BOOL, column=due, plugin="calendar"
            )
        ]

    @hookimpl
    def register_badges(self) -> list[Badge]:
        def days(source: IndexSource) -> np.ndarray:
            return np.full(len(source), source.today.day - 1, dtype=np.int64)

        return [Badge("calendar_days", "calendar_probe", "badge.days", days, plugin="calendar")]


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
