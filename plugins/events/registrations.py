"""Registrations: seats claimed atomically, the waiting list, cancellation, export, purge.

The capacity holds however many registrations arrive at once because a seat is claimed with
one conditional statement, ``UPDATE events_events SET taken = taken + 1 WHERE id = :id AND
(capacity IS NULL OR taken < capacity)``, never by reading the count and writing it back. On
PostgreSQL the UPDATE takes the row lock and re-checks its condition on the newest row
version; on SQLite the write transaction (``BEGIN IMMEDIATE``) serialises writers. A check
constraint (``taken <= capacity``) backs this up in the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from attrs import frozen
from core import Conflict
from core import NotFound
from core import first_row
from core import from_row
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugins.events import tables as t
from plugins.events.model import Registration
from plugins.events.repository import aware

__all__ = [
    "Outcome",
    "addresses_to_purge",
    "cancel",
    "find",
    "new_token",
    "participants",
    "purge",
    "register",
    "token_hash",
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@frozen
class Outcome:
    """A registration as written, the token for its cancellation link, and the waiting-list
    position (None when confirmed)."""

    registration: Registration
    token: str
    position: int | None = None


_TIMES = dict.fromkeys(("consent_at", "created_at", "cancelled_at"), aware)


def _registration(row: Any) -> Registration:
    return from_row(Registration, row, convert=_TIMES)


def _claim_seat(session: Session, event_id: int, now: dt.datetime) -> bool:
    e = t.events
    result = session.execute(
        update(e)
        .where(
            e.c.id == event_id,
            e.c.registration == "portal",
            e.c.status == "scheduled",
            e.c.starts_at > now,
            or_(e.c.capacity.is_(None), e.c.taken < e.c.capacity),
        )
        .values(taken=e.c.taken + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def register(
    session: Session,
    event_id: int,
    *,
    name: str,
    email: str,
    phone: str = "",
    audience: str = "",
    consent_text: str,
    now: dt.datetime,
) -> Outcome:
    """Register a person for an event: a seat if one is free, else the waiting list.

    Raises ``NotFound`` for an unknown event and ``Conflict`` when the event takes no
    registrations (none through the portal, cancelled, begun, full without waiting list) or
    the address is registered already.
    """
    r = t.registrations
    duplicate = session.scalar(
        select(r.c.id).where(
            r.c.event_id == event_id,
            func.lower(r.c.email) == email.lower(),
            r.c.status != "cancelled",
        )
    )
    if duplicate is not None:
        raise Conflict(
            f"{email} is registered for this event already; the confirmation mail has the link "
            "to cancel.",
            {"email": ["registered already"]},
        )
    if _claim_seat(session, event_id, now):
        status = "confirmed"
    else:
        e = t.events
        # lock the row (PostgreSQL) so concurrent waiting-list entries get distinct positions
        row = session.execute(
            select(e.c.registration, e.c.status, e.c.starts_at, e.c.waiting_list)
            .where(e.c.id == event_id)
            .with_for_update()
        ).first()
        if row is None:
            raise NotFound(f"There is no event {event_id}.")
        if row.registration != "portal":
            raise Conflict("This event takes no registrations through the portal.")
        if row.status != "scheduled":
            raise Conflict("This event was cancelled; registration is closed.")
        if aware(row.starts_at) <= now:  # type: ignore[operator]
            raise Conflict("This event has begun; registration is closed.")
        if not row.waiting_list:
            raise Conflict("This event is fully booked.", {"event": ["fully booked"]})
        status = "waiting"
    token = new_token()
    new_id = session.execute(
        insert(r).values(
            event_id=event_id,
            status=status,
            name=name,
            email=email,
            phone=phone,
            audience=audience,
            consent_at=now,
            consent_text=consent_text,
            token_hash=token_hash(token),
            created_at=now,
        )
    ).inserted_primary_key[0]
    position = None
    if status == "waiting":
        position = int(
            session.scalar(
                select(func.count()).where(
                    r.c.event_id == event_id, r.c.status == "waiting", r.c.id <= new_id
                )
            )
            or 1
        )
    row = session.execute(select(r).where(r.c.id == new_id)).one()
    return Outcome(_registration(row), token, position)


def find(session: Session, token: str) -> tuple[Registration, int]:
    """The registration a cancellation token belongs to, and its event id."""
    query = select(t.registrations).where(t.registrations.c.token_hash == token_hash(token))
    row = first_row(
        session, query, "This cancellation link is not valid (or the data was deleted)."
    )
    return _registration(row), int(row.event_id)


def cancel(
    session: Session, token: str, *, now: dt.datetime
) -> tuple[Registration, Registration | None]:
    """Cancel the registration of ``token``; (it, the waiting registration that moved up)."""
    registration, event_id = find(session, token)
    if registration.status == "cancelled":
        return registration, None
    e, r = t.events, t.registrations
    # lock the event row first (PostgreSQL), so seats and waiting list change together
    starts = session.scalar(select(e.c.starts_at).where(e.c.id == event_id).with_for_update())
    if starts is not None and aware(starts) <= now:  # type: ignore[operator]
        raise Conflict("This event has begun; the registration can no longer be cancelled.")
    changed = session.execute(
        update(r)
        .where(r.c.id == registration.id, r.c.status == registration.status)
        .values(status="cancelled", cancelled_at=now)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:  # cancelled at this moment by another request
        return registration, None
    promoted = None
    if registration.status == "confirmed":
        session.execute(update(e).where(e.c.id == event_id).values(taken=e.c.taken - 1))
        waiting = session.execute(
            select(r.c.id)
            .where(r.c.event_id == event_id, r.c.status == "waiting")
            .order_by(r.c.id)
            .limit(1)
        ).first()
        if waiting is not None and _claim_seat(session, event_id, now):
            session.execute(update(r).where(r.c.id == waiting.id).values(status="confirmed"))
            promoted = _registration(session.execute(select(r).where(r.c.id == waiting.id)).one())
    cancelled = _registration(session.execute(select(r).where(r.c.id == registration.id)).one())
    return cancelled, promoted


def participants(session: Session, event_id: int) -> list[dict[str, Any]]:
    """The registrations of an event for its organiser: confirmed first, then waiting, then
    cancelled, each in order of registration."""
    r = t.registrations
    order = {"confirmed": 0, "waiting": 1, "cancelled": 2}
    rows = session.execute(select(r).where(r.c.event_id == event_id).order_by(r.c.id)).all()
    rows.sort(key=lambda row: order.get(row.status, 3))
    return [
        {
            "status": row.status,
            "name": row.name,
            "email": row.email,
            "phone": row.phone,
            "audience": row.audience,
            "registered_at": aware(row.created_at),
            "cancelled_at": aware(row.cancelled_at),
        }
        for row in rows
    ]


def addresses_to_purge(session: Session, ended_before: dt.datetime) -> set[str]:
    """Mail addresses registered only for events that ended before ``ended_before``."""
    e, r = t.events, t.registrations
    ended = select(e.c.id).where(e.c.ends_at < ended_before)
    old = set(session.scalars(select(r.c.email).where(r.c.event_id.in_(ended))))
    current = set(session.scalars(select(r.c.email).where(r.c.event_id.not_in(ended))))
    return old - current


def ids_to_purge(session: Session, ended_before: dt.datetime) -> list[int]:
    """Ids of the registrations for events that ended before ``ended_before``."""
    e, r = t.events, t.registrations
    ended = select(e.c.id).where(e.c.ends_at < ended_before)
    return list(session.scalars(select(r.c.id).where(r.c.event_id.in_(ended))))


def purge(session: Session, ended_before: dt.datetime) -> dict[str, int]:
    """Delete the registrations of events that ended before ``ended_before`` (the mails
    about them are the caller's: core's mail queue). Seat counts of the events stay."""
    e, r = t.events, t.registrations
    ended = select(e.c.id).where(e.c.ends_at < ended_before)
    events = int(
        session.scalar(
            select(func.count(func.distinct(r.c.event_id))).where(r.c.event_id.in_(ended))
        )
        or 0
    )
    people = session.execute(delete(r).where(r.c.event_id.in_(ended))).rowcount  # type: ignore[attr-defined]
    return {"events": events, "registrations": int(people or 0)}
