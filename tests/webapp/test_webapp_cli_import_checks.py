"""``regiokarte import companies`` on files that are subtly wrong: companies placed at the real
stops of Cairns (Australia) and at the real Flensburg Kitas in an Emscher-Lippe portal, a file
cut off mid-record, other separators, a JSON array, Windows-1252 text. A refused import leaves
every table byte for byte as it was."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import Result
from dumps import database_dump
from flask import Flask
from webapp_support import AppFactory, platform_of

from core.io import exporting, importing
from core.io.demo import demo_companies
from core.persistence import companies as repo
from webapp.cli import cli

TESTS = Path(__file__).resolve().parents[1]
CAIRNS = TESTS / "plugins" / "transit" / "data" / "cairns_gtfs.zip"
FLENSBURG = TESTS / "plugins" / "childcare" / "data" / "kitas_flensburg.geojson"


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(cli, list(args))


def one_line(result: Result) -> str:
    return " ".join(result.output.split())


def count(app: Flask) -> int:
    with platform_of(app).session() as session:
        return repo.count_companies(session)


def cairns_stops() -> list[tuple[float, float]]:
    with zipfile.ZipFile(CAIRNS) as feed:
        text = feed.read("stops.txt").decode("utf-8-sig")
    return [(float(r["stop_lat"]), float(r["stop_lon"])) for r in csv.DictReader(io.StringIO(text))]


def flensburg_kitas() -> list[tuple[float, float]]:
    features = json.loads(FLENSBURG.read_text(encoding="utf-8"))["features"]
    return [(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]) for f in features]


def company_csv(
    app: Flask,
    path: Path,
    rows: int,
    *,
    places: list[tuple[float, float]] | None = None,
    delimiter: str = ",",
) -> Path:
    """Demo companies (fictitious, in the region) as an import file; the first ones moved to
    ``places`` when given."""
    companies = list(demo_companies(platform_of(app).region, rows, seed=5))
    lat, lon = importing.CSV_COLUMNS.index("lat"), importing.CSV_COLUMNS.index("lon")
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
        writer.writerow(importing.CSV_COLUMNS)
        for number, company in enumerate(companies):
            company.slug = ""
            row = exporting.csv_row(company)
            if places and number < len(places):
                row[lat], row[lon] = places[number]
            writer.writerow(row)
    return path


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    return make_app(companies=10, seed=3)


def test_companies_9000_km_away_are_refused_naming_the_distance(app, tmp_path):
    stops = cairns_stops()
    path = company_csv(app, tmp_path / "firmen.csv", 40, places=stops[:40])
    before = database_dump(platform_of(app))
    result = run(app, "import", "companies", str(path))
    assert result.exit_code == 1
    text = one_line(result)
    assert "40 of 40 companies lie outside Emscher-Lippe" in text
    assert "median distance from the region is 14," in text  # km, about 14,700
    assert "--allow-outside-region" in text and "nothing was imported" in text
    assert database_dump(platform_of(app)) == before
    result = run(app, "import", "companies", str(path), "--allow-outside-region")
    assert result.exit_code == 0, result.output
    assert "imported because data outside the region was allowed" in one_line(result)
    assert count(app) == 10 + 40


def test_a_few_outliers_are_named_as_warnings(app, tmp_path):
    # two companies with Flensburg coordinates among 30 in the region
    path = company_csv(app, tmp_path / "firmen.csv", 30, places=flensburg_kitas()[:2])
    result = run(app, "import", "companies", str(path))
    assert result.exit_code == 0, result.output
    text = one_line(result)
    assert "Warning: 2 of 30 companies lie more than 25 km outside Emscher-Lippe" in text
    assert "line 2 (" in text and "line 3 (" in text
    assert count(app) == 10 + 30


def cut_mid_line(path: Path) -> int:
    """Cut the file inside a quoted field of its last but two lines; the number of that line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = lines[:-3]
    # the description holds commas, so it is quoted: cut a few characters after its quote
    half = lines[-3][: lines[-3].index('"') + 5]
    path.write_text("".join(kept) + half, encoding="utf-8")
    return len(kept) + 1


def test_a_file_cut_mid_record_changes_nothing(app, tmp_path):
    path = company_csv(app, tmp_path / "firmen.csv", 20)
    line = cut_mid_line(path)
    before = database_dump(platform_of(app))
    result = run(app, "import", "companies", str(path))
    assert result.exit_code == 1
    text = one_line(result)
    assert f"line {line}: " in text and "the file ends in the middle of this record" in text
    assert "1 bad row; nothing was imported" in text and "--skip-invalid" in text
    assert database_dump(platform_of(app)) == before
    # the explicit partial import says what was left out
    result = run(app, "import", "companies", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.output
    text = one_line(result)
    assert f"Warning: line {line}: " in text and "(left out)" in text
    assert f"1 of {line - 1} records were left out (--skip-invalid)" in text
    assert count(app) == 10 + line - 2


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_separators_are_detected(app, tmp_path, delimiter):
    path = company_csv(app, tmp_path / "firmen.csv", 15, delimiter=delimiter)
    result = run(app, "import", "companies", str(path))
    assert result.exit_code == 0, result.output
    assert count(app) == 25


def test_files_of_another_shape_name_the_fix(app, tmp_path):
    before = database_dump(platform_of(app))
    array = tmp_path / "firmen.geojson"
    array.write_text(json.dumps([{"name": "A GmbH"}]), encoding="utf-8")
    text = one_line(run(app, "import", "companies", str(array)))
    assert "is a JSON array, not a GeoJSON FeatureCollection" in text
    assert "docs/import-format.md" in text
    json_as_csv = tmp_path / "firmen.csv"
    json_as_csv.write_bytes(FLENSBURG.read_bytes())
    text = one_line(run(app, "import", "companies", str(json_as_csv)))
    assert "looks like JSON, not CSV" in text and "--format geojson" in text
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,town\nBäckerei Süß,Marl\n".encode("cp1252"))
    result = run(app, "import", "companies", str(latin))
    assert result.exit_code == 1
    assert "looks like Windows-1252" in one_line(result) and "'CSV UTF-8'" in one_line(result)
    assert database_dump(platform_of(app)) == before


@pytest.mark.parametrize(
    "last_line",
    [
        "Cut GmbH,45768,Ma",  # cut in an unquoted field
        'Cut GmbH,45768,Marl,"Eine Beschr',  # cut inside a quoted field
    ],
)
def test_a_record_cut_without_a_line_break_is_named_cut(last_line: str) -> None:
    from core.io.importing import read_csv

    text = "name,postcode,town,description\nWhole GmbH,45657,Recklinghausen,ok\n" + last_line
    records = read_csv(io.StringIO(text))
    assert [r.problem for r in records][0] == ""
    assert "the file ends in the middle of this record" in records[-1].problem
    assert records[-1].line == 3
    # the same short record followed by a line break is a short record, not a cut one
    records = read_csv(io.StringIO(text.replace(last_line, "Short GmbH,45768\n")))
    assert records[-1].problem == "it has 2 fields, the header has 4"
