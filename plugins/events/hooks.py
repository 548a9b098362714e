"""The events plugin's hook implementations: filter, layers, migrations, commands, web, profile."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from core import BBox
from core import Feature
from core import IndexSource
from core import PluginHooks
from core import hookimpl
from core import point_feature

from plugins.events import vocab
from plugins.events.service import EventsService
from plugins.events.settings import EventsSettings

if TYPE_CHECKING:
    import datetime as dt

    import numpy as np
    from core import AlertItem
    from core import Platform
    from core import SearchQuery

    from plugins.events.model import Event


__all__ = ["HOOKS", "MANIFEST", "alert_matches", "company_changed", "service_for"]


def filters(service: EventsService) -> dict[str, dict[str, Any]]:
    """The index column of the filter that plugin.toml declares."""

    def column(source: IndexSource) -> np.ndarray:
        return source.multichoice_column(service.company_kinds_column(source), vocab.KINDS)

    return {"events_kind": {"column": column, "choices": vocab.KINDS}}


def _event_lines(event: Event, lang: str) -> list[str | None]:
    """What an event's popup on the map says: cancelled?, kind, when, where."""
    from plugins.events.texts import format_when
    from plugins.events.texts import text

    cancelled = text("cancelled", lang) if event.status == "cancelled" else None
    return [cancelled, event.kind_label(lang), format_when(event, lang), event.place.one_line()]


def layers(service: EventsService) -> dict[str, dict[str, Any] | None]:
    """The events layer and, if the settings want it, the layer of advice and contact points."""

    def inside(lat: float | None, lon: float | None, bbox: BBox | None) -> bool:
        if lat is None or lon is None:
            return False
        return bbox is None or (bbox.south <= lat <= bbox.north and bbox.west <= lon <= bbox.east)

    def event_features(bbox: BBox | None, lang: str) -> list[Feature]:
        return [
            point_feature(
                f"event-{event.id}",
                event.place.lat,  # type: ignore[arg-type]
                event.place.lon,  # type: ignore[arg-type]
                {
                    "title": event.title,
                    "kind": event.kind,
                    "kind_label": event.kind_label(lang),
                    "start": event.local_start.isoformat(),
                    "end": event.local_end.isoformat(),
                    "town": event.place.town,
                    "place": event.place.one_line(),
                    "cancelled": event.status == "cancelled",
                    "url": service.event_path(event),
                },
                title=event.title,
                lines=_event_lines(event, lang),
                link=service.event_path(event),
            )
            for event in service.upcoming()
            if inside(event.place.lat, event.place.lon, bbox)
        ]

    def actor_features(bbox: BBox | None, lang: str) -> list[Feature]:
        return [
            point_feature(
                f"organisation-{o.id}",
                o.place.lat,  # type: ignore[arg-type]
                o.place.lon,  # type: ignore[arg-type]
                {
                    "name": o.name,
                    "type": o.type,
                    "type_label": o.type_label(lang),
                    "address": o.place.one_line(),
                    "description": o.description,
                    "email": o.email,
                    "phone": o.phone,
                    "website": o.website,
                },
                title=o.name,
                lines=[o.type_label(lang), o.place.one_line(), o.phone],
                link=o.website or None,
            )
            for o in service.organisations()
            if o.show_on_map and o.type != "company" and inside(o.place.lat, o.place.lon, bbox)
        ]

    return {
        "events": {"features": event_features},
        "events_actors": {"features": actor_features} if service.settings.actors_layer else None,
    }


@hookimpl
def company_changed(platform: Platform, company_id: int, deleted: bool) -> None:
    """A deleted company's organisation stays (its events too) but no longer points to it."""
    if deleted:
        service_for(platform).forget_company(company_id)


@hookimpl
def alert_matches(platform: Platform, query: SearchQuery, since: dt.datetime) -> list[AlertItem]:
    from plugins.events.alerts import alert_matches as new_events

    return new_events(service_for(platform), query, since)


HOOKS = PluginHooks(
    __name__, EventsService, settings=EventsSettings, filters=filters, layers=layers
)
MANIFEST = HOOKS.manifest
service_for = HOOKS.service_for
