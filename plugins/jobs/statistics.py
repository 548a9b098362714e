"""The jobs plugin's section of the operators' statistics dashboard.

Open positions are counted on the plugin's day (``JobsService.today``): by kind, by
Berufshauptgruppe and by town of the employer. The period the operator chose decides the new
positions per week (by the day they were published) and the time to fill: the days from
publication to ``filled_on`` of the positions filled in the period, as a median and in bands.
Positions whose filling is not known (most imported ones simply run out) are not guessed.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any

from core import StatisticsFigure
from core import StatisticsNumber
from core import StatisticsPart
from core import StatisticsRow
from core import StatisticsSection
from core import Text
from core import vocabulary
from sqlalchemy.orm import Session

from plugins.jobs import vocabulary as jv
from plugins.jobs.model import Position
from plugins.jobs.repository import PositionRepository
from plugins.jobs.texts import DOMAIN
from plugins.jobs.texts import text

if TYPE_CHECKING:
    from core import Platform

__all__ = ["FILL_BANDS", "collect_figures", "days_to_fill", "statistics_section", "week_of"]

#: Bands of the time to fill in days: (first, last) each, the last one open-ended.
FILL_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 7),
    (8, 14),
    (15, 30),
    (31, 60),
    (61, 90),
    (91, None),
)


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def days_to_fill(position: Position) -> int | None:
    """Days from publication to the day the position was filled (None: not known)."""
    if position.filled_on is None:
        return None
    return (position.filled_on - position.published).days


def _in(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def _band_key(first: int, last: int | None) -> str:
    return f"{first}-{last}" if last is not None else f"{first}+"


def _band_of(days: int) -> str:
    for first, last in FILL_BANDS:
        if last is None or days <= last:
            return _band_key(first, last)
    raise AssertionError("the last band is open-ended")  # pragma: no cover


def _rows(counts: Counter[str], labels: Iterable[tuple[str, str]]) -> list[StatisticsRow]:
    return [StatisticsRow(key, label, counts[key]) for key, label in labels]


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most first, then by key."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _open_figures(open_now: list[Position], tx: Any, lang: str) -> list[StatisticsFigure]:
    """The positions open today by kind, Berufshauptgruppe and town."""
    total = len(open_now)
    kinds = Counter(p.kind for p in open_now)
    groups = Counter(p.profession_group or "" for p in open_now)
    professions = vocabulary("professions")
    group_rows = [
        StatisticsRow(code, f"{code} – {professions.label(code, lang)}", n)
        for code, n in _by_count(groups)
        if code
    ]
    if groups[""]:
        group_rows.append(StatisticsRow("", tx("no_profession"), groups[""]))
    towns = Counter(p.employer_town for p in open_now)
    town_rows = [StatisticsRow(town, town or tx("no_town"), n) for town, n in _by_count(towns)]
    kind_rows = _rows(kinds, ((k.code, k.label(lang)) for k in jv.KINDS))
    return [
        StatisticsFigure("by_kind", tx("fig_kinds"), kind_rows, total=total),
        StatisticsFigure("by_profession", tx("fig_professions"), group_rows, total=total),
        StatisticsFigure("by_town", tx("fig_towns"), town_rows, total=total),
    ]


def _week_rows(new: list[Position], start: dt.date, end: dt.date, tx: Any) -> list[StatisticsRow]:
    """New positions per ISO week of the period (every week, none too)."""
    weeks = Counter(week_of(p.published).isoformat() for p in new)
    rows = []
    monday = week_of(start)
    while monday <= end:
        year, week, _ = monday.isocalendar()
        label = tx("week", week=week, year=year)
        rows.append(StatisticsRow(monday.isoformat(), label, weeks[monday.isoformat()]))
        monday += dt.timedelta(days=7)
    return rows


def _fill_figure(fill_days: list[int], tx: Any) -> StatisticsFigure:
    """The days to fill in bands."""
    labels = [
        (_band_key(first, last), tx("band", first=first, last=last))
        if last is not None
        else (_band_key(first, last), tx("band_open", first=first))
        for first, last in FILL_BANDS
    ]
    return StatisticsFigure(
        "days_to_fill",
        tx("fig_fill"),
        _rows(Counter(_band_of(d) for d in fill_days), labels),
        total=len(fill_days),
        note=tx("fill_note", count=len(fill_days)),
    )


def collect_figures(
    positions: list[Position], start: dt.date, end: dt.date, today: dt.date, lang: str
) -> StatisticsPart:
    """The section's numbers and figures of ``positions`` for the period ``start`` to
    ``end`` (both included), positions open on ``today``, labels in ``lang``."""
    open_now = [p for p in positions if p.is_open(today)]
    new = [p for p in positions if _in(p.published, start, end)]
    filled = [p for p in positions if _in(p.filled_on, start, end)]
    fill_days = [d for d in (days_to_fill(p) for p in filled) if d is not None]

    def tx(key: str, **values: Any) -> str:
        return text(f"stats.{key}", lang, **values)

    median = statistics.median(fill_days) if fill_days else None
    numbers = [
        StatisticsNumber("open", tx("open"), len(open_now)),
        StatisticsNumber("hiring", tx("hiring"), len({p.company_id for p in open_now} - {None})),
        StatisticsNumber("new", tx("new"), len(new)),
        StatisticsNumber("filled", tx("filled"), len(filled)),
        StatisticsNumber("median_days_to_fill", tx("median_days"), median, digits=1),
        StatisticsNumber(
            "waiting", tx("waiting"), sum(p.match in ("review", "unmatched") for p in positions)
        ),
    ]
    figures = [
        *_open_figures(open_now, tx, lang),
        StatisticsFigure(
            "new_per_week", tx("fig_weeks"), _week_rows(new, start, end, tx), chart="columns"
        ),
        _fill_figure(fill_days, tx),
    ]
    return StatisticsPart(numbers=numbers, figures=figures)


def statistics_section(platform: Platform) -> StatisticsSection:
    """The section of the dashboard: positions read in the dashboard's session."""
    from plugins.jobs.hooks import service_for

    def collect(session: Session, period: Any, lang: str) -> StatisticsPart:
        positions = PositionRepository(session).all()
        today = service_for(platform).today()
        return collect_figures(positions, period.start, period.end, today, lang)

    return StatisticsSection(
        "jobs",
        Text.message(DOMAIN, "stats.title"),
        collect,
        note=Text.message(DOMAIN, "stats.note"),
    )
