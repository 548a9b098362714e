"""The events plugin's hook implementations: filter, layers, migrations, commands, web, profile."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from core import BBox
from core import Feature
from core import FilterKind
from core import FilterSpec
from core import IndexSource
from core import Layer
from core import NavLink
from core import PluginManifest
from core import PluginService
from core import hookimpl
from core import list_hook
from core import migrations_hook
from core import point_feature

from plugins.events import vocab
from plugins.events.service import EventsService
from plugins.events.settings import EventsSettings

if TYPE_CHECKING:
    import datetime as dt

    import numpy as np
    from core import AlertItem
    from core import Company
    from core import Platform
    from core import ProfileSection
    from core import SearchQuery

    from plugins.events.model import Event

__all__ = [
    "MANIFEST",
    "alert_matches",
    "company_changed",
    "profile_sections",
    "register_blueprints",
    "register_commands",
    "register_datasets",
    "register_filters",
    "register_layers",
    "register_migrations",
    "register_navigation",
    "service_for",
]

MANIFEST = PluginManifest(
    name="events",
    title_de="Veranstaltungen",
    title_en="Events",
    version="0.1.0",
    settings=EventsSettings,
    description=(
        "Events of the region's actors (job fairs, info events, open days, ...): calendar, "
        "map layers, iCalendar feeds and import, registration with waiting list."
    ),
)

service_for = PluginService("events", EventsService)
register_migrations = migrations_hook(__file__)
register_commands = list_hook("plugins.events.cli:events_group")
register_navigation = list_hook(
    NavLink("/veranstaltungen", "Veranstaltungen", "Events", order=10, plugin="events")
)
register_datasets = list_hook("plugins.events.datasets:events_dataset")


@hookimpl
def register_blueprints(platform: Platform) -> list[Any]:
    # the web modules import this module (service_for): imported when the app asks
    from plugins.events.api import blp
    from plugins.events.views import bp as pages

    return [blp, pages]


@hookimpl
def register_filters(platform: Platform) -> list[FilterSpec]:
    service = service_for(platform)

    def column(source: IndexSource) -> np.ndarray:
        return source.multichoice_column(service.company_kinds_column(source), vocab.KINDS)

    return [
        FilterSpec(
            "events_kind",
            "Bietet Veranstaltungen an",
            "Offers events",
            FilterKind.MULTICHOICE,
            column=column,
            choices=vocab.KINDS,
            help_de=(
                "Unternehmen mit kommenden Veranstaltungen dieser Art (z. B. Tag der offenen Tür)."
            ),
            help_en="Companies with upcoming events of this kind (e.g. an open day).",
            plugin="events",
            group="events",
        )
    ]


def _event_lines(event: Event, lang: str) -> list[str | None]:
    """What an event's popup on the map says: cancelled?, kind, when, where."""
    from plugins.events.texts import format_when
    from plugins.events.texts import text

    cancelled = text("cancelled", lang) if event.status == "cancelled" else None
    return [cancelled, event.kind_label(lang), format_when(event, lang), event.place.one_line()]


@hookimpl
def register_layers(platform: Platform) -> list[Layer]:
    service = service_for(platform)

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

    layers = [
        Layer(
            "events", "Veranstaltungen", "Events", event_features, plugin="events", marker="event"
        )
    ]
    if service.settings.actors_layer:
        layers.append(
            Layer(
                "events_actors",
                "Beratung & Anlaufstellen",
                "Advice & contact points",
                actor_features,
                plugin="events",
                marker="actor",
            )
        )
    return layers


@hookimpl
def company_changed(platform: Platform, company_id: int, deleted: bool) -> None:
    """A deleted company's organisation stays (its events too) but no longer points to it."""
    if deleted:
        service_for(platform).forget_company(company_id)


@hookimpl
def profile_sections(platform: Platform, company: Company, lang: str) -> list[ProfileSection]:
    from plugins.events.profile import profile_section

    if company.id is None:
        return []
    section = profile_section(service_for(platform), company.id, lang)
    return [section] if section is not None else []


@hookimpl
def alert_matches(platform: Platform, query: SearchQuery, since: dt.datetime) -> list[AlertItem]:
    from plugins.events.alerts import alert_matches as new_events

    return new_events(service_for(platform), query, since)
