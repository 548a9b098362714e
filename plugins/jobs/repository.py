"""Position repository: one object per session; it never commits (the caller owns the
transaction).

Every write goes through ``Position.validated`` (sanitised text, every rule checked) and
records that positions changed (``bump_plugin_version`` with a reindex: the company search
filters read the positions), so every process's snapshot and search index follow.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from core import DEMO_SOURCE
from core import Conflict
from core import NotFound
from core import ValidationError
from core import as_utc
from core import bump_plugin_version
from core import first_row
from core import from_row
from core import row_values
from core import utcnow
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from plugins.jobs import tables as t
from plugins.jobs.model import Position

__all__ = ["PLUGIN", "PositionRepository", "open_clause"]

#: the plugin's name: its change counter in core's table
PLUGIN = "jobs"

_NOT_STORED = ("id", "created_at", "updated_at")
_WRITE = {"match_candidates": list}
_READ: dict[str, Callable[[Any], Any]] = {
    "is_demo": bool,
    "created_at": as_utc,
    "updated_at": as_utc,
}
_CHUNK = 500
#: sources whose positions are the company's own data: they go with the company
_OWNED_BY_COMPANY = ("editor", DEMO_SOURCE)


def _position(row: Any) -> Position:
    return from_row(Position, row, convert=_READ)


def open_clause(today: dt.date) -> ColumnElement[bool]:
    """SQL condition of ``Position.is_open(today)``."""
    c = t.positions.c
    return and_(
        c.published <= today,
        or_(c.valid_through.is_(None), c.valid_through >= today),
        c.filled_on.is_(None),
    )


class PositionRepository:
    """Positions stored in ``jobs_positions``, read and written in one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- reading ----------------------------------------------------------------------------

    def _select(self, *where: ColumnElement[bool]) -> list[Position]:
        query = select(t.positions).where(*where).order_by(t.positions.c.id)
        return [_position(r) for r in self.session.execute(query)]

    def get(self, position_id: int) -> Position:
        """The position ``position_id``, open or not; ``NotFound`` when there is none."""
        query = select(t.positions).where(t.positions.c.id == position_id)
        return _position(first_row(self.session, query, f"There is no position {position_id}."))

    def all(self) -> list[Position]:
        """Every position, closed ones included, by id."""
        return self._select()

    def by_external(self, source: str, external_id: str) -> Position | None:
        """The position of ``source`` with ``external_id`` (None when there is none)."""
        c = t.positions.c
        found = self._select(c.source == source, c.external_id == external_id)
        return found[0] if found else None

    def ids_by_external(self, source: str, external_ids: Iterable[str]) -> dict[str, int]:
        """Position ids of ``source`` by external id, for those of ``external_ids`` stored."""
        c = t.positions.c
        wanted = sorted(set(external_ids))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            rows = self.session.execute(
                select(c.external_id, c.id).where(c.source == source, c.external_id.in_(part))
            )
            found.update({str(e): int(i) for e, i in rows})
        return found

    def of_source(self, source: str) -> list[Position]:
        """Every position of ``source``, closed ones included, by id."""
        return self._select(t.positions.c.source == source)

    def of_company(self, company_id: int) -> list[Position]:
        """Every position of the company, closed ones included, by id."""
        return self._select(t.positions.c.company_id == company_id)

    def open_on(self, today: dt.date) -> list[Position]:
        """The positions open on ``today``, by id."""
        return self._select(open_clause(today))

    def review_list(self) -> list[Position]:
        """Positions whose employer an operator should match: uncertain matches (with their
        candidates) first, then employers no company was found for; by employer, then id."""
        c = t.positions.c
        query = (
            select(t.positions)
            .where(c.match.in_(("review", "unmatched")))
            .order_by(
                case((c.match == "review", 0), else_=1),
                c.employer_name,
                c.employer_postcode,
                c.id,
            )
        )
        return [_position(r) for r in self.session.execute(query)]

    # --- writing ----------------------------------------------------------------------------

    def _check_unique(self, position: Position) -> None:
        taken = self.ids_by_external(position.source, [position.external_id])
        other = taken.get(position.external_id)
        if other is not None and other != position.id:
            raise Conflict(
                f"Position {other} of source {position.source!r} has the external id "
                f"{position.external_id!r} already; update that position or give another id.",
                {"external_id": ["already taken"]},
            )

    def changed(self) -> None:
        """Record that positions changed: every process reloads them and rebuilds its
        search index (the company filters read them)."""
        bump_plugin_version(self.session, PLUGIN)

    def add(self, position: Position, *, bump: bool = True) -> Position:
        """Store a new position (validated and sanitised); returns it with id and times.

        A position without an external id (entered by hand) gets a random one. ``bump=False``
        leaves the change signal to the caller (an import calls ``changed()`` once).
        """
        if position.id is not None:
            raise Conflict(f"Position {position.id} is stored already; update it instead.")
        if not position.external_id.strip():
            position = position.evolve(external_id=uuid.uuid4().hex)
        clean = position.validated()
        self._check_unique(clean)
        now = utcnow()
        values = row_values(clean, exclude=_NOT_STORED, convert=_WRITE)
        result = self.session.execute(
            insert(t.positions).values(**values, created_at=now, updated_at=now)
        )
        if bump:
            self.changed()
        return self.get(int(result.inserted_primary_key[0]))

    def update(self, position: Position, *, bump: bool = True) -> Position:
        """Write every field of a stored position (validated and sanitised)."""
        if position.id is None:
            raise NotFound("A position without an id cannot be updated; add it first.")
        clean = position.validated()
        self._check_unique(clean)
        values = row_values(clean, exclude=_NOT_STORED, convert=_WRITE)
        done = self.session.execute(
            update(t.positions)
            .where(t.positions.c.id == position.id)
            .values(**values, updated_at=utcnow())
        )
        if not done.rowcount:
            raise NotFound(f"There is no position {position.id}.")
        if bump:
            self.changed()
        return self.get(position.id)

    def upsert(self, positions: Sequence[Position]) -> tuple[int, int]:
        """Store many positions at once, keyed by (source, external id): new ones are added,
        stored ones updated in place (their id and creation time stay). Every position is
        checked first; one invalid position (or an external id given twice) stores none and
        raises ``ValidationError`` naming each problem by the position's external id.
        Returns (created, updated)."""
        clean = _checked_batch(positions)
        stored: dict[tuple[str, str], int] = {}
        for source in {p.source for p in clean}:
            ids = self.ids_by_external(source, (p.external_id for p in clean if p.source == source))
            stored.update({(source, e): i for e, i in ids.items()})
        now = utcnow()
        new = [
            {
                **row_values(p, exclude=_NOT_STORED, convert=_WRITE),
                "created_at": now,
                "updated_at": now,
            }
            for p in clean
            if (p.source, p.external_id) not in stored
        ]
        # bound under other names than the columns (SQLAlchemy reserves those for SET)
        old = [
            {
                **{
                    f"v_{k}": v
                    for k, v in row_values(p, exclude=_NOT_STORED, convert=_WRITE).items()
                },
                "v_updated_at": now,
                "v_id": stored[(p.source, p.external_id)],
            }
            for p in clean
            if (p.source, p.external_id) in stored
        ]
        if new:
            self.session.execute(insert(t.positions), new)
        if old:
            statement = (
                update(t.positions)
                .where(t.positions.c.id == bindparam("v_id"))
                .values({k[2:]: bindparam(k) for k in old[0] if k != "v_id"})
            )
            self.session.connection().execute(statement, old)
        if new or old:
            self.changed()
        return len(new), len(old)

    def delete(self, position_id: int, *, bump: bool = True) -> None:
        """Remove a position for good (``NotFound`` when there is none)."""
        done = self.session.execute(delete(t.positions).where(t.positions.c.id == position_id))
        if not done.rowcount:
            raise NotFound(f"There is no position {position_id}.")
        if bump:
            self.changed()

    def forget_company(self, company_id: int) -> tuple[int, int]:
        """The company is gone (or erases its data): the positions it entered itself (and
        demo ones) are deleted; imported positions stay public data of the feed they came
        from and become unmatched, and the company is no longer proposed for any review.
        Returns (deleted, unlinked). Safe to call again."""
        c = t.positions.c
        gone = self.session.execute(
            delete(t.positions).where(c.company_id == company_id, c.source.in_(_OWNED_BY_COMPANY))
        ).rowcount
        unlinked = 0
        changed_review = False
        for position in self._select(c.company_id == company_id):
            self.update(
                position.evolve(
                    company_id=None,
                    match="unmatched",
                    match_candidates=tuple(i for i in position.match_candidates if i != company_id),
                ),
                bump=False,
            )
            unlinked += 1
        for position in self._select(c.match == "review"):
            if company_id in position.match_candidates:
                left = tuple(i for i in position.match_candidates if i != company_id)
                self.update(
                    position.evolve(match_candidates=left, match="review" if left else "unmatched"),
                    bump=False,
                )
                changed_review = True
        if gone or unlinked or changed_review:
            self.changed()
        return int(gone or 0), unlinked


def _checked_batch(positions: Sequence[Position]) -> list[Position]:
    """The positions validated and sanitised; ``ValidationError`` naming every bad one (by
    source and external id) when one is invalid or an external id is given twice."""
    problems: dict[str, list[str]] = {}
    clean: list[Position] = []
    seen: set[tuple[str, str]] = set()
    for p in positions:
        key = (p.source, p.external_id)
        name = f"{p.source}:{p.external_id}"
        if not p.external_id.strip():
            problems.setdefault(name, []).append("an external id is required")
        elif key in seen:
            problems.setdefault(name, []).append("given twice")
        seen.add(key)
        try:
            clean.append(p.validated())
        except ValidationError as exc:
            for field, said in (exc.errors or {}).items():
                problems.setdefault(name, []).extend(f"{field}: {s}" for s in said)
    if problems:
        details = "; ".join(f"{k} ({', '.join(v)})" for k, v in list(problems.items())[:20])
        raise ValidationError(
            f"{len(problems)} of {len(positions)} positions are invalid, none was stored: "
            f"{details}.",
            problems,
        )
    return clean
