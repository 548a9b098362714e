"""What a company's profile shows about public transport: nearby stops, lines, departures,
and the connection to the nearest railway station."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from core import catalog
from core import format_metres
from core import format_minutes
from core import format_number
from core import haversine_m
from markupsafe import escape

from plugins.transit import timetable as tt
from plugins.transit.service import DOMAIN
from plugins.transit.service import Origin
from plugins.transit.service import TransitService

if TYPE_CHECKING:
    from core import Company

__all__ = ["company_connection", "profile_section"]

#: The kinds of lines by GTFS route type (their texts: ``route_type.<kind>`` in the catalog).
ROUTE_TYPES = {
    0: "tram",
    1: "subway",
    2: "rail",
    3: "bus",
    4: "ferry",
    5: "cable_tram",
    6: "aerial_lift",
    7: "funicular",
    11: "trolleybus",
    12: "monorail",
}


def _route_kind(route_type: int, lang: str) -> str:
    # extended route types group by hundreds: 1xx rail, 2xx coach, 4xx urban rail, 7xx bus,
    # 8xx trolleybus, 9xx tram, 10xx water, 13xx aerial lift, 14xx funicular
    extended = {1: 2, 2: 3, 4: 1, 7: 3, 8: 11, 9: 0, 10: 4, 13: 6, 14: 7}
    base = route_type if route_type < 100 else extended.get(route_type // 100, 3)
    return catalog(DOMAIN).text(f"route_type.{ROUTE_TYPES.get(base, 'line')}", lang)


def company_connection(
    service: TransitService, lat: float, lon: float, lang: str = "de"
) -> dict[str, Any]:
    """Nearby stops (with lines and departures per hour) and the way to the nearest station."""
    state = service.state()
    walking = service.walking
    out: dict[str, Any] = {
        "feed": state is not None,
        "service_date": state.date if state is not None else None,
        "departure": service.settings.window_label,
        "stops": [],
        "station": None,
    }
    if state is not None and len(state.stops):
        rows, stops, metres = state.tree.within(
            np.array([lat]), np.array([lon]), walking.max_straight_m
        )
        if len(stops) == 0:
            nearest, distance = state.tree.nearest(np.array([lat]), np.array([lon]))
            stops, metres = nearest, distance
        routes = service.stop_routes(state)
        # platforms, entrances and the station node are one place: listed once, under the
        # station's name, with the lines and departures of all its platforms
        members: dict[int, list[int]] = {}
        for i, key in enumerate(state.station_of.tolist()):
            if key != i:
                members.setdefault(key, []).append(i)
        seen: set[int] = set()
        for stop, straight in zip(stops.tolist(), metres.tolist(), strict=True):
            place = int(state.station_of[stop])
            if place in seen:
                continue
            if len(out["stops"]) >= service.settings.nearest_stops:
                break
            seen.add(place)
            served = {r for member in [place, *members.get(place, [])] for r in routes[member]}
            lines = sorted({state.route_names.get(r, ("?", 3, ""))[:2] for r in served})
            out["stops"].append(
                {
                    "stop_id": state.stops.stop_ids[place],
                    "name": state.stops.names[place],
                    "lat": float(state.stops.lat[stop]),
                    "lon": float(state.stops.lon[stop]),
                    "distance_m": round(float(straight), 0),
                    "walk_m": round(float(walking.length_m(straight)), 0),
                    "walk_min": round(float(walking.seconds(straight)) / 60, 1),
                    "within_walk": bool(walking.length_m(straight) <= walking.max_walk_m),
                    "lines": [
                        {"name": name, "kind": _route_kind(kind, lang)} for name, kind in lines
                    ],
                    "departures_per_hour": round(float(state.station_per_hour[place]), 1),
                }
            )
    found, tree = service.stations()
    index, metres = tree.nearest(np.array([lat]), np.array([lon]))
    if len(tree) and metres[0] <= service.settings.station_max_km * 1000:
        station = found.stations[int(index[0])]
        seconds = service.travel_seconds(
            Origin(lat, lon, "company"), np.array([station.lat]), np.array([station.lon])
        )[0]
        rides = _rides_to(service, Origin(lat, lon, "company"), station.lat, station.lon)
        out["station"] = {
            "name": station.name,
            "eva_id": station.eva_id,
            "lat": station.lat,
            "lon": station.lon,
            "distance_m": round(float(metres[0]), 0),
            "travel_min": None
            if not np.isfinite(seconds) or seconds > service.horizon
            else round(float(seconds) / 60, 1),
            "vehicles": rides,
            "attribution": found.attribution,
        }
    return out


def _rides_to(service: TransitService, origin: Origin, lat: float, lon: float) -> int | None:
    """Vehicles used on the fastest way to a point (0: walking), None when unreached."""
    state = service.state()
    walking = service.walking
    direct = float(haversine_m(origin.lat, origin.lon, lat, lon))
    best, rides = np.inf, None
    if direct <= walking.max_straight_m:
        best, rides = float(walking.seconds(direct)), 0
    answer = service.route_from(origin)
    if answer is None or state is None:
        return rides
    _, stops, metres = state.tree.within(np.array([lat]), np.array([lon]), walking.max_straight_m)
    for stop, straight in zip(stops.tolist(), metres.tolist(), strict=True):
        if answer.stop_seconds[stop] >= tt.INF:
            continue
        total = float(answer.stop_seconds[stop] + walking.seconds(straight))
        if total < best:
            best, rides = total, int(answer.stop_rides[stop])
    return rides if best <= service.horizon else None


def _stop_service(stop: dict[str, Any], lang: str) -> list[str]:
    """A stop's lines and morning departures as escaped parts; a stop the timetable serves
    with no line says so instead of showing a dash and zero departures."""
    say = catalog(DOMAIN).text
    if not stop["lines"]:
        return [escape(say("profile.no_lines", lang))]
    parts = [", ".join(f"{escape(x['kind'])} {escape(x['name'])}" for x in stop["lines"])]
    if stop["departures_per_hour"]:
        rate = format_number(stop["departures_per_hour"], lang, 1)
        parts.append(escape(say("profile.per_hour", lang, n=rate)))
    return parts


def _stops_html(info: dict[str, Any], lang: str) -> str:
    """The nearby stops with their lines and departures (or that there is no timetable)."""
    say = catalog(DOMAIN).text
    if not info["feed"]:
        return f"<p>{escape(say('profile.no_feed', lang))}</p>"
    items = []
    for stop in info["stops"]:
        walk = f"{format_metres(stop['walk_m'], lang)}, {format_minutes(stop['walk_min'], lang)}"
        items.append(
            f"<li><strong>{escape(stop['name'])}</strong> ({walk}): "
            f"{'; '.join(_stop_service(stop, lang))}</li>"
        )
    return f"<h3>{escape(say('profile.stops', lang))}</h3><ul>{''.join(items)}</ul>"


def _station_html(station: dict[str, Any], departure: str, lang: str) -> str:
    """The nearest railway station: distance and the way there by bus, train and on foot."""
    say = catalog(DOMAIN).text
    name = escape(station["name"])
    distance = format_metres(station["distance_m"], lang)
    if station["travel_min"] is None:
        how = say("profile.unreachable", lang)
    else:
        how = say("profile.travel", lang, duration=format_minutes(station["travel_min"], lang))
    when = say("profile.when", lang, time=departure)
    return (
        f"<h3>{escape(say('profile.station', lang))}</h3><p>{name}, {distance}: "
        f"{escape(how)} {escape(when)}. <small>{escape(station['attribution'])}</small></p>"
    )


def profile_section(service: TransitService, company: Company, lang: str) -> Any:
    """The profile page section (``ProfileSection``), None without a location."""
    if company.location is None:
        return None
    from core import ProfileSection

    info = company_connection(service, company.location.lat, company.location.lon, lang)
    parts = [_stops_html(info, lang)]
    if info["station"] is not None:
        parts.append(_station_html(info["station"], info["departure"], lang))
    title = catalog(DOMAIN).text("profile.title", lang)
    return ProfileSection.from_parts("transit", title, parts, order=50)
