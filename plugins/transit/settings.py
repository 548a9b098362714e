"""The transit plugin's settings (``[plugins.transit]``), validated when the platform starts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from attrs import define, field

__all__ = ["TransitSettings", "parse_clock"]

_CLOCK = re.compile(r"(\d{1,2}):([0-5]\d)")


def parse_clock(text: str) -> int:
    """Seconds after midnight of a ``HH:MM`` time (hours may exceed 23, as in GTFS)."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected a time of day such as 07:00, got {text!r}")
    return int(match[1]) * 3600 + int(match[2]) * 60


def _help(text: str) -> dict[str, Any]:
    return {"help": text}


_LIMITS: dict[str, tuple[float, float]] = {
    "max_walk_m": (50, 3000),
    "transfer_walk_m": (0, 1500),
    "walk_speed_kmh": (1, 20),
    "walk_detour": (1.0, 3.0),
    "departure_window_min": (0, 120),
    "departure_step_min": (1, 60),
    "max_travel_min": (5, 240),
    "max_rides": (1, 20),
    "nearest_stops": (1, 20),
    "cache_size": (1, 10_000),
}


@define
class TransitSettings:
    """How far people walk, when they travel, and which timetable is used."""

    gtfs: str = field(
        default="",
        metadata=_help(
            "GTFS zip imported by 'regiokarte transit import' when no file is named; empty: none."
        ),
    )
    max_walk_m: float = field(
        default=800.0,
        metadata=_help("Longest walk to or from a stop, in metres (straight line x detour)."),
    )
    transfer_walk_m: float = field(
        default=300.0,
        metadata=_help("Longest walk between two stops when changing, in metres."),
    )
    walk_speed_kmh: float = field(default=4.5, metadata=_help("Walking speed in km/h."))
    walk_detour: float = field(
        default=1.3,
        metadata=_help("Factor from straight-line distance to walking distance."),
    )
    departure: str = field(
        default="07:00",
        metadata=_help("Departure time of the travel-time search (HH:MM)."),
    )
    departure_window_min: int = field(
        default=20,
        metadata=_help(
            "Departures from 'departure' to 'departure' + this many minutes are tried; each "
            "company gets the shortest travel time among them."
        ),
    )
    departure_step_min: int = field(
        default=10,
        metadata=_help("Step between the departures tried within the window, in minutes."),
    )
    max_travel_min: int = field(
        default=90,
        metadata=_help("Longest travel time searched; companies further away count as unreached."),
    )
    max_rides: int = field(
        default=6,
        metadata=_help("Most vehicles used in one journey (transfers + 1)."),
    )
    service_date: str = field(
        default="",
        metadata=_help(
            "Date whose timetable is used (YYYY-MM-DD); empty: the busiest Tuesday to "
            "Thursday of the feed."
        ),
    )
    morning_from: str = field(
        default="06:00",
        metadata=_help("Start of the weekday morning counted for departures per hour."),
    )
    morning_to: str = field(
        default="09:00",
        metadata=_help("End of the weekday morning counted for departures per hour."),
    )
    nearest_stops: int = field(
        default=5,
        metadata=_help("How many nearby stops a company profile lists."),
    )
    cache_size: int = field(
        default=64,
        metadata=_help("Travel-time answers (per origin) kept in memory per process."),
    )

    def problems(self) -> list[str]:
        """Every invalid setting, as ``key: what is wrong`` (empty when all are valid).

        Checked when the platform starts (cattrs checks the types first); kept out of attrs
        validators so that each message names its key.
        """
        out = []
        for key, (low, high) in _LIMITS.items():
            value = getattr(self, key)
            if not low <= value <= high:
                out.append(f"{key}: must lie between {low:g} and {high:g}, not {value!r}")
        for key in ("departure", "morning_from", "morning_to"):
            try:
                parse_clock(getattr(self, key))
            except ValueError as exc:
                out.append(f"{key}: {exc}")
        if not out and parse_clock(self.morning_to) <= parse_clock(self.morning_from):
            out.append("morning_to: must be later than morning_from")
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
    def departures(self) -> list[int]:
        """The departure times tried, in seconds after midnight."""
        start = parse_clock(self.departure)
        step = self.departure_step_min * 60
        return list(range(start, start + self.departure_window_min * 60 + 1, step))
