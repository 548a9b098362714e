"""``table_dataset`` (a dataset's search and get over one table) on a real table of the engine
under test; ``edited_values`` (what an edit form changes) and ``checked_record`` (the form's
problems and the record's own check in one answer)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, create_engine, insert
from sqlalchemy.orm import Session

from core import (
    DatasetField,
    NotFound,
    ValidationError,
    checked_record,
    edited_values,
    fold,
    submitted_values,
    table_dataset,
)

metadata = MetaData()
PLACES = Table(
    "places",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200)),
    Column("town", String(100)),
)
NAMES = (
    "Bäckerei Müller",
    "BAECKEREI MUELLER",
    "Kita Sonnenschein",
    "Städtische Kita Über den Wolken",
    "Straßenbau Öztürk",
    "Café Crème",
    "Herten (Westf.) Süd",
)
TOWNS = ("Dülmen", "Recklinghausen", None, "DUELMEN", "Marl")
ROWS = [(i + 1, name, TOWNS[i % len(TOWNS)]) for i, name in enumerate(NAMES)]
FIELDS = (
    DatasetField("id", "Nr.", "No.", editable=False, listed=True),
    DatasetField("name", "Name", "Name", required=True, max_length=40, listed=True),
    DatasetField("town", "Ort", "Town", max_length=100),
    DatasetField("places", "Plätze", "Places", kind="integer"),
    DatasetField("codes", "Codes", "Codes"),
    DatasetField("open", "Offen", "Open", kind="bool"),
)


@pytest.fixture
def engine(new_database: object) -> Iterator[Engine]:
    made = create_engine(new_database())  # type: ignore[operator]
    with made.begin() as connection:
        metadata.create_all(connection)
        connection.execute(insert(PLACES), [{"id": i, "name": n, "town": t} for i, n, t in ROWS])
    yield made
    made.dispose()


def _row(found: Any) -> dict[str, Any]:
    return {"id": str(found.id), "name": found.name, "town": found.town}


def _expected(text: str, order: str) -> list[str]:
    """The ids of the rows with every word of ``text`` in name or town, found in Python."""
    words = fold(text).split()
    hits = [r for r in ROWS if all(any(w in fold(v or "") for v in r[1:]) for w in words)]
    hits.sort(key=(lambda r: r[0]) if order == "id" else (lambda r: (r[1], r[0])))
    return [str(r[0]) for r in hits]


@pytest.mark.parametrize("mode", ["row", "load"])
def test_search_finds_what_python_finds_in_both_modes(engine: Engine, mode: str) -> None:
    loaded: list[int] = []

    def load(session: Session, number: int) -> dict[str, Any]:
        loaded.append(number)
        return _row(session.execute(PLACES.select().where(PLACES.c.id == number)).one())

    how: dict[str, Any] = {"row": _row} if mode == "row" else {"load": load}
    order = ("id",) if mode == "row" else (PLACES.c.name, PLACES.c.id)
    dataset = table_dataset(
        "probe.places",
        PLACES,
        record="place",
        search_columns=("name", PLACES.c.town),
        order_by=order,
        label_de="Orte",
        label_en="Places",
        fields=FIELDS,
        **how,
    )
    with Session(engine) as session:
        for text in ("", "bäcker", "MUELLER", "duelmen", "kita über", "strasse", "nichts"):
            expected = _expected(text, "id" if mode == "row" else "name")
            page = dataset.search(session, text, 0, 100)
            assert [r["id"] for r in page.rows] == expected, text
            assert page.total == len(expected)
            second = dataset.search(session, text, 1, 2)
            assert [r["id"] for r in second.rows] == expected[1:3]
            assert second.total == len(expected)
        assert dataset.get(session, "3") == {"id": "3", "name": NAMES[2], "town": TOWNS[2]}
    assert bool(loaded) is (mode == "load")


def test_get_refuses_unknown_and_malformed_ids(engine: Engine) -> None:
    dataset = table_dataset(
        "probe.places",
        PLACES,
        record="place",
        search_columns=("name",),
        row=_row,
        not_found="Search for it by name.",
        label_de="Orte",
        label_en="Places",
        fields=FIELDS,
    )
    with Session(engine) as session:
        with pytest.raises(NotFound, match=r"no place with id 99\. Search for it by name\."):
            dataset.get(session, "99")
        for bad in ("x", "-1", "0", "1.5", str(2**31)):
            with pytest.raises(NotFound, match="place"):
                dataset.get(session, bad)


def test_the_declaration_fills_the_dataset() -> None:
    changed: list[str] = []
    dataset = table_dataset(
        "probe.places",
        PLACES,
        record="place",
        search_columns=("name",),
        row=_row,
        label_de="Orte",
        label_en="Places",
        fields=FIELDS,
        export_formats=("csv",),
        changed=lambda: changed.append("reloaded"),
    )
    assert dataset.plugin == "probe" and dataset.id == "probe.places"
    assert dataset.label("de") == "Orte" and dataset.export_formats == ("csv",)
    assert dataset.update is None and dataset.import_file is None
    assert dataset.changed is not None
    dataset.changed()
    assert changed == ["reloaded"]


def test_the_declaration_is_checked() -> None:
    common: dict[str, Any] = {"record": "place", "search_columns": ("name",)}
    with pytest.raises(TypeError, match="either row or load"):
        table_dataset("probe.places", PLACES, **common)
    with pytest.raises(TypeError, match="either row or load"):
        table_dataset("probe.places", PLACES, row=_row, load=lambda s, n: {}, **common)
    with pytest.raises(ValueError, match="'places' is not '<plugin>.<name>'"):
        table_dataset("places", PLACES, row=_row, **common)
    with pytest.raises(KeyError):
        table_dataset("probe.places", PLACES, row=_row, record="place", search_columns=("x",))


SHOWN = {"id": "4", "name": "Kita Sonne", "town": None, "places": 40, "codes": "a; b", "open": True}


def test_edited_values_reads_only_what_changed() -> None:
    sent = {"id": "4", "name": "Kita Sonne", "town": "", "places": "40", "codes": "a; b"}
    assert edited_values(FIELDS, SHOWN, {**sent, "open": "true"}, "a place") == ({}, {})
    parsed, problems = edited_values(
        FIELDS,
        SHOWN,
        {**sent, "town": " Marl ", "places": "45", "codes": "c, d;e", "open": "false"},
        "a place",
        lists=("codes",),
    )
    assert problems == {}
    assert parsed == {"town": "Marl", "places": 45, "codes": ["c", "d", "e"], "open": False}


def test_edited_values_names_every_problem_and_leaves_bad_values_out() -> None:
    sent = {"id": "9", "name": "", "places": "viele", "codes": "x" * 501, "colour": "rot"}
    parsed, problems = edited_values(FIELDS, SHOWN, sent, "a place", lists=("codes",))
    # what submitted_values says of the names, then a problem for each value that cannot be read
    _, named = submitted_values(FIELDS, SHOWN, sent, "a place")
    assert named.keys() == {"colour"}
    assert problems.keys() == {"colour", "name", "places", "codes"}
    assert "required" in problems["name"][0] and "whole number" in problems["places"][0]
    assert parsed == {"name": None, "places": None, "codes": None}


def test_edited_values_of_a_new_record_reads_everything_given() -> None:
    parsed, problems = edited_values(
        FIELDS, {}, {"name": "Neu", "places": "1.5", "codes": ""}, "a place", lists=("codes",)
    )
    assert parsed == {"name": "Neu", "places": None}
    assert problems.keys() == {"places"}


def _course(values: dict[str, Any]) -> str:
    """A record's own check, as a plugin writes it: the whole record, every problem."""
    errors = {k: ["required"] for k in ("title", "town") if not values.get(k)}
    if errors:
        raise ValidationError("The course is invalid.", errors)
    return f"{values['title']} in {values['town']}"


