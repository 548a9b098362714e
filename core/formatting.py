"""Numbers, distances, durations and amounts as a person reads them, per language.

One helper per language for everything the portal shows: templates, API labels and (through
the same rules in ``webapp/portal/static/js/common.js``) the browser. German: ``2,4 km``,
``4 Min.``, ``1.250 €``; English: ``2.4 km``, ``4 min``, ``€1,250``. A browser test runs both
implementations on the same values and compares.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "format_amount",
    "format_date",
    "format_date_input",
    "format_km",
    "format_metres",
    "format_minutes",
    "format_number",
    "format_quantity",
    "parse_date",
    "unit_label",
]

# units as written after a number; the key is the unit a FilterSpec declares
_UNITS = {
    "de": {"min": "Min.", "h": "Std.", "/h": "pro Stunde", "km": "km", "m": "m", "m2": "m²"},
    "en": {"min": "min", "h": "h", "/h": "per hour", "km": "km", "m": "m", "m2": "m²"},
}
_CURRENCIES = {"€", "EUR", "eur"}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "de"


def format_number(value: float, lang: str, digits: int = 0) -> str:
    """``value`` with up to ``digits`` decimals (trailing zeros dropped) and the language's
    separators: ``1.234,5`` in German, ``1,234.5`` in English."""
    if not math.isfinite(value):
        return "–"
    rounded = _round(value, digits)
    if rounded == 0:
        rounded = Decimal(0)  # no "-0"
    text = f"{rounded:,.{digits}f}"
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    if _lang(lang) == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _round(value: float, digits: int) -> Decimal:
    # half away from zero on the written decimal (2.45 -> 2.5), as people and the browser do
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def unit_label(unit: str, lang: str) -> str:
    """How a unit is written after a number in ``lang`` (``min`` is ``Min.`` in German)."""
    return _UNITS[_lang(lang)].get(unit, unit)


def format_km(km: float, lang: str) -> str:
    """A distance in kilometres: one decimal below 10 km, whole kilometres above."""
    return f"{format_number(km, lang, 1 if abs(km) < 10 else 0)} km"


def format_metres(metres: float, lang: str) -> str:
    """A distance given in metres: whole metres below a kilometre (``850 m``), else as
    ``format_km`` writes it (``2,4 km``, ``12 km``)."""
    if abs(metres) < 999.5:
        return f"{format_number(metres, lang)} m"
    return format_km(metres / 1000.0, lang)


def format_minutes(minutes: float, lang: str) -> str:
    """A duration in whole minutes (``4 Min.``); an hour or more as hours and minutes."""
    total = max(0, int(_round(minutes, 0)))
    units = _UNITS[_lang(lang)]
    if total < 60:
        return f"{total} {units['min']}"
    hours, rest = divmod(total, 60)
    text = f"{format_number(hours, lang)} {units['h']}"
    return f"{text} {rest} {units['min']}" if rest else text


def format_amount(amount: float, lang: str) -> str:
    """Euros, whole euros unless there are cents: ``1.250 €`` / ``€1,250``."""
    digits = 0 if float(amount).is_integer() else 2
    text = format_number(amount, lang, digits)
    if digits and len(text.split("," if _lang(lang) == "de" else ".")[-1]) == 1:
        text += "0"  # 12,50 € rather than 12,5 €
    return f"€{text}" if _lang(lang) == "en" else f"{text} €"


def format_quantity(value: float, unit: str, lang: str) -> str:
    """``value`` in ``unit`` (a FilterSpec unit: ``km``, ``min``, ``€``, ``m²`` ...)."""
    if unit == "km":
        return format_km(value, lang)
    if unit == "min":
        return format_minutes(value, lang)
    if unit in _CURRENCIES:
        return format_amount(value, lang)
    text = format_number(value, lang, 0 if float(value).is_integer() else 1)
    return f"{text} {unit_label(unit, lang)}" if unit else text


_MONTHS = {
    "de": (
        "Jan.",
        "Feb.",
        "März",
        "Apr.",
        "Mai",
        "Juni",
        "Juli",
        "Aug.",
        "Sept.",
        "Okt.",
        "Nov.",
        "Dez.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def format_date(value: dt.date, lang: str) -> str:
    """A day as a person reads it: ``7. Dez. 2026`` / ``7 Dec 2026`` (never an ISO date)."""
    month = _MONTHS[_lang(lang)][value.month - 1]
    if _lang(lang) == "en":
        return f"{value.day} {month} {value.year}"
    return f"{value.day}. {month} {value.year}"


def format_date_input(value: dt.date, lang: str) -> str:
    """A day as a date field shows it for typing: ``07.12.2026`` in German, ``2026-12-07``
    in English (ISO: unambiguous where day-month order differs); ``parse_date`` reads both."""
    if _lang(lang) == "en":
        return value.isoformat()
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_date(text: str) -> dt.date:
    """A day typed into a form: ``7.12.2026``, ``07.12.2026`` or ``2026-12-07``.

    Raises ``ValueError`` with a sentence naming the formats for anything else.
    """
    cleaned = text.strip()
    found = _GERMAN_DATE.fullmatch(cleaned)
    try:
        if found:
            day, month, year = (int(part) for part in found.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"{text!r} is no date; write it as DD.MM.YYYY (7.12.2026) or YYYY-MM-DD."
        ) from None
