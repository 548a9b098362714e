"""Organisations, events and registrations as attrs values, and the checks of event input.

``EventInput.validate`` turns the loose values of the JSON API, the HTML form and the importers
into an ``Event``; every problem is collected and raised at once as a ``ValidationError`` whose
``errors`` map field names to messages. Nothing here knows about SQL or HTTP.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from attrs import define
from attrs import frozen
from core import Address
from core import Location
from core import Region
from core import Sentence
from core import ValidationError
from core import choice_label
from core import is_email
from core import is_postcode
from core import is_web_address
from core import parse_yes_no
from core import slugify

from plugins.events import vocab

__all__ = [
    "REGISTRATION_MODES",
    "Event",
    "EventInput",
    "Organisation",
    "Place",
    "Registration",
    "check_email",
    "parse_local",
    "place_from",
]

REGISTRATION_MODES = ("none", "external", "portal")
STATUSES = ("scheduled", "cancelled")
MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
DEFAULT_DURATION = dt.timedelta(hours=2)


@frozen
class Place(Address):
    """Where something is: core's ``Address`` (street, postcode, town, its key) with a name
    (``Berufskolleg Marl, Aula``) and a point."""

    name: str = ""
    lat: float | None = None
    lon: float | None = None

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def one_line(self) -> str:
        town = " ".join(p for p in (self.postcode, self.town) if p)
        return ", ".join(p for p in (self.name, self.street, town) if p)


@define
class Organisation:
    """An actor of the region: Jobcenter, Agentur für Arbeit, chamber, school, town, company."""

    name: str
    type: str
    slug: str = ""
    id: int | None = None
    description: str = ""
    place: Place = Place()
    email: str = ""
    phone: str = ""
    website: str = ""
    company_id: int | None = None
    verified: bool = False
    show_on_map: bool = True

    def type_label(self, lang: str) -> str:
        return choice_label(vocab.ORGANISATION_TYPES, self.type, lang)


@define
class Event:
    """An offline (or online) offer: when, where, for whom, who organises it, how to join."""

    uid: str
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str = "Europe/Berlin"
    id: int | None = None
    slug: str = ""
    description: str = ""
    audiences: tuple[str, ...] = ()
    place: Place = Place()
    online_url: str = ""
    registration: str = "none"
    registration_url: str = ""
    capacity: int | None = None
    waiting_list: bool = True
    taken: int = 0
    waiting: int = 0
    status: str = "scheduled"
    organiser_ids: tuple[int, ...] = ()
    organisers: tuple[Organisation, ...] = ()
    source: str = "api"
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def online(self) -> bool:
        return bool(self.online_url)

    @property
    def in_person(self) -> bool:
        return bool(self.place.town or self.place.street or self.place.has_point)

    @property
    def seats_left(self) -> int | None:
        """Free seats for portal registration (None: unlimited or no portal registration)."""
        if self.registration != "portal" or self.capacity is None:
            return None
        return max(0, self.capacity - self.taken)

    def kind_label(self, lang: str) -> str:
        return choice_label(vocab.KINDS, self.kind, lang)

    def audience_labels(self, lang: str) -> list[str]:
        return [choice_label(vocab.AUDIENCES, a, lang) for a in self.audiences]


@define
class Registration:
    """A person's registration for an event (personal data, deleted after the event)."""

    event_id: int
    name: str
    email: str
    status: str = "confirmed"
    id: int | None = None
    phone: str = ""
    audience: str = ""
    consent_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None


def parse_local(value: Any, zone: ZoneInfo, name: str) -> dt.datetime:
    """An aware datetime from ISO text (local time of ``zone`` when it has no offset).

    Local times that do not exist (the hour skipped in March) are refused; ambiguous ones (the
    hour repeated in October) mean the first, summer-time occurrence.
    """
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(
                f"{name} {value!r} is not a date and time; use e.g. 2026-10-25T10:00.",
                {name: ["ISO date and time expected, e.g. 2026-10-25T10:00"]},
            ) from None
    else:
        raise ValidationError(f"{name} is missing.", {name: ["required"]})
    if parsed.tzinfo is None:
        local = parsed.replace(tzinfo=zone)
        # a time in the spring gap does not survive the round trip through UTC
        back = local.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
        if back != parsed:
            raise ValidationError(
                f"{name} {parsed:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks "
                "skip that hour when summer time begins).",
                {name: ["this local time does not exist (daylight saving change)"]},
            )
        parsed = local
    return parsed.astimezone(dt.UTC)


