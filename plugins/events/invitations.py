"""Co-organiser invitations and leaving an event; functions take a session and never commit.

An organisation that names another one as co-organiser invites it: the invited organisation
organises the event (edits it, sees its participants, has it on its profile) only after it
accepted. Either side can end it: an organiser withdraws an invitation, the invited
organisation declines it, a co-organiser leaves, the first organiser removes a co-organiser.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from attrs import frozen
from core import Conflict
from core import NotFound
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugins.events import tables as t
from plugins.events.repository import aware
from plugins.events.repository import bump_generation

__all__ = [
    "Invitation",
    "accept",
    "add_organiser",
    "decline",
    "for_event",
    "for_organisation",
    "get",
    "invite",
    "remove_organiser",
    "withdraw",
]

i = t.invitations


@frozen
class Invitation:
    """An organisation asked to co-organise an event; ``status`` pending or declined."""

    id: int
    event_id: int
    event_title: str
    organisation_id: int
    organisation_name: str
    invited_by: int | None
    status: str
    created_at: dt.datetime
    answered_at: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event_id": self.event_id,
            "event_title": self.event_title,
            "organisation_id": self.organisation_id,
            "organisation_name": self.organisation_name,
            "invited_by": self.invited_by,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
        }


def _select() -> Any:
    return (
        select(
            i,
            t.events.c.title.label("event_title"),
            t.organisations.c.name.label("organisation_name"),
        )
        .join(t.events, t.events.c.id == i.c.event_id)
        .join(t.organisations, t.organisations.c.id == i.c.organisation_id)
        .order_by(i.c.id)
    )


def _from_row(row: Any) -> Invitation:
    return Invitation(
        id=int(row.id),
        event_id=int(row.event_id),
        event_title=row.event_title,
        organisation_id=int(row.organisation_id),
        organisation_name=row.organisation_name,
        invited_by=None if row.invited_by is None else int(row.invited_by),
        status=row.status,
        created_at=aware(row.created_at),  # type: ignore[arg-type]
        answered_at=aware(row.answered_at),
    )


def get(session: Session, invitation_id: int) -> Invitation:
    row = session.execute(_select().where(i.c.id == invitation_id)).first()
    if row is None:
        raise NotFound(f"There is no invitation {invitation_id}.")
    return _from_row(row)


def for_event(session: Session, event_id: int) -> list[Invitation]:
    return [_from_row(r) for r in session.execute(_select().where(i.c.event_id == event_id))]


def for_organisation(session: Session, organisation_id: int) -> list[Invitation]:
    """Invitations an organisation received (pending and declined)."""
    query = _select().where(i.c.organisation_id == organisation_id)
    return [_from_row(r) for r in session.execute(query)]


def organiser_ids(session: Session, event_id: int) -> list[int]:
    """The event's organisers in their order (the first is the one who created it)."""
    rows = session.scalars(
        select(t.organisers.c.organisation_id)
        .where(t.organisers.c.event_id == event_id)
        .order_by(t.organisers.c.position)
    )
    return [int(r) for r in rows]


def invite(
    session: Session,
    event_id: int,
    organisation_id: int,
    *,
    invited_by: int | None,
    now: dt.datetime,
    again: bool,
) -> tuple[Invitation | None, bool]:
    """Invite an organisation to co-organise: the invitation (None when it organises
    already) and whether it is new (or opened again). A declined invitation is opened again
    only with ``again`` (an explicit invitation, not the organisers list of the next PUT)."""
    if organisation_id in organiser_ids(session, event_id):
        return None, False
    row = session.execute(
        select(i.c.id, i.c.status).where(
            i.c.event_id == event_id, i.c.organisation_id == organisation_id
        )
    ).first()
    new = row is None or (row.status == "declined" and again)
    if row is None:
        session.execute(
            insert(i).values(
                event_id=event_id,
                organisation_id=organisation_id,
                invited_by=invited_by,
                status="pending",
                created_at=now,
            )
        )
    elif row.status == "declined" and again:
        session.execute(
            update(i)
            .where(i.c.id == row.id)
            .values(status="pending", invited_by=invited_by, created_at=now, answered_at=None)
        )
    row_id = session.scalar(
        select(i.c.id).where(i.c.event_id == event_id, i.c.organisation_id == organisation_id)
    )
    return get(session, int(row_id)), new


def add_organiser(session: Session, event_id: int, organisation_id: int) -> None:
    """Append an organisation to the event's organisers (it agreed, or the operator says so)."""
    if organisation_id in organiser_ids(session, event_id):
        return
    last = session.scalar(
        select(func.max(t.organisers.c.position)).where(t.organisers.c.event_id == event_id)
    )
    session.execute(
        insert(t.organisers).values(
            event_id=event_id,
            organisation_id=organisation_id,
            position=0 if last is None else int(last) + 1,
        )
    )
    bump_generation(session)


def accept(session: Session, invitation: Invitation) -> None:
    """The invited organisation agrees: it becomes an organiser, the invitation is done."""
    if invitation.status != "pending":
        raise Conflict(
            f"Invitation {invitation.id} was declined; the event's organisers can invite "
            "your organisation again.",
            {"invitation": ["declined"]},
        )
    add_organiser(session, invitation.event_id, invitation.organisation_id)
    session.execute(delete(i).where(i.c.id == invitation.id))


def decline(session: Session, invitation: Invitation, *, now: dt.datetime) -> None:
    session.execute(
        update(i).where(i.c.id == invitation.id).values(status="declined", answered_at=now)
    )


def withdraw(session: Session, invitation_id: int) -> None:
    deleted = session.execute(delete(i).where(i.c.id == invitation_id))
    if deleted.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"There is no invitation {invitation_id}.")


def remove_organiser(session: Session, event_id: int, organisation_id: int) -> None:
    """Take an organisation off the event; the last organiser cannot leave (Conflict)."""
    current = organiser_ids(session, event_id)
    if organisation_id not in current:
        raise NotFound(f"Organisation {organisation_id} does not organise event {event_id}.")
    if len(current) == 1:
        raise Conflict(
            f"Organisation {organisation_id} is the only organiser of event {event_id}; "
            "cancel the event instead (status 'cancelled'), or ask the operator to delete it.",
            {"organisation": ["only organiser"]},
        )
    session.execute(
        delete(t.organisers).where(
            t.organisers.c.event_id == event_id,
            t.organisers.c.organisation_id == organisation_id,
        )
    )
    # positions stay in order without gaps; the next one becomes the first organiser
    for position, other in enumerate(o for o in current if o != organisation_id):
        session.execute(
            update(t.organisers)
            .where(t.organisers.c.event_id == event_id, t.organisers.c.organisation_id == other)
            .values(position=position)
        )
    bump_generation(session)
