"""Course repository: functions that take a session and never commit.

Every write raises the plugin's change counter (``bump_plugin_version``), so the course index
of every process follows, and bumps core's index generation, as core asks of plugins that
change data after start-up (every search index then rebuilds once).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from core import Conflict
from core import Location
from core import NotFound
from core import as_utc
from core import bump_plugin_version
from core import first_row
from core import from_row
from core import row_values
from core import utcnow
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugins.training import tables as t
from plugins.training.model import Course

__all__ = [
    "add_course",
    "bump_version",
    "count_courses",
    "delete_course",
    "get_course",
    "ids_by_external_id",
    "list_imports",
    "load_courses",
    "record_import",
    "update_course",
]


#: stored apart: the id and time stamps (written here), the point (as ``lat`` and ``lon``)
_NOT_STORED = ("id", "location", "created_at", "updated_at")
#: JSON columns hold lists; the model's converter makes tuples of them again
_LISTS = {"professions": list, "funding": list}
_READ = {"on_demand": bool, "is_demo": bool, "created_at": as_utc, "updated_at": as_utc}


def _values(course: Course) -> dict[str, Any]:
    point = course.location
    return {
        **row_values(course, exclude=_NOT_STORED, convert=_LISTS),
        "lat": point.lat if point else None,
        "lon": point.lon if point else None,
    }


def _course(row: Any) -> Course:
    point = Location(row.lat, row.lon) if row.lat is not None and row.lon is not None else None
    return from_row(Course, row, convert=_READ, location=point)


def bump_version(session: Session) -> None:
    """Tell every process that courses changed."""
    bump_plugin_version(session, "training")


def load_courses(session: Session) -> list[Course]:
    """Every course, past ones included, by id."""
    return [_course(r) for r in session.execute(select(t.courses).order_by(t.courses.c.id))]


def count_courses(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(t.courses)) or 0)


def get_course(session: Session, course_id: int) -> Course:
    query = select(t.courses).where(t.courses.c.id == course_id)
    return _course(first_row(session, query, f"There is no course with id {course_id}."))


def ids_by_external_id(
    session: Session, source: str, external_ids: Iterable[str]
) -> dict[str, int]:
    """Course ids of ``source`` by external id, for those of ``external_ids`` that exist."""
    wanted = sorted(set(external_ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        rows = session.execute(
            select(t.courses.c.external_id, t.courses.c.id).where(
                t.courses.c.source == source, t.courses.c.external_id.in_(part)
            )
        )
        found.update({str(e): int(i) for e, i in rows})
    return found


def _check_unique(session: Session, course: Course) -> None:
    if course.external_id is None:
        return
    taken = ids_by_external_id(session, course.source, [course.external_id])
    other = taken.get(course.external_id)
    if other is not None and other != course.id:
        raise Conflict(
            f"Course {other} of source {course.source!r} has the external id "
            f"{course.external_id!r} already; change that course or give another id.",
            {"external_id": ["already taken"]},
        )


def add_course(session: Session, course: Course, *, bump: bool = True) -> Course:
    """Insert a validated course; returns it with id and timestamps."""
    course.validate()
    _check_unique(session, course)
    now = utcnow()
    values = {**_values(course), "created_at": now, "updated_at": now}
    new_id = session.execute(insert(t.courses).values(**values)).inserted_primary_key[0]
    if bump:
        bump_version(session)
    return get_course(session, int(new_id))


def update_course(session: Session, course: Course, *, bump: bool = True) -> Course:
    """Write every field of an existing course."""
    if course.id is None:
        raise NotFound("A course without an id cannot be updated; add it first.")
    course.validate()
    _check_unique(session, course)
    done = session.execute(
        update(t.courses)
        .where(t.courses.c.id == course.id)
        .values(**_values(course), updated_at=utcnow())
    )
    if not done.rowcount:
        raise NotFound(f"There is no course with id {course.id}.")
    if bump:
        bump_version(session)
    return get_course(session, course.id)


def delete_course(session: Session, course_id: int) -> None:
    done = session.execute(delete(t.courses).where(t.courses.c.id == course_id))
    if not done.rowcount:
        raise NotFound(f"There is no course with id {course_id}.")
    bump_version(session)


def record_import(
    session: Session,
    *,
    file_name: str,
    fmt: str,
    source: str,
    created: int,
    updated: int,
    report: dict[str, Any],
) -> int:
    """Keep an import's report (the operator's audit trail); returns its id."""
    result = session.execute(
        insert(t.imports).values(
            file_name=file_name[:500],
            format=fmt,
            source=source,
            imported_at=utcnow(),
            created=created,
            updated=updated,
            report=report,
        )
    )
    return int(result.inserted_primary_key[0])


def list_imports(session: Session, limit: int = 20) -> Sequence[dict[str, Any]]:
    """The latest imports, newest first (without their full reports)."""
    columns = [c for c in t.imports.c if c.name != "report"]
    rows = session.execute(select(*columns).order_by(t.imports.c.id.desc()).limit(limit))
    return [
        {**r._mapping, "imported_at": as_utc(r.imported_at).isoformat() if r.imported_at else None}
        for r in rows
    ]
