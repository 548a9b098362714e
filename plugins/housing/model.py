"""Housing offers as attrs values, their vocabularies and the rules every offer obeys.

Every source (CSV, JSON, OpenImmo, the operator API and form) turns its input into a plain
mapping of the canonical field names (``FIELDS``) and hands it to ``offer_from_fields``, so one
set of rules checks them all and every problem names its field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from attrs import define
from attrs import field
from attrs import frozen
from core import Choice
from core import Sentence
from core import catalog
from core import choice_label
from core import format_amount
from core import from_row
from core import is_email
from core import is_postcode
from core import is_web_address
from core import parse_date as parse_day
from core import parse_yes_no
from core import read_data_file
from core import row_values

__all__ = [
    "DOMAIN",
    "FIELDS",
    "KINDS",
    "OFFER_TYPES",
    "PROVIDERS",
    "FieldProblems",
    "Offer",
    "parse_date",
    "parse_number",
]

#: The catalog domain of the plugin's texts (``locale/messages.toml``).
DOMAIN = "housing"
_DATA = read_data_file(__package__, "vocab.toml")
KINDS = _DATA.choices("kinds")
PROVIDERS = _DATA.choices("providers")
OFFER_TYPES = _DATA.choices("offer_types")
#: Other spellings accepted in files (German words, OpenImmo-like codes); keys are folded.
KIND_ALIASES = _DATA.strings("aliases.kind")
PROVIDER_ALIASES = _DATA.strings("aliases.provider")
OFFER_TYPE_ALIASES = _DATA.strings("aliases.offer_type")
#: The canonical field names of an offer in files and the API, with what each holds.
FIELDS = _DATA.strings("fields")

MAX_TITLE = 200
MAX_TEXT = 5000
MONEY_FIELDS = ("cold_rent_eur", "warm_rent_eur", "additional_costs_eur", "price_eur")
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


def said(key: str, **values: Any) -> Sentence:
    """The catalog text ``key`` as a message: English where a string goes (the API, import
    reports, logs), the page's language on a page."""
    return Sentence.message(DOMAIN, key, **values)


def _fold(text: str) -> str:
    return " ".join(text.strip().casefold().replace("_", "-").split())


def _coded(value: Any, choices: tuple[Choice, ...], aliases: Mapping[str, str]) -> str | None:
    text = _fold(str(value))
    codes = {c.value.replace("_", "-"): c.value for c in choices}
    # files are written in German or English: either label names the value
    labels = {_fold(c.label(lang)): c.value for c in choices for lang in ("en", "de")}
    return codes.get(text) or labels.get(text) or aliases.get(text)


