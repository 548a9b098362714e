"""Fictitious demo events in the coming weeks at real postcodes of the region (hook
``create_demo_data``).

Each is kept under the source ``demo`` by a stable uid, so a later run moves its date along
(the demo always shows events ahead) and adds nothing; events of other sources stay as they
are. Title and description say that it is made up.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core import DEMO_SOURCE
from core import demo_places
from core import hookimpl
from core import slugify

from plugins.events import repository as repo
from plugins.events.model import Event
from plugins.events.model import Place

if TYPE_CHECKING:
    from core import Platform

__all__ = ["DEMO_EVENTS", "create_demo_data", "demo_events"]

DEMO_EVENTS = 24
ZONE = "Europe/Berlin"
NOTE = "Fiktive Demo-Veranstaltung: Veranstalter, Ort und Programm sind frei erfunden."
#: kind, title, audiences, start hour, hours, venue
KINDS = (
    ("apprenticeship_fair", "Ausbildungsbörse {town}", ("pupils",), 9, 5, "Demo-Stadthalle"),
    ("job_fair", "Jobmesse Emscher-Lippe in {town}", ("job_seekers", "returners"), 10, 6,
     "Demo-Veranstaltungszentrum"),
    ("open_day", "Tag der offenen Tür im Handwerk", ("pupils", "job_seekers"), 14, 3,
     "Demo-Werkstatt"),
    ("info", "Infoabend Wiedereinstieg nach der Elternzeit", ("returners",), 18, 2,
     "Demo-Familienzentrum"),
    ("network", "Arbeitskreis Vereinbarkeit von Beruf und Familie", ("companies",), 16, 2,
     "Demo-Gründerzentrum"),
    ("training", "Workshop: Azubis finden und halten", ("companies",), 9, 4,
     "Demo-Bildungszentrum"),
)  # fmt: skip


def demo_events(
    platform: Platform, seed: int, today: dt.date, count: int = DEMO_EVENTS
) -> list[Event]:
    """``count`` fictitious events on weekdays of the next eight weeks, from ``today``."""
    rng = random.Random(f"{seed}:events")
    zone = ZoneInfo(ZONE)
    events = []
    for i, place in enumerate(demo_places(platform.region, count, seed, salt="events")):
        kind, title, audiences, hour, hours, venue = rng.choice(KINDS)
        day = today + dt.timedelta(days=2 + (i * 56) // count)
        while day.weekday() > 4:  # events of this kind are held on weekdays
            day += dt.timedelta(days=1)
        starts = dt.datetime.combine(day, dt.time(hour), zone)
        full_title = f"{title.format(town=place.town)} (fiktiv)"
        portal = rng.random() < 0.5
        events.append(
            Event(
                uid=f"demo-{i + 1}@regiokarte.demo",
                title=full_title,
                slug=f"demo-{i + 1}-{slugify(full_title)}"[:80],
                kind=kind,
                starts_at=starts.astimezone(dt.UTC),
                ends_at=(starts + dt.timedelta(hours=hours)).astimezone(dt.UTC),
                timezone=ZONE,
                description=NOTE,
                audiences=audiences,
                place=Place(
                    name=f"{venue} {place.town} (fiktiv)",
                    street=place.street,
                    postcode=place.postcode,
                    town=place.town,
                    ags=place.ags,
                    lat=place.lat,
                    lon=place.lon,
                ),
                registration="portal" if portal else "none",
                capacity=rng.choice((20, 30, 50)) if portal else None,
                source=DEMO_SOURCE,
            )
        )
    return events


@hookimpl
def create_demo_data(platform: Platform, seed: int, today: dt.date) -> str:
    """Make (or move along) the demo events; events of other sources stay as they are."""
    events = demo_events(platform, seed, today)
    with platform.session(write=True) as session:
        for event in events:
            repo.save_event(session, event)
        repo.bump_generation(session)
    return f"{len(events)} fiktive Veranstaltungen (fictitious events)"
