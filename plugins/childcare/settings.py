"""The childcare plugin's settings (``[plugins.childcare]``), validated when the platform starts.

cattrs checks the types (and unknown keys) first; ``ChildcareSettings.problems`` then checks the
values, so every message names its key.
"""

from __future__ import annotations

import re
from typing import Any

from attrs import define
from core import ConfigError
from core import ImportError_
from core import RecordFilter
from core import ValueConversion
from core import range_problems
from core import setting

__all__ = ["ChildcareSettings", "ColumnMapping", "parse_clock"]

_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_MARKER = re.compile(r"[a-z][a-z0-9_-]{0,39}")


def parse_clock(text: str) -> int:
    """Minutes after midnight of a ``HH:MM`` time (``17:00`` -> 1020)."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None or int(match[1]) > 24 or int(match[2]) > 59:
        raise ValueError(f"expected a time of day such as 17:00, got {text!r}")
    return int(match[1]) * 60 + int(match[2])


def _columns(*names: str, text: str) -> Any:
    return setting(factory=lambda: list(names), help_text=text)


@define
class ColumnMapping:
    """Which column (CSV) or property (GeoJSON) holds which Kita field.

    Each field lists candidate column names; the first one present in the file is used (for
    the age-group fields every present one counts: a Kita serves the group when any of them
    is "yes" or a number above 0). Names are compared case-insensitively, with umlauts folded
    (``Träger`` matches ``traeger``) and spaces, dots and hyphens read as ``_``. Fields nested
    in JSON records are named by dotted paths (``address.postalcode``).
    """

    id: list[str] = _columns(
        "id",
        "source_id",
        "kita_id",
        "kita_nr",
        "einrichtungsnummer",
        "nummer",
        "slug",
        text="Stable id of the Kita in the publisher's data (re-imports update by it).",
    )
    name: list[str] = _columns(
        "name",
        "einrichtung",
        "bezeichnung",
        "kita",
        "facility",
        "einrichtungsname",
        text="Name of the Kita (required).",
    )
    operator: list[str] = _columns(
        "operator",
        "traeger",
        "traegername",
        "institution",
        "betreiber",
        text="Operator (Träger).",
    )
    street: list[str] = _columns(
        "street",
        "strasse",
        "adresse",
        "address",
        "anschrift",
        text="Street and house number (or the street alone, see housenumber).",
    )
    housenumber: list[str] = _columns(
        "housenumber", "hausnummer", "hausnr", "nr", text="House number, if in its own column."
    )
    postcode: list[str] = _columns(
        "postcode", "plz", "postleitzahl", "postal_code", "zip", text="Postcode."
    )
    town: list[str] = _columns(
        "town",
        "ort",
        "stadt",
        "gemeinde",
        "city",
        text="Town; empty: taken from the postcode.",
    )
    district: list[str] = _columns(
        "district", "stadtteil", "ortsteil", "bezirk", text="District of the town."
    )
    lat: list[str] = _columns(
        "lat", "latitude", "breitengrad", "y_wgs84", text="Latitude (CSV; WGS84)."
    )
    lon: list[str] = _columns(
        "lon", "lng", "longitude", "laengengrad", "x_wgs84", text="Longitude (CSV; WGS84)."
    )
    age_under3: list[str] = _columns(
        "age_under3",
        "u3",
        "krippe",
        "unter_3",
        "plaetze_u3",
        text="Serves children under 3 (yes/no or a number of places or groups).",
    )
    age_3_6: list[str] = _columns(
        "age_3_6",
        "ue3",
        "ü3",
        "kindergarten",
        "ueber_3",
        "plaetze_ue3",
        text="Serves children from 3 to school age.",
    )
    age_school: list[str] = _columns(
        "age_school", "hort", "schulkinder", "plaetze_hort", text="Serves school children."
    )
    age_from: list[str] = _columns(
        "age_from",
        "alter_von",
        "aufnahmealter",
        "min_age",
        text="Youngest age cared for, in years (declare the conversion 'months' for months).",
    )
    age_to: list[str] = _columns(
        "age_to",
        "alter_bis",
        "hoechstalter",
        "max_age",
        text="Oldest age cared for, in years (declare the conversion 'months' for months).",
    )
    age_groups: list[str] = _columns(
        "age_groups",
        "altersgruppen",
        "alter",
        "betreuungsalter",
        text="Age groups as text (e.g. '0-3; 3-6', 'Krippe, Hort', '1-6 Jahre').",
    )
    places: list[str] = _columns(
        "places",
        "plaetze",
        "platzzahl",
        "kapazitaet",
        "capacity",
        "genehmigte_plaetze",
        text="Number of places.",
    )
    opening_hours: list[str] = _columns(
        "opening_hours",
        "oeffnungszeiten",
        "oeffnungszeit",
        "betreuungszeiten",
        text="Opening hours (e.g. '07:00-16:30' or OSM syntax 'Mo-Fr 07:00-17:00').",
    )
    opens: list[str] = _columns(
        "opens",
        "oeffnet",
        "oeffnet_um",
        "opening_time",
        text="Opening time of day in its own column (HH:MM; declare 'milliseconds', "
        "'seconds' or 'minutes' for numbers after midnight).",
    )
    closes: list[str] = _columns(
        "closes",
        "schliesst",
        "schliesst_um",
        "closing_time",
        text="Closing time of day in its own column (as opens).",
    )
    kind: list[str] = _columns(
        "kind",
        "art",
        "betreuungsart",
        text="Kind of childcare: kita or childminder (Kindertagespflege); map the file's "
        'codes with a value map, e.g. convert.kind = {KITA = "kita", TPP = "childminder"}.',
    )
    concept: list[str] = _columns(
        "concept",
        "konzept",
        "profil",
        "paedagogisches_konzept",
        "schwerpunkt",
        text="Pedagogical concept or profile.",
    )
    languages: list[str] = _columns(
        "languages",
        "sprachen",
        "sprache",
        "language",
        text="Languages, separated by ';' or ',' (e.g. 'de; da').",
    )
    inclusion: list[str] = _columns(
        "inclusion",
        "inklusion",
        "integration",
        "integrativ",
        "integrationsplaetze",
        text="Inclusive places (yes/no or a number).",
    )
    lunch: list[str] = _columns(
        "lunch", "mittagessen", "verpflegung", text="Lunch offered (yes/no)."
    )
    phone: list[str] = _columns("phone", "telefon", "tel", text="Phone number.")
    email: list[str] = _columns("email", "e_mail", "mail", text="E-mail address.")
    website: list[str] = _columns("website", "homepage", "internet", "url", "www", text="Web site.")
    notes: list[str] = _columns(
        "notes", "bemerkungen", "hinweise", "anmerkungen", "comments", text="Further notes."
    )

    def fields(self) -> dict[str, list[str]]:
        """Field name -> candidate columns."""
        return {name: list(getattr(self, name)) for name in _MAPPING_FIELDS}


_MAPPING_FIELDS = (
    "id",
    "name",
    "operator",
    "street",
    "housenumber",
    "postcode",
    "town",
    "district",
    "lat",
    "lon",
    "age_under3",
    "age_3_6",
    "age_school",
    "age_from",
    "age_to",
    "age_groups",
    "places",
    "opening_hours",
    "opens",
    "closes",
    "kind",
    "concept",
    "languages",
    "inclusion",
    "lunch",
    "phone",
    "email",
    "website",
    "notes",
)


@define
class ChildcareSettings:
    """Search radius, facet classes, the importers' column mapping and the map marker."""

    default_radius_km: float = setting(
        2.0,
        "Default search radius in km: the Kita list around a place and the profile section "
        "('Kitas within ... km').",
    )
    radii_km: list[float] = setting(
        factory=lambda: [1.0, 2.0, 5.0],
        help_text="Distances (km) offered by the faceted filter 'Kita nearby' (childcare_kita), "
        "ascending, at most 6.",
    )
    closing_times: list[str] = setting(
        factory=lambda: ["17:00", "18:00"],
        help_text="Closing times (HH:MM) offered as 'open until at least ...' in the filter "
        "childcare_kita, ascending, at most 4.",
    )
    profile_kitas: int = setting(5, "How many nearby Kitas a company profile lists (1-20).")
    marker: str = setting(
        "kita", "Marker symbol name of the Kita layer (Layer.marker; the map's hint)."
    )
    marker_color: str = setting("#b8336a", "Colour of the Kita symbol on every map (#rrggbb).")
    attribution: str = setting(
        "",
        "Attribution shown with the Kita layer, e.g. '© OpenStreetMap-Mitwirkende' after "
        "an OSM import or the data's publisher.",
    )
    columns: ColumnMapping = setting(
        factory=ColumnMapping,
        help_text="Column mapping of the GeoJSON, CSV and JSON importers: "
        "[plugins.childcare.columns], field = [candidate column names or dotted paths].",
    )
    convert: dict[str, Any] = setting(
        factory=dict,
        help_text="Value conversions of mapped fields: [plugins.childcare.convert], field = "
        "'milliseconds', 'seconds', 'minutes' or 'clock' (times of day), 'months' "
        '(ages), \'number\', or a value map such as {KITA = "kita", TPP = "childminder"}.',
    )
    where: list[str] = setting(
        factory=list,
        help_text="Record filters every import applies, e.g. ['type=KITA'] (field=value or "
        "field!=value, values separated by ','); --where adds more.",
    )

    def problems(self) -> list[str]:
        """Every invalid setting as ``key: what is wrong`` (empty when all are valid)."""
        out = range_problems(self, {"default_radius_km": (0.1, 50), "profile_kitas": (1, 20)})
        radii = list(self.radii_km)
        if not 1 <= len(radii) <= 6:
            out.append(f"radii_km: give 1 to 6 distances, not {len(radii)}")
        if any(not 0.1 <= r <= 50 for r in radii):
            out.append(f"radii_km: every distance must lie between 0.1 and 50 km, not {radii!r}")
        if radii != sorted(set(radii)):
            out.append(f"radii_km: distances must be ascending and distinct, not {radii!r}")
        minutes: list[int] = []
        for text in self.closing_times:
            try:
                minutes.append(parse_clock(text))
            except ValueError as exc:
                out.append(f"closing_times: {exc}")
        if len(self.closing_times) > 4:
            out.append(f"closing_times: give at most 4 times, not {len(self.closing_times)}")
        if minutes and minutes != sorted(set(minutes)):
            out.append(
                f"closing_times: times must be ascending and distinct, not {self.closing_times!r}"
            )
        if not _MARKER.fullmatch(self.marker):
            out.append(
                f"marker: a symbol name of lower-case letters, digits, '-' and '_', "
                f"not {self.marker!r}"
            )
        if not _COLOUR.fullmatch(self.marker_color):
            out.append(f"marker_color: a colour such as #b8336a, not {self.marker_color!r}")
        mapped = self.columns.fields()
        for name, spec in self.convert.items():
            if name not in mapped:
                out.append(
                    f"convert.{name}: {name!r} is no mapped field; fields: {', '.join(mapped)}"
                )
                continue
            try:
                ValueConversion.parse(spec, f"convert.{name}")
            except ConfigError as exc:
                out.append(exc.message)
        for text in self.where:
            try:
                RecordFilter.parse(text)
            except ImportError_ as exc:
                out.append(f"where: {exc.message}")
        for name, candidates in self.columns.fields().items():
            if not candidates and name in ("name",):
                out.append(f"columns.{name}: name at least one column")
            if any(not c.strip() for c in candidates):
                out.append(f"columns.{name}: column names must not be empty")
        return out

    def conversions(self) -> dict[str, ValueConversion]:
        """The declared conversions by field (settings are checked at start-up)."""
        return {
            name: ValueConversion.parse(spec, f"plugins.childcare.convert.{name}")
            for name, spec in self.convert.items()
        }

    @property
    def nearby_km(self) -> float:
        """How far a profile looks for Kitas: the largest filter distance (or the default
        radius, if larger); Kitas further away are no help to a parent."""
        return max([*self.radii_km, self.default_radius_km])

    @property
    def closing_minutes(self) -> list[int]:
        return [parse_clock(t) for t in self.closing_times]
