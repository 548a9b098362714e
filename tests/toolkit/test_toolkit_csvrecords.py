"""``read_csv_table``: the CSV reading every importer shares, checked against the csv module."""

from __future__ import annotations

import csv
import io

import pytest

from core import CSV_DELIMITERS, ImportError_, csv_writer, read_csv_table


def test_records_come_with_their_lines_and_a_problem_where_they_cannot_be_read() -> None:
    text = 'title;town\nKurs A;Marl\n\n"Kurs\nB";Dorsten\nKurs C\nKurs D;Herten;extra\n'
    table = read_csv_table(text, name="kurse.csv", columns=("title", "town"))
    assert (table.header, table.delimiter) == (("title", "town"), ";")
    assert [(r.where, dict(r.values), r.problem) for r in table.rows] == [
        ("line 2", {"title": "Kurs A", "town": "Marl"}, ""),
        ("line 4", {"title": "Kurs\nB", "town": "Dorsten"}, ""),
        ("line 6", {}, "it has 1 fields, the header has 2"),
        ("line 7", {}, "it has 3 fields, the header has 2"),
    ]


def test_a_cut_off_copy_says_so() -> None:
    table = read_csv_table("a,b,c\n1,2,3\n4,5", name="x.csv")
    assert table.rows[-1].problem.startswith("it has 2 fields, the header has 3: the file ends")


def test_what_our_exports_write_reads_back_as_written() -> None:
    rows = [["name", "formula"], ["Anna", "=1+2"], ["Bernd", "@SUM(A1)"], ["Café", "-3"]]
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\r\n").writerows(rows)
    table = read_csv_table(buffer.getvalue())
    assert [list(r.values.values()) for r in table.rows] == rows[1:]
    # the same as the csv module reads from the unguarded text
    plain = io.StringIO()
    csv.writer(plain).writerows(rows)
    expected = list(csv.DictReader(io.StringIO(plain.getvalue())))
    assert [dict(r.values) for r in table.rows] == expected


@pytest.mark.parametrize("delimiter", CSV_DELIMITERS)
def test_the_separator_is_found_in_the_header(delimiter: str) -> None:
    text = delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join(["1", "2,5", "3"]) + "\n"
    if delimiter == ",":
        text = 'a,b,c\n1,"2,5",3\n'
    table = read_csv_table(text)
    assert table.delimiter == delimiter and dict(table.rows[0].values)["b"] == "2,5"


@pytest.mark.parametrize(
    ("text", "options", "words"),
    [
        ("", {}, "x.csv: is empty; the first line must be the header. Nothing was imported."),
        ("a,colour\n1,2\n", {"columns": ("a", "b")}, "unknown column(s) 'colour'; valid"),
        ("a,a\n1,2\n", {}, "names the column(s) a twice"),
        ("a,b\n1,2\n", {"required": ("title",)}, "has no column title; it is required"),
        ('a,b\n"1,2\n"x"y,3\n', {}, "line 2 is malformed CSV"),
    ],
)
def test_an_unreadable_file_is_refused_naming_the_fix(
    text: str, options: dict[str, object], words: str
) -> None:
    with pytest.raises(ImportError_) as caught:
        read_csv_table(text, name="x.csv", **options)  # type: ignore[arg-type]
    assert words in caught.value.message
    assert list(caught.value.errors) == ["file"]
