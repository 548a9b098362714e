"""A course (Kurs, Bildungsangebot) as a plain attrs value, with its rules.

A course is *current* while it can still be attended: its last day (the end date, else the
start date) is today or later, or it runs "on demand" (laufender Einstieg) without an end
date. Past courses stay in the database (disabling or expiring never deletes data) but
disappear from every public view.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from attrs import define
from attrs import field
from core import Location
from core import Sentence
from core import ValidationError
from core import is_postcode
from core import is_web_address
from core import parse_date as parse_day
from core import vocabulary

from plugins.training import vocabulary as tv

__all__ = ["FIELDS", "MULTI_VALUED", "Course", "parse_date"]

MAX_TITLE = 300
MAX_DESCRIPTION = 5000
#: Longest text per field (the table's column sizes).
MAX_LENGTH = {
    "title": MAX_TITLE,
    "provider": 200,
    "duration": 200,
    "cost_note": 500,
    "street": 200,
    "town": 100,
    "link": 500,
    "source": 50,
    "external_id": 200,
    "description": MAX_DESCRIPTION,
}
#: Every field of the documented file format, in the order CSV exports would write them.
FIELDS = (
    "external_id",
    "title",
    "description",
    "provider",
    "provider_type",
    "kind",
    "professions",
    "format",
    "start_date",
    "end_date",
    "on_demand",
    "duration",
    "hours",
    "cost_eur",
    "cost_note",
    "funding",
    "street",
    "postcode",
    "town",
    "lat",
    "lon",
    "link",
)
MULTI_VALUED = ("professions", "funding")


def parse_date(value: Any) -> dt.date | None:
    """A date from ISO text (2026-03-02), German text (02.03.2026), a date, or None/empty.

    Raises ValueError for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    return parse_day(value.strip()[:10])


def _tuple(value: Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(";") if p.strip())
    return tuple(value)


#: What ``Course.validate`` says about a bad value, in English and German (the English goes to
#: the API and import reports, the German to a German form); ``str.format`` fills the values.
_PROBLEMS = {
    "title": ("a title is required", "ein Titel fehlt"),
    "provider": ("the provider's name is required", "der Name des Anbieters fehlt"),
    "length": (
        "at most {limit} characters, not {length}",
        "höchstens {limit} Zeichen, nicht {length}",
    ),
    "choice": (
        "{value!r} is not a {what}; use one of {allowed}",
        "{value!r} steht nicht zur Wahl; möglich sind {allowed}",
    ),
    "codes": (
        "{bad} not valid; use codes such as {examples} ({what})",
        "{bad} ungültig; gültig sind Codes wie {examples} ({what})",
    ),
    "dates": (
        "give a start date, an end date or on_demand = true (laufender Einstieg)",
        "geben Sie einen Beginn, ein Ende oder laufenden Einstieg an",
    ),
    "order": (
        "the end {end} lies before the start {start}",
        "das Ende {end} liegt vor dem Beginn {start}",
    ),
    "range": (
        "must be a number from 0 to 1,000,000, not {value!r}",
        "muss eine Zahl von 0 bis 1.000.000 sein, nicht {value!r}",
    ),
    "postcode": (
        "{value!r} is not a German postcode (five digits such as 45768)",
        "{value!r} ist keine Postleitzahl (fünf Ziffern wie 45768)",
    ),
    "place": (
        "a course held in person needs a place: give a postcode or lat and lon",
        "ein Kurs vor Ort braucht einen Ort: geben Sie eine PLZ oder Breite und Länge an",
    ),
    "link": (
        "{value!r} is not a web address starting with http:// or https://",
        "{value!r} ist keine Webadresse mit http:// oder https:// am Anfang",
    ),
}


