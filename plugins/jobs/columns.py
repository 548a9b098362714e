"""The jobs plugin in the company search: index columns of the filters and the badge.

Every column reads the positions *open on the index's day* (``IndexSource.today``, or the
plugin's fixed ``today``) of the companies of an ``IndexSource``:

* ``jobs_hiring`` (bool): the company has an open position ("stellt ein");
* ``jobs_kind`` (multichoice): the kinds of its open positions;
* ``jobs_profession`` (multichoice over core's Berufshauptgruppen): the first two digits of
  the KldB codes of its open positions;
* ``jobs_start`` (range, days from the index's day, several values per company): when its
  open positions start; "ab sofort" and a start already passed count as 0, so ``..0`` finds
  positions to start at once and ``..90`` those starting within three months;
* the badge ``jobs_open``: how many open positions it has ("3 offene Stellen").

Each filter says what a company *has*, one filter at a time, like core's company filters: a
company with an open Ausbildung and an open full-time position as Kfz-Mechatroniker/in matches
"Ausbildung" together with that profession. Counting follows core's disjunctive rule (each
facet on the result of the other filters).

The arrays are made once per index build: the positions are turned into arrays once per data
version, the open ones chosen per day, and the aggregate per company reused by every column of
the same build. The search engine rebuilds its index when the positions change (the plugin's
change counter bumps the generation) and when the day changes, so a position that ran out
yesterday is in no column today.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from attrs import frozen
from core import Badge
from core import Choice
from core import IndexSource
from core import choices_from
from core import vocabulary

from plugins.jobs import vocabulary as jv
from plugins.jobs.texts import DOMAIN
from plugins.jobs.texts import message

if TYPE_CHECKING:
    from plugins.jobs.model import Position
    from plugins.jobs.service import JobsService

__all__ = ["BADGE_KEY", "CompanyColumns", "badges", "columns_of", "filters", "start_offset"]

BADGE_KEY = "jobs_open"
#: stand-ins for "no end" and "not filled" in day numbers
_NEVER = np.iinfo(np.int64).max
_UNKNOWN = -1


def start_offset(position: Position, today: dt.date) -> int:
    """Days from ``today`` until the position starts; 0 for "ab sofort" and a start passed."""
    if position.start_date is None:
        return 0
    return max(0, (position.start_date - today).days)


@frozen
class _PositionArrays:
    """The matched positions of one data version as arrays (one entry per position)."""

    version: int
    company: np.ndarray
    published: np.ndarray
    valid_through: np.ndarray
    filled: np.ndarray
    kind: np.ndarray
    group: np.ndarray
    start: np.ndarray

    @classmethod
    def of(cls, version: int, positions: tuple[Position, ...], groups: dict[str, int]) -> Any:
        mine = [p for p in positions if p.company_id is not None]
        kinds = {code: i for i, code in enumerate(jv.KINDS.codes)}

        def ints(values: list[int]) -> np.ndarray:
            return np.asarray(values, dtype=np.int64).reshape(len(mine))

        return cls(
            version=version,
            company=ints([int(p.company_id or 0) for p in mine]),
            published=ints([p.published.toordinal() for p in mine]),
            valid_through=ints(
                [p.valid_through.toordinal() if p.valid_through else _NEVER for p in mine]
            ),
            filled=np.asarray([p.filled_on is not None for p in mine], dtype=bool),
            kind=ints([kinds.get(p.kind, _UNKNOWN) for p in mine]),
            group=ints([groups.get(p.profession_group or "", _UNKNOWN) for p in mine]),
            start=ints([p.start_date.toordinal() if p.start_date else _UNKNOWN for p in mine]),
        )

    def open_on(self, day: dt.date) -> np.ndarray:
        """Which of the positions are open on ``day`` (``Position.is_open``, vectorised)."""
        ordinal = day.toordinal()
        return (self.published <= ordinal) & (ordinal <= self.valid_through) & ~self.filled


@frozen
class _Aggregate:
    """Per company of one ``IndexSource``: its open positions, summed up for every column."""

    count: np.ndarray
    kinds: np.ndarray
    groups: np.ndarray
    starts: np.ndarray


class CompanyColumns:
    """The column functions of one platform's jobs filters and badge."""

    def __init__(self, service: JobsService) -> None:
        self.service = service
        self.profession_choices: tuple[Choice, ...] = choices_from(vocabulary("professions"))
        self.kind_choices: tuple[Choice, ...] = choices_from(jv.KINDS)
        self._groups = {c.value: i for i, c in enumerate(self.profession_choices)}
        self._lock = threading.Lock()
        self._arrays: _PositionArrays | None = None
        # the aggregate of the last source (the columns of one build share it)
        self._last: tuple[Any, dt.date, int, _Aggregate] | None = None

    def day(self, source: IndexSource) -> dt.date:
        """The day the columns are for: the plugin's fixed ``today``, else the index's."""
        return self.service.settings.fixed_today or source.today

    def _positions(self) -> _PositionArrays:
        found = self.service.positions(force=True)
        arrays = self._arrays
        if arrays is None or arrays.version != found.version:
            arrays = self._arrays = _PositionArrays.of(found.version, found.positions, self._groups)
        return arrays

    def aggregate(self, source: IndexSource) -> _Aggregate:
        """The open positions of ``source``'s companies on its day, per company."""
        with self._lock:
            arrays = self._positions()
            day = self.day(source)
            last = self._last
            if (
                last is not None
                and last[0]() is source
                and last[1] == day
                and last[2] == arrays.version
            ):
                return last[3]
            made = self._aggregate(source, arrays, day)
            self._last = (weakref.ref(source), day, arrays.version, made)
            return made

    def _aggregate(self, source: IndexSource, arrays: _PositionArrays, day: dt.date) -> _Aggregate:
        n = len(source)
        ids = np.asarray(source.ids, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        wanted = arrays.open_on(day)
        company = arrays.company[wanted]
        # the row of each open position's company; positions of companies not in the source
        # (unpublished, without a place, another patch) are left out
        at = np.searchsorted(ids[order], company)
        at = np.minimum(at, max(n - 1, 0))
        known = (ids[order][at] == company) if n else np.zeros(len(company), dtype=bool)
        rows = order[at[known]]
        kind, group = arrays.kind[wanted][known], arrays.group[wanted][known]
        start = arrays.start[wanted][known]

        count = np.bincount(rows, minlength=n).astype(np.int64)
        kinds = np.zeros((n, len(self.kind_choices)), dtype=bool)
        kinds[rows[kind >= 0], kind[kind >= 0]] = True
        groups = np.zeros((n, len(self.profession_choices)), dtype=bool)
        groups[rows[group >= 0], group[group >= 0]] = True
        return _Aggregate(count, kinds, groups, _starts(rows, start, day, n))

    # --- the columns ------------------------------------------------------------------------

    def hiring(self, source: IndexSource) -> np.ndarray:
        return np.asarray(self.aggregate(source).count > 0)

    def kind(self, source: IndexSource) -> np.ndarray:
        return self.aggregate(source).kinds

    def profession(self, source: IndexSource) -> np.ndarray:
        return self.aggregate(source).groups

    def start(self, source: IndexSource) -> np.ndarray:
        return self.aggregate(source).starts

    def open_count(self, source: IndexSource) -> np.ndarray:
        return self.aggregate(source).count


def _starts(rows: np.ndarray, start: np.ndarray, day: dt.date, n: int) -> np.ndarray:
    """(n, m) days until each open position of a row starts (0 at once), NaN padded; m is the
    most open positions a company has (at least 1)."""
    offsets = np.where(start == _UNKNOWN, 0, np.maximum(start - day.toordinal(), 0))
    width = int(np.bincount(rows, minlength=n).max()) if n and rows.size else 0
    out = np.full((n, max(width, 1)), np.nan)
    if rows.size:
        by_row = np.argsort(rows, kind="stable")
        sorted_rows = rows[by_row]
        # each position's place among its company's: its index minus where its row begins
        first = np.searchsorted(sorted_rows, sorted_rows, side="left")
        slot = np.arange(sorted_rows.size) - first
        out[sorted_rows, slot] = offsets[by_row]
    return out


_COLUMNS: weakref.WeakKeyDictionary[Any, CompanyColumns] = weakref.WeakKeyDictionary()


def columns_of(service: JobsService) -> CompanyColumns:
    """The column functions of ``service``'s platform (one set per service)."""
    found = _COLUMNS.get(service)
    if found is None:
        found = _COLUMNS[service] = CompanyColumns(service)
    return found


def filters(service: JobsService) -> dict[str, dict[str, Any]]:
    """The index columns and choices of the filters plugin.toml declares."""
    columns = columns_of(service)
    return {
        "jobs_hiring": {"column": columns.hiring},
        "jobs_kind": {"column": columns.kind, "choices": columns.kind_choices},
        "jobs_profession": {"column": columns.profession, "choices": columns.profession_choices},
        "jobs_start": {"column": columns.start},
    }


def badges(service: JobsService) -> list[Badge]:
    """The badge of hiring companies: how many open positions ("3 offene Stellen")."""
    columns = columns_of(service)
    return [
        Badge(
            BADGE_KEY,
            DOMAIN,
            "badge.open_positions",
            columns.open_count,
            plugin="jobs",
            glyph="briefcase",
            colour="#0b5394",
            legend=message("filter.jobs_hiring.label"),
        )
    ]
