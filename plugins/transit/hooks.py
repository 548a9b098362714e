"""The transit plugin's hook implementations: filters, layers, migrations, commands, web."""

from __future__ import annotations

from typing import Any

from core import BBox
from core import Feature
from core import PluginHooks
from core import Text
from core import catalog
from core import format_number
from core import point_feature
from sqlalchemy import select

from plugins.transit import tables as t
from plugins.transit.service import DOMAIN
from plugins.transit.service import TransitService
from plugins.transit.settings import TransitSettings

__all__ = ["HOOKS", "MANIFEST", "service_for"]

#: Most stops one layer request returns (the map asks per view; a region has ~30,000).
MAX_LAYER_FEATURES = 5000


def filters(service: TransitService) -> dict[str, dict[str, Any]]:
    """The index columns of the filters that plugin.toml declares, and the texts and limits
    that follow the settings."""
    settings = service.settings
    return {
        "transit_stop_m": {"column": service.nearest_stop_column},
        "transit_departures": {
            "column": service.departures_column,
            "help": Text.message(
                DOMAIN,
                "filter.transit_departures.help",
                start=settings.morning_from,
                end=settings.morning_to,
            ),
        },
        "transit_time": {
            "dynamic": {
                "compute": service.travel_column,
                "parse": service.parse_origin,
                "cache_size": settings.cache_size,
            },
            "maximum": settings.max_travel_min,
            "help": Text.message(DOMAIN, "filter.transit_time.help", window=settings.window_label),
        },
    }


def _route_label(names: dict[int, tuple[str, int, str]], route: int) -> str:
    return names.get(route, ("?", 3, ""))[0]


def _stop_popup_lines(routes: list[str], per_hour: float | None, lang: str) -> list[str | None]:
    """``Linien: SB 20, 211`` and ``6 Abfahrten pro Stunde (werktags morgens)`` for a stop's
    popup (no departures line for a stop where the morning has none, a terminus)."""
    say = catalog(DOMAIN).text
    served = say("stop.lines", lang, lines=", ".join(routes)) if routes else None
    if not per_hour:
        return [served]
    if per_hour == 1:
        return [served, say("stop.departures_one", lang)]
    hourly = format_number(per_hour, lang, 0 if float(per_hour).is_integer() else 1)
    return [served, say("stop.departures", lang, n=hourly)]


def _stop_feature(row: Any, lines: list[str], per_hour: float | None, lang: str) -> Feature:
    return point_feature(
        f"stop-{row.stop_id}",
        float(row.lat),
        float(row.lon),
        {
            "stop_id": row.stop_id,
            "name": row.name,
            "station": row.location_type == 1,
            "lines": lines,
            "departures_per_hour": per_hour,
        },
        title=row.name,
        lines=_stop_popup_lines(lines, per_hour, lang),
    )


def _station_feature(station: Any, lang: str) -> Feature:
    return point_feature(
        f"station-{station.eva_id}",
        station.lat,
        station.lon,
        {"name": station.name, "eva_id": station.eva_id, "city": station.city},
        title=station.name,
        lines=[
            catalog(DOMAIN).text("stop.station", lang),
            station.city if station.city not in station.name else None,
        ],
    )


def layers(service: TransitService) -> dict[str, dict[str, Any]]:
    """The layers of stops and of railway stations."""
    platform = service.platform

    def stop_features(bbox: BBox | None, lang: str) -> list[Feature]:
        s = t.stops
        query = select(s.c.id, s.c.stop_id, s.c.name, s.c.lat, s.c.lon, s.c.location_type)
        if bbox is not None:
            query = query.where(
                s.c.lat.between(bbox.south, bbox.north), s.c.lon.between(bbox.west, bbox.east)
            )
        query = query.order_by(s.c.id).limit(MAX_LAYER_FEATURES)
        with platform.session() as session:
            rows = session.execute(query).all()
        state = service.state()
        routes = service.stop_routes(state) if state is not None else None
        position = (
            {int(db_id): i for i, db_id in enumerate(state.stops.ids)} if state is not None else {}
        )
        # a station node has no departures of its own: it shows those of its platforms
        members: dict[int, list[int]] = {}
        if state is not None:
            for member, key in enumerate(state.station_of.tolist()):
                members.setdefault(key, []).append(member)
        features = []
        for row in rows:
            lines: list[str] = []
            per_hour = None
            i = position.get(int(row.id))
            if state is not None and routes is not None and i is not None:
                group = members.get(i, [i]) if row.location_type == 1 else [i]
                lines = sorted(
                    {_route_label(state.route_names, r) for m in group for r in routes[m]}
                )
                hourly = state.station_per_hour[i] if row.location_type == 1 else None
                per_hour = round(float(state.stop_per_hour[i] if hourly is None else hourly), 1)
            features.append(_stop_feature(row, lines, per_hour, lang))
        return features

    def station_features(bbox: BBox | None, lang: str) -> list[Feature]:
        out = []
        found, _ = service.stations()
        for station in found.stations:
            if bbox is not None and not (
                bbox.south <= station.lat <= bbox.north and bbox.west <= station.lon <= bbox.east
            ):
                continue
            out.append(_station_feature(station, lang))
        return out

    return {
        "transit_stops": {"features": stop_features},
        "transit_stations": {
            "features": station_features,
            "attribution": service.station_attribution(),
        },
    }


HOOKS = PluginHooks(
    __name__, TransitService, settings=TransitSettings, filters=filters, layers=layers
)
MANIFEST = HOOKS.manifest
service_for = HOOKS.service_for
