"""Kita repository: functions that take a session and never commit.

Every write raises the plugin's change counter (``bump_plugin_version``, which also bumps
core's index generation) in the same transaction, so every process reloads its Kitas and
rebuilds its search index (whose company columns hold the distances to the nearest Kitas).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from core import bump_plugin_version
from core import first_row
from core import from_row
from core import utcnow
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from plugins.childcare import tables as t
from plugins.childcare.model import Kita

__all__ = [
    "SyncCounts",
    "add_kitas",
    "count_kitas",
    "delete_kitas",
    "get_kita",
    "list_imports",
    "load_kitas",
    "record_import",
    "sources",
    "sync_source",
]


#: empty JSON values read as empty (the model's converters make tuples of the lists)
_READ = {
    "age_groups": lambda v: v or (),
    "languages": lambda v: v or (),
    "extra": lambda v: dict(v or {}),
}


def kita_from_row(row: Row[Any] | Any) -> Kita:
    return from_row(Kita, row, convert=_READ)


def changed(session: Session) -> None:
    """Record that Kitas changed: every process reloads them, every search index rebuilds."""
    bump_plugin_version(session, "childcare")


def load_kitas(session: Session) -> list[Kita]:
    """Every Kita, by id."""
    return [kita_from_row(r) for r in session.execute(select(t.kitas).order_by(t.kitas.c.id))]


def get_kita(session: Session, kita_id: int) -> Kita:
    query = select(t.kitas).where(t.kitas.c.id == kita_id)
    return kita_from_row(first_row(session, query, f"There is no Kita with id {kita_id}."))


def count_kitas(session: Session, source: str | None = None) -> int:
    stmt = select(func.count()).select_from(t.kitas)
    if source is not None:
        stmt = stmt.where(t.kitas.c.source == source)
    return int(session.scalar(stmt) or 0)


def sources(session: Session) -> dict[str, int]:
    """Number of Kitas per source."""
    rows = session.execute(
        select(t.kitas.c.source, func.count()).group_by(t.kitas.c.source).order_by(t.kitas.c.source)
    )
    return {str(s): int(n) for s, n in rows}


def add_kitas(session: Session, kitas: Sequence[Kita]) -> list[Kita]:
    """Insert new Kitas (their (source, source_id) must be free); returns them with ids."""
    if not kitas:
        return []
    now = utcnow()
    out = []
    for kita in kitas:
        result = session.execute(
            insert(t.kitas).values(**kita.storable(), created_at=now, updated_at=now)
        )
        new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        out.append(get_kita(session, new_id))
    changed(session)
    return out


def delete_kitas(session: Session, ids: Iterable[int]) -> int:
    """Delete Kitas by id; returns how many there were."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    result = session.execute(delete(t.kitas).where(t.kitas.c.id.in_(wanted)))
    removed = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if removed:
        changed(session)
    return removed


class SyncCounts:
    """What ``sync_source`` did (or would do)."""

    def __init__(self) -> None:
        self.created = 0
        self.updated = 0
        self.unchanged = 0
        self.removed = 0


def sync_source(
    session: Session,
    source: str,
    kitas: Sequence[Kita],
    *,
    prune: bool = True,
    dry_run: bool = False,
) -> SyncCounts:
    """Make the Kitas of ``source`` those of ``kitas``: insert new ids, update changed rows and
    (with ``prune``) delete rows whose id the data set no longer has."""
    counts = SyncCounts()
    existing = {
        str(r.source_id): r
        for r in session.execute(select(t.kitas).where(t.kitas.c.source == source))
    }
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for kita in kitas:
        values = kita.storable()
        values["source"] = source
        seen.add(kita.source_id)
        row = existing.get(kita.source_id)
        if row is None:
            counts.created += 1
            inserts.append({**values, "created_at": now, "updated_at": now})
            continue
        old = kita_from_row(row).storable()
        if old == values:
            counts.unchanged += 1
            continue
        counts.updated += 1
        if not dry_run:
            session.execute(
                update(t.kitas).where(t.kitas.c.id == row.id).values(**values, updated_at=now)
            )
    gone = [int(r.id) for sid, r in existing.items() if sid not in seen] if prune else []
    counts.removed = len(gone)
    if dry_run:
        return counts
    if inserts:
        session.execute(insert(t.kitas), inserts)
    if gone:
        session.execute(delete(t.kitas).where(t.kitas.c.id.in_(gone)))
    if counts.created or counts.updated or counts.removed:
        changed(session)
    return counts


def record_import(session: Session, values: dict[str, Any]) -> int:
    """Store an import's report; returns its id."""
    result = session.execute(insert(t.imports).values(imported_at=utcnow(), **values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def list_imports(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    rows = session.execute(select(t.imports).order_by(t.imports.c.id.desc()).limit(limit))
    out = []
    for row in rows:
        data = dict(row._mapping)
        data["imported_at"] = data["imported_at"].isoformat()
        out.append(data)
    return out
