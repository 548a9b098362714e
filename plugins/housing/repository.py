"""Reading and writing offers: functions that take a session and never commit.

Every write bumps the plugin's version counter (so every process reloads its offers) and
core's index generation (so every search index recomputes the company columns that depend on
offers), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from core import BBox
from core import Conflict
from core import NotFound
from core import bump_plugin_version
from core import first_row
from core import utcnow
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugins.housing import tables as t
from plugins.housing.model import Offer

__all__ = [
    "add_offer",
    "delete_offer",
    "get_offer",
    "offers_by_id",
    "offers_in_box",
    "save_offers",
    "touch",
    "update_offer",
]


#: Ids beyond this exist in no database (SQLite would raise OverflowError on them).
MAX_ID = 2**31 - 1


def _checked(offer_id: int) -> int:
    if not 0 < offer_id <= MAX_ID:
        raise NotFound(f"There is no housing offer with id {offer_id}.")
    return offer_id


def touch(session: Session) -> None:
    """Record that offers changed: the plugin's version and core's index generation move."""
    bump_plugin_version(session, "housing")


def get_offer(session: Session, offer_id: int, *, active_on: dt.date | None = None) -> Offer:
    """The offer ``offer_id``; with ``active_on`` only if it has not expired by then."""
    query = select(t.offers).where(t.offers.c.id == _checked(offer_id))
    if active_on is not None:
        query = query.where(t.offers.c.expires_on >= active_on)
    return Offer.from_row(
        first_row(session, query, f"There is no housing offer with id {offer_id}.")
    )


def offers_by_id(session: Session, ids: Sequence[int]) -> list[Offer]:
    """Offers with these ids, in the order given (missing ones left out)."""
    if not ids:
        return []
    rows = session.execute(select(t.offers).where(t.offers.c.id.in_(list(ids))))
    found = {int(r.id): Offer.from_row(r) for r in rows}
    return [found[i] for i in ids if i in found]


def offers_in_box(session: Session, bbox: BBox | None, today: dt.date, limit: int) -> list[Offer]:
    """Active offers in ``bbox`` (an index range scan on lat, lon), cheapest first."""
    o = t.offers
    query = select(o).where(o.c.expires_on >= today)
    if bbox is not None:
        query = query.where(
            o.c.lat.between(bbox.south, bbox.north), o.c.lon.between(bbox.west, bbox.east)
        )
    query = query.order_by(o.c.id).limit(limit)
    return [Offer.from_row(r) for r in session.execute(query)]


def _refuse_twin(session: Session, offer: Offer) -> None:
    """Offers are told apart by (source, external_id); an offer without its own id gets one
    from its content, so the same offer entered twice meets itself here (409, not a 500)."""
    twin = session.scalar(
        select(t.offers.c.id).where(
            t.offers.c.source == offer.source,
            t.offers.c.external_id == offer.external_id,
            t.offers.c.id != (offer.id or 0),
        )
    )
    if twin is not None:
        raise Conflict(
            f"Offer {twin} of source {offer.source!r} has the external_id "
            f"{offer.external_id!r} already (the same offer, or the same id); change offer "
            f"{twin} with PATCH or give another external_id.",
            {"external_id": [f"taken by offer {twin}"]},
        )


def add_offer(session: Session, offer: Offer) -> Offer:
    _refuse_twin(session, offer)
    now = utcnow()
    offer_id = session.execute(
        insert(t.offers).values(**offer.row(), created_at=now, updated_at=now)
    ).inserted_primary_key[0]
    touch(session)
    return get_offer(session, int(offer_id))


def update_offer(session: Session, offer: Offer) -> Offer:
    assert offer.id is not None
    _refuse_twin(session, offer)
    done = session.execute(
        update(t.offers)
        .where(t.offers.c.id == _checked(offer.id))
        .values(**offer.row(), updated_at=utcnow())
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"There is no housing offer with id {offer.id}.")
    touch(session)
    return get_offer(session, offer.id)


def delete_offer(session: Session, offer_id: int) -> None:
    done = session.execute(delete(t.offers).where(t.offers.c.id == _checked(offer_id)))
    if done.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"There is no housing offer with id {offer_id}.")
    touch(session)


def save_offers(
    session: Session,
    source: str,
    offers: Iterable[Offer],
    *,
    deleted: Iterable[str] = (),
    replace: bool = False,
) -> dict[str, int]:
    """Insert or update ``offers`` of ``source`` by external id; delete the external ids in
    ``deleted`` and, with ``replace``, every other offer of the source. Counts per outcome."""
    o = t.offers
    wanted = {offer.external_id: offer for offer in offers}
    existing: dict[str, tuple[int, dict[str, Any]]] = {}
    for row in session.execute(select(o).where(o.c.source == source)):
        existing[row.external_id] = (int(row.id), Offer.from_row(row).row())
    counts = {"added": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    now = utcnow()
    new_rows = []
    for external_id, offer in wanted.items():
        values = offer.row()
        if external_id in existing:
            offer_id, old = existing[external_id]
            if old == values:
                counts["unchanged"] += 1
                continue
            session.execute(update(o).where(o.c.id == offer_id).values(**values, updated_at=now))
            counts["updated"] += 1
        else:
            new_rows.append({**values, "created_at": now, "updated_at": now})
    if new_rows:
        session.execute(insert(o), new_rows)
        counts["added"] = len(new_rows)
    gone = {e for e in deleted if e in existing and e not in wanted}
    if replace:
        gone |= set(existing) - set(wanted)
    if gone:
        ids = [existing[e][0] for e in gone]
        for start in range(0, len(ids), 500):
            session.execute(delete(o).where(o.c.id.in_(ids[start : start + 500])))
        counts["deleted"] = len(ids)
    if counts["added"] or counts["updated"] or counts["deleted"]:
        touch(session)
    return counts
