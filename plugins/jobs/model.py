"""An open position (Stelle) as a frozen attrs value, with its rules.

A position is *open* on a day when it has been published, has not run out (``valid_through``)
and has not been filled. Closed positions stay in the database (they give the time to fill
and the history) but disappear from every public view by themselves, day by day.

A position belongs to a company once it is matched (``company_id``); until then it names its
employer by name, postcode and town, as the source gave them, and an operator matches it on
the review list (``match``, ``match_candidates``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import attrs
from attrs import field
from attrs import frozen
from core import DEMO_SOURCE
from core import Sentence
from core import ValidationError
from core import clean_text
from core import is_email
from core import is_postcode
from core import is_web_address

from plugins.jobs import vocabulary as jv
from plugins.jobs.texts import DOMAIN

__all__ = ["MAX_LENGTH", "Position"]

#: Longest text per field (the table's column sizes).
MAX_LENGTH = {
    "employer_name": 300,
    "employer_postcode": 5,
    "employer_town": 100,
    "title": 300,
    "description": 20_000,
    "apply_url": 500,
    "apply_email": 254,
    "apply_phone": 50,
    "source": 20,
    "external_id": 200,
}


#: one-line text fields (the description keeps its paragraphs)
_LINES = (
    "employer_name",
    "employer_postcode",
    "employer_town",
    "title",
    "apply_url",
    "apply_email",
    "apply_phone",
    "external_id",
)


def _line(value: str) -> str:
    return clean_text(value or "")


def _paragraphs(value: str) -> str:
    return clean_text(value or "", multiline=True)


def _candidates(value: Any) -> tuple[int, ...]:
    return tuple(dict.fromkeys(int(v) for v in (value or ())))


def _is_phone(text: str) -> bool:
    """Digits (five at least), blanks and ``+ - / ( )``: how people write phone numbers."""
    return sum(c.isdigit() for c in text) >= 5 and set(text) <= set("0123456789 +-/()")


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


@frozen(kw_only=True)
class Position:
    """One open position (or a closed one kept for the record) of an employer.

    Text fields are plain text, sanitised on the way in (``validated``, which every write of
    the repository goes through: markup removed, control characters dropped, whitespace
    trimmed; the description keeps its paragraphs); pages escape them. Reading from the
    database takes the stored text as it is.
    """

    employer_name: str
    title: str
    kind: str
    published: dt.date
    id: int | None = None
    company_id: int | None = None
    employer_postcode: str = ""
    employer_town: str = ""
    #: KldB 2010 code of 2 to 5 digits; its first two digits are core's Berufshauptgruppe
    profession: str | None = None
    #: None: "ab sofort" or by arrangement
    start_date: dt.date | None = None
    valid_through: dt.date | None = None
    description: str = ""
    apply_url: str = ""
    apply_email: str = ""
    apply_phone: str = ""
    source: str = "editor"
    #: the position's id at its source, unique per source (the repository makes one for
    #: positions entered by hand)
    external_id: str = ""
    lat: float | None = field(default=None, converter=_optional_float)
    lon: float | None = field(default=None, converter=_optional_float)
    match: str = "manual"
    match_candidates: tuple[int, ...] = field(default=(), converter=_candidates)
    filled_on: dt.date | None = None
    is_demo: bool = False
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    def is_open(self, today: dt.date) -> bool:
        """Whether the position is public on ``today``: published, not run out, not filled."""
        return (
            self.published <= today
            and (self.valid_through is None or today <= self.valid_through)
            and self.filled_on is None
        )

    @property
    def profession_group(self) -> str | None:
        """The Berufshauptgruppe (two digits) of the profession, as core's filter knows it."""
        return jv.profession_group(self.profession) if self.profession else None

    @property
    def employment_type(self) -> str:
        """schema.org ``employmentType`` of the position's kind."""
        return jv.EMPLOYMENT_TYPE.get(self.kind, "OTHER")

    def problems(self) -> dict[str, list[Sentence]]:
        """Every rule the position breaks, per field (empty when it is valid)."""
        found: dict[str, list[Sentence]] = {}
        for rules in (self._text_rules, self._code_rules, self._date_rules, self._contact_rules):
            for name, key, values in rules():
                found.setdefault(name, []).append(
                    Sentence.message(DOMAIN, f"problems.{key}", **values)
                )
        return found

    # Each rule set yields the rules broken: (field, catalog key under problems., values).

    def _text_rules(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        if not self.title:
            yield "title", "title", {}
        if not self.employer_name:
            yield "employer_name", "employer_name", {}
        for name, limit in MAX_LENGTH.items():
            length = len(getattr(self, name))
            if length > limit:
                yield name, "too_long", {"limit": limit, "length": length}

    def _code_rules(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for name, codes, key in (
            ("kind", jv.KINDS, "kind"),
            ("source", jv.SOURCES, "choice"),
            ("match", jv.MATCHES, "choice"),
        ):
            value = getattr(self, name)
            if value not in codes:
                yield name, key, {"value": value, "allowed": ", ".join(codes.codes)}
        if self.profession is not None and not jv.is_profession(self.profession):
            yield "profession", "profession", {"value": self.profession}
        # matched and editor positions name their company; review and unmatched ones wait
        # for an operator; manual ones were decided by one (a company, or "no company")
        if (self.match == "matched" or self.source == "editor") and self.company_id is None:
            yield "company_id", "company_needed", {}
        if self.match in ("review", "unmatched") and self.company_id is not None:
            yield "company_id", "company_undecided", {"match": self.match}
        if self.is_demo != (self.source == DEMO_SOURCE):
            yield "is_demo", "demo", {}

    def _date_rules(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for name, key in (
            ("valid_through", "valid_before_published"),
            ("filled_on", "filled_before_published"),
        ):
            day = getattr(self, name)
            if day is not None and day < self.published:
                yield name, key, {name: day.isoformat(), "published": self.published.isoformat()}

    def _contact_rules(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for name, value, ok in (
            ("employer_postcode", self.employer_postcode, is_postcode),
            ("apply_url", self.apply_url, is_web_address),
            ("apply_email", self.apply_email, is_email),
            ("apply_phone", self.apply_phone, _is_phone),
        ):
            if value and not ok(value):
                yield name, "postcode" if name == "employer_postcode" else name, {"value": value}
        if (self.lat is None) != (self.lon is None):
            yield "lat", "point_pair", {}
        elif self.lat is not None and self.lon is not None:
            on_earth = math.isfinite(self.lat) and math.isfinite(self.lon)
            if not (on_earth and -90 <= self.lat <= 90 and -180 <= self.lon <= 180):
                yield "lat", "point", {"lat": self.lat, "lon": self.lon}

    def cleaned(self) -> Position:
        """A copy with every text field sanitised to plain text (see the class)."""
        changes: dict[str, Any] = {name: _line(getattr(self, name)) for name in _LINES}
        changes["description"] = _paragraphs(self.description)
        return attrs.evolve(self, **changes)

    def validated(self) -> Position:
        """The sanitised position when it is valid; else ``ValidationError`` naming every
        problem, per field, in every language of the catalog."""
        clean = self.cleaned()
        found = clean.problems()
        if found:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in found.items())
            raise ValidationError(f"Position {clean.title!r} is invalid: {details}", found)
        return clean

    def evolve(self, **changes: Any) -> Position:
        """A copy with ``changes`` (converters run again on the changed fields)."""
        return attrs.evolve(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The position as JSON-ready data (dates as ISO text), every field."""
        out: dict[str, Any] = {}
        for a in attrs.fields(Position):
            value = getattr(self, a.name)
            if isinstance(value, dt.date | dt.datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[a.name] = value
        return out
