"""The admin area in a real browser: an operator logs in, approves a submission, imports a Kita
file through the upload form and edits a record; axe-core finds no WCAG 2.1 AA violation on
any admin page visited, and no page breaks its Content-Security-Policy."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LiveServer, describe, new_page, run_axe
from sqlalchemy import text

from core.portal import accounts
from core.portal import submissions as flow

ADMIN = ("leitstelle", "ein-sehr-langes-passwort")
NAME = "Schlosserei Funkenflug"
LINKS = flow.Links(lambda t: f"http://x/fragebogen/link/{t}", lambda s: f"http://x/{s}")
KITAS = (
    "id,name,operator,street,postcode,town,lat,lon,plaetze\n"
    "b1,Kita Leuchtturm,Stadt Marl,Breite Straße 1,45768,Marl,51.656,7.09,40\n"
    "b2,Kita Wellenreiter,AWO,Lipper Weg 5,45770,Marl,51.671,7.12,55\n"
)
ANSWERS: dict[str, dict[str, Any]] = {
    "unternehmen": {"name": NAME, "industry": "C", "employees": 12},
    "standort": {"street": "Amboßweg 3", "postcode": "45699"},
    "ueber-uns": {
        "description": "Wir bauen Treppen und Geländer.",
        "attractive": "Kleines Team.",
        "typical_day": "Um 7 Uhr geht es los.",
        "learn": "Schweißen und Biegen.",
    },
    "housing_staff": {"offers_housing": False},
}


def _build(folder: Path) -> Any:
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from webapp.app import create_app

    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{folder / 'a.db'}", "secret_key": "browser"},
            "mail": {"outbox_folder": str(folder / "outbox")},
            "limits": {"enabled": False},
            "search": {"refresh_interval": 0.0},
            "plugins": {"enabled": ["childcare", "housing"]},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 60, 1))
        accounts.create_operator(session, *ADMIN, role=accounts.Role.ADMIN)
    platform.engine.refresh(force=True)
    return app


@pytest.fixture(scope="module")
def admin_server() -> Iterator[LiveServer]:
    with tempfile.TemporaryDirectory(prefix="regiokarte-admin-") as folder:
        server = LiveServer(_build(Path(folder)))
        yield server
        server.stop()
        server.platform.db.dispose()


@pytest.fixture
def errors() -> list[str]:
    return []


def _login(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/admin/anmelden")
    page.fill("#login-username", ADMIN[0])
    page.fill("#login-password", ADMIN[1])
    with page.expect_navigation():
        page.click("button[type=submit]")


def _submitted(server: LiveServer) -> int:
    platform = server.platform
    started = flow.start(platform, email="funken@example.org", lang="de", consent=True, links=LINKS)
    number = started.submission.id
    for key, values in ANSWERS.items():
        flow.save_section(platform, number, key, values, actor="test")
    flow.submit(platform, number, actor="test")
    return int(number)


def _kitas(server: LiveServer) -> dict[str, str]:
    with server.platform.db.connect() as connection:
        rows = connection.execute(text("SELECT source_id, name FROM childcare_kitas"))
        return {str(r.source_id): str(r.name) for r in rows}


def test_operator_moderates_imports_and_edits(
    browser: Any, admin_server: LiveServer, errors: list[str], tmp_path: Path
) -> None:
    number = _submitted(admin_server)
    page = new_page(browser, admin_server, errors=errors)
    _login(page, admin_server)
    visited = [page.url]

    # moderation: the queue lists the submission; approve it
    page.click(f"a[href='/admin/einreichung/{number}'] >> nth=0")
    visited.append(page.url)
    with page.expect_navigation():
        page.click("#approve")
    assert NAME in page.locator(".q-notice").inner_text()
    page.click("nav.admin-nav >> text=Unternehmen")
    page.fill("#companies-q", "Funkenflug")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    assert page.locator("#companies tbody tr").count() == 1
    assert "Veröffentlicht" in page.locator("#companies tbody tr").inner_text()
    visited.append(page.url)
    page.click(f"#companies >> text={NAME}")
    assert page.locator(f"#company-submissions a[href='/admin/einreichung/{number}']").count() == 1
    visited.append(page.url)

    # import a Kita file through the upload form
    page.click("nav.admin-nav >> text=Daten")
    visited.append(page.url)
    page.click("tr[data-dataset='childcare.kitas'] >> text=Importieren")
    upload = tmp_path / "kitas-browser.csv"
    upload.write_text(KITAS, encoding="utf-8")
    page.set_input_files("#import-file", str(upload))
    page.select_option("#import-format", "csv")
    with page.expect_navigation():
        page.click("#import-submit")
    assert page.locator("dd[data-count='created']").inner_text() == "2"
    assert _kitas(admin_server) == {"b1": "Kita Leuchtturm", "b2": "Kita Wellenreiter"}
    visited.append(page.url)

    # edit a record
    page.goto(admin_server.url + "/admin/daten/childcare.kitas?q=Leuchtturm")
    visited.append(page.url)
    page.click("#records >> text=Bearbeiten")
    visited.append(page.url)
    page.fill("#field-name", "Kita Leuchtturm am Hafen")
    page.fill("#field-places", "48")
    with page.expect_navigation():
        page.click("#record-save")
    assert page.locator("#record-notice").inner_text() == "Gespeichert."
    assert _kitas(admin_server)["b1"] == "Kita Leuchtturm am Hafen"
    # an invalid value: the error is shown at the field, the typed value stays
    page.fill("#field-places", "viele")
    with page.expect_navigation():
        page.click("#record-save")
    # in the page's language (the admin page is German)
    assert "keine ganze Zahl" in page.locator("#field-places-error").inner_text()
    assert page.input_value("#field-places") == "viele"
    assert page.locator("#error-summary a[href='#field-places']").count() == 1
    page.click("nav.admin-nav >> text=Konfiguration")
    visited.append(page.url)
    page.context.close()
    # the browser reports the deliberate 400 of the invalid form; nothing else may appear
    unexpected = [e for e in errors if "status of 400" not in e]
    assert unexpected == [], "\n".join(unexpected)
    assert len(errors) - len(unexpected) <= 1
    errors.clear()

    # axe-core on every admin page visited (a context that may inject the script)
    checker = new_page(browser, admin_server, errors=errors, bypass_csp=True)
    _login(checker, admin_server)
    found: dict[str, Any] = {}
    for url in dict.fromkeys(visited):
        if "/einreichung/" in url:
            continue  # decided already; its page is checked with the queue's next one below
        checker.goto(url)
        violations = run_axe(checker)
        if violations:
            found[url] = violations
    # the error state of the edit form
    checker.goto(admin_server.url + "/admin/daten/childcare.kitas?q=Wellenreiter")
    checker.click("#records >> text=Bearbeiten")
    checker.fill("#field-lat", "nördlich")
    with checker.expect_navigation():
        checker.click("#record-save")
    found_error = run_axe(checker)
    if found_error:
        found["edit form with errors"] = found_error
    # a submission waiting for a decision, and the import page's error state
    waiting = _submitted(admin_server)
    checker.goto(admin_server.url + f"/admin/einreichung/{waiting}")
    if run_axe(checker):
        found["submission"] = run_axe(checker)
    checker.goto(admin_server.url + "/admin/daten/childcare.kitas/import")
    bad = tmp_path / "kaputt.csv"
    bad.write_text("id,name,lat,lon\nx1,,1,2\n", encoding="utf-8")
    checker.set_input_files("#import-file", str(bad))
    checker.select_option("#import-format", "csv")
    with checker.expect_navigation():
        checker.click("#import-submit")
    # the German admin page says it in German: nothing of the broken file was imported
    assert "es wurde nichts importiert" in checker.locator("#import-error").inner_text()
    if run_axe(checker):
        found["import error"] = run_axe(checker)
    checker.context.close()
    assert found == {}, describe([found])
    assert [e for e in errors if "status of 400" not in e] == []
