"""The company model: what an employer's profile holds, as plain attrs values.

Persistence converts to and from these at the repository boundary; nothing here knows about
SQL or HTTP. Contact details are kept apart from the public profile (GDPR): a ``Company``
carries a ``Contact`` only when the caller loaded it on purpose.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from attrs import define, field, frozen

from core import classifications as vocab
from core.errors import Sentence, ValidationError
from core.texts import DOMAIN

__all__ = [
    "Address",
    "Company",
    "Contact",
    "Location",
    "Status",
    "slugify",
]

MAX_NAME = 200
MAX_DESCRIPTION = 10_000


class Status(enum.StrEnum):
    """Life cycle of a profile; only ``published`` is visible to the public."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


@frozen
class Location:
    """A WGS84 point."""

    lat: float = field(converter=float)
    lon: float = field(converter=float)

    @lat.validator
    def _check_lat(self, _: attrs.Attribute[float], value: float) -> None:
        if not -90.0 <= value <= 90.0:
            raise ValidationError(f"Latitude must lie between -90 and 90, not {value}.")

    @lon.validator
    def _check_lon(self, _: attrs.Attribute[float], value: float) -> None:
        if not -180.0 <= value <= 180.0:
            raise ValidationError(f"Longitude must lie between -180 and 180, not {value}.")


@frozen
class Address:
    """A postal address; ``ags`` is the official municipality key (Amtlicher Gemeindeschlüssel)."""

    street: str = ""
    postcode: str = field(default="")
    town: str = ""
    ags: str = field(default="")

    @postcode.validator
    def _check_postcode(self, _: attrs.Attribute[str], value: str) -> None:
        if value and not re.fullmatch(r"\d{5}", value):
            raise ValidationError(
                f"Postcode {value!r} is not a German postcode; use five digits such as 45657.",
                {"postcode": [Sentence.message(DOMAIN, "error.postcode_digits")]},
            )

    @ags.validator
    def _check_ags(self, _: attrs.Attribute[str], value: str) -> None:
        if value and not re.fullmatch(r"\d{8}", value):
            raise ValidationError(
                f"Municipality key {value!r} is not an AGS; use eight digits such as 05562032.",
                {"ags": ["eight digits expected"]},
            )


@frozen
class Contact:
    """Personal contact data; never part of the public profile unless consented."""

    name: str = ""
    email: str = ""
    phone: str = ""

    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)


def slugify(text: str) -> str:
    """A URL-safe slug: lower case ASCII, German umlauts transliterated, words joined by '-'."""
    text = text.casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unternehmen"


# letters that Unicode does not decompose into a base letter and an accent are mapped too:
# without them "Yılmaz" would become "ylmaz" and "Michał" "micha"
_UMLAUTS = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "æ": "ae",
        "œ": "oe",
    }
)


def _codes(vocabulary: vocab.Vocabulary, values: Iterable[str], field_name: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value not in vocabulary:
            raise ValidationError(
                f"{value!r} is not a valid {vocabulary.name} code in {field_name}; valid codes "
                f"are: {', '.join(vocabulary.codes[:40])}.",
                {field_name: [f"unknown code {value!r}"]},
            )
        seen[value] = None
    return tuple(seen)


def _employees(value: Any) -> int:
    if value in (None, ""):
        return 1
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"Employee count {value!r} is not a whole number.", {"employees": ["whole number"]}
        ) from None


