"""New events for search alerts (hook ``alert_matches``).

A subscribed search gets the upcoming events that were added after it was confirmed, in its
area: the towns of its ``town`` filter, its radius around a centre or its map area (the whole
region when it names none), of the kinds of its ``events_kind`` filter if it has one.
Cancelled events are left out; core mails each event once per subscription.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core import AlertItem
from core import haversine_m

from plugins.events.model import Event

if TYPE_CHECKING:
    from core import SearchQuery

    from plugins.events.service import EventsService

__all__ = ["alert_matches", "in_area"]


def in_area(event: Event, query: SearchQuery) -> bool:
    """Whether ``event`` takes place where ``query`` searches (towns, radius, map area)."""
    place = event.place
    towns = query.filter_values.get("town")
    if towns and place.ags not in towns:
        return False
    area = query.bbox is not None or (query.near is not None and query.radius_km is not None)
    if not area:
        return True
    if place.lat is None or place.lon is None:
        return False  # an online event has no place on the map
    box = query.bbox
    if box is not None and not (
        box.south <= place.lat <= box.north and box.west <= place.lon <= box.east
    ):
        return False
    if query.near is not None and query.radius_km is not None:
        distance = float(haversine_m(query.near.lat, query.near.lon, place.lat, place.lon))
        return distance <= query.radius_km * 1000.0
    return True


def alert_matches(
    service: EventsService, query: SearchQuery, since: dt.datetime
) -> list[AlertItem]:
    """Upcoming events added after ``since`` that match ``query``'s area and event kinds."""
    kinds = query.filter_values.get("events_kind") or ()
    found = []
    for event in service.upcoming():
        created = event.created_at
        if created is None or created.astimezone(dt.UTC) <= since or event.status == "cancelled":
            continue
        if (kinds and event.kind not in kinds) or not in_area(event, query):
            continue
        where = f" ({event.place.town})" if event.place.town else ""
        found.append(
            AlertItem(
                id=str(event.id),
                title=f"{event.title}{where}",
                date=event.local_start,
                url=service.event_path(event),
            )
        )
    return found