def parse_number(value: Any, *, money: bool = False) -> float:
    """A number from a file: ``650``, ``650,50``, ``1.250,00``, ``1250.5``; money may use a
    dot for thousands (``189.000``). ValueError when it is none."""
    if isinstance(value, bool):
        raise ValueError(said("check.not_number", value=repr(value)))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").removesuffix("€")
        if "," in text and "." in text:
            decimal = "," if text.rfind(",") > text.rfind(".") else "."
            thousands = "." if decimal == "," else ","
            text = text.replace(thousands, "").replace(decimal, ".")
        elif "," in text:
            text = text.replace(",", ".")
        elif money and _THOUSANDS.fullmatch(text):
            text = text.replace(".", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(said("check.not_number", value=repr(value))) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(said("check.not_finite", value=repr(value)))
    return number


def parse_date(value: Any) -> dt.date | None:
    """A date ``YYYY-MM-DD`` or ``DD.MM.YYYY``; empty, 'sofort' or 'ab sofort' mean None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if _fold(text) in ("", "sofort", "ab sofort", "now", "immediately"):
        return None
    return parse_day(text[:10])


class FieldProblems(Exception):
    """The problems of one record, per field (raised by ``offer_from_fields``)."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in problems.items()))
        self.problems = problems


@frozen
class Place:
    """Where an offer is: the address as published and the point shown on the map."""

    street: str
    postcode: str
    town: str
    exact: bool
    lat: float
    lon: float


#: the money columns are named without the unit the fields carry
_COLUMNS = {
    "cold_rent_eur": "cold_rent",
    "warm_rent_eur": "warm_rent",
    "additional_costs_eur": "additional_costs",
    "price_eur": "price",
}
_READ = {"id": int, "address_public": bool, "lat": float, "lon": float}


@define(kw_only=True)
class Offer:
    """One housing offer."""

    title: str
    kind: str
    offer_type: str
    postcode: str
    lat: float
    lon: float
    expires_on: dt.date
    source: str = "manual"
    external_id: str = ""
    rooms: float | None = None
    area_m2: float | None = None
    cold_rent_eur: float | None = None
    warm_rent_eur: float | None = None
    additional_costs_eur: float | None = None
    price_eur: float | None = None
    available_from: dt.date | None = None
    street: str = ""
    town: str = ""
    address_public: bool = True
    provider_type: str = "private"
    provider_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    link: str = ""
    description: str = ""
    company_id: int | None = None
    id: int | None = None
    created_at: dt.datetime | None = field(default=None, eq=False)
    updated_at: dt.datetime | None = field(default=None, eq=False)

    def is_active(self, today: dt.date) -> bool:
        """Shown on ``today``: up to and including its expiry date."""
        return today <= self.expires_on

    def content_key(self) -> str:
        """An id for offers without ``external_id``: the same offer gives the same key."""
        parts = [
            _fold(self.title),
            self.kind,
            self.offer_type,
            self.postcode,
            _fold(self.street),
            *(f"{v:g}" if v is not None else "" for v in self._numbers()),
        ]
        # a content key, not a secret: SHA-1 keeps existing keys stable
        digest = hashlib.sha1("|".join(parts).encode(), usedforsecurity=False)
        return "auto-" + digest.hexdigest()[:16]

    def _numbers(self) -> tuple[float | None, ...]:
        return (
            self.rooms,
            self.area_m2,
            self.cold_rent_eur,
            self.warm_rent_eur,
            self.price_eur,
        )

    def row(self) -> dict[str, Any]:
        """The column values of ``housing_offers`` (without id and time stamps)."""
        return row_values(self, columns=_COLUMNS, exclude=("id", "created_at", "updated_at"))

    @classmethod
    def from_row(cls, row: Any) -> Offer:
        return from_row(cls, row, columns=_COLUMNS, convert=_READ)

    def fields(self) -> dict[str, Any]:
        """The canonical field mapping (the inverse of ``offer_from_fields``), for edits."""
        data = {name: getattr(self, name) for name in FIELDS}
        data["address_public"] = self.address_public
        return data

    def price_label(self, lang: str) -> str:
        """Short price text for map labels: '650 € warm', '480 € kalt', 'Kauf 189.000 €'."""
        say = catalog(DOMAIN).text
        if self.offer_type == "buy":
            if self.price_eur is None:
                return ""
            return say("facts.purchase", lang, amount=format_amount(self.price_eur, lang))
        if self.warm_rent_eur is not None:
            return say("facts.warm", lang, amount=format_amount(self.warm_rent_eur, lang))
        if self.cold_rent_eur is not None:
            return say("facts.cold", lang, amount=format_amount(self.cold_rent_eur, lang))
        return ""

    def public(self, lang: str) -> dict[str, Any]:
        """What anyone may see: the street only when the provider published it."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "kind_label": choice_label(KINDS, self.kind, lang),
            "offer_type": self.offer_type,
            "offer_type_label": choice_label(OFFER_TYPES, self.offer_type, lang),
            "rooms": self.rooms,
            "area_m2": self.area_m2,
            "cold_rent_eur": self.cold_rent_eur,
            "warm_rent_eur": self.warm_rent_eur,
            "additional_costs_eur": self.additional_costs_eur,
            "price_eur": self.price_eur,
            "price_label": self.price_label(lang),
            "available_from": self.available_from.isoformat() if self.available_from else None,
            "address": {
                "street": self.street if self.address_public else "",
                "postcode": self.postcode,
                "town": self.town,
                "exact": self.address_public,
            },
            "lat": self.lat,
            "lon": self.lon,
            "provider_type": self.provider_type,
            "provider_label": choice_label(PROVIDERS, self.provider_type, lang),
            "provider_name": self.provider_name,
            "contact": {
                "name": self.contact_name,
                "email": self.contact_email,
                "phone": self.contact_phone,
            },
            "link": self.link,
            "description": self.description,
            "expires_on": self.expires_on.isoformat(),
            "company_id": self.company_id,
        }


def _message(exc: ValueError) -> str:
    """The message of ``exc``, a ``Sentence`` when it was raised with one (its languages kept)."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, str) else str(exc)


def _text(data: Mapping[str, Any], name: str, limit: int = 200) -> str:
    value = data.get(name)
    return "" if value is None else " ".join(str(value).split())[:limit]


@define
class _Fields:
    """The canonical fields of one offer being read, and the problems found so far."""

    data: Mapping[str, Any]
    problems: dict[str, list[str]] = field(factory=dict)

    def bad(self, name: str, message: str) -> None:
        # a Sentence (str) keeps its other languages for the page that shows it
        self.problems.setdefault(name, []).append(message)

    def text(self, name: str, limit: int = 200) -> str:
        return _text(self.data, name, limit)

    def number(self, name: str, low: float, high: float) -> float | None:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            result = parse_number(value, money=name in MONEY_FIELDS)
        except ValueError as exc:
            self.bad(name, _message(exc))
            return None
        if not low <= result <= high:
            self.bad(
                name,
                said("check.out_of_range", value=f"{result:g}", low=f"{low:g}", high=f"{high:g}"),
            )
            return None
        return result

    def date(self, name: str) -> dt.date | None:
        try:
            return parse_date(self.data.get(name))
        except ValueError as exc:
            self.bad(name, _message(exc))
            return None


def _described(f: _Fields) -> tuple[str, str | None, str | None]:
    """Title, kind and provider type."""
    title = f.text("title", MAX_TITLE + 1)
    if not title:
        f.bad("title", said("check.title_required"))
    elif len(title) > MAX_TITLE:
        f.bad("title", said("check.too_long", limit=MAX_TITLE))
    kind = _coded(f.data.get("kind") or "flat", KINDS, KIND_ALIASES)
    if kind is None:
        kinds = ", ".join(c.value for c in KINDS)
        f.bad("kind", said("check.bad_kind", value=repr(f.data.get("kind")), choices=kinds))
    provider = _coded(f.data.get("provider_type") or "private", PROVIDERS, PROVIDER_ALIASES)
    if provider is None:
        providers = ", ".join(c.value for c in PROVIDERS)
        value = repr(f.data.get("provider_type"))
        f.bad("provider_type", said("check.bad_provider", value=value, choices=providers))
    return title, kind, provider


def _prices(f: _Fields) -> dict[str, Any]:
    """Rent or buy and the amounts (a missing warm rent is cold rent plus running costs)."""
    cold = f.number("cold_rent_eur", 0, 50_000)
    warm = f.number("warm_rent_eur", 0, 50_000)
    costs = f.number("additional_costs_eur", 0, 10_000)
    price = f.number("price_eur", 1000, 100_000_000)
    offer_type_raw = f.data.get("offer_type")
    if offer_type_raw in (None, ""):
        offer_type: str | None = "buy" if price is not None else "rent"
    else:
        offer_type = _coded(offer_type_raw, OFFER_TYPES, OFFER_TYPE_ALIASES)
        if offer_type is None:
            f.bad("offer_type", said("check.bad_offer_type", value=repr(offer_type_raw)))
    if warm is None and cold is not None and costs is not None:
        warm = round(cold + costs, 2)
    if offer_type == "rent":
        if warm is None and cold is None and "warm_rent_eur" not in f.problems:
            f.bad("warm_rent_eur", said("check.rent_needed"))
        if warm is not None and cold is not None and warm < cold:
            f.bad(
                "warm_rent_eur", said("check.warm_below_cold", warm=f"{warm:g}", cold=f"{cold:g}")
            )
    elif offer_type == "buy" and price is None and "price_eur" not in f.problems:
        f.bad("price_eur", said("check.price_needed"))
    return {
        "offer_type": offer_type,
        "cold_rent_eur": cold,
        "warm_rent_eur": warm,
        "additional_costs_eur": costs,
        "price_eur": price,
    }


def _contact(f: _Fields) -> dict[str, Any]:
    """E-mail, link and the employer's company id."""
    email = f.text("contact_email", 320)
    if email and not is_email(email):
        f.bad("contact_email", said("check.bad_email", value=repr(email)))
    link = f.text("link", 501)
    if link and not is_web_address(link):
        f.bad("link", said("check.bad_link"))
    elif len(link) > 500:
        f.bad("link", said("check.too_long", limit=500))
    company_id = None
    if f.data.get("company_id") not in (None, ""):
        try:
            company_id = int(f.data["company_id"])
        except (TypeError, ValueError):
            f.bad("company_id", said("check.not_whole", value=repr(f.data["company_id"])))
    return {"contact_email": email, "link": link, "company_id": company_id}


def _place(f: _Fields, locate: Any) -> Place | None:
    """Where the offer is shown: from the coordinates given or the address (``locate``)."""
    postcode = f.text("postcode", 10)
    if not is_postcode(postcode):
        f.bad("postcode", said("check.bad_postcode", value=repr(postcode)))
    try:
        answer = parse_yes_no(f.data.get("address_public"))
        public = True if answer is None else answer
    except ValueError as exc:
        f.bad("address_public", _message(exc))
        public = False
    lat, lon = f.data.get("lat"), f.data.get("lon")
    given: tuple[float, float] | None = None
    if (lat in (None, "")) != (lon in (None, "")):
        f.bad("lat", said("check.lat_lon_together"))
    elif lat not in (None, ""):
        try:
            given = (parse_number(lat), parse_number(lon))
            if not (-90 <= given[0] <= 90 and -180 <= given[1] <= 180):
                raise ValueError(said("check.outside_world", lat=lat, lon=lon))
        except ValueError as exc:
            f.bad("lat", _message(exc))
    if "postcode" in f.problems or "lat" in f.problems:
        return None
    try:
        return locate(f.text("street"), postcode, f.text("town", 100), public, given)  # type: ignore[no-any-return]
    except ValueError as exc:
        f.bad("postcode", _message(exc))
        return None


def offer_from_fields(
    data: Mapping[str, Any],
    *,
    locate: Any,
    today: dt.date,
    lifetime_days: int,
    source: str = "manual",
) -> Offer:
    """An Offer from canonical fields, or ``FieldProblems`` naming every bad field.

    ``locate(street, postcode, town, exact, given)`` returns a ``Place`` (or raises
    ValueError with a message): it decides where the offer is shown, from the coordinates
    given or the address.
    """
    f = _Fields(data)
    for name in sorted(set(data) - set(FIELDS)):
        f.bad(name, said("check.unknown_field", fields=", ".join(FIELDS)))
    title, kind, provider = _described(f)
    rooms = f.number("rooms", 0.5, 50)
    area = f.number("area_m2", 5, 2000)
    prices = _prices(f)
    available = f.date("available_from")
    expires = f.date("expires_on")
    if expires is None and "expires_on" not in f.problems:
        expires = today + dt.timedelta(days=lifetime_days)
    contact = _contact(f)
    place = _place(f, locate)
    if f.problems:
        raise FieldProblems(f.problems)
    assert place is not None and kind and provider and prices["offer_type"] and expires
    offer = Offer(
        source=source,
        external_id=f.text("external_id"),
        title=title,
        kind=kind,
        rooms=rooms,
        area_m2=area,
        available_from=available,
        **row_values(place, columns={"exact": "address_public"}),
        provider_type=provider,
        provider_name=f.text("provider_name"),
        contact_name=f.text("contact_name"),
        contact_phone=f.text("contact_phone", 50),
        description=str(data.get("description") or "").strip()[:MAX_TEXT],
        expires_on=expires,
        **prices,
        **contact,
    )
    if not offer.external_id:
        offer.external_id = offer.content_key()
    return offer


__all__ += ["Place", "offer_from_fields", "said"]
