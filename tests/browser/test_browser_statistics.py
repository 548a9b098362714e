"""The statistics dashboard in Chromium: an operator logs in and sees SVG charts whose bars
have a size, under the strict CSP (no error in the console); axe-core finds no WCAG 2.1 AA
violation on the dashboard or the report, and the report prints without the navigation."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LiveServer, describe, new_page, run_axe

from core.portal import accounts
from core.portal import submissions as flow
from core.portal.statistics import counter_for

OPERATOR = ("statistik", "ein-sehr-langes-passwort")


def _build(folder: Path) -> Any:
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from webapp.app import create_app

    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{folder / 's.db'}", "secret_key": "browser"},
            "mail": {"outbox_folder": str(folder / "outbox")},
            "limits": {"enabled": False},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 300, 1))
        accounts.create_operator(session, *OPERATOR, role=accounts.Role.ADMIN)
    platform.engine.refresh(force=True)
    links = flow.Links(lambda token: f"http://x/{token}")
    for email in ("a@example.org", "b@example.org"):
        started = flow.start(platform, email=email, lang="de", consent=True, links=links)
        flow.save_section(
            platform, started.submission.id, "unternehmen", {"name": "Firma"}, actor="public"
        )
    client = app.test_client()
    for query in ("", "?industry=C", "?industry=C&size=micro", "?q=bau&offer=ausbildung"):
        assert client.get("/api/v1/search" + query).status_code == 200
    assert client.get("/api/v1/layers/companies").status_code == 200
    counter_for(platform).flush()
    return app


@pytest.fixture(scope="module")
def stats_server() -> Iterator[LiveServer]:
    with tempfile.TemporaryDirectory(prefix="regiokarte-stats-") as folder:
        server = LiveServer(_build(Path(folder)))
        yield server
        server.stop()
        server.platform.db.dispose()


def _login(page: Any, server: LiveServer, target: str) -> None:
    page.goto(server.url + target)
    assert "/admin/anmelden" in page.url  # sent to the login first
    page.fill("#login-username", OPERATOR[0])
    page.fill("#login-password", OPERATOR[1])
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.startswith(server.url + target.split("?")[0])


def test_the_dashboard_draws_its_charts(browser: Any, stats_server: LiveServer) -> None:
    errors: list[str] = []
    page = new_page(browser, stats_server, errors=errors)
    try:
        _login(page, stats_server, "/admin/statistik")
        assert page.locator("h1").inner_text() == "Statistik"
        charts = page.locator("svg.chart")
        assert charts.count() >= 8
        for key in ("towns", "industries", "sizes", "months", "funnel", "filters", "layers"):
            bars = page.locator(f"#chart-{key} rect.chart-bar")
            sizes = [bars.nth(i).bounding_box() for i in range(bars.count())]
            assert any(b and b["width"] > 0 and b["height"] > 0 for b in sizes), key
            assert page.locator(f"#figure-{key} table tbody tr").count() >= 1, key
        # the bars are coloured by the style sheet, not by a style attribute
        fill = page.eval_on_selector(
            "#chart-towns rect.chart-bar", "el => getComputedStyle(el).fill"
        )
        assert fill not in ("", "none", "rgb(0, 0, 0)")
        # a new period through the form
        page.fill("#stat-start", "2025-01-01")
        page.fill("#stat-end", "2025-01-31")
        with page.expect_navigation():
            page.click(".stat-period button[type=submit]")
        assert "von=2025-01-01" in page.url
        assert page.locator("#stat-start").input_value() == "2025-01-01"
    finally:
        page.context.close()
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("path", ["/admin/statistik", "/admin/statistik/bericht?lang=en"])
def test_axe_finds_no_violation(browser: Any, stats_server: LiveServer, path: str) -> None:
    page = new_page(browser, stats_server, bypass_csp=True)
    try:
        _login(page, stats_server, path)
        violations = run_axe(page)
    finally:
        page.context.close()
    assert violations == [], describe(violations)


def test_the_report_prints_without_navigation(browser: Any, stats_server: LiveServer) -> None:
    page = new_page(browser, stats_server)
    try:
        _login(page, stats_server, "/admin/statistik/bericht")
        page.emulate_media(media="print")
        assert not page.locator(".admin-nav").is_visible()
        assert not page.locator(".stat-print-hint").is_visible()
        assert page.locator("#chart-towns").is_visible()
        box = page.locator("#chart-towns").bounding_box()
        assert box is not None and box["width"] > 100
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        page.context.close()
