"""Reading and writing organisations and events; functions take a session and never commit."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from core import Conflict
from core import NotFound
from core import as_utc
from core import bump_plugin_version
from core import first_row
from core import from_row
from core import row_values
from core import slugify
from core import utcnow
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugins.events import tables as t
from plugins.events.model import Event
from plugins.events.model import Organisation
from plugins.events.model import Place

__all__ = [
    "add_organisation",
    "all_events",
    "bump_generation",
    "event_by_uid",
    "get_event",
    "get_organisation",
    "list_organisations",
    "organisation_by_token",
    "resolve_organisers",
    "save_event",
    "set_organisation_token",
    "utcnow",
]


#: stored times as aware UTC (SQLite hands them back without a zone)
aware = as_utc


#: the place's name is stored as ``place_name`` (the rows have a ``name`` of their own)
PLACE_COLUMNS = {"name": "place_name"}


def _place_values(place: Place) -> dict[str, Any]:
    return row_values(place, columns=PLACE_COLUMNS)


def _place(row: Any) -> Place:
    return from_row(Place, row, columns=PLACE_COLUMNS)


# --- generation ---------------------------------------------------------------------------


def bump_generation(session: Session) -> None:
    """Tell every process that events or organisations changed (they reload their snapshot)."""
    bump_plugin_version(session, "events", reindex=False)


# --- organisations --------------------------------------------------------------------------


_FLAGS = {"verified": bool, "show_on_map": bool}


def organisation_from_row(row: Any) -> Organisation:
    return from_row(Organisation, row, convert=_FLAGS, place=_place(row))


def _unique_slug(session: Session, wanted: str) -> str:
    base = slugify(wanted)[:100] or "organisation"
    taken = set(
        session.scalars(
            select(t.organisations.c.slug).where(t.organisations.c.slug.like(f"{base}%"))
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def add_organisation(session: Session, organisation: Organisation) -> Organisation:
    slug = organisation.slug or _unique_slug(session, organisation.name)
    if session.scalar(select(t.organisations.c.id).where(t.organisations.c.slug == slug)):
        raise Conflict(f"An organisation with the slug {slug!r} exists already.", {"slug": [slug]})
    values = {
        **row_values(organisation, exclude=("id", "slug", "place")),
        "slug": slug,
        **_place_values(organisation.place),
        "created_at": utcnow(),
    }
    new_id = session.execute(insert(t.organisations).values(**values)).inserted_primary_key[0]
    bump_generation(session)
    organisation.id, organisation.slug = int(new_id), slug
    return organisation


def get_organisation(session: Session, ref: int | str) -> Organisation:
    """An organisation by id or slug."""
    column = t.organisations.c.id if isinstance(ref, int) else t.organisations.c.slug
    query = select(t.organisations).where(column == ref)
    return organisation_from_row(first_row(session, query, f"There is no organisation {ref!r}."))


def list_organisations(session: Session) -> list[Organisation]:
    rows = session.execute(select(t.organisations).order_by(t.organisations.c.name))
    return [organisation_from_row(r) for r in rows]


def organisation_by_token(session: Session, token_hash: str) -> Organisation | None:
    row = session.execute(
        select(t.organisations).where(t.organisations.c.token_hash == token_hash)
    ).first()
    return None if row is None else organisation_from_row(row)


def set_organisation_token(session: Session, organisation_id: int, token_hash: str | None) -> None:
    session.execute(
        update(t.organisations)
        .where(t.organisations.c.id == organisation_id)
        .values(token_hash=token_hash)
    )


def resolve_organisers(session: Session, refs: Sequence[str]) -> tuple[list[int], list[str]]:
    """Organisation ids for ids or slugs in ``refs``, and the refs that match none."""
    rows = session.execute(select(t.organisations.c.id, t.organisations.c.slug)).all()
    by_slug = {r.slug: int(r.id) for r in rows}
    ids = set(by_slug.values())
    found: list[int] = []
    unknown: list[str] = []
    for ref in refs:
        if ref.isdigit() and int(ref) in ids:
            found.append(int(ref))
        elif ref in by_slug:
            found.append(by_slug[ref])
        else:
            unknown.append(ref)
    return found, unknown


# --- events ---------------------------------------------------------------------------------


#: fields kept elsewhere: the id, the place's columns, the seats (claimed by registrations),
#: the organisers (their own table) and the time stamps (written by ``save_event``)
_NOT_STORED = (
    "id",
    "place",
    "taken",
    "waiting",
    "organiser_ids",
    "organisers",
    "created_at",
    "updated_at",
)
_EVENT_CONVERT: dict[str, Callable[[Any], Any]] = {
    "audiences": lambda v: tuple(v or ()),
    "waiting_list": bool,
    **dict.fromkeys(("starts_at", "ends_at", "created_at", "updated_at"), aware),
}


def _event_values(event: Event) -> dict[str, Any]:
    return {
        **row_values(event, exclude=_NOT_STORED, convert={"audiences": list}),
        **_place_values(event.place),
    }


def event_from_row(row: Any, organisers: Sequence[Organisation] = (), waiting: int = 0) -> Event:
    return from_row(
        Event,
        row,
        convert=_EVENT_CONVERT,
        place=_place(row),
        waiting=waiting,
        organiser_ids=tuple(o.id for o in organisers if o.id is not None),
        organisers=tuple(organisers),
    )


def _organisers_of(session: Session, event_ids: Iterable[int]) -> dict[int, list[Organisation]]:
    ids = list(event_ids)
    out: dict[int, list[Organisation]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.execute(
        select(t.organisers.c.event_id, t.organisations)
        .join(t.organisations, t.organisations.c.id == t.organisers.c.organisation_id)
        .where(t.organisers.c.event_id.in_(ids))
        .order_by(t.organisers.c.event_id, t.organisers.c.position)
    )
    for row in rows:
        out[int(row.event_id)].append(organisation_from_row(row))
    return out


def _waiting_counts(session: Session, event_ids: Iterable[int] | None = None) -> dict[int, int]:
    r = t.registrations
    query = select(r.c.event_id, func.count()).where(r.c.status == "waiting").group_by(r.c.event_id)
    if event_ids is not None:
        query = query.where(r.c.event_id.in_(list(event_ids)))
    return {int(e): int(n) for e, n in session.execute(query)}


def get_event(session: Session, event_id: int) -> Event:
    query = select(t.events).where(t.events.c.id == event_id)
    row = first_row(session, query, f"There is no event {event_id}.")
    organisers = _organisers_of(session, [event_id])[event_id]
    return event_from_row(row, organisers, _waiting_counts(session, [event_id]).get(event_id, 0))


def event_by_uid(session: Session, uid: str) -> Event | None:
    event_id = session.scalar(select(t.events.c.id).where(t.events.c.uid == uid))
    return None if event_id is None else get_event(session, int(event_id))


def all_events(session: Session) -> list[Event]:
    """Every event with its organisers (for the in-memory calendar snapshot)."""
    rows = session.execute(select(t.events).order_by(t.events.c.starts_at, t.events.c.id)).all()
    organisers = _organisers_of(session, [int(r.id) for r in rows])
    waiting = _waiting_counts(session)
    return [event_from_row(r, organisers[int(r.id)], waiting.get(int(r.id), 0)) for r in rows]


def save_event(session: Session, event: Event) -> tuple[Event, bool]:
    """Insert ``event``, or update the event with its id (or else its uid); (event, created).

    Seats already taken are kept; a capacity below them is refused.
    """
    now = utcnow()
    existing_id = event.id
    if existing_id is None:
        existing_id = session.scalar(select(t.events.c.id).where(t.events.c.uid == event.uid))
    values = _event_values(event)
    if existing_id is None:
        new_id = session.execute(
            insert(t.events).values(**values, taken=0, created_at=now, updated_at=now)
        ).inserted_primary_key[0]
        event_id, created = int(new_id), True
    else:
        query = select(t.events.c.taken, t.events.c.uid).where(t.events.c.id == existing_id)
        row = first_row(session, query, f"There is no event {existing_id}.")
        if event.capacity is not None and event.capacity < row.taken:
            raise Conflict(
                f"The capacity {event.capacity} is below the {row.taken} seats already taken; "
                f"give at least {row.taken}.",
                {"capacity": [f"at least {row.taken}"]},
            )
        values["uid"] = row.uid
        session.execute(
            update(t.events).where(t.events.c.id == existing_id).values(**values, updated_at=now)
        )
        session.execute(delete(t.organisers).where(t.organisers.c.event_id == existing_id))
        event_id, created = int(existing_id), False
    if event.organiser_ids:
        session.execute(
            insert(t.organisers),
            [
                {"event_id": event_id, "organisation_id": o, "position": i}
                for i, o in enumerate(event.organiser_ids)
            ],
        )
    bump_generation(session)
    return get_event(session, event_id), created


def delete_event(session: Session, event_id: int) -> None:
    deleted = session.execute(delete(t.events).where(t.events.c.id == event_id))
    if deleted.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"There is no event {event_id}.")
    bump_generation(session)