def _check(key: str, **values: Any) -> Sentence:
    """A rule's short message (``check.<key>`` of the events catalog): English for the API,
    the admin page's language on its event form."""
    return Sentence.message("events", f"check.{key}", **values)


def _text(data: Mapping[str, Any], key: str, limit: int = 500) -> str:
    value = data.get(key)
    if value is None:
        return ""
    return str(value).strip()[:limit]


def _list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;,]", value) if p.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def _bool(value: Any, default: bool) -> bool:
    answer = parse_yes_no(value)
    return default if answer is None else answer


def _described(
    data: Mapping[str, Any], fail: Callable[[str, str], None]
) -> tuple[str, str, list[str]]:
    """Title, kind and audiences, checked against the vocabularies."""
    title = _text(data, "title", MAX_TITLE + 1)
    if not title:
        fail("title", "required")
    elif len(title) > MAX_TITLE:
        fail("title", f"at most {MAX_TITLE} characters")
    kind = _text(data, "kind")
    if kind not in vocab.values(vocab.KINDS):
        fail("kind", f"one of {', '.join(vocab.values(vocab.KINDS))}")
    audiences = _list(data.get("audiences"))
    bad = [a for a in audiences if a not in vocab.values(vocab.AUDIENCES)]
    if bad:
        fail("audiences", f"unknown {bad}; use {', '.join(vocab.values(vocab.AUDIENCES))}")
    return title, kind, audiences


