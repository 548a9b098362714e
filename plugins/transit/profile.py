"""What a company's profile shows about public transport: nearby stops, lines, departures,
and the connection to the nearest railway station."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from core import format_metres
from core import format_minutes
from core import format_number
from core import haversine_m
from markupsafe import escape

from plugins.transit import timetable as tt
from plugins.transit.service import Origin
from plugins.transit.service import TransitService

if TYPE_CHECKING:
    from core import Company

__all__ = ["company_connection", "profile_section"]

ROUTE_TYPES = {
    0: ("Straßenbahn", "Tram"),
    1: ("U-Bahn", "Subway"),
    2: ("Zug", "Rail"),
    3: ("Bus", "Bus"),
    4: ("Fähre", "Ferry"),
    5: ("Seilbahn", "Cable tram"),
    6: ("Seilbahn", "Aerial lift"),
    7: ("Standseilbahn", "Funicular"),
    11: ("Oberleitungsbus", "Trolleybus"),
    12: ("Einschienenbahn", "Monorail"),
}


def _route_kind(route_type: int, lang: str) -> str:
    # extended route types group by hundreds: 1xx rail, 2xx coach, 4xx urban rail, 7xx bus,
    # 8xx trolleybus, 9xx tram, 10xx water, 13xx aerial lift, 14xx funicular
    extended = {1: 2, 2: 3, 4: 1, 7: 3, 8: 11, 9: 0, 10: 4, 13: 6, 14: 7}
    base = route_type if route_type < 100 else extended.get(route_type // 100, 3)
    de, en = ROUTE_TYPES.get(base, ("Linie", "Line"))
    return en if lang == "en" else de


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


def profile_section(service: TransitService, company: Company, lang: str) -> Any:
    """The profile page section (``ProfileSection``), None without a location."""
    if company.location is None:
        return None
    from core import ProfileSection

    info = company_connection(service, company.location.lat, company.location.lon, lang)
    en = lang == "en"
    parts: list[str] = []
    if not info["feed"]:
        parts.append("<p>No timetable imported.</p>" if en else "<p>Kein Fahrplan importiert.</p>")
    else:
        items = []
        for stop in info["stops"]:
            lines = ", ".join(f"{escape(x['kind'])} {escape(x['name'])}" for x in stop["lines"])
            walk = (
                f"{format_metres(stop['walk_m'], lang)}, {format_minutes(stop['walk_min'], lang)}"
            )
            rate = format_number(stop["departures_per_hour"], lang, 1)
            per_hour = f"{rate} departures/h" if en else f"{rate} Abfahrten/Std."
            items.append(
                f"<li><strong>{escape(stop['name'])}</strong> ({walk}): {lines or '-'}; "
                f"{per_hour}</li>"
            )
        heading = "Stops nearby" if en else "Haltestellen in der Nähe"
        parts.append(f"<h3>{heading}</h3><ul>{''.join(items)}</ul>")
    station = info["station"]
    if station is not None:
        name = escape(station["name"])
        distance = format_metres(station["distance_m"], lang)
        if station["travel_min"] is None:
            how = (
                "not reachable within the search time" if en else "im Suchzeitraum nicht erreichbar"
            )
        else:
            how = (
                f"{format_minutes(station['travel_min'], lang)} by public transport and on foot"
                if en
                else f"{format_minutes(station['travel_min'], lang)} mit Bus/Bahn und zu Fuß"
            )
        when = (
            f"(weekdays, leaving {escape(info['departure'])})"
            if en
            else f"(werktags, Abfahrt {escape(info['departure'])} Uhr)"
        )
        title = "Nearest railway station" if en else "Nächster Bahnhof"
        parts.append(
            f"<h3>{title}</h3><p>{name}, {distance}: {how} {when}. "
            f"<small>{escape(station['attribution'])}</small></p>"
        )
    title = "Public transport" if en else "Bus und Bahn"
    return ProfileSection.from_parts("transit", title, parts, order=50)
