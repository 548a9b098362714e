"""Numbers and units as people read them: the one helper per language (core.formatting).

The expected texts are CLDR's (Babel on the server, the browser's Intl in
tests/browser/test_browser_formatting.py); amounts keep their number and sign together with a
no-break space where the language puts a space between them.
"""

from __future__ import annotations

import pytest

from core import (
    format_amount,
    format_km,
    format_metres,
    format_minutes,
    format_number,
    format_quantity,
    unit_label,
)
from core.formatting import locale_tag

LANGUAGES = ("de", "en", "tr", "ar")
NBSP, RLM = "\u00a0", "\u200f"


@pytest.mark.parametrize(
    ("value", "digits", "de", "en", "tr"),
    [
        (0, 0, "0", "0", "0"),
        (1234567, 0, "1.234.567", "1,234,567", "1.234.567"),
        (1234.5, 1, "1.234,5", "1,234.5", "1.234,5"),
        (2.0, 1, "2", "2", "2"),
        (2.45, 1, "2,5", "2.5", "2,5"),  # half away from zero, as written
        (-0.01, 1, "0", "0", "0"),  # never "-0"
        (-3.25, 1, "-3,3", "-3.3", "-3,3"),
        (float("nan"), 0, "–", "–", "–"),
    ],
)
def test_number_uses_the_languages_separators(value, digits, de, en, tr):
    assert format_number(value, "de", digits) == de
    assert format_number(value, "en", digits) == en
    assert format_number(value, "tr", digits) == tr
    # Arabic pages write Latin digits, like the postcodes and phone numbers beside them; the
    # minus sign keeps its place with a left-to-right mark
    assert format_number(value, "ar", digits) == en.replace("-", "\u200e-")


@pytest.mark.parametrize(
    ("km", "de", "en"),
    [
        (2.4, "2,4 km", "2.4 km"),
        (2, "2 km", "2 km"),
        (0.8, "0,8 km", "0.8 km"),
        (12.6, "13 km", "13 km"),
    ],
)
def test_distances_in_km(km, de, en):
    assert format_km(km, "de") == de
    assert format_km(km, "en") == en
    assert format_km(km, "tr") == de
    assert format_km(km, "ar") == en.replace("km", "كم")


def test_short_distances_in_metres():
    assert format_metres(153.4, "de") == "153 m"
    assert format_metres(999.4, "en") == "999 m"
    assert format_metres(999.6, "de") == "1 km"
    assert format_metres(2400, "de") == "2,4 km"


@pytest.mark.parametrize(
    ("minutes", "de", "en", "tr"),
    [
        (4.4, "4 Min.", "4 mins", "4 dk."),
        (4.5, "5 Min.", "5 mins", "5 dk."),
        (0, "0 Min.", "0 mins", "0 dk."),
        (1, "1 Min.", "1 min", "1 dk."),
        (60, "1 Std.", "1 hr", "1 sa."),
        (65.2, "1 Std. 5 Min.", "1 hr 5 mins", "1 sa. 5 dk."),
        (125, "2 Std. 5 Min.", "2 hrs 5 mins", "2 sa. 5 dk."),
    ],
)
def test_durations_in_whole_minutes(minutes, de, en, tr):
    assert format_minutes(minutes, "de") == de
    assert format_minutes(minutes, "en") == en
    assert format_minutes(minutes, "tr") == tr


def test_amounts_and_other_units():
    assert format_amount(1250, "de") == f"1.250{NBSP}€"
    assert format_amount(1250, "en") == "€1,250"
    assert format_amount(1250, "tr") == "€1.250"
    assert format_amount(1250, "ar") == f"{RLM}1,250{NBSP}€"
    assert format_amount(12.5, "de") == f"12,50{NBSP}€"
    assert format_amount(12.5, "en") == "€12.50"
    assert format_quantity(750, "€", "de") == f"750{NBSP}€"
    assert format_quantity(1.5, "km", "de") == "1,5 km"
    assert format_quantity(30, "min", "de") == "30 Min."
    assert format_quantity(75.5, "m²", "de") == "75,5 m²"
    assert format_quantity(3, "", "en") == "3"
    assert format_quantity(4, "/h", "de") == "4 pro Stunde"
    assert format_quantity(4, "/h", "en") == "4 per hour"
    assert unit_label("min", "de") == "Min."
    assert unit_label("min", "en") == "mins"
    assert unit_label("/h", "de") == "pro Stunde"
    assert unit_label("Plätze", "de") == "Plätze"  # a unit CLDR does not know stays as it is


def test_a_language_cldr_does_not_know_formats_as_english():
    # an operator may configure a code of their own; its numbers still read well
    assert format_km(2.4, "xx-test") == format_km(2.4, "en")
    assert locale_tag("xx-test") == locale_tag("en") == "en-GB-u-nu-latn"
    assert locale_tag("de") == "de-DE-u-nu-latn"
    assert locale_tag("ar") == "ar-u-nu-latn"


def test_no_language_writes_a_raw_float():
    # the strings a person reads never carry Python's float spelling
    for lang in LANGUAGES:
        for value in (0.1 + 0.2, 1 / 3, 2.675, 1e6 + 0.5):
            text = format_km(value, lang)
            assert "e+" not in text and "000000" not in text, text


def test_days_read_and_typed_per_language():
    import datetime as dt

    from core import format_date, format_date_input, parse_date

    # every day of a year round-trips through what a date field shows and reads back
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        for lang in LANGUAGES:
            assert parse_date(format_date_input(day, lang)) == day
        day += dt.timedelta(days=1)
    assert format_date(dt.date(2026, 12, 7), "de") == "7. Dez. 2026"
    assert format_date(dt.date(2026, 3, 1), "de") == "1. März 2026"
    assert format_date(dt.date(2026, 12, 7), "en") == "7 Dec 2026"
    assert format_date(dt.date(2026, 12, 7), "tr") == "7 Ara 2026"
    assert format_date(dt.date(2026, 12, 7), "ar") == "7 ديسمبر 2026"
    assert format_date_input(dt.date(2026, 3, 1), "tr") == "01.03.2026"
    assert format_date_input(dt.date(2026, 3, 1), "ar") == "2026-03-01"
    assert format_date_input(dt.date(2026, 3, 1), "de") == "01.03.2026"
    assert format_date_input(dt.date(2026, 3, 1), "en") == "2026-03-01"
    assert parse_date(" 7.12.2026 ") == dt.date(2026, 12, 7)
    for wrong in ("31.02.2026", "12/07/2026", "gestern", "", "7.12.26"):
        with pytest.raises(ValueError, match="DD.MM.YYYY"):
            parse_date(wrong)