@define(kw_only=True)
class Course:
    """One course: what, who, when, where, what it costs and how it can be funded."""

    title: str
    provider: str
    provider_type: str
    kind: str
    format: str
    id: int | None = None
    source: str = "manual"
    external_id: str | None = None
    description: str = ""
    professions: tuple[str, ...] = field(default=(), converter=_tuple)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    on_demand: bool = False
    duration: str = ""
    hours: float | None = None
    cost_eur: float | None = None
    cost_note: str = ""
    funding: tuple[str, ...] = field(default=(), converter=_tuple)
    street: str = ""
    postcode: str = ""
    town: str = ""
    location: Location | None = None
    link: str = ""
    is_demo: bool = False
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def last_day(self) -> dt.date | None:
        """The last day one can still join: the end date, else the start date; a course on
        demand without an end date has none (it runs until it is taken out)."""
        if self.end_date is not None:
            return self.end_date
        return None if self.on_demand else self.start_date

    def is_current(self, today: dt.date) -> bool:
        """Whether the course can still be attended on ``today``."""
        last = self.last_day
        if last is None:
            return self.on_demand
        return last >= today

    def validate(self) -> Course:
        """Check every field; all problems are reported at once (``errors`` per field)."""
        problems: dict[str, list[str]] = {}

        def check(name: str, ok: bool, problem: str, **values: Any) -> None:
            if not ok:
                en, de = _PROBLEMS[problem]
                said = Sentence(en.format(**values), de.format(**values))
                problems.setdefault(name, []).append(said)

        self.title = self.title.strip()
        self.provider = self.provider.strip()
        check("title", bool(self.title), "title")
        check("provider", bool(self.provider), "provider")
        for name, limit in MAX_LENGTH.items():
            value = getattr(self, name)
            if isinstance(value, str):
                check(name, len(value) <= limit, "length", limit=limit, length=len(value))
        for name, codes in (
            ("provider_type", tv.PROVIDER_TYPES),
            ("kind", tv.KINDS),
            ("format", tv.FORMATS),
        ):
            value = getattr(self, name)
            allowed = ", ".join(codes.codes)
            check(name, value in codes, "choice", value=value, what=codes.name, allowed=allowed)
        for name, codes in (
            ("professions", vocabulary("professions")),
            ("funding", tv.FUNDING),
        ):
            bad = ", ".join(repr(v) for v in getattr(self, name) if v not in codes)
            examples = ", ".join(codes.codes[:6])
            check(name, not bad, "codes", bad=bad, examples=examples, what=codes.name)
        dated = self.start_date is not None or self.end_date is not None or self.on_demand
        check("start_date", dated, "dates")
        if self.start_date and self.end_date:
            check(
                "end_date",
                self.end_date >= self.start_date,
                "order",
                start=self.start_date,
                end=self.end_date,
            )
        for name in ("hours", "cost_eur"):
            value = getattr(self, name)
            if value is not None:
                check(name, math.isfinite(value) and 0 <= value <= 1_000_000, "range", value=value)
        postcode = self.postcode == "" or is_postcode(self.postcode)
        check("postcode", postcode, "postcode", value=self.postcode)
        check("location", self.format == "online" or self.location is not None, "place")
        check("link", self.link == "" or is_web_address(self.link), "link", value=self.link)
        self.professions = tuple(dict.fromkeys(self.professions))
        self.funding = tuple(dict.fromkeys(self.funding))
        if problems:
            details = "; ".join(f"{k}: {', '.join(v)}" for k, v in problems.items())
            raise ValidationError(f"Course {self.title!r} is invalid: {details}.", problems)
        return self

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (dates as ISO text)."""
        return {
            "id": self.id,
            "source": self.source,
            "external_id": self.external_id,
            "title": self.title,
            "description": self.description,
            "provider": self.provider,
            "provider_type": self.provider_type,
            "kind": self.kind,
            "professions": list(self.professions),
            "format": self.format,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "on_demand": self.on_demand,
            "duration": self.duration,
            "hours": self.hours,
            "cost_eur": self.cost_eur,
            "cost_note": self.cost_note,
            "funding": list(self.funding),
            "street": self.street,
            "postcode": self.postcode,
            "town": self.town,
            "lat": self.location.lat if self.location else None,
            "lon": self.location.lon if self.location else None,
            "link": self.link,
            "is_demo": self.is_demo,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }

    def labels(self, lang: str) -> dict[str, Any]:
        """Labels of the coded fields in ``lang``."""
        return {
            "provider_type": tv.PROVIDER_TYPES.label(self.provider_type, lang),
            "kind": tv.KINDS.label(self.kind, lang),
            "format": tv.FORMATS.label(self.format, lang),
            "professions": [vocabulary("professions").label(p, lang) for p in self.professions],
            "funding": [tv.FUNDING.label(f, lang) for f in self.funding],
        }
