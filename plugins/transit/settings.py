"""The transit plugin's settings (``[plugins.transit]``), validated when the platform starts."""

from __future__ import annotations

import datetime as dt
import re

from attrs import define
from core import range_problems
from core import setting

__all__ = ["TransitSettings", "format_clock", "parse_clock", "parse_window"]

_CLOCK = re.compile(r"(\d{1,2}):([0-5]\d)")
DAY = 86_400
#: Longest departure window (minutes): each departure tried costs one router row.
MAX_WINDOW_MIN = 120


def parse_clock(text: str) -> int:
    """Seconds after midnight of a ``HH:MM`` time (hours may exceed 23, as in GTFS)."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected a time of day such as 07:00, got {text!r}")
    return int(match[1]) * 3600 + int(match[2]) * 60


def format_clock(seconds: int) -> str:
    """``HH:MM`` of seconds after midnight (past 24:00 shown as the next day's time)."""
    seconds %= DAY
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def parse_window(text: str, window_min: int = 0) -> tuple[int, int]:
    """(first, last) departure in seconds after midnight of the service day, from ``HH:MM``
    (the window then lasts ``window_min`` minutes) or a range ``HH:MM-HH:MM``; a range whose
    end is earlier than its start ends on the next day (``23:30-00:30``)."""
    first_text, dash, last_text = text.partition("-")
    first = parse_clock(first_text)
    if first >= DAY:
        raise ValueError(
            "a departure starts within the service day (00:00 to 23:59), "
            f"not at {first_text.strip()!r}"
        )
    if not dash:
        return first, first + window_min * 60
    last = parse_clock(last_text)
    if last >= DAY:
        raise ValueError(f"expected a time of day such as 07:30 after '-', got {last_text!r}")
    if last < first:
        last += DAY
    if last - first > MAX_WINDOW_MIN * 60:
        raise ValueError(
            f"the departure window {text.strip()!r} is longer than {MAX_WINDOW_MIN} minutes"
        )
    return first, last


_LIMITS: dict[str, tuple[float, float]] = {
    "max_walk_m": (50, 3000),
    "transfer_walk_m": (0, 1500),
    "walk_speed_kmh": (1, 20),
    "walk_detour": (1.0, 3.0),
    "departure_window_min": (0, MAX_WINDOW_MIN),
    "min_transfer_min": (0, 30),
    "departure_step_min": (1, 60),
    "max_travel_min": (5, 240),
    "max_rides": (1, 20),
    "nearest_stops": (1, 20),
    "station_max_km": (1, 200),
    "cache_size": (1, 10_000),
}


@define
class TransitSettings:
    """How far people walk, when they travel, and which timetable is used."""

    gtfs: str = setting(
        "", "GTFS zip imported by 'regiokarte transit import' when no file is named; empty: none."
    )
    max_walk_m: float = setting(
        800.0, "Longest walk to or from a stop, in metres (straight line x detour)."
    )
    transfer_walk_m: float = setting(
        300.0, "Longest walk between two stops when changing, in metres."
    )
    walk_speed_kmh: float = setting(4.5, "Walking speed in km/h.")
    walk_detour: float = setting(1.3, "Factor from straight-line distance to walking distance.")
    departure: str = setting(
        "07:00",
        "Departure of the travel-time search: a time (HH:MM, the window then lasts "
        "departure_window_min) or a range (HH:MM-HH:MM, e.g. 06:30-07:30 or 23:30-00:30).",
    )
    departure_window_min: int = setting(
        20,
        "With a single departure time: departures from 'departure' to 'departure' + this "
        "many minutes are tried; each company gets the shortest travel time among them.",
    )
    departure_step_min: int = setting(
        10,
        "Step between the departures tried within the window, in minutes (the window's "
        "end is always tried).",
    )
    min_transfer_min: float = setting(
        2.0,
        "Minutes a change between two vehicles at the same stop takes at least; a "
        "transfers.txt rule from a stop to itself wins for that stop.",
    )
    max_travel_min: int = setting(
        90, "Longest travel time searched; companies further away count as unreached."
    )
    max_rides: int = setting(6, "Most vehicles used in one journey (transfers + 1).")
    service_date: str = setting(
        "",
        "Date whose timetable is used (YYYY-MM-DD); empty: the busiest Tuesday to "
        "Thursday of the feed.",
    )
    morning_from: str = setting(
        "06:00", "Start of the weekday morning counted for departures per hour."
    )
    morning_to: str = setting(
        "09:00", "End of the weekday morning counted for departures per hour."
    )
    nearest_stops: int = setting(5, "How many nearby stops a company profile lists.")
    stations: str = setting(
        "auto",
        "Railway stations: 'db' (the DB station list shipped with the plugin, filtered "
        "to the region), 'gtfs' (the feed's stops served by rail routes), 'auto' (db, or "
        "gtfs where the DB list has no station in the region), 'none', or the path of a "
        "file in the DB station list format (NDJSON, .gz or CSV), filtered to the region.",
    )
    station_max_km: float = setting(
        30.0, "A company's nearest railway station is shown only within this many km."
    )
    cache_size: int = setting(64, "Travel-time answers (per origin) kept in memory per process.")

    def problems(self) -> list[str]:
        """Every invalid setting, as ``key: what is wrong`` (empty when all are valid).

        Checked when the platform starts (cattrs checks the types first); kept out of attrs
        validators so that each message names its key.
        """
        out = []
        out.extend(range_problems(self, _LIMITS))
        for key in ("morning_from", "morning_to"):
            try:
                parse_clock(getattr(self, key))
            except ValueError as exc:
                out.append(f"{key}: {exc}")
        try:
            parse_window(self.departure, 0)
        except ValueError as exc:
            out.append(f"departure: {exc}")
        if not out and parse_clock(self.morning_to) <= parse_clock(self.morning_from):
            out.append("morning_to: must be later than morning_from")
        if self.stations not in ("auto", "db", "gtfs", "none"):
            from plugins.transit.stations import read_station_file

            try:
                read_station_file(self.stations)
            except ValueError as exc:
                out.append(f"stations: expected auto, db, gtfs, none or a station file; {exc}")
        if self.service_date:
            try:
                dt.date.fromisoformat(self.service_date)
            except ValueError:
                out.append(
                    f"service_date: expected a date such as 2026-03-10 or nothing, "
                    f"not {self.service_date!r}"
                )
        return out

    @property
    def walk_speed_mps(self) -> float:
        return self.walk_speed_kmh / 3.6

    @property
    def window(self) -> tuple[int, int]:
        """First and last departure tried, seconds after midnight of the service day."""
        return parse_window(self.departure, self.departure_window_min)

    @property
    def departures(self) -> list[int]:
        """The departure times tried, in seconds after midnight of the service day: from
        the window's start every ``departure_step_min`` minutes, and its end."""
        first, last = self.window
        out = list(range(first, last + 1, self.departure_step_min * 60))
        if out[-1] != last:
            out.append(last)
        return out

    @property
    def window_label(self) -> str:
        """The departure window as people read it, e.g. ``07:00-07:20``."""
        first, last = self.window
        return (
            format_clock(first) if first == last else f"{format_clock(first)}-{format_clock(last)}"
        )

    @property
    def min_transfer_s(self) -> int:
        return round(self.min_transfer_min * 60)
