"""Search alerts in a real browser: filter on the map page, follow the subscribe link (it
carries the current search), subscribe, confirm through the link of the mail in the outbox
folder. axe-core finds no WCAG 2.1 AA violation on any alert page, the error state included,
and the pages run under the portal's CSP without a console error."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    LiveServer,
    describe,
    new_page,
    open_start,
    run_axe,
    searches,
    wait_for_search,
)

from core.portal import alerts

EMAIL = "dora@example.org"


def _build(folder: Path) -> Any:
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from webapp.app import create_app

    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{folder / 'a.db'}", "secret_key": "browser"},
            "mail": {"outbox_folder": str(folder / "outbox")},
            "limits": {"enabled": False},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 300, 1))
    platform.engine.refresh(force=True)
    return app


@pytest.fixture(scope="module")
def alert_server() -> Iterator[LiveServer]:
    with tempfile.TemporaryDirectory(prefix="regiokarte-alerts-") as folder:
        server = LiveServer(_build(Path(folder)))
        yield server
        server.stop()
        server.platform.db.dispose()


def _no_violations(page: Any, where: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{where}: {describe(violations)}"


def test_subscribe_from_the_map_and_confirm_by_mail(browser: Any, alert_server: LiveServer) -> None:
    errors: list[str] = []
    page = new_page(browser, alert_server, errors=errors, bypass_csp=True)
    open_start(page, alert_server)
    page.locator('#filter-panel details[data-key="industry"] summary').click()
    done = searches(page)
    page.locator('#filter-panel [data-key="industry"] .option[data-value="F"] input').check()
    wait_for_search(page, done)
    link = page.locator("#subscribe-link")
    assert link.inner_text() == "Suche abonnieren"
    assert link.get_attribute("href") == "/suche/abonnieren?industry=F"
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == "Suche abonnieren"
    assert "Branche: Baugewerbe" in page.locator(".alert-summary").inner_text()
    _no_violations(page, "subscribe page")

    # without consent: the error summary links to the field
    page.fill("#alert-email", EMAIL)
    with page.expect_navigation():
        page.click("form.alert-form button[type=submit]")
    assert page.locator("#error-summary a[href='#alert-consent']").count() == 1
    _no_violations(page, "subscribe page with an error")
    # the web kit's summary (common.js): focused on load, its link moves to the control
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    page.click("#error-summary a[href='#alert-consent']")
    assert page.evaluate("document.activeElement.id") == "alert-consent"
    assert page.input_value("#alert-email") == EMAIL

    page.check("#alert-consent")
    with page.expect_navigation():
        page.click("form.alert-form button[type=submit]")
    assert EMAIL in page.locator("#alert-status").inner_text()
    _no_violations(page, "mail sent page")

    platform = alert_server.platform
    (mail,) = [m for m in platform.outbox.messages() if m.to == EMAIL]
    found = re.search(r"https?://\S+/suche/abonnieren/bestaetigen/\S+", mail.body)
    assert found is not None and found.group(0).startswith(alert_server.url)
    page.goto(found.group(0))
    assert [s.state for s in alerts.list_subscriptions(platform)] == [alerts.State.PENDING]
    _no_violations(page, "confirmation page")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Ihr Suchabo ist bestätigt"
    assert [s.state for s in alerts.list_subscriptions(platform)] == [alerts.State.ACTIVE]
    _no_violations(page, "confirmed page")
    page.context.close()
    # the form with an error answers 422, which the console reports; nothing else may fail
    unexpected = [e for e in errors if "status of 422" not in e]
    assert unexpected == [], "\n".join(unexpected)


def test_alert_pages_keep_the_csp(browser: Any, alert_server: LiveServer) -> None:
    """Without bypassing the CSP: no inline script or style is refused (console errors)."""
    errors: list[str] = []
    page = new_page(browser, alert_server, errors=errors)
    page.goto(alert_server.url + "/suche/abonnieren?industry=F&lang=en")
    assert page.locator("h1").inner_text() == "Subscribe to this search"
    page.goto(alert_server.url + "/suche/abbestellen/unknown?lang=en")
    assert "not valid" in page.locator("h1").inner_text()
    page.context.close()
    unexpected = [e for e in errors if "status of 404" not in e]
    assert unexpected == [], "\n".join(unexpected)
