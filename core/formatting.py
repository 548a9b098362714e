"""Numbers, distances, durations, money and days as a person reads them, per language.

One helper for everything the portal shows: templates, API labels and (through the browser's
``Intl`` with the same CLDR rules, ``webapp/portal/static/js/common.js``) the page scripts.
The rules are Babel's locale data (CLDR), so every configured language formats itself:
German ``2,4 km``, ``4 Min.``, ``1.250 €``; English ``2.4 km``, ``4 mins``, ``€1,250``;
Turkish ``€1.250``, ``4 dk.``; Arabic ``1,250 €`` after a right-to-left mark (U+200F). A
browser test runs both implementations on the same values in every configured language and
compares.

Digits are Western (Latin) in every language, Arabic too: the postcodes, house numbers and
phone numbers on the same page are written that way, and one page should not mix two sets
of digits (``locale_tag`` asks the browser for the same).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Literal, cast

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    get_minus_sign_symbol,
)
from babel.units import format_unit, get_unit_name

__all__ = [
    "format_amount",
    "format_date",
    "format_date_input",
    "format_km",
    "format_metres",
    "format_minutes",
    "format_number",
    "format_quantity",
    "locale_tag",
    "page_formats",
    "parse_date",
    "unit_label",
]

#: The region a language is written for where its bare code would pick another one: English
#: as in Britain (day before month, ``7 Dec 2026``, as the portal always wrote it); the others
#: as in the country the region's people come from (German, Turkish). Any other language
#: takes CLDR's default for its code.
_TERRITORIES = {"de": "de_DE", "en": "en_GB", "tr": "tr_TR"}
#: The language whose rules format a language CLDR does not know (an operator's own code).
_FALLBACK = "en_GB"
#: A FilterSpec's unit -> CLDR unit; ``/h`` is "per hour" (departures per hour).
_CLDR_UNITS = {
    "d": "duration-day",
    "min": "duration-minute",
    "h": "duration-hour",
    "km": "length-kilometer",
    "m": "length-meter",
    "m2": "area-square-meter",
    "m²": "area-square-meter",
}
_PER_HOUR = "/h"
_CURRENCIES = {"€", "EUR", "eur"}
_LENGTH: Literal["short"] = "short"


@cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(_TERRITORIES.get(lang, lang))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(_FALLBACK)


def locale_tag(lang: str) -> str:
    """The BCP 47 tag the browser's ``Intl`` formats ``lang`` with (``de-DE``, ``en-GB``,
    ``ar-u-nu-latn``): the same locale as the server's, with Latin digits."""
    loc = _locale(lang)
    tag = "-".join(part for part in (loc.language, loc.script, loc.territory) if part)
    return f"{tag}-u-nu-latn"


def _exact(value: float, digits: int) -> Decimal | int:
    """``value`` rounded half away from zero on its written decimal (2.45 -> 2.5, as people
    and the browser do), without trailing zeros (so 1.0 counts as one, not as "1.0")."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return int(rounded)  # also turns -0 into 0
    return rounded.normalize()


@cache
def _pattern(lang: str, digits: int) -> NumberPattern:
    """The language's decimal pattern (its grouping) with at most ``digits`` decimals."""
    pattern = cast(NumberPattern, copy.copy(_locale(lang).decimal_formats[None]))
    pattern.frac_prec = (0, digits)
    return pattern


def _signed(text: str, exact: Decimal | int, lang: str) -> str:
    # Babel writes the pattern's ASCII minus; CLDR's (and so the browser's) minus sign of a
    # language may carry a direction mark (Arabic: LRM, so "-3" stays "-3" in a line of
    # Arabic)
    if exact < 0:
        return text.replace("-", get_minus_sign_symbol(_locale(lang), numbering_system="latn"), 1)
    return text


def format_number(value: float, lang: str, digits: int = 0) -> str:
    """``value`` with up to ``digits`` decimals (trailing zeros dropped) and the language's
    separators: ``1.234,5`` in German, ``1,234.5`` in English."""
    if not math.isfinite(value):
        return "–"
    exact = _exact(value, digits)
    text = format_decimal(exact, _pattern(lang, digits), _locale(lang), numbering_system="latn")
    return _signed(text, exact, lang)


def _unit(value: float, unit: str, lang: str, digits: int) -> str:
    exact = _exact(value, digits)
    text = format_unit(
        exact,
        _CLDR_UNITS[unit],
        _LENGTH,
        # Babel takes a NumberPattern here too, though its annotation says str
        cast(str, _pattern(lang, digits)),
        _locale(lang),
        numbering_system="latn",
    )
    return _signed(text, exact, lang)


