"""The one yes/no vocabulary and the e-mail, web address and postcode checks of ``core``."""

from __future__ import annotations

import pytest

from core import (
    NO_WORDS,
    YES_WORDS,
    DatasetField,
    check_email,
    check_postcode,
    check_web_address,
    is_email,
    is_postcode,
    is_web_address,
    parse_yes_no,
)


@pytest.mark.parametrize("word", sorted(YES_WORDS))
def test_every_yes_word_reads_as_yes_in_any_case(word: str) -> None:
    assert parse_yes_no(word) is True
    assert parse_yes_no(f"  {word.upper()} ") is True


@pytest.mark.parametrize("word", sorted(NO_WORDS))
def test_every_no_word_reads_as_no_in_any_case(word: str) -> None:
    assert parse_yes_no(word) is False
    assert parse_yes_no(word.title()) is False


def test_yes_and_no_words_do_not_overlap() -> None:
    assert not YES_WORDS & NO_WORDS


@pytest.mark.parametrize("value", [None, "", "  ", "k. A.", "unbekannt", "n/a"])
def test_empty_and_unknown_are_no_answer(value: object) -> None:
    assert parse_yes_no(value) is None


@pytest.mark.parametrize("value", [True, False])
def test_booleans_stay(value: bool) -> None:
    assert parse_yes_no(value) is value


@pytest.mark.parametrize("value", ["vielleicht", "2", "yes please", "jein"])
def test_other_words_are_refused_with_the_fix(value: str) -> None:
    with pytest.raises(ValueError, match="neither yes nor no; write ja or nein"):
        parse_yes_no(value)


def test_dataset_bool_fields_read_the_same_words() -> None:
    field = DatasetField("lunch", "Mittagessen", "Lunch", kind="bool")
    assert [field.parse(w) for w in ("WAHR", "x", "nein", "", None)] == [
        True,
        True,
        False,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("name@example.org", True),
        ("anna.schmidt+kita@stadt-marl.de", True),
        ("name@localhost", False),
        ("name example.org", False),
        ("@example.org", False),
        ("a@b@example.org", False),
        ("name@example.org.", False),
        ("", False),
    ],
)
def test_email(text: str, valid: bool) -> None:
    assert is_email(text) is valid
    if valid:
        assert check_email(f" {text} ") == text
    else:
        with pytest.raises(ValueError, match="no e-mail address; write it like name@example.org"):
            check_email(text)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("https://example.org", True),
        ("HTTP://Example.org/Pfad?x=1#top", True),
        ("https://www.arbeitsagentur.de/kursnet?id=123", True),
        ("example.org", False),
        ("ftp://example.org", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("https://.example.org", False),
        ("https://example.org/a b", False),
        ("javascript:alert(1)", False),
    ],
)
def test_web_address(text: str, valid: bool) -> None:
    assert is_web_address(text) is valid
    if valid:
        assert check_web_address(text) == text
    else:
        with pytest.raises(ValueError, match="no web address; write it with https://"):
            check_web_address(text)


@pytest.mark.parametrize(
    ("text", "valid"),
    [("45657", True), ("01067", True), ("4565", False), ("456578", False), ("٤٥٦٥٧", False)],
)
def test_postcode(text: str, valid: bool) -> None:
    assert is_postcode(text) is valid
    if valid:
        assert check_postcode(text) == text
    else:
        with pytest.raises(ValueError, match="a German postcode has five digits"):
            check_postcode(text)
