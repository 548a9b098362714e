"""The Kita model: a childcare facility as a plain attrs value, its age groups and hours.

Nothing here knows about SQL, HTTP or file formats; importers build ``Kita`` values, the
repository stores them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from attrs import field
from attrs import frozen
from core import Sentence
from core import parse_yes_no
from core import read_data_file
from core import row_values

__all__ = [
    "AGE_GROUPS",
    "DOMAIN",
    "Hours",
    "Kita",
    "age_groups_from_range",
    "age_groups_from_text",
    "format_clock",
    "parse_opening_hours",
]


#: The age groups, youngest first (Krippe, Kindergarten, Hort): core ``Term``s, read from data.
#: The catalog domain of the plugin's texts (``locale/messages.toml``).
DOMAIN = "childcare"
AGE_GROUPS = read_data_file(__package__, "vocab.toml").vocabulary("age_groups", "age group")
AGE_CODES = tuple(a.code for a in AGE_GROUPS)
MAX_NAME = 300


def format_clock(minutes: int | None) -> str:
    """``1020`` -> ``17:00``; empty for None."""
    if minutes is None:
        return ""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _codes(values: Iterable[str]) -> tuple[str, ...]:
    wanted = set(values)
    unknown = wanted - set(AGE_CODES)
    if unknown:
        raise ValueError(
            f"unknown age group(s) {', '.join(sorted(unknown))}; valid: {', '.join(AGE_CODES)}"
        )
    return tuple(c for c in AGE_CODES if c in wanted)


def _languages(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip().lower() for v in values if v and v.strip()))


#: lists and a plain dict for JSON (columns and API alike)
_PLAIN = {"age_groups": list, "languages": list, "extra": dict}


@frozen(kw_only=True)
class Kita:
    """A Kita (childcare facility): where it is, who runs it, whom and when it cares for."""

    source: str
    source_id: str
    name: str = field(converter=_text)
    lat: float = field(converter=float)
    lon: float = field(converter=float)
    id: int | None = None
    operator: str = field(default="", converter=_text)
    street: str = field(default="", converter=_text)
    postcode: str = field(default="", converter=_text)
    town: str = field(default="", converter=_text)
    district: str = field(default="", converter=_text)
    age_groups: tuple[str, ...] = field(default=(), converter=_codes)
    places: int | None = None
    opening_hours: str = field(default="", converter=_text)
    opens: int | None = None
    closes: int | None = None
    concept: str = field(default="", converter=_text)
    languages: tuple[str, ...] = field(default=(), converter=_languages)
    inclusion: bool | None = None
    lunch: bool | None = None
    phone: str = field(default="", converter=_text)
    email: str = field(default="", converter=_text)
    website: str = field(default="", converter=_text)
    notes: str = field(default="", converter=_text)
    extra: Mapping[str, Any] = field(factory=dict, eq=True)

    def problems(self) -> list[tuple[str, Sentence]]:
        """What is wrong with this Kita, by field (empty when it can be stored)."""
        out = []
        if not self.name:
            out.append(("name", Sentence.message(DOMAIN, "check.no_name")))
        elif len(self.name) > MAX_NAME:
            out.append(("name", Sentence.message(DOMAIN, "check.long_name", limit=MAX_NAME)))
        if not self.source_id:
            out.append(("source_id", Sentence.message(DOMAIN, "check.no_id")))
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180) or (
            self.lat != self.lat or self.lon != self.lon
        ):
            where = {"lat": self.lat, "lon": self.lon}
            out.append(("lat", Sentence.message(DOMAIN, "check.bad_location", **where)))
        if self.places is not None and not 0 <= self.places <= 100_000:
            places = Sentence.message(DOMAIN, "check.bad_places", places=self.places)
            out.append(("places", places))
        return out

    @property
    def address(self) -> str:
        place = " ".join(p for p in (self.postcode, self.town) if p)
        return ", ".join(p for p in (self.street, place) if p)

    def serves(self, code: str) -> bool:
        return code in self.age_groups

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the API's shape)."""
        data = row_values(self, convert=_PLAIN)
        data["opens"] = format_clock(self.opens) or None
        data["closes"] = format_clock(self.closes) or None
        data["address"] = self.address
        return data

    def storable(self) -> dict[str, Any]:
        """The values the repository compares and writes (everything but the id)."""
        return row_values(self, exclude=("id",), convert=_PLAIN)


# --- age groups from the ways publishers write them -----------------------------------------

_KEYWORDS = (
    ("u3", ("krippe", "u3", "u 3", "unter 3", "under 3", "nursery", "kleinkind", "0-3", "1-3")),
    ("3to6", ("kindergarten", "ü3", "ue3", "über 3", "ueber 3", "elementar", "3-6")),
    ("school", ("hort", "schul", "school", "6-10", "6-12", "6-14", "after-school")),
)
_RANGE = re.compile(r"(\d{1,2})\s*(?:-|–|bis|to)\s*(\d{1,2})")