def unit_label(unit: str, lang: str) -> str:
    """How a unit is named after a number in ``lang`` (``min`` is ``Min.`` in German, ``/h``
    is ``pro Stunde``); a unit CLDR does not know is written as it is."""
    if unit == _PER_HOUR:
        return _per_hour(lang).replace("{0}", "").strip()
    if unit in _CLDR_UNITS:
        return get_unit_name(_CLDR_UNITS[unit], length=_LENGTH, locale=_locale(lang)) or unit
    return unit


def _per_hour(lang: str) -> str:
    patterns = _locale(lang)._data["unit_patterns"].get("duration-hour", {})
    found: str = patterns.get("long", {}).get("per") or "{0}/h"
    return found


def format_km(km: float, lang: str) -> str:
    """A distance in kilometres: one decimal below 10 km, whole kilometres above."""
    return _unit(km, "km", lang, 1 if abs(km) < 10 else 0)


def format_metres(metres: float, lang: str) -> str:
    """A distance given in metres: whole metres below a kilometre (``850 m``), else as
    ``format_km`` writes it (``2,4 km``, ``12 km``)."""
    if abs(metres) < 999.5:
        return _unit(metres, "m", lang, 0)
    return format_km(metres / 1000.0, lang)


def format_minutes(minutes: float, lang: str) -> str:
    """A duration in whole minutes (``4 Min.``); an hour or more as hours and minutes
    (``1 Std. 5 Min.``)."""
    total = max(0, int(_exact(minutes, 0)))
    if total < 60:
        return _unit(total, "min", lang, 0)
    hours, rest = divmod(total, 60)
    text = _unit(hours, "h", lang, 0)
    return f"{text} {_unit(rest, 'min', lang, 0)}" if rest else text


@cache
def _whole_currency(lang: str) -> NumberPattern:
    pattern = cast(NumberPattern, copy.copy(_locale(lang).currency_formats["standard"]))
    pattern.frac_prec = (0, 0)
    return pattern


def format_amount(amount: float, lang: str) -> str:
    """Euros, whole euros unless there are cents: ``1.250 €`` / ``€1,250``, ``12,50 €``."""
    exact = _exact(amount, 2)
    if isinstance(exact, int):
        text = format_currency(
            exact,
            "EUR",
            _whole_currency(lang),
            _locale(lang),
            currency_digits=False,
            numbering_system="latn",
        )
    else:
        text = format_currency(exact, "EUR", locale=_locale(lang), numbering_system="latn")
    return _signed(text, exact, lang)


def format_quantity(value: float, unit: str, lang: str) -> str:
    """``value`` in ``unit`` (a FilterSpec unit: ``km``, ``min``, ``€``, ``m²``, ``/h`` ...)."""
    if unit == "km":
        return format_km(value, lang)
    if unit == "min":
        return format_minutes(value, lang)
    if unit in _CURRENCIES:
        return format_amount(value, lang)
    digits = 0 if float(value).is_integer() else 1
    if unit == _PER_HOUR:
        return _per_hour(lang).replace("{0}", format_number(value, lang, digits))
    # other units as number and name: the browser's Intl has no square metres, and the
    # page's script writes them the same way from ``page_formats``
    text = format_number(value, lang, digits)
    return f"{text} {unit_label(unit, lang)}" if unit else text


def format_date(value: dt.date, lang: str) -> str:
    """A day as a person reads it: ``7. Dez. 2026`` / ``7 Dec 2026`` (never an ISO date)."""
    return format_skeleton("yMMMd", value, locale=_locale(lang))


def _dotted(lang: str) -> bool:
    """Whether people of ``lang`` type days as day.month.year (German, Turkish ...)."""
    short = _locale(lang).date_formats["short"].pattern
    return bool(re.fullmatch(r"d{1,2}\.M{1,2}\.y+", short))


def format_date_input(value: dt.date, lang: str) -> str:
    """A day as a date field shows it for typing: ``07.12.2026`` where the language writes
    days with dots (German, Turkish), else ``2026-12-07`` (ISO: unambiguous where the order
    of day and month differs); ``parse_date`` reads both."""
    if _dotted(lang):
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return value.isoformat()


def page_formats(lang: str) -> dict[str, object]:
    """What a page's script needs to write like ``format_*`` in ``lang``: the ``Intl``
    locale tag, the unit names and patterns, and how date fields show a day."""
    units = {unit: unit_label(unit, lang) for unit in (*_CLDR_UNITS, _PER_HOUR)}
    return {
        "locale": locale_tag(lang),
        "units": units,
        "perHour": _per_hour(lang),
        "dateInput": "dmy" if _dotted(lang) else "iso",
    }


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