def _tuple(value: Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(value)


@define(kw_only=True)
class Company:
    """An employer's profile."""

    name: str
    slug: str = ""
    id: int | None = None
    description: str = ""
    address: Address = field(factory=Address)
    location: Location | None = None
    industry: str = ""
    industry_division: str | None = None
    professions: tuple[str, ...] = field(default=(), converter=_tuple)
    employees: int = field(default=1, converter=int)
    family: tuple[str, ...] = field(default=(), converter=_tuple)
    certificates: tuple[str, ...] = field(default=(), converter=_tuple)
    offers: tuple[str, ...] = field(default=(), converter=_tuple)
    benefits: tuple[str, ...] = field(default=(), converter=_tuple)
    website: str = ""
    contact: Contact | None = None
    status: Status = field(default=Status.DRAFT, converter=Status)
    is_demo: bool = False
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    extensions: dict[str, dict[str, Any]] = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        self.name = self.name.strip()
        if not self.slug:
            self.slug = slugify(self.name)

    @property
    def size_class(self) -> str:
        """EU SME class derived from the head count."""
        return vocab.size_class_for(self.employees)

    @property
    def is_public(self) -> bool:
        return self.status is Status.PUBLISHED

    def validate(self) -> Company:
        """Check every field against the model's rules; all problems are reported at once."""
        problems: dict[str, list[str]] = {}

        def check(name: str, ok: bool, message: str) -> None:
            if not ok:
                problems.setdefault(name, []).append(message)

        check("name", bool(self.name), "a name is required")
        check("name", len(self.name) <= MAX_NAME, f"at most {MAX_NAME} characters")
        check(
            "slug",
            bool(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.slug)),
            "lower-case letters, digits and single hyphens only",
        )
        check(
            "description",
            len(self.description) <= MAX_DESCRIPTION,
            f"at most {MAX_DESCRIPTION} characters",
        )
        check("employees", self.employees >= 0, "0 or more")
        check(
            "industry",
            self.industry == "" or self.industry in vocab.industries(),
            f"a WZ 2008 section letter ({', '.join(vocab.industries().codes)})",
        )
        if self.industry_division is not None:
            division_ok = self.industry_division in vocab.industry_divisions()
            check("industry_division", division_ok, "a two-digit WZ 2008 division")
            if division_ok and self.industry:
                parent = vocab.industry_divisions().get(self.industry_division).parent
                check(
                    "industry_division",
                    parent == self.industry,
                    f"division {self.industry_division} belongs to section {parent}, "
                    f"not {self.industry}",
                )
        check(
            "website",
            self.website == "" or bool(re.match(r"https?://\S+$", self.website)),
            "a full address starting with http:// or https://",
        )
        for name, vocabulary in (
            ("professions", vocab.professions()),
            ("family", vocab.family_features()),
            ("certificates", vocab.certificates()),
            ("offers", vocab.offers()),
            ("benefits", vocab.benefits()),
        ):
            try:
                _codes(vocabulary, getattr(self, name), name)
            except ValidationError as exc:
                problems.setdefault(name, []).append(exc.message)
        if problems:
            details = "; ".join(f"{k}: {', '.join(v)}" for k, v in problems.items())
            raise ValidationError(f"Company {self.name!r} is invalid: {details}.", problems)
        return self

    def to_dict(self, *, with_contact: bool = False) -> dict[str, Any]:
        """A JSON-ready dict of the profile (contact only when asked for)."""
        data: dict[str, Any] = {
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "description": self.description,
            "street": self.address.street,
            "postcode": self.address.postcode,
            "town": self.address.town,
            "ags": self.address.ags,
            "lat": self.location.lat if self.location else None,
            "lon": self.location.lon if self.location else None,
            "industry": self.industry,
            "industry_division": self.industry_division,
            "professions": list(self.professions),
            "employees": self.employees,
            "size": self.size_class,
            "family": list(self.family),
            "certificates": list(self.certificates),
            "offers": list(self.offers),
            "benefits": list(self.benefits),
            "website": self.website,
            "status": self.status.value,
            "is_demo": self.is_demo,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "extensions": self.extensions,
        }
        if with_contact:
            contact = self.contact or Contact()
            data["contact"] = attrs.asdict(contact)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Company:
        """Build a company from the shape ``to_dict`` produces (unknown keys are an error)."""
        known = {
            "id",
            "slug",
            "name",
            "description",
            "street",
            "postcode",
            "town",
            "ags",
            "lat",
            "lon",
            "industry",
            "industry_division",
            "professions",
            "employees",
            "size",
            "family",
            "certificates",
            "offers",
            "benefits",
            "website",
            "status",
            "is_demo",
            "created_at",
            "updated_at",
            "extensions",
            "contact",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError(
                f"Unknown company field(s): {', '.join(unknown)}; valid fields are: "
                f"{', '.join(sorted(known))}.",
                {k: ["unknown field"] for k in unknown},
            )
        lat, lon = data.get("lat"), data.get("lon")
        try:
            location = (
                Location(lat, lon) if lat not in (None, "") and lon not in (None, "") else None
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise
            raise ValidationError(
                f"Coordinates {lat!r}, {lon!r} are not numbers.", {"lat": ["number expected"]}
            ) from None
        contact = data.get("contact")
        return cls(
            id=data.get("id"),
            slug=data.get("slug") or "",
            name=str(data.get("name") or ""),
            description=data.get("description") or "",
            address=Address(
                street=data.get("street") or "",
                postcode=str(data.get("postcode") or ""),
                town=data.get("town") or "",
                ags=str(data.get("ags") or ""),
            ),
            location=location,
            industry=data.get("industry") or "",
            industry_division=data.get("industry_division") or None,
            professions=data.get("professions") or (),
            employees=_employees(data.get("employees")),
            family=data.get("family") or (),
            certificates=data.get("certificates") or (),
            offers=data.get("offers") or (),
            benefits=data.get("benefits") or (),
            website=data.get("website") or "",
            contact=Contact(**contact) if isinstance(contact, Mapping) else None,
            status=data.get("status") or Status.DRAFT,
            is_demo=bool(data.get("is_demo", False)),
            extensions=dict(data.get("extensions") or {}),
        )