def test_checked_record_is_the_record_when_nobody_objects() -> None:
    values = {"title": "Pflege", "town": "Marl"}
    assert checked_record(lambda: _course(values), {}, "Course 4 was not changed") == (
        "Pflege in Marl"
    )


def test_checked_record_names_the_forms_problems_and_the_records_once() -> None:
    form = {"places": ["'viele' is not a whole number; write it like 42."], "town": ["too long"]}
    with pytest.raises(ValidationError) as caught:
        checked_record(lambda: _course({"title": ""}), form, "Course 4 was not changed")
    # the form's message for town stays; the record's check adds the title
    assert caught.value.errors == {**form, "title": ["required"]}
    assert caught.value.message == (
        "Course 4 was not changed: places: 'viele' is not a whole number; write it like 42.; "
        "town: too long; title: required."
    )
    # the form alone: the record's check passed
    with pytest.raises(ValidationError, match=r"^New: town: too long\.$"):
        checked_record(lambda: "ok", {"town": ["too long"]}, "New")


def test_checked_record_explains_the_records_problems_its_own_way() -> None:
    def explain(exc: ValidationError) -> dict[str, list[str]]:
        return {name: [f"{m}; fill it in" for m in ms] for name, ms in exc.errors.items()}

    with pytest.raises(ValidationError) as caught:
        checked_record(lambda: _course({"town": "Marl"}), {}, "New", explain=explain)
    assert caught.value.errors == {"title": ["required; fill it in"]}
    # a check that names no field is one problem of the record
    with pytest.raises(ValidationError, match=r"^New: record: Not now\.$"):
        checked_record(lambda: _course_refused(), {}, "New")


def _course_refused() -> str:
    raise ValidationError("Not now.")
