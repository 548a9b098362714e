"""Messages that know their German: a ``Sentence`` is the English string everywhere a string
goes (JSON, logs, comparisons) and gives German to a German page; core's field checks say
what is wrong this way, and the readers built on them keep it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from core import (
    DatasetField,
    Sentence,
    check_email,
    check_postcode,
    check_web_address,
    parse_values,
    parse_yes_no,
    use_language,
)


def test_a_sentence_is_its_english_string_and_knows_its_german() -> None:
    said = Sentence("At most 3 characters.", "Höchstens 3 Zeichen.")
    assert said == "At most 3 characters." and "most" in said
    assert json.dumps({"title": [said]}) == '{"title": ["At most 3 characters."]}'
    # given in English and German only: another language reads the English
    assert (said.text("de"), said.text("en"), said.text("fr"), said.de) == (
        "Höchstens 3 Zeichen.",
        "At most 3 characters.",
        "At most 3 characters.",
        "Höchstens 3 Zeichen.",
    )
    assert Sentence.of(said, "de") == "Höchstens 3 Zeichen."
    assert Sentence.of("plain text", "de") == "plain text"  # a plain message stays as it is


def test_a_sentence_from_the_catalog_speaks_every_language_of_it() -> None:
    said = Sentence.message("core", "error.too_long", limit=5, length=7)
    assert said == "At most 5 characters, not 7."
    assert json.dumps([said]) == '["At most 5 characters, not 7."]'
    assert [said.text(lang) for lang in ("de", "tr", "ar")] == [
        "Höchstens 5 Zeichen, nicht 7.",
        "En fazla 5 karakter olabilir, 7 değil.",
        "الحد الأقصى 5 حرفًا، وليس 7.",
    ]
    with use_language("tr"):
        assert said.text() == "En fazla 5 karakter olabilir, 7 değil."


FIELDS = (
    DatasetField("name", "Name", "Name", required=True, max_length=5),
    DatasetField("places", "Plätze", "Places", kind="integer"),
    DatasetField("cost", "Kosten", "Cost", kind="number"),
    DatasetField("start", "Beginn", "Start", kind="date"),
    DatasetField("kind", "Art", "Kind", kind="choice", choices=(("a", "A"), ("b", "B"))),
    DatasetField("site", "Web", "Web", kind="url"),
    DatasetField("mail", "E-Mail", "E-mail", kind="email"),
)


@pytest.mark.parametrize(
    ("name", "value", "english", "german"),
    [
        ("name", "", "This field is required", "Pflichtangabe"),
        ("name", "Zu lang", "At most 5 characters, not 7.", "Höchstens 5 Zeichen, nicht 7."),
        ("places", "drei", "is not a whole number", "ist keine ganze Zahl"),
        ("cost", "viel", "is not a number", "ist keine Zahl"),
        ("start", "bald", "is not a date", "ist kein Datum"),
        (
            "kind",
            "c",
            "is not a choice; use one of: a, b",
            "steht nicht zur Wahl; möglich sind: a, b",
        ),
        ("site", "www.example.org", "is no web address", "ist keine Webadresse"),
        ("mail", "ida(at)example.org", "is no e-mail address", "ist keine E-Mail-Adresse"),
    ],
)
def test_field_checks_say_what_is_wrong_in_both_languages(
    name: str, value: str, english: str, german: str
) -> None:
    _, problems = parse_values(FIELDS, {name: value})
    (said,) = problems[name]
    assert isinstance(said, Sentence)
    assert english in said and english in said.text("en")
    assert german in said.text("de") and english not in said.text("de")


@pytest.mark.parametrize(
    ("check", "value", "german"),
    [
        (check_email, "ida", "ist keine E-Mail-Adresse"),
        (check_web_address, "example", "ist keine Webadresse"),
        (check_postcode, "4576", "ist keine Postleitzahl"),
        (parse_yes_no, "vielleicht", "weder ja noch nein"),
    ],
)
def test_core_checks_raise_sentences(
    check: Callable[[str], object], value: str, german: str
) -> None:
    with pytest.raises(ValueError) as caught:
        check(value)
    (said,) = caught.value.args
    assert isinstance(said, Sentence) and german in said.de and str(caught.value) == said


@pytest.mark.parametrize(
    ("name", "value", "turkish", "arabic"),
    [
        ("name", "", "Bu alanın doldurulması zorunludur", "هذا الحقل إلزامي"),
        ("places", "drei", "bir tam sayı değil", "ليس عددًا صحيحًا"),
        ("start", "bald", "bir tarih değil", "ليس تاريخًا"),
        ("mail", "ida(at)example.org", "bir e-posta adresi değil", "ليس عنوان بريد إلكتروني"),
    ],
)
def test_field_checks_say_what_is_wrong_in_turkish_and_arabic(
    name: str, value: str, turkish: str, arabic: str
) -> None:
    _, problems = parse_values(FIELDS, {name: value})
    (said,) = problems[name]
    assert turkish in said.text("tr") and arabic in said.text("ar")
    if value:  # the bad value is quoted as it was given, in every language
        assert all(repr(value) in said.text(lang) for lang in ("de", "en", "tr", "ar"))
