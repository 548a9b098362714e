"""Reading foreign-shaped JSON records: the shapes found, nested fields as dotted paths, value
conversions and record filters."""

from __future__ import annotations

import json

import pytest

from core import (
    ConfigError,
    ImportError_,
    RecordFilter,
    ValueConversion,
    cut_off_note,
    read_json_records,
)


def test_an_array_of_nested_records_is_flattened() -> None:
    text = json.dumps(
        [
            {"name": "A", "address": {"postalcode": "24937", "geo": {"lat": 54.8}}},
            {"name": "B", "contacts": [{"phone": "1"}, {"phone": "2"}], "tags": ["x", "y"]},
            7,
        ]
    )
    records = read_json_records(text, name="f.json")
    assert [r.position for r in records] == ["record 1", "record 2", "record 3"]
    assert records[0].values == {
        "name": "A",
        "address.postalcode": "24937",
        "address.geo.lat": 54.8,
    }
    assert records[1].values == {
        "name": "B",
        "contacts.0.phone": "1",
        "contacts.1.phone": "2",
        "tags": ["x", "y"],
    }
    assert records[2].problem == "it is a number, no object"


def test_records_wrapped_in_an_object_or_keyed_by_id() -> None:
    wrapped = read_json_records('{"meta": {"n": 2}, "data": [{"a": 1}, {"a": 2}]}')
    assert [(r.position, r.values) for r in wrapped] == [
        ("data[0]", {"a": 1}),
        ("data[1]", {"a": 2}),
    ]
    keyed = read_json_records('{"k1": {"a": 1}, "k2": {"a": 2}}')
    assert [r.values for r in keyed] == [{"a": 1, "record_key": "k1"}, {"a": 2, "record_key": "k2"}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "FeatureCollection", "features": []}', "use the format geojson|import it with"),
        ('{"a": [1, 2], "b": 3}', "no list of records"),
        ("42", "a single JSON int"),
        ('[{"a": 1}, {"a": ', "ends in the middle of a record .* looks cut off"),
        ('[{"a": 1}] x', r"is not JSON \(line 1, column 12"),
    ],
)
def test_shapes_that_are_no_records_are_named(text: str, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        read_json_records(text, name="f.json")


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ("milliseconds", 25_200_000, 420),
        ("milliseconds", "63000000", 1050),
        ("seconds", 25_200, 420),
        ("minutes", 1020, 1020),
        ("clock", "7:30", 450),
        ("clock", "17.00", 1020),
        ("clock", "07:00:00", 420),
        ("months", 36, 3.0),
        ("months", "18", 1.5),
        ("number", "7,5", 7.5),
        ({"KITA": "kita", "TPP": "childminder"}, " tpp ", "childminder"),
        ("milliseconds", None, None),
    ],
)
def test_conversions(spec, value, expected) -> None:
    assert ValueConversion.parse(spec, "convert.x").apply(value) == expected


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        ("milliseconds", 90_000_000, "no time of day"),
        ("clock", "morgens", "no time of day"),
        ("months", -1, "no age"),
        ({"KITA": "kita"}, "HORT", r"not in the value map \(known: kita\)"),
        ("number", "viele", "no number"),
    ],
)
def test_values_that_do_not_convert_say_why(spec, value, message) -> None:
    with pytest.raises(ValueError, match=message):
        ValueConversion.parse(spec, "convert.x").apply(value)


@pytest.mark.parametrize("spec", ["hours", {}, 3, {"A": ["x"]}])
def test_bad_conversion_settings_name_their_key(spec) -> None:
    with pytest.raises(ConfigError, match="convert.opens"):
        ValueConversion.parse(spec, "convert.opens")


def test_record_filters() -> None:
    rule = RecordFilter.parse("type=KITA,kiga")
    assert rule.matches({"type": "kita"}) and rule.matches({"type": "KIGA"})
    assert not rule.matches({"type": "TPP"}) and not rule.matches({})
    negated = RecordFilter.parse("address.town != Harrislee")
    assert negated.path == "address.town" and str(negated) == "address.town!=Harrislee"
    assert negated.matches({"address.town": "Flensburg"})
    assert not negated.matches({"address.town": "Harrislee"})
    for bad in ("type", "=KITA", "type="):
        with pytest.raises(ImportError_, match="field=value"):
            RecordFilter.parse(bad)


def test_a_short_last_line_without_a_line_break_is_named_cut_off() -> None:
    cut = "a,b,c\n1,2,3\n4,5"
    assert "ends in the middle of this record" in cut_off_note(cut, 3)
    assert cut_off_note(cut + "\n", 3) == ""  # complete line, just short
    assert cut_off_note("a,b,c\n1,2\n4,5,6", 2) == ""  # not the last line