def _times(
    data: Mapping[str, Any], zone: ZoneInfo, errors: dict[str, list[str]]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Start and end (aware); the end defaults to ``DEFAULT_DURATION`` after the start."""
    times: dict[str, dt.datetime] = {}
    for key in ("start", "end"):
        if key == "end" and not data.get("end"):
            continue
        try:
            times[key] = parse_local(data.get(key), zone, key)
        except ValidationError as exc:
            for k, messages in exc.errors.items():
                errors.setdefault(k, []).extend(messages)
    starts_at, ends_at = times.get("start"), times.get("end")
    if starts_at is not None and ends_at is None and "end" not in errors:
        ends_at = starts_at + DEFAULT_DURATION
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors.setdefault("end", []).append(_check("end_after_start"))
    return starts_at, ends_at


def _registration(
    data: Mapping[str, Any],
    default_capacity: int,
    max_capacity: int,
    fail: Callable[[str, str], None],
) -> tuple[str, str, int | None]:
    """How people register (mode, the organiser's link, the portal's seats)."""
    registration = _text(data, "registration") or (
        "external" if data.get("registration_url") else "none"
    )
    registration_url = _text(data, "registration_url")
    capacity: int | None = None
    if registration not in REGISTRATION_MODES:
        fail("registration", f"one of {', '.join(REGISTRATION_MODES)}")
    elif registration == "external" and not is_web_address(registration_url):
        fail("registration_url", _check("registration_url"))
    elif registration == "portal":
        raw = data.get("capacity")
        if raw in (None, ""):
            capacity = default_capacity or None
        else:
            try:
                capacity = int(raw)
            except (TypeError, ValueError):
                fail("capacity", _check("capacity_whole"))
            else:
                if not 1 <= capacity <= max_capacity:
                    fail("capacity", _check("capacity_range", maximum=max_capacity))
    return registration, registration_url, capacity


@frozen
class EventInput:
    """Raw values of an event from the API, a form or an import record."""

    data: Mapping[str, Any]

    def validate(
        self,
        *,
        region: Region,
        zone: ZoneInfo,
        default_capacity: int,
        max_capacity: int,
        waiting_list: bool,
        organisers: Callable[[list[str]], tuple[list[int], list[str]]],
        locate: Callable[[Address], Location | None],
        uid_factory: Callable[[], str],
    ) -> Event:
        """The checked ``Event``; ``organisers(refs)`` maps ids or slugs to organisation ids
        (and names the unknown ones), ``locate`` finds a point for an address."""
        data = self.data
        errors: dict[str, list[str]] = {}

        def fail(key: str, message: str) -> None:
            errors.setdefault(key, []).append(message)

        title, kind, audiences = _described(data, fail)

        starts_at, ends_at = _times(data, zone, errors)

        online_url = _text(data, "online_url")
        if online_url and not is_web_address(online_url):
            fail("online_url", _check("online_url"))
        place = place_from(data, region, locate, fail)
        if not online_url and not (place.town or place.has_point):
            fail("place", _check("place"))

        registration, registration_url, capacity = _registration(
            data, default_capacity, max_capacity, fail
        )
        try:
            waiting = _bool(data.get("waiting_list"), waiting_list)
        except ValueError:
            fail("waiting_list", "true or false expected")
            waiting = waiting_list
        status = _text(data, "status") or "scheduled"
        if status not in STATUSES:
            fail("status", f"one of {', '.join(STATUSES)}")

        refs = _list(data.get("organisers"))
        organiser_ids, unknown = organisers(refs)
        if unknown:
            fail("organisers", _check("organisers", names=", ".join(unknown)))
        if errors:
            summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
            raise ValidationError(f"The event is invalid: {summary}.", errors)
        assert starts_at is not None and ends_at is not None
        return Event(
            uid=_text(data, "uid", 255) or uid_factory(),
            title=title,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=zone.key,
            slug=slugify(title)[:80],
            description=_text(data, "description", MAX_DESCRIPTION),
            audiences=tuple(dict.fromkeys(audiences)),
            place=place,
            online_url=online_url,
            registration=registration,
            registration_url=registration_url if registration == "external" else "",
            capacity=capacity,
            waiting_list=waiting,
            status=status,
            organiser_ids=tuple(dict.fromkeys(organiser_ids)),
            source=_text(data, "source", 200) or "api",
        )


def place_from(
    data: Mapping[str, Any],
    region: Region,
    locate: Callable[[Address], Location | None],
    fail: Callable[[str, str], None],
) -> Place:
    """A ``Place`` from ``place_name``, ``street``, ``postcode``, ``town``, ``lat``, ``lon``:
    the town and its key from the region, a point from the address when none is given."""
    postcode = _text(data, "postcode", 5)
    if postcode and not is_postcode(postcode):
        fail("postcode", _check("postcode"))
        postcode = ""
    town_name = _text(data, "town", 100)
    ags = ""
    town = region.town_for_postcode(postcode) if postcode else None
    if town is None and town_name:
        try:
            town = region.find_town(town_name)
        except LookupError:
            town = None
    if town is not None:
        town_name, ags = town_name or town.name, town.ags
    lat = lon = None
    raw_lat, raw_lon = data.get("lat"), data.get("lon")
    if raw_lat not in (None, "") or raw_lon not in (None, ""):
        try:
            point = Location(float(raw_lat), float(raw_lon))  # type: ignore[arg-type]
            lat, lon = point.lat, point.lon
        except (TypeError, ValueError):
            fail("lat", _check("point"))
    street = _text(data, "street", 200)
    if lat is None and (postcode or town_name):
        found = None
        if postcode:
            found = locate(Address(street=street, postcode=postcode, town=town_name))
        if found is None and town is not None:
            found = town.center
        if found is not None:
            lat, lon = found.lat, found.lon
    return Place(
        name=_text(data, "place_name", 200),
        street=street,
        postcode=postcode,
        town=town_name,
        ags=ags,
        lat=lat,
        lon=lon,
    )


def check_email(value: str) -> bool:
    return is_email(value) and len(value) <= 320
