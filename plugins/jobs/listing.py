"""Lists of positions as the API and the open data files give them: which positions the
public sees, the filters of a list, its order and its pages (no web framework here).

The public sees a position while it is open (``Position.is_open``: published, not run out,
not filled) unless it belongs to a company that is not public (a draft, a withdrawn
profile): the rule of the position pages (``pages.listed_positions``). Positions not matched
to a company yet are public under the employer's name as the source gave it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from attrs import field
from attrs import frozen
from core import NotFound

from plugins.jobs.model import Position

if TYPE_CHECKING:
    from core import Platform
    from core import Region
    from core import SearchIndex

__all__ = [
    "OTHER_TOWN",
    "PositionFilter",
    "PositionPage",
    "Publicity",
    "newest_first",
    "place_of",
    "select",
    "town_of",
]

#: The ``town`` value of positions outside the region's towns.
OTHER_TOWN = "other"


def town_of(position: Position, region: Region) -> str:
    """The AGS of the region's town a position lies in (by its postcode, else its town's
    name), or ``OTHER_TOWN``."""
    town = None
    if position.employer_postcode:
        town = region.town_for_postcode(position.employer_postcode)
    if town is None and position.employer_town:
        try:
            town = region.find_town(position.employer_town)
        except NotFound:
            town = None
    return town.ags if town is not None else OTHER_TOWN


def place_of(position: Position, index: SearchIndex) -> tuple[float | None, float | None]:
    """Where a position lies: its own place, else its company's on the map (``index``), else
    nowhere (None, None)."""
    if position.lat is not None and position.lon is not None:
        return position.lat, position.lon
    row = None if position.company_id is None else index.row_of.get(int(position.company_id))
    if row is None or not bool(index.alive[row]):
        return None, None
    return float(index.lat[row]), float(index.lon[row])


def _codes(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


@frozen(kw_only=True)
class PositionFilter:
    """What a list of positions asks for; empty means any. ``professions`` are KldB 2010
    codes of 2 to 5 digits: a position matches one its own code starts with (``26`` finds
    ``26312``)."""

    companies: tuple[int, ...] = field(default=(), converter=lambda v: tuple(dict.fromkeys(v)))
    kinds: tuple[str, ...] = field(default=(), converter=_codes)
    professions: tuple[str, ...] = field(default=(), converter=_codes)
    towns: tuple[str, ...] = field(default=(), converter=_codes)

    def matches(self, position: Position, region: Region) -> bool:
        if self.companies and position.company_id not in self.companies:
            return False
        if self.kinds and position.kind not in self.kinds:
            return False
        if self.professions and not any(
            (position.profession or "").startswith(code) for code in self.professions
        ):
            return False
        return not self.towns or town_of(position, region) in self.towns


@frozen
class Publicity:
    """What the public sees on ``today``: the ``companies`` on the map (published; their ids,
    sorted) and the open positions not of another company."""

    today: dt.date
    companies: np.ndarray

    @classmethod
    def of(cls, platform: Platform, today: dt.date) -> Publicity:
        """The public's view now: the published companies of the platform's search index."""
        index = platform.search_index()
        return cls(today, np.sort(index.ids[index.alive]))

    def has_company(self, company_id: int | None) -> bool:
        """Whether ``company_id`` is a company on the map (False for None)."""
        if company_id is None or not len(self.companies):
            return False
        row = int(np.searchsorted(self.companies, company_id))
        return row < len(self.companies) and int(self.companies[row]) == company_id

    def off_map(self, position: Position) -> bool:
        """Whether ``position`` belongs to a company the public does not see."""
        return position.company_id is not None and not self.has_company(position.company_id)

    def shows(self, position: Position) -> bool:
        """Whether the public sees ``position``: open, and not of a company off the map."""
        return position.is_open(self.today) and not self.off_map(position)


@frozen
class PositionPage:
    """One page of a list: the total of matches and the positions of the page."""

    total: int
    page: int
    per_page: int
    items: tuple[Position, ...]


def _newest(position: Position) -> tuple[int, int]:
    return (-position.published.toordinal(), position.id or 0)


def newest_first(positions: Iterable[Position]) -> list[Position]:
    """``positions`` newest first by published day (the company's profile order)."""
    return sorted(positions, key=_newest)


def select(
    positions: Iterable[Position],
    wanted: PositionFilter,
    region: Region,
    *,
    page: int = 1,
    per_page: int = 20,
) -> PositionPage:
    """The page ``page`` of the ``positions`` that match ``wanted``, newest first."""
    found = newest_first(p for p in positions if wanted.matches(p, region))
    start = (page - 1) * per_page
    return PositionPage(len(found), page, per_page, tuple(found[start : start + per_page]))
