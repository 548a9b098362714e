"""``export_file`` and ``export_cell``: the CSV and GeoJSON exports every dataset writes."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from core import EXPORT_FORMATS, ValidationError, csv_reader, export_cell, export_file

ROWS = [
    {
        "id": 1,
        "name": "Kita Regenbogen",
        "lat": 51.6142,
        "lon": 7.1979,
        "places": 45,
        "open": True,
        "note": '=HYPERLINK("x")',
        "since": dt.date(2024, 8, 1),
        "rent": 1250.0,
        "hours": 51.657,
        "codes": ("26", "25"),
    },
    {"id": 2, "name": "Ohne Ort", "lat": None, "lon": None, "open": False, "note": None},
]
COLUMNS = ("id", "name", "lat", "lon", "places", "open", "note", "since", "rent", "hours", "codes")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (1250.0, "1250"),
        (51.657, "51.6570"),
        (0.1, "0.1"),
        (7, "7"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        (["a", "b"], "a;b"),
        ({"x": "ä"}, '{"x": "ä"}'),
    ],
)
def test_export_cell(value: object, text: str) -> None:
    assert export_cell(value) == text


def test_numbers_read_back_exactly() -> None:
    for number in (51.6142, 7.19791234, 1e-7, 123456.789, 51.657):
        assert float(export_cell(number)) == number


def test_csv_reads_back_with_the_header_and_neutralised_formulas() -> None:
    file = export_file("csv", ROWS, COLUMNS, name="kitas", what="Kitas")
    assert (file.filename, file.media_type) == ("kitas.csv", "text/csv; charset=utf-8")
    text = file.content.decode("utf-8")
    assert text.count("\r\n") == 3
    rows = list(csv_reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [
        "1",
        "Kita Regenbogen",
        "51.6142",
        "7.1979",
        "45",
        "true",
        '=HYPERLINK("x")',  # csv_reader undoes the guard the writer put in front
        "2024-08-01",
        "1250",
        "51.6570",
        "26;25",
    ]
    assert "'=HYPERLINK" in text
    assert rows[2][:7] == ["2", "Ohne Ort", "", "", "", "false", ""]


def test_geojson_has_a_point_per_located_row_and_the_rest_as_properties() -> None:
    file = export_file("geojson", ROWS, COLUMNS, name="kitas", what="Kitas")
    assert (file.filename, file.media_type) == ("kitas.geojson", "application/geo+json")
    document = json.loads(file.content)
    assert document["type"] == "FeatureCollection"
    first, second = document["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [7.1979, 51.6142]}
    assert first["properties"]["since"] == "2024-08-01"
    assert first["properties"]["codes"] == ["26", "25"]
    assert "lat" not in first["properties"] and "lon" not in first["properties"]
    assert second["geometry"] is None
    assert second["properties"]["open"] is False


def test_a_format_not_offered_is_refused_naming_the_offered_ones() -> None:
    assert EXPORT_FORMATS == ("csv", "geojson")
    with pytest.raises(
        ValidationError, match="'xlsx' is not offered for Kitas; export them as csv or geojson"
    ):
        export_file("xlsx", ROWS, COLUMNS, name="kitas", what="Kitas")
    with pytest.raises(ValidationError, match="export them as csv."):
        export_file("geojson", ROWS, COLUMNS, name="stops", what="stops", formats=("csv",))
