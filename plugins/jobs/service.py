"""The jobs service of one process: the positions in memory (following the database), the
clock that decides which of them are open, and the questions pages and hooks ask of both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from attrs import field
from attrs import frozen
from core import NotFound
from core import PluginSnapshot

from plugins.jobs.model import Position
from plugins.jobs.repository import PLUGIN
from plugins.jobs.repository import PositionRepository
from plugins.jobs.settings import JobsSettings

if TYPE_CHECKING:
    from core import Platform
    from sqlalchemy.orm import Session

__all__ = ["JobsService", "PositionSet"]


@frozen
class PositionSet:
    """Every stored position at one data version (closed ones too: the day decides)."""

    version: int
    positions: tuple[Position, ...]
    by_id: dict[int, Position] = field(init=False)
    by_company: dict[int, tuple[Position, ...]] = field(init=False)

    def __attrs_post_init__(self) -> None:
        grouped: dict[int, list[Position]] = {}
        for p in self.positions:
            if p.company_id is not None:
                grouped.setdefault(p.company_id, []).append(p)
        object.__setattr__(self, "by_id", {p.id: p for p in self.positions if p.id is not None})
        object.__setattr__(self, "by_company", {k: tuple(v) for k, v in grouped.items()})


def _newest_first(positions: list[Position]) -> tuple[Position, ...]:
    return tuple(sorted(positions, key=lambda p: (-p.published.toordinal(), p.id or 0)))


class JobsService:
    """Positions of one platform: snapshot, clock, open positions per company."""

    def __init__(self, platform: Platform, settings: JobsSettings) -> None:
        self.platform = platform
        self.settings = settings
        fixed = settings.fixed_today
        #: Which day it is: the portal's day (``platform.today()``, in ``portal.timezone``),
        #: which the search index follows too, or the setting ``today`` for demos. A test
        #: freezes the portal's clock (``platform.clock = lambda: day``) so that pages and the
        #: search agree; replacing this one moves the pages only.
        self.clock: Callable[[], dt.date] = (
            (lambda: fixed) if fixed is not None else (lambda: platform.today())
        )
        self._snapshot: PluginSnapshot[PositionSet] = PluginSnapshot(
            platform, PLUGIN, _load, lambda: PositionSet(-1, ())
        )
        self._open: tuple[tuple[int, dt.date], tuple[Position, ...]] | None = None

    def today(self) -> dt.date:
        """The day that decides which positions are open."""
        return self.clock()

    # --- the data ---------------------------------------------------------------------------

    def positions(self, *, force: bool = False) -> PositionSet:
        """Every stored position, reloaded when another write happened (checked at the
        search's refresh interval; ``force`` asks now)."""
        return self._snapshot.get(force=force)

    def version(self) -> tuple[int, dt.date]:
        """What the open positions depend on: the data version and the day. Anything
        computed from them (an index column, a cached page) is stale when this moved."""
        return (self.positions().version, self.today())

    def changed(self, session: Session) -> None:
        """Record in the writing transaction that positions changed (every process reloads
        them, every search index rebuilds)."""
        PositionRepository(session).changed()

    # --- questions --------------------------------------------------------------------------

    def open_positions(self) -> tuple[Position, ...]:
        """The positions open today, by id; computed once per data version and day."""
        key = self.version()
        cached = self._open
        if cached is not None and cached[0] == key:
            return cached[1]
        today = key[1]
        found = tuple(p for p in self.positions().positions if p.is_open(today))
        self._open = (key, found)
        return found

    def positions_of(self, company_id: int) -> tuple[Position, ...]:
        """The company's positions open today, newest first."""
        today = self.today()
        mine = self.positions().by_company.get(company_id, ())
        return _newest_first([p for p in mine if p.is_open(today)])

    def position(self, position_id: int, *, include_closed: bool = False) -> Position:
        """A position by id; closed ones only when asked for (``NotFound`` otherwise)."""
        found = self.positions().by_id.get(position_id)
        if found is None or (not include_closed and not found.is_open(self.today())):
            raise NotFound(f"There is no open position {position_id}.")
        return found


def _load(session: Session, version: int) -> PositionSet:
    return PositionSet(int(version), tuple(PositionRepository(session).all()))
