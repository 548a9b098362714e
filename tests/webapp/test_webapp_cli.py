"""The ``regiokarte`` command line: import and export of companies, plugin commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from webapp_support import AppFactory, RatingPlugin, platform_of

from core.errors import ImportError_
from core.io import exporting, importing
from core.io.demo import demo_companies
from core.model import Company, Contact, Status
from core.persistence import companies as repo
from webapp.cli import cli


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(cli, list(args))


def count(app: Flask) -> int:
    with platform_of(app).session() as session:
        return repo.count_companies(session)


def everything(app: Flask) -> list[dict[str, Any]]:
    with platform_of(app).session() as session:
        return [
            c.to_dict(with_contact=True) for c in repo.list_companies(session, with_contact=True)
        ]


def odd_companies() -> list[Company]:
    """Companies with every field set, and the awkward values a spreadsheet mangles."""
    return [
        Company(
            name='Müller & Söhne "Feinmechanik", Herten',
            slug="mueller-soehne",
            description='Zeile eins\nZeile zwei; mit Semikolon, Komma und "Anführung".',
            industry="C",
            industry_division="25",
            professions=("24", "25"),
            employees=0,
            family=("flexible_hours", "certified"),
            certificates=("audit_berufundfamilie",),
            offers=("ausbildung",),
            benefits=("job_ticket", "pension"),
            website="https://example.org/a?b=c;d",
            status=Status.SUBMITTED,
            extensions={"rating": {"badge": "gold", "note": "ä;,\n"}, "other": {"n": 1.5}},
            contact=Contact("Erika Müller", "erika@example.org", "+49 2366 0"),
        ),
        Company(name="Ohne Ort GmbH", status=Status.DRAFT, is_demo=True),
        Company(name="=SUMME(A1)", status=Status.ARCHIVED, employees=2500),
    ]


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    app = make_app(companies=25, seed=2, plugin=RatingPlugin())
    platform = platform_of(app)
    for company in odd_companies():
        platform.save_company(company)
    return app


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_export_then_import_loses_nothing(
    app: Flask, make_app: AppFactory, tmp_path: Path, fmt: str
) -> None:
    exported = tmp_path / f"companies.{fmt}"
    result = run(app, "export", "companies", "--output", str(exported))
    assert result.exit_code == 0, result.output
    assert f"Exported 28 companies to {exported}" in result.output

    fresh = make_app(name=f"fresh-{fmt}")
    result = run(fresh, "import", "companies", str(exported))
    assert result.exit_code == 0, result.output
    assert "Imported 28 companies" in result.output
    assert everything(fresh) == everything(app)

    again = tmp_path / f"again.{fmt}"
    assert run(fresh, "export", "companies", "--output", str(again)).exit_code == 0
    assert again.read_bytes() == exported.read_bytes()


def test_csv_export_uses_the_documented_header_and_separators(app: Flask) -> None:
    result = run(app, "export", "companies", "--format", "csv", "--status", "submitted")
    assert result.exit_code == 0
    # the demo companies of the fixture may hold a submitted one too: the odd one is the test
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["is_demo"] in ("", "false")]
    assert list(rows[0]) == list(importing.CSV_COLUMNS)
    assert [r["name"] for r in rows] == ['Müller & Söhne "Feinmechanik", Herten']
    assert rows[0]["family"] == "flexible_hours;certified"
    assert json.loads(rows[0]["extensions"])["rating"]["note"] == "ä;,\n"
    documented = (Path(__file__).resolve().parents[2] / "docs" / "import-format.md").read_text(
        encoding="utf-8"
    )
    assert ",".join(importing.CSV_COLUMNS) in documented
    for column in importing.CSV_COLUMNS:
        assert f"`{column}`" in documented, column


def test_export_without_contact_data(app: Flask) -> None:
    result = run(app, "export", "companies", "--format", "geojson", "--no-contact")
    features = json.loads(result.stdout)["features"]
    assert all("contact" not in f["properties"] for f in features)


def _big_csv(path: Path, app: Flask, rows: int, bad_line: int | None = None) -> None:
    companies = list(demo_companies(platform_of(app).region, rows, seed=99))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(importing.CSV_COLUMNS)
        for line, company in enumerate(companies, start=2):
            company.slug = ""  # made from the name on import
            row = exporting.csv_row(company)
            if line == bad_line:
                row[importing.CSV_COLUMNS.index("employees")] = "viele"
            writer.writerow(row)


def test_one_bad_row_among_ten_thousand_changes_nothing_and_is_named(
    app: Flask, tmp_path: Path
) -> None:
    before = everything(app)
    events = len(platform_of(app).pm.get_plugin("rating").events)
    file = tmp_path / "big.csv"
    _big_csv(file, app, 10_000, bad_line=6_543)
    result = run(app, "import", "companies", str(file))
    assert result.exit_code == 1
    assert "line 6543: employees: 'viele' is not a whole number" in result.output
    assert "1 bad row; nothing was imported" in result.output
    assert everything(app) == before
    assert len(platform_of(app).pm.get_plugin("rating").events) == events


def test_ten_thousand_good_rows_import_with_progress_and_are_found(
    app: Flask, tmp_path: Path
) -> None:
    file = tmp_path / "big.csv"
    _big_csv(file, app, 10_000)
    with file.open(encoding="utf-8") as stream:
        published = sum(1 for row in csv.DictReader(stream) if row["status"] == "published")
    before = count(app)
    found_before = app.test_client().get("/api/v1/search?per_page=1").get_json()["total"]
    result = run(app, "import", "companies", str(file), "--new-ids")
    assert result.exit_code == 0, result.output
    assert "Importing big.csv" in result.stderr
    assert count(app) == before + 10_000
    found = app.test_client().get("/api/v1/search?per_page=1").get_json()["total"]
    assert found == found_before + published


def test_every_bad_row_is_listed_with_its_line_and_reason(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(
        "name;industry;postcode;lat;lon;status\n"
        "Gute GmbH;C;45768;51.6;7.1;published\n"
        ";C;45768;51.6;7.1;published\n"
        "Falsche Branche;Z;45768;;;\n"
        "Halbe Koordinate;C;45768;51.6;;\n"
        '"Zeilen\numbruch";C;1234;51.6;7.1;verschollen\n'
        "Zu viele;C;45768;51.6;7.1;draft;extra\n",
        encoding="utf-8",
    )
    before = count(app)
    result = run(app, "import", "companies", str(file))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in lines] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 8",
    ]
    assert "name" in lines[0] and "industry" in lines[1] and "lat/lon" in lines[2]
    assert "postcode" in lines[3] and "status" in lines[3]
    assert "7 fields, the header has 6" in lines[4]
    assert count(app) == before


def test_numbers_beyond_the_integer_columns_are_row_errors(app: Flask, tmp_path: Path) -> None:
    """ids and head counts are INTEGER columns (32 bits on PostgreSQL): a larger number is
    reported with its line on every engine instead of failing the insert."""
    file = tmp_path / "big-numbers.csv"
    file.write_text(
        "id;name;industry;postcode;employees;status\n"
        "2147483648;Riesen-ID GmbH;C;45768;5;published\n"
        ";Riesenbetrieb AG;C;45768;3000000000;published\n"
        "2147483647;Letzte ID GmbH;C;45768;2147483647;draft\n",
        encoding="utf-8",
    )
    before = count(app)
    result = run(app, "import", "companies", str(file))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in lines] == ["line 2", "line 3"]
    assert "id: 2147483648 is too large" in lines[0]
    assert "employees: 3000000000 is too large" in lines[1]
    assert count(app) == before


def test_rows_clashing_with_the_database_change_nothing(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "mine.csv"
    assert run(app, "export", "companies", "--output", str(file)).exit_code == 0
    before = count(app)
    result = run(app, "import", "companies", str(file))
    assert result.exit_code == 1
    assert "line 2: id: a company with id 1 exists already" in result.output
    assert "slug: 'mueller-soehne' is taken" in result.output
    assert count(app) == before


def test_file_problems_are_reported_before_any_row(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "wrong.csv"
    file.write_text("name,colour\nA,blue\n", encoding="utf-8")
    result = run(app, "import", "companies", str(file))
    assert result.exit_code == 1
    assert "unknown column(s) 'colour'" in result.output
    text = tmp_path / "companies.txt"
    text.write_text("name\nA GmbH\n", encoding="utf-8")
    assert "Cannot tell the format" in run(app, "import", "companies", str(text)).output
    result = run(app, "import", "companies", str(text), "--format", "csv")
    assert result.exit_code == 0, result.output


def test_geojson_import_takes_points_and_code_lists(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "few.geojson"
    file.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [7.1, 51.6]},
                        "properties": {
                            "name": "Punkt GmbH",
                            "offers": ["ausbildung", "praktikum"],
                            "family": "part_time;mobile_work",
                            "contact": {"email": "a@b.de"},
                        },
                    },
                    {
                        "type": "Feature",
                        "geometry": {"type": "LineString", "coordinates": [[7, 51]]},
                        "properties": {"name": "Linie"},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    result = run(app, "import", "companies", str(file))
    assert result.exit_code == 1 and "feature 2: its geometry is not a Point" in result.output
    records = importing.read_records(file)[:1]
    [(_, company)] = importing.validate_records(records)
    assert company.offers == ("ausbildung", "praktikum")
    assert company.family == ("part_time", "mobile_work")
    assert company.location is not None and company.location.lon == 7.1
    assert company.status is Status.PUBLISHED and company.contact == Contact(email="a@b.de")


def test_geocode_fills_locations_from_postcodes(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "plz.csv"
    file.write_text("name,postcode\nOhne Koordinaten GmbH,45768\n", encoding="utf-8")
    assert run(app, "import", "companies", str(file), "--geocode").exit_code == 0
    with platform_of(app).session() as session:
        company = repo.get_company_by_slug(session, "ohne-koordinaten-gmbh")
    assert company.location is not None and company.address.town == "Marl"


def test_import_error_names_rows_for_api_use(tmp_path: Path) -> None:
    file = tmp_path / "x.csv"
    file.write_text("name,employees\nA,1\nB,-3\n", encoding="utf-8")
    with pytest.raises(ImportError_) as caught:
        importing.validate_records(importing.read_records(file), name=file.name)
    assert list(caught.value.errors) == ["line 3"]
    assert "x.csv: 1 of 2 rows" in caught.value.message


def test_plugin_commands_and_plugin_list(app: Flask) -> None:
    result = run(app, "rating", "hello")
    assert result.exit_code == 0 and "Hallo from Bewertung" in result.output
    listed = run(app, "plugins", "--verbose")
    assert "rating" in listed.output and "api_token = '***'" in listed.output
    assert "do-not-show-me" not in listed.output