def age_groups_from_range(low: float | None, high: float | None) -> tuple[str, ...]:
    """Age groups overlapping the ages ``low`` to ``high`` (years; open ends allowed).

    A Kita for "1-6" serves under-3s and 3 to 6; school age starts at 6.
    """
    lo = 0.0 if low is None else low
    hi = 99.0 if high is None else high
    out = []
    if lo < 3:
        out.append("u3")
    if lo < 6 and hi > 3:
        out.append("3to6")
    if hi > 6:
        out.append("school")
    return tuple(out)


def age_groups_from_text(text: str) -> tuple[str, ...] | None:
    """Age groups from free text ('0-3; 3-6', 'Krippe, Hort', '1-6 Jahre'); None if unreadable."""
    folded = text.casefold()
    found: set[str] = set()
    for low, high in _RANGE.findall(folded):
        if int(low) < int(high):
            found.update(age_groups_from_range(int(low), int(high)))
    for code, words in _KEYWORDS:
        if any(word in folded for word in words):
            found.add(code)
    if not found:
        return None
    return tuple(c for c in AGE_CODES if c in found)


# --- opening hours ---------------------------------------------------------------------------


@frozen
class Hours:
    """What the importer reads from an opening-hours text: the latest opening and the
    earliest closing over the weekdays (Monday to Friday) the text gives hours for."""

    opens: int
    closes: int


_DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_GERMAN_DAYS = {"di": "tu", "mi": "we", "do": "th", "so": "su"}
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_SPAN = re.compile(_TIME + r"\s*(?:uhr)?\s*(?:-|–|bis|to)\s*" + _TIME)
_DAY_SPEC = re.compile(
    r"\b(mo|tu|di|we|mi|th|do|fr|sa|su|so)\b(?:\s*-\s*(mo|tu|di|we|mi|th|do|fr|sa|su|so)\b)?"
)


def _minutes(hours: str, minutes: str | None) -> int | None:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return h * 60 + m


def _day(name: str) -> int:
    return _DAYS.index(_GERMAN_DAYS.get(name, name))


def _rule_days(text: str) -> set[int] | None:
    """Weekdays a rule names ('Mo-Fr', 'Sa,Su'), None when it names none (every day)."""
    days: set[int] = set()
    for first, last in _DAY_SPEC.findall(text):
        a = _day(first)
        b = _day(last) if last else a
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return days or None


def parse_opening_hours(text: str) -> Hours | None:
    """Opening and closing time on working days from an opening-hours text, None if unreadable.

    Reads simple ranges ("07:00-16:30", "7.30 - 17 Uhr") and OpenStreetMap rules
    ("Mo-Th 07:00-17:00; Fr 07:00-14:00; Sa off"). Later rules override earlier ones for the
    days they name. Per weekday the earliest start and the latest end count; the result is
    the latest start and the earliest end over Monday to Friday, so "open until 17:00" holds
    on every working day the text covers.
    """
    folded = text.casefold().replace("–", "-")
    if not folded.strip() or "24/7" in folded:
        return Hours(0, 24 * 60) if "24/7" in folded else None
    per_day: dict[int, tuple[int, int]] = {}
    for rule in re.split(r"[;\n|]", folded):
        spans = []
        for match in _SPAN.finditer(rule):
            start, end = _minutes(match[1], match[2]), _minutes(match[3], match[4])
            if start is not None and end is not None and end > start:
                spans.append((start, end))
        days = _rule_days(_SPAN.sub(" ", rule))
        targets = days if days is not None else set(range(7))
        if not spans:
            if days is not None and re.search(r"\b(off|closed|geschlossen)\b", rule):
                for day in targets:
                    per_day.pop(day, None)
            continue
        value = (min(s for s, _ in spans), max(e for _, e in spans))
        for day in targets:
            per_day[day] = value
    working = [per_day[d] for d in range(5) if d in per_day]
    if not working:
        return None
    return Hours(max(s for s, _ in working), min(e for _, e in working))


def parse_bool(value: Any) -> bool | None:
    """Yes/no from the ways files write it; numbers count as yes above 0; None if unknown."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0
    text = str(value).strip()
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", ".")) > 0
    try:
        return parse_yes_no(text)
    except ValueError:
        return None  # a word no file means as yes or no (a note, a name): unknown


def parse_int(value: Any) -> int | None:
    """A whole number from ``42``, ``"42"``, ``"ca. 42 Plätze"``; None when there is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value else None
    match = re.search(r"\d+", str(value))
    return int(match[0]) if match else None


def split_list(value: Any) -> tuple[str, ...]:
    """Items of a list value: a JSON array or text separated by ';', ',' or '/'."""
    if value is None:
        return ()
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in re.split(r"[;,/]", str(value)) if p.strip())


__all__ += ["AGE_CODES", "parse_bool", "parse_int", "split_list"]
