"""The dataset pages over the Kita and housing datasets: list, search, edit, validation,
delete, import (good and bad files) and export, checked against the database itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
from admin_support import (
    KITA_COLUMNS,
    KITAS,
    OFFER_COLUMNS,
    OFFERS,
    csv_bytes,
    field_errors,
    form_values,
    input_value,
    report_counts,
    upload,
)
from attrs import frozen
from sqlalchemy import text

from core.portal import audit


@frozen
class Case:
    """One dataset under test, with files and edits that fit it."""

    dataset: str
    table: str
    layer: str
    name_column: str
    good: tuple[str, bytes]
    bad: tuple[str, bytes]
    #: (search text, names expected)
    search: tuple[str, set[str]]
    #: a valid edit: form values, and the columns they must have afterwards
    edit: tuple[dict[str, str], dict[str, Any]]
    #: an invalid edit: form values, and the field whose error is shown
    invalid: tuple[dict[str, str], str]


BAD_KITA = [["k9", "", "Stadt Marl", "Weg 1", "45768", "Marl", "", "", ""]]
BAD_OFFER = [
    ["W-9", "Wohnung ohne PLZ", "flat", "rent", "2", "50", "500", "", "123", "", "ja", "", "", ""]
]

CASES = [
    Case(
        dataset="childcare.kitas",
        table="childcare_kitas",
        layer="childcare_kitas",
        name_column="name",
        good=("kitas-test.csv", csv_bytes(KITA_COLUMNS, KITAS)),
        bad=("kitas-kaputt.csv", csv_bytes(KITA_COLUMNS, [*KITAS, *BAD_KITA])),
        search=("marl", {"Kita Sonnenschein", "Kita Regenbogen"}),
        edit=(
            {"name": "Kita Sonnenschein am See", "places": "44", "age_under3": "on"},
            {"name": "Kita Sonnenschein am See", "places": 44},
        ),
        invalid=({"name": "Kita Sonnenschein", "places": "viele"}, "places"),
    ),
    Case(
        dataset="housing.offers",
        table="housing_offers",
        layer="housing_offers",
        name_column="title",
        good=("angebote-test.csv", csv_bytes(OFFER_COLUMNS, OFFERS)),
        bad=("angebote-kaputt.csv", csv_bytes(OFFER_COLUMNS, [*OFFERS, *BAD_OFFER])),
        search=("hochschule", {"WG-Zimmer nahe Hochschule"}),
        edit=(
            {"title": "Zwei helle Zimmer am Markt", "warm_rent_eur": "700"},
            {"title": "Zwei helle Zimmer am Markt", "warm_rent": 700.0},
        ),
        invalid=({"title": "Zwei Zimmer am Markt", "postcode": "123"}, "postcode"),
    ),
]


@pytest.fixture(params=CASES, ids=[c.dataset for c in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return request.param


def _count(platform: Any, table: str) -> int:
    with platform.db.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _rows(platform: Any, table: str) -> list[dict[str, Any]]:
    """Every row, without the time stamps (an update writes them even when nothing changed)."""
    with platform.db.connect() as connection:
        found = connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).mappings()
        return [
            {k: v for k, v in row.items() if k not in ("created_at", "updated_at")} for row in found
        ]


def _first_id(platform: Any, table: str) -> int:
    with platform.db.connect() as connection:
        return int(connection.execute(text(f"SELECT min(id) FROM {table}")).scalar_one())


def test_overview_lists_both_datasets_with_counts(client: Any, token: str, platform: Any) -> None:
    for case in CASES:
        status, _ = upload(client, token, case.dataset, *case.good, fmt="csv")
        assert status == 200
    html = client.get("/admin/daten").get_data(as_text=True)
    for case in CASES:
        row = html.split(f'data-dataset="{case.dataset}"', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="count">{_count(platform, case.table)}</td>' in row
        assert f"/admin/daten/{case.dataset}/export/csv" in row
    english = client.get("/admin/daten?lang=en").get_data(as_text=True)
    assert "Housing offers" in english and "Records" in english


def test_import_good_file_writes_what_the_report_says(
    client: Any, token: str, platform: Any, case: Case
) -> None:
    before = _count(platform, case.table)
    status, html = upload(client, token, case.dataset, *case.good, fmt="csv")
    assert status == 200, html[-2000:]
    counts = report_counts(html)
    assert (
        counts["created"]
        == _count(platform, case.table) - before
        == 2 + (case.dataset == "childcare.kitas")
    )
    # the same file again changes nothing
    status, html = upload(client, token, case.dataset, *case.good, fmt="csv")
    assert report_counts(html)["unchanged"] == _count(platform, case.table)
    assert report_counts(html)["created"] == 0
    with platform.session() as session:
        entry = audit.recent_entries(session, limit=1)[0]
    assert (entry.action, entry.subject) == ("dataset.import", case.dataset)
    # the map layer follows
    names = {
        f["properties"].get(case.name_column)
        for f in platform.layer_features(case.layer, None, "de")
    }
    assert case.search[1] <= names


def test_import_bad_file_writes_nothing(client: Any, token: str, platform: Any, case: Case) -> None:
    upload(client, token, case.dataset, *case.good, fmt="csv")
    before = _rows(platform, case.table)
    with platform.session() as session:
        entries = len(audit.recent_entries(session))
    status, html = upload(client, token, case.dataset, *case.bad, fmt="csv")
    assert status == 400
    assert 'id="import-error"' in html
    # the refusal says nothing changed (in the page's German where the importer has it)
    assert "nichts importiert" in html or "nothing was imported" in html
    assert 'id="import-report"' not in html
    assert _rows(platform, case.table) == before
    with platform.session() as session:
        assert len(audit.recent_entries(session)) == entries


def test_import_form_rejects_missing_file_and_unknown_format(
    client: Any, token: str, platform: Any, case: Case
) -> None:
    answer = client.post(
        f"/admin/daten/{case.dataset}/import", data={"csrf_token": token, "format": "csv"}
    )
    assert answer.status_code == 400
    assert "Bitte wählen Sie eine Datei aus." in answer.get_data(as_text=True)
    status, html = upload(client, token, case.dataset, *case.good, fmt="xlsx")
    assert status == 400 and "angebotenen Formate" in html
    assert _count(platform, case.table) == 0


def test_list_searches_and_pages(client: Any, token: str, platform: Any, case: Case) -> None:
    upload(client, token, case.dataset, *case.good, fmt="csv")
    word, expected = case.search
    html = client.get(f"/admin/daten/{case.dataset}?q={word}").get_data(as_text=True)
    table = html.split('id="records"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"data-record=", table)) == len(expected)
    for name in expected:
        assert name in table
    everything = client.get(f"/admin/daten/{case.dataset}").get_data(as_text=True)
    assert f"{_count(platform, case.table)} Treffer" in everything
    nothing = client.get(f"/admin/daten/{case.dataset}?q=gibt-es-nicht%25").get_data(as_text=True)
    assert "0 Treffer" in nothing and 'id="records"' not in nothing


def test_edit_stores_values_and_the_map_follows(
    client: Any, token: str, platform: Any, case: Case
) -> None:
    upload(client, token, case.dataset, *case.good, fmt="csv")
    record = _first_id(platform, case.table)
    url = f"/admin/daten/{case.dataset}/eintrag/{record}"
    values = form_values(client, url)
    changes, expected = case.edit
    answer = client.post(url, data={**values, **changes, "csrf_token": token})
    assert answer.status_code == 303, field_errors(answer.get_data(as_text=True))
    (row,) = [r for r in _rows(platform, case.table) if r["id"] == record]
    assert {k: row[k] for k in expected} == expected
    page = client.get(url).get_data(as_text=True)
    assert "Gespeichert." in page
    with platform.session() as session:
        entry = audit.recent_entries(session, limit=1)[0]
    assert (entry.action, entry.subject) == ("dataset.update", f"{case.dataset}:{record}")
    assert set(entry.details["fields"]) >= set(changes) - {"age_under3"}
    names = {
        f["properties"].get(case.name_column)
        for f in platform.layer_features(case.layer, None, "de")
    }
    assert expected[case.name_column] in names


def test_edit_with_invalid_values_shows_errors_and_keeps_the_input(
    client: Any, token: str, platform: Any, case: Case
) -> None:
    upload(client, token, case.dataset, *case.good, fmt="csv")
    record = _first_id(platform, case.table)
    url = f"/admin/daten/{case.dataset}/eintrag/{record}"
    before = _rows(platform, case.table)
    changes, bad_field = case.invalid
    answer = client.post(url, data={**form_values(client, url), **changes, "csrf_token": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert bad_field in field_errors(html)
    assert f'href="#field-{bad_field}"' in html  # the summary links to the field
    assert input_value(html, bad_field) == changes[bad_field]
    assert 'aria-invalid="true"' in html
    assert _rows(platform, case.table) == before


def test_edit_enforces_max_length(client: Any, token: str, platform: Any, case: Case) -> None:
    upload(client, token, case.dataset, *case.good, fmt="csv")
    record = _first_id(platform, case.table)
    url = f"/admin/daten/{case.dataset}/eintrag/{record}"
    long_name = "x" * 301
    answer = client.post(
        url, data={**form_values(client, url), case.name_column: long_name, "csrf_token": token}
    )
    assert answer.status_code == 400
    # the German page says it in German
    assert "Höchstens" in field_errors(answer.get_data(as_text=True))[case.name_column]
    assert long_name not in {r[case.name_column] for r in _rows(platform, case.table)}


def test_delete_asks_first_then_removes(client: Any, token: str, platform: Any, case: Case) -> None:
    upload(client, token, case.dataset, *case.good, fmt="csv")
    record = _first_id(platform, case.table)
    before = _count(platform, case.table)
    url = f"/admin/daten/{case.dataset}/eintrag/{record}/loeschen"
    page = client.get(url)
    assert page.status_code == 200 and 'id="delete-confirm"' in page.get_data(as_text=True)
    assert _count(platform, case.table) == before
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    assert _count(platform, case.table) == before
    answer = client.post(url, data={"csrf_token": token})
    assert answer.status_code == 303
    assert _count(platform, case.table) == before - 1
    assert record not in {r["id"] for r in _rows(platform, case.table)}
    gone = client.get(f"/admin/daten/{case.dataset}/eintrag/{record}")
    assert gone.status_code == 404
    with platform.session() as session:
        entry = audit.recent_entries(session, limit=1)[0]
    assert (entry.action, entry.subject) == ("dataset.delete", f"{case.dataset}:{record}")


def test_export_then_import_gives_the_same_rows(
    client: Any, token: str, platform: Any, case: Case
) -> None:
    upload(client, token, case.dataset, *case.good, fmt="csv")
    before = _rows(platform, case.table)
    answer = client.get(f"/admin/daten/{case.dataset}/export/csv")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    name = re.search(r'filename="([^"]+)"', answer.headers["Content-Disposition"]).group(1)
    assert name == case.good[0]  # the source's name: a re-import updates the same records
    exported = answer.get_data()
    assert exported.count(b"\n") == len(before) + 1
    status, html = upload(client, token, case.dataset, name, exported, fmt="csv")
    assert status == 200, html[-1500:]
    assert report_counts(html)["unchanged"] == len(before)
    assert _rows(platform, case.table) == before
    # into an empty database, the export makes the same records again
    for row in before:
        client.post(
            f"/admin/daten/{case.dataset}/eintrag/{row['id']}/loeschen", data={"csrf_token": token}
        )
    assert _count(platform, case.table) == 0
    upload(client, token, case.dataset, name, exported, fmt="csv")
    again = [{k: v for k, v in r.items() if k != "id"} for r in _rows(platform, case.table)]
    assert again == [{k: v for k, v in r.items() if k != "id"} for r in before]


def test_geojson_export_has_every_record(
    client: Any, token: str, platform: Any, case: Case
) -> None:
    upload(client, token, case.dataset, *case.good, fmt="csv")
    answer = client.get(f"/admin/daten/{case.dataset}/export/geojson")
    document = answer.get_json(force=True)
    assert document["type"] == "FeatureCollection"
    points = sorted(tuple(f["geometry"]["coordinates"]) for f in document["features"])
    assert points == sorted((r["lon"], r["lat"]) for r in _rows(platform, case.table))
    assert client.get(f"/admin/daten/{case.dataset}/export/xlsx").status_code == 404


def test_unknown_dataset_and_record_are_404(client: Any, token: str, case: Case) -> None:
    assert client.get("/admin/daten/nope.nothing").status_code == 404
    assert client.get(f"/admin/daten/{case.dataset}/eintrag/999999").status_code == 404
    assert client.get(f"/admin/daten/{case.dataset}/eintrag/abc").status_code == 404


def test_read_only_dataset_offers_no_writes(new_database: Any, tmp_path: Any) -> None:
    from admin_support import login, make_app
    from fake_plugins.fake import FakePlugin

    app = make_app(new_database("fake"), tmp_path, extra={"fake": FakePlugin()})
    client = app.test_client()
    token = login(client)
    overview = client.get("/admin/daten").get_data(as_text=True)
    row = overview.split('data-dataset="fake.places"', 1)[1].split("</tr>", 1)[0]
    assert "nur lesen" in row and "import" not in row.lower() and "export" not in row.lower()
    listing = client.get("/admin/daten/fake.places?q=kita").get_data(as_text=True)
    assert listing.count("data-record=") == 2 and ">Anzeigen<" in listing
    page = client.get("/admin/daten/fake.places/eintrag/p1").get_data(as_text=True)
    assert "Kita am Markt" in page
    assert 'id="record-form"' not in page and 'id="record-delete"' not in page
    assert client.get("/admin/daten/fake.places/import").status_code == 404
    assert client.get("/admin/daten/fake.places/export/csv").status_code == 404
    assert client.get("/admin/daten/fake.places/eintrag/p1/loeschen").status_code == 404
    answer = client.post(
        "/admin/daten/fake.places/eintrag/p1", data={"csrf_token": token, "name": "Neu"}
    )
    assert answer.status_code == 200 and "Neu" not in answer.get_data(as_text=True)
    app.extensions["regiokarte"].db.dispose()


def test_list_pages_through_many_records(client: Any, token: str, platform: Any) -> None:
    from webapp.admin.datasets import PER_PAGE

    rows = [
        [f"m{n:03d}", f"Kita Nummer {n:03d}", "Stadt", "Weg 1", "45768", "Marl", "51.6", "7.1", ""]
        for n in range(PER_PAGE + 5)
    ]
    upload(client, token, "childcare.kitas", "viele.csv", csv_bytes(KITA_COLUMNS, rows), "csv")
    first = client.get("/admin/daten/childcare.kitas").get_data(as_text=True)
    second = client.get("/admin/daten/childcare.kitas?page=2").get_data(as_text=True)
    names = re.compile(r"<td>(Kita Nummer \d+)</td>")
    assert len(names.findall(first)) == PER_PAGE
    assert names.findall(second) == [f"Kita Nummer {n:03d}" for n in range(PER_PAGE, PER_PAGE + 5)]
    assert "Seite 1 von 2" in first
    assert 'href="/admin/daten/childcare.kitas?page=2"' in first


def test_uploads_above_the_app_limit_but_within_the_import_limit_work(
    client: Any, token: str, platform: Any
) -> None:
    from webapp.admin.datasets import IMPORT_MAX_BYTES

    note = "Lange Notiz. " * 8_000  # 100 kB (the CSV reader takes fields up to 128 kB)
    rows = [
        [f"g{n}", f"Kita {n}", "", "Weg 1", "45768", "Marl", "51.6", "7.1", "", note]
        for n in range(15)
    ]
    data = csv_bytes([*KITA_COLUMNS, "notes"], rows)
    # more than the app's 1 MiB for other requests
    assert 1024 * 1024 < len(data) < IMPORT_MAX_BYTES
    status, html = upload(client, token, "childcare.kitas", "gross.csv", data, "csv")
    assert status == 200, re.findall(r'id="import-error">[^<]*', html)
    assert report_counts(html)["created"] == len(rows) == _count(platform, "childcare_kitas")


def test_too_large_uploads_are_refused(client: Any, token: str, platform: Any) -> None:
    from webapp.admin.datasets import IMPORT_MAX_BYTES

    data = b"id,name\n" + b"x" * IMPORT_MAX_BYTES
    status, html = upload(client, token, "childcare.kitas", "riesig.csv", data, "csv")
    assert status == 413
    assert "zu groß" in html
    assert _count(platform, "childcare_kitas") == 0
    # other admin forms keep the app's smaller limit
    answer = client.post(
        "/admin/unternehmen/1/status", data={"csrf_token": token, "status": "x" * 1_100_000}
    )
    assert answer.status_code == 413
