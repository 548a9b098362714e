"""Helpers of the events plugin tests: platforms with the plugin, a settable clock, data."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from core import Platform, load_settings
from plugins.events.hooks import service_for
from plugins.events.model import Event, Organisation
from plugins.events.service import EventsService, Principal

OPERATOR_TOKEN = "operator-secret-for-tests"
BERLIN = dt.timezone(dt.timedelta(hours=1))
OPERATOR = Principal(operator=True)


class Clock:
    """A settable clock for the service (aware UTC)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, now: dt.datetime) -> None:
        self.now = now.astimezone(dt.UTC)


#: Every language the plugin ships texts for (the pages and mails are tested in each).
LANGUAGES = ["de", "en", "tr", "ar"]


def settings_overrides(
    url: str, enabled: bool = True, *, outbox: Path | None = None, **events: Any
) -> dict[str, Any]:
    """Test settings; mails go to ``outbox`` (default: an ``outbox`` folder beside a SQLite
    file, else a temporary folder)."""
    plugins: dict[str, Any] = {"enabled": ["events"] if enabled else []}
    if enabled and events:
        plugins["events"] = events
    if outbox is None:
        database = url.removeprefix("sqlite:///")
        outbox = (
            Path(database).parent / "outbox"
            if database != url
            else Path(tempfile.mkdtemp(prefix="events-outbox-"))
        )
    return {
        "portal": {
            "database_url": url,
            "operator_token": OPERATOR_TOKEN,
            "secret_key": "test",
            "languages": LANGUAGES,
        },
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(outbox)},
        "plugins": plugins,
    }


def make_events_platform(url: str, outbox: Path | None = None, **events: Any) -> Platform:
    overrides = settings_overrides(url, outbox=outbox, **events)
    platform = Platform(load_settings(env={}, overrides=overrides))
    platform.upgrade_database()
    return platform


def service(platform: Platform, clock: Clock | None = None) -> EventsService:
    svc = service_for(platform)
    if clock is not None:
        svc.clock = clock
    return svc


def add_organisation(
    svc: EventsService, name: str = "IHK Nord Westfalen", **values: Any
) -> Organisation:
    data = {"name": name, "type": "chamber", "postcode": "45657", "street": "Rathausplatz 7"}
    data.update(values)
    return svc.add_organisation(data)


def add_event(svc: EventsService, **values: Any) -> Event:
    data: dict[str, Any] = {
        "title": "Ausbildungsbörse Marl",
        "kind": "apprenticeship_fair",
        "start": "2026-10-25T10:00",
        "end": "2026-10-25T14:00",
        "place_name": "Rathaus Marl",
        "street": "Creiler Platz 1",
        "postcode": "45768",
        "audiences": ["pupils"],
        "registration": "portal",
        "capacity": 20,
    }
    data.update(values)
    event, _ = svc.save_event(data, OPERATOR)
    return event


def person(n: int) -> dict[str, Any]:
    return {"name": f"Person {n}", "email": f"person{n}@example.org", "consent": True}
