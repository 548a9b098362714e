"""The courses dataset of the admin area, through ``platform.dataset``: search against a scan
of the table, edits read back (and seen by the public API at once), rejected edits and files
that write nothing, deletion, imports counted against the database, export -> import."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from training_support import BA_SAMPLE, CSV_SAMPLE, JSON_SAMPLE, TOKEN, training_config

from core import ImportError_, NotFound, ValidationError, plugin_version
from plugins.training import tables as t
from plugins.training.datasets import COURSES_DATASET
from plugins.training.importer import import_file
from plugins.training.model import FIELDS as FILE_FIELDS
from webapp import create_app

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def course_rows(platform) -> list[Any]:
    with platform.session() as session:
        return session.execute(select(t.courses).order_by(t.courses.c.id)).all()


def counts(platform) -> tuple[int, int, int]:
    """Courses, recorded imports, and the change counter."""
    with platform.session() as session:
        return (
            int(session.scalar(select(func.count()).select_from(t.courses))),
            int(session.scalar(select(func.count()).select_from(t.imports))),
            plugin_version(session, "training"),
        )


def file_values(row: Any) -> dict[str, Any]:
    """What the file format carries of a course row (no id, source or timestamps)."""
    return {name: getattr(row, name) for name in FILE_FIELDS}


def brute_force(platform, text: str) -> list[str]:
    words = text.casefold().split()
    rows = [
        r
        for r in course_rows(platform)
        if all(any(w in v.casefold() for v in (r.title, r.provider, r.town)) for w in words)
    ]
    return [str(r.id) for r in sorted(rows, key=lambda r: (r.title, r.id))]


def run_import(platform, path: Path, fmt: str):
    dataset = platform.dataset(COURSES_DATASET)
    with platform.session(write=True) as session:
        result = dataset.import_file(session, path, fmt)
    dataset.changed()
    return result


@pytest.fixture
def app(new_database, monkeypatch) -> Any:
    """The web app on a new database of the engine under test; its platform checks the
    database for course changes only hourly, so what follows at once is ``changed()``."""
    for key in list(os.environ):
        if key.startswith("REGIOKARTE_") and key != "REGIOKARTE_TEST_ENGINE":
            monkeypatch.delenv(key)
    built = create_app(training_config(new_database("courses")))
    platform = built.extensions["regiokarte"]
    platform.upgrade_database()
    platform.settings.search.refresh_interval = 3600.0
    yield built
    platform.db.dispose()


@pytest.fixture
def platform(app):
    return app.extensions["regiokarte"]


@pytest.fixture(scope="module")
def filled(new_module_database):
    """Samples and demo courses (read only)."""
    from core import Platform, load_settings
    from plugins.training.demo import add_demo_training

    built = Platform(load_settings(env={}, overrides=training_config(new_module_database("all"))))
    built.upgrade_database()
    add_demo_training(built, seed=3, courses=70)
    for sample in (CSV_SAMPLE, JSON_SAMPLE, BA_SAMPLE):
        import_file(built, sample)
    yield built
    built.db.dispose()


@pytest.mark.parametrize(
    "text",
    ["", "VOLKSHOCHSCHULE", "recklinghausen", "deutsch beruf", "für", "FÜR marl", "kein-kurs", "2"],
)
def test_search_equals_a_scan_of_the_table(filled, text):
    dataset = filled.dataset(COURSES_DATASET)
    expected = brute_force(filled, text)
    with filled.session() as session:
        first = dataset.search(session, text, 0, 20)
        rest = dataset.search(session, text, 20, 1000)
        middle = dataset.search(session, text, 3, 5)
    assert first.total == rest.total == middle.total == len(expected)
    assert [r["id"] for r in first.rows + rest.rows] == expected
    assert [r["id"] for r in middle.rows] == expected[3:8]
    assert any(expected) or text == "kein-kurs"


def test_a_row_shows_the_course(filled):
    row = course_rows(filled)[5]
    with filled.session() as session:
        got = filled.dataset(COURSES_DATASET).get(session, str(row.id))
        for bad in ("0", "x", "99999", str(2**31), str(2**63)):
            with pytest.raises(NotFound, match="no course"):
                filled.dataset(COURSES_DATASET).get(session, bad)
    assert got["id"] == str(row.id)
    assert (got["title"], got["provider"], got["town"], got["source"]) == (
        row.title,
        row.provider,
        row.town,
        row.source,
    )
    assert got["professions"] == "; ".join(row.professions)
    assert got["start_date"] == (row.start_date.isoformat() if row.start_date else None)


def test_edit_reads_back_and_the_public_api_follows(app, platform):
    import_file(platform, CSV_SAMPLE)
    client = app.test_client()
    course = next(r for r in course_rows(platform) if r.external_id == "akad-2027-7")
    assert client.get(f"/api/v1/training/courses/{course.id}").status_code == 200
    dataset = platform.dataset(COURSES_DATASET)
    before = counts(platform)
    with platform.session(write=True) as session:
        saved = dataset.update(
            session,
            str(course.id),
            {
                "title": "  Umschulung Mechatroniker/in (Teilzeit) ",
                "cost_eur": "1.190,50",
                "professions": "26, 25",
                "on_demand": "on",
                "postcode": "45699",
                "town": "",
                "funding": ["bildungsgutschein"],
            },
        )
    dataset.changed()
    with platform.session() as session:
        again = dataset.get(session, str(course.id))
    assert saved == again
    assert again["title"] == "Umschulung Mechatroniker/in (Teilzeit)"
    assert (again["cost_eur"], again["professions"], again["on_demand"]) == (1190.5, "26; 25", True)
    assert (again["postcode"], again["town"], again["funding"]) == (
        "45699",
        "Herten",
        "bildungsgutschein",
    )
    row = next(r for r in course_rows(platform) if r.id == course.id)
    assert row.title == again["title"] and row.professions == ["26", "25"]
    # the new postcode gave a new place: the postcode's centre, not the old coordinates
    assert (row.lat, row.lon) != (course.lat, course.lon)
    assert counts(platform)[:2] == before[:2] and counts(platform)[2] > before[2]
    answer = client.get(f"/api/v1/training/courses/{course.id}").get_json()
    assert answer["course"]["title"] == again["title"]
    found = client.get("/api/v1/training/courses?q=Teilzeit").get_json()
    assert [item["id"] for item in found["items"]] == [course.id]


def test_a_rejected_edit_writes_nothing(platform):
    import_file(platform, CSV_SAMPLE)
    course = course_rows(platform)[0]
    dataset = platform.dataset(COURSES_DATASET)
    before = (course_rows(platform), counts(platform))
    cases = [
        (
            {"title": "", "cost_eur": "viel"},
            {"title": "required", "cost_eur": "not a number; write"},
        ),
        ({"title": "x" * 301}, {"title": "At most 300"}),
        ({"postcode": "4576"}, {"postcode": "five digits"}),
        ({"kind": "kochkurs", "format": "fernkurs"}, {"kind": "use one", "format": "use one"}),
        ({"professions": "26; 99"}, {"professions": "'99' not valid"}),
        ({"end_date": "2020-01-01"}, {"end_date": "before the start"}),
        ({"start_date": "bald"}, {"start_date": "write it as YYYY-MM-DD"}),
        ({"on_demand": "vielleicht"}, {"on_demand": "true or false"}),
        ({"link": "www.example.org"}, {"link": "http"}),
        ({"source": "ba", "size": "3", "id": "7"}, {"source": "leave it", "size": "no field"}),
        ({"format": "praesenz", "postcode": "", "lat": "", "lon": ""}, {"postcode": "a place"}),
        ({"lat": ""}, {"lat": "lat and lon together"}),
    ]
    for values, expected in cases:
        with pytest.raises(ValidationError) as caught, platform.session(write=True) as session:
            dataset.update(session, str(course.id), values)
        assert set(caught.value.errors) == set(expected), values
        for name, part in expected.items():
            assert any(part in m for m in caught.value.errors[name]), (name, caught.value.errors)
        assert str(course.id) in caught.value.message
    assert (course_rows(platform), counts(platform)) == before


def test_delete_removes_the_course_everywhere(app, platform):
    import_file(platform, CSV_SAMPLE)
    client = app.test_client()
    course = next(r for r in course_rows(platform) if r.external_id == "vhs-re-2027-102")
    assert client.get(f"/api/v1/training/courses/{course.id}").status_code == 200
    dataset = platform.dataset(COURSES_DATASET)
    with platform.session(write=True) as session:
        dataset.delete(session, str(course.id))
    dataset.changed()
    assert course.id not in {r.id for r in course_rows(platform)}
    assert client.get(f"/api/v1/training/courses/{course.id}").status_code == 404
    with pytest.raises(NotFound), platform.session(write=True) as session:
        dataset.delete(session, str(course.id))


@pytest.mark.parametrize(
    ("sample", "fmt", "source"),
    [(CSV_SAMPLE, "csv", "import"), (JSON_SAMPLE, "json", "import"), (BA_SAMPLE, "ba", "ba")],
)
def test_import_counts_match_the_database(app, platform, sample, fmt, source):
    client = app.test_client()
    assert client.get("/api/v1/training/courses").get_json()["total"] == 0
    before = counts(platform)
    first = run_import(platform, sample, fmt)
    rows = course_rows(platform)
    assert first.created == len(rows) > 0 and (first.updated, first.unchanged) == (0, 0)
    assert {r.source for r in rows} == {source}
    assert counts(platform)[1] == before[1] + 1  # the report is kept, as the CLI keeps it
    # the importer's warnings (guessed values) reach the operator, naming the record
    if fmt == "ba":
        assert first.messages and all("termin" in m for m in first.messages)
    again = run_import(platform, sample, fmt)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
    assert course_rows(platform) == rows
    # the public list (index reloaded by changed()) shows what was imported and current
    listed = client.get("/api/v1/training/courses?per_page=100").get_json()
    assert listed["total"] > 0 and {i["id"] for i in listed["items"]} <= {r.id for r in rows}


def test_a_bad_file_writes_nothing(platform, tmp_path):
    run_import(platform, CSV_SAMPLE, "csv")
    before = (course_rows(platform), counts(platform))
    lines = CSV_SAMPLE.read_text("utf-8").splitlines()
    bad_kind = lines[:3] + [lines[3].replace(",aufstieg,", ",kochkurs,")] + lines[4:]
    bad_kind[1] = bad_kind[1].replace("Deutsch für den Beruf", "Deutsch im Beruf")
    cases = {
        "kind.csv": ("\n".join(bad_kind), "csv", r"line 4: kind: 'kochkurs'"),
        "columns.csv": ("titel,anbieter\nA,B\n", "csv", "unknown column"),
        "empty.json": ('{"courses": []}', "json", "contains no courses"),
        "broken.json": ('{"courses": [', "json", "not valid JSON"),
        "latin.csv": (None, "csv", "not UTF-8"),
        "other.txt": ("x", "xml", "not supported"),
    }
    for name, (text, fmt, message) in cases.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes("\n".join(lines).encode("latin-1"))
        else:
            path.write_text(text, encoding="utf-8")
        with pytest.raises(ImportError_, match=message):
            run_import(platform, path, fmt)
    assert (course_rows(platform), counts(platform)) == before


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_gives_the_same_courses(filled, new_database, tmp_path, fmt):
    from core import Platform, load_settings

    with filled.session() as session:
        exported = filled.dataset(COURSES_DATASET).export(session, fmt)
    assert exported.filename == f"courses.{fmt}"
    path = tmp_path / exported.filename
    path.write_bytes(exported.content)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8"))))
        assert tuple(rows[0]) == FILE_FIELDS
    else:
        rows = json.loads(exported.content)["courses"]
    assert len(rows) == len(course_rows(filled))

    target = Platform(load_settings(env={}, overrides=training_config(new_database("copy"))))
    target.upgrade_database()
    try:
        result = run_import(target, path, fmt)
        assert result.created == len(course_rows(filled))
        copied = sorted(map(file_values, course_rows(target)), key=repr)
        original = sorted(map(file_values, course_rows(filled)), key=repr)
        assert copied == original
        # importing the export again changes nothing
        again = run_import(target, path, fmt)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(original))
    finally:
        target.db.dispose()


def test_export_keeps_numbers_the_importer_would_misread(platform, tmp_path):
    run_import(platform, CSV_SAMPLE, "csv")
    course = course_rows(platform)[1]
    dataset = platform.dataset(COURSES_DATASET)
    with platform.session(write=True) as session:
        dataset.update(session, str(course.id), {"lat": "51.657", "lon": "7.125", "hours": "1.5"})
    with platform.session() as session:
        exported = dataset.export(session, "csv")
        with pytest.raises(ValidationError, match="csv or json"):
            dataset.export(session, "xlsx")
    before = course_rows(platform)
    path = tmp_path / "courses.csv"
    path.write_bytes(exported.content)
    result = run_import(platform, path, "csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(before))
    after = next(r for r in course_rows(platform) if r.id == course.id)
    assert (after.lat, after.lon, after.hours) == (51.657, 7.125, 1.5)


def test_a_form_sending_the_whole_row_back_changes_only_the_edit(platform):
    run_import(platform, CSV_SAMPLE, "csv")
    course = next(r for r in course_rows(platform) if r.format == "praesenz" and r.postcode)
    dataset = platform.dataset(COURSES_DATASET)
    with platform.session() as session:
        shown = dataset.get(session, str(course.id))
    # as an HTML form sends it: text everywhere, read-only fields included
    form = {
        k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in shown.items()
    }
    form.update(title="Neuer Titel", postcode="")
    with platform.session(write=True) as session:
        saved = dataset.update(session, str(course.id), form)
    assert saved["title"] == "Neuer Titel" and saved["postcode"] == ""
    # without a postcode the course keeps its coordinates (it is still held in person there)
    assert (saved["lat"], saved["lon"], saved["town"]) == (course.lat, course.lon, course.town)
    unchanged = {"title", "postcode", "updated_at"}
    assert {k: v for k, v in saved.items() if k not in unchanged} == {
        k: v for k, v in shown.items() if k not in unchanged
    }
