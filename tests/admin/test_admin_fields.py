"""How the edit forms read what an operator typed: ``DatasetField.parse`` per kind and
``Dataset.clean`` over a form (core.io.datasets, the admin area's contract with the plugins)."""

from __future__ import annotations

from typing import Any

import pytest

from core import Dataset, DatasetField, DatasetPage, ValidationError, parse_values


@pytest.mark.parametrize(
    ("kind", "typed", "value"),
    [
        ("text", "  Kita am See ", "Kita am See"),
        ("text", "", None),
        ("textarea", "Zeile 1\nZeile 2", "Zeile 1\nZeile 2"),
        ("number", "12,5", 12.5),
        ("number", "-3", -3.0),
        ("integer", "42", 42),
        ("bool", "on", True),
        ("bool", "", False),
        ("bool", "false", False),
        ("date", "2026-03-01", "2026-03-01"),
        ("datetime", "2026-03-01T08:30", "2026-03-01T08:30:00"),
        ("url", "https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("email", "kita@example.org", "kita@example.org"),
        ("choice", "b", "b"),
    ],
)
def test_parse_reads_each_kind(kind: str, typed: str, value: Any) -> None:
    field = DatasetField("f", "F", "F", kind=kind, choices=(("a", "A"), ("b", "B")))
    assert field.parse(typed) == value


@pytest.mark.parametrize(
    ("kind", "typed", "words"),
    [
        ("number", "zwölf", "not a number"),
        ("number", "inf", "not a finite number"),
        ("integer", "4.5", "not a whole number"),
        ("bool", "vielleicht", "neither yes nor no"),
        ("date", "01.03.2026", "YYYY-MM-DD"),
        ("datetime", "morgen", "date and time"),
        ("url", "example.org", "https://"),
        ("url", "javascript:alert(1)", "https://"),
        ("email", "keine-adresse", "e-mail address"),
        ("choice", "c", "use one of: a, b"),
    ],
)
def test_parse_names_the_problem(kind: str, typed: str, words: str) -> None:
    field = DatasetField("f", "F", "F", kind=kind, choices=(("a", "A"), ("b", "B")))
    with pytest.raises(ValueError, match=words):
        field.parse(typed)


def test_required_and_max_length() -> None:
    field = DatasetField("name", "Name", "Name", required=True, max_length=5)
    with pytest.raises(ValueError, match="required"):
        field.parse("  ")
    with pytest.raises(ValueError, match="At most 5 characters, not 6"):
        field.parse("sechs!")
    assert field.parse("fünf!") == "fünf!"


def test_clean_reads_editable_fields_and_names_every_problem() -> None:
    dataset = Dataset(
        id="t.rows",
        label_de="Zeilen",
        label_en="Rows",
        fields=(
            DatasetField("id", "Nr.", "No.", editable=False),
            DatasetField("name", "Name", "Name", required=True),
            DatasetField("places", "Plätze", "Places", kind="integer"),
            DatasetField("open", "Offen", "Open", kind="bool"),
        ),
        search=lambda session, text, offset, limit: DatasetPage([], 0),
        get=lambda session, record_id: {},
    )
    assert dataset.clean({"id": "9", "name": "Kita", "places": "3", "open": "on"}) == {
        "name": "Kita",
        "places": 3,
        "open": True,
    }
    # absent fields stay out, except an unticked checkbox
    assert dataset.clean({"places": ""}) == {"places": None, "open": False}
    with pytest.raises(ValidationError) as caught:
        dataset.clean({"name": "", "places": "drei"})
    assert set(caught.value.errors) == {"name", "places"}
    assert "places" in caught.value.message


def test_submitted_values_keeps_editable_fields_and_names_the_rest() -> None:
    from core import submitted_values

    fields = (
        DatasetField("id", "Nr.", "No.", editable=False),
        DatasetField("name", "Name", "Name"),
        DatasetField("source", "Quelle", "Source", editable=False),
        DatasetField("open", "Offen", "Open", kind="bool", editable=False),
        DatasetField("places", "Plätze", "Places", kind="integer", editable=False),
    )
    shown = {"id": "7", "name": "Alt", "source": "kitas.csv", "open": True, "places": 40}
    # a form sends back what it showed, as text: that is no change
    kept, problems = submitted_values(
        fields,
        shown,
        {"id": "7", "name": " Neu ", "source": "kitas.csv", "open": "on", "places": "40"},
        "a Kita",
    )
    assert kept == {"name": " Neu "} and problems == {}
    kept, problems = submitted_values(
        fields,
        shown,
        {"name": "Neu", "source": "andere.csv", "open": "false", "colour": "rot", "places": None},
        "a Kita",
    )
    assert kept == {"name": "Neu"}
    assert sorted(problems) == ["colour", "open", "places", "source"]
    assert problems["colour"] == ["'colour' is no field of this record; the fields are name."]
    assert "leave it as it is ('kitas.csv')" in problems["source"][0]


def test_parse_values_reads_only_the_given_names_and_collects_problems() -> None:
    fields = (
        DatasetField("cost", "Kosten", "Cost", kind="number"),
        DatasetField("open", "Offen", "Open", kind="bool"),
        DatasetField("codes", "Codes", "Codes", max_length=10),
        DatasetField("seats", "Plätze", "Seats", kind="integer"),
    )
    parsed, problems = parse_values(
        fields, {"cost": "1.190,50", "codes": ["26", " 25 "], "seats": "viele"}
    )
    assert parsed == {"cost": 1190.5, "codes": "26; 25"}  # "open" absent: not read as false
    assert list(problems) == ["seats"] and "not a whole number" in problems["seats"][0]
