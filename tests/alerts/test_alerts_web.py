"""The alert pages through the real app: subscribe form, confirmation and unsubscribe pages
(state changes by POST only), the start page's link, the command line."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

from alerts_support import (
    MARL,
    confirm_link,
    csrf,
    links,
    mails,
    make_alert_app,
    new_company,
    platform_of,
    token_of,
)
from flask import Flask
from flask.testing import FlaskClient

from core import Platform
from core.portal import alerts
from webapp.cli import cli

EMAIL = "ben@example.org"
QUERY = f"industry=F&town={MARL[0]}"


def _path(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _subscribe(
    client: FlaskClient, query: str = QUERY, lang: str = "", **form: str
) -> tuple[int, str]:
    page = client.get(f"/suche/abonnieren?{query}" + (f"&lang={lang}" if lang else ""))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    hidden = re.search(r'name="query" value="([^"]*)"', html)
    assert hidden is not None
    data = {"csrf_token": csrf(html), "query": unescape(hidden.group(1)), **form}
    answer = client.post("/suche/abonnieren" + (f"?lang={lang}" if lang else ""), data=data)
    return answer.status_code, answer.get_data(as_text=True)


def _states(platform: Platform) -> list[alerts.State]:
    return [s.state for s in alerts.list_subscriptions(platform)]


def test_subscribe_confirm_and_unsubscribe_through_the_pages(
    client: FlaskClient, platform: Platform
) -> None:
    page = client.get(f"/suche/abonnieren?{QUERY}&map=12/51.6/7.1&page=2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<li>Branche: Baugewerbe</li>" in html and "<li>Ort: Marl</li>" in html
    assert 'for="alert-email"' in html and 'for="alert-consent"' in html
    status, html = _subscribe(client, email=EMAIL, consent="yes")
    assert status == 200 and EMAIL in html
    assert _states(platform) == [alerts.State.PENDING]

    link = confirm_link(platform, EMAIL)
    shown = client.get(_path(link))
    assert shown.status_code == 200 and "Abo bestätigen" in shown.get_data(as_text=True)
    assert _states(platform) == [alerts.State.PENDING], "GET changes nothing"
    token = csrf(shown.get_data(as_text=True))
    done = client.post(_path(link), data={"csrf_token": token})
    assert done.status_code == 200 and "Ihr Suchabo ist bestätigt" in done.get_data(as_text=True)
    assert _states(platform) == [alerts.State.ACTIVE]
    again = client.post(_path(link), data={"csrf_token": token})
    assert "schon bestätigt" in again.get_data(as_text=True)

    new_company(platform, "Webbau GmbH", industry="F")
    assert alerts.run(platform).sent == 1
    (unsubscribe,) = links(mails(platform, EMAIL)[-1].body, "/suche/abbestellen/")
    shown = client.get(_path(unsubscribe))
    assert shown.status_code == 200 and "Abbestellen" in shown.get_data(as_text=True)
    assert _states(platform) == [alerts.State.ACTIVE], "GET changes nothing"
    gone = client.post(_path(unsubscribe), data={"csrf_token": token})
    assert gone.status_code == 200 and "keine E-Mails mehr" in gone.get_data(as_text=True)
    assert _states(platform) == [alerts.State.UNSUBSCRIBED]


def test_errors_are_named_and_linked_to_their_fields(
    client: FlaskClient, platform: Platform
) -> None:
    status, html = _subscribe(client, email="kein-at")
    assert status == 422
    assert '<a href="#alert-email">' in html and '<a href="#alert-consent">' in html
    assert 'aria-describedby="alert-email-hint alert-email-error"' in html
    assert 'id="alert-consent-error"' in html and 'aria-invalid="true"' in html
    assert alerts.list_subscriptions(platform) == [] and mails(platform) == []


def test_state_changes_need_the_csrf_token(client: FlaskClient, platform: Platform) -> None:
    refused = client.post(
        "/suche/abonnieren", data={"query": QUERY, "email": EMAIL, "consent": "yes"}
    )
    assert refused.status_code == 400
    _subscribe(client, email=EMAIL, consent="yes")
    link = confirm_link(platform, EMAIL)
    assert client.post(_path(link)).status_code == 400
    assert _states(platform) == [alerts.State.PENDING]


def test_unknown_links_and_bad_searches_get_a_page_that_says_so(client: FlaskClient) -> None:
    unknown = client.get("/suche/abonnieren/bestaetigen/erfunden")
    assert unknown.status_code == 404 and "gilt nicht" in unknown.get_data(as_text=True)
    assert client.get("/suche/abbestellen/erfunden").status_code == 404
    bad = client.get("/suche/abonnieren?industry=QQ")
    assert bad.status_code == 422
    # the bad filter named by its label, in the page's language
    assert "Branche: „QQ“ steht nicht zur Wahl" in unescape(bad.get_data(as_text=True))
    english = client.get("/suche/abonnieren?industry=QQ&lang=en").get_data(as_text=True)
    assert "Industry: “QQ” is not one of the choices" in unescape(english)


def test_english_pages_with_lang_en(client: FlaskClient, platform: Platform) -> None:
    page = client.get(f"/suche/abonnieren?{QUERY}&lang=en").get_data(as_text=True)
    assert "Subscribe to this search" in page and "<li>Industry: Construction</li>" in page
    assert 'action="/suche/abonnieren?lang=en"' in page
    answer = client.post(
        "/suche/abonnieren?lang=en",
        data={"csrf_token": csrf(page), "query": QUERY, "email": EMAIL, "consent": "yes"},
    )
    assert "Please confirm your alert" in answer.get_data(as_text=True)
    link = confirm_link(platform, EMAIL)
    assert link.endswith("?lang=en")
    assert "Confirm the alert" in client.get(_path(link)).get_data(as_text=True)


def test_the_start_page_links_to_subscribing_its_search(client: FlaskClient) -> None:
    html = client.get(f"/?{QUERY}&map=12/51.6/7.1").get_data(as_text=True)
    link = re.search(r'<a id="subscribe-link"[^>]* href="([^"]+)"', html)
    assert link is not None
    assert unescape(link.group(1)) == f"/suche/abonnieren?{QUERY}"
    assert ">Suche abonnieren</a>" in html


def test_switched_off_alerts_have_no_pages(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    app = make_alert_app(new_database("off"), tmp_path, alerts={"enabled": False})
    try:
        client = app.test_client()
        assert client.get(f"/suche/abonnieren?{QUERY}").status_code == 404
        assert 'id="subscribe-link"' not in client.get("/").get_data(as_text=True)
    finally:
        platform_of(app).db.dispose()


def test_cli_run_prints_how_many_mails_were_sent(app: Flask, platform: Platform) -> None:
    alerts.subscribe(platform, email=EMAIL, query=QUERY, lang="de", consent=True)
    alerts.confirm(platform, token_of(confirm_link(platform, EMAIL)))
    new_company(platform, "Kommandozeile GmbH", industry="F")
    runner = app.test_cli_runner()
    dry = runner.invoke(cli, ["alerts", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Would send 1 mails (1 companies")
    result = runner.invoke(cli, ["alerts", "run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Sent 1 mails")
    assert "Kommandozeile GmbH" in mails(platform, EMAIL)[-1].body
    again = runner.invoke(cli, ["alerts", "run"])
    assert again.exit_code == 0 and again.output.startswith("Sent 0 mails")
    listed = runner.invoke(cli, ["alerts", "list"])
    assert listed.exit_code == 0
    assert f"active       de  {EMAIL}  ?{QUERY}" in listed.output


def test_subscribing_is_rate_limited(new_database: Callable[[str], str], tmp_path: Path) -> None:
    app = make_alert_app(
        new_database("limited"),
        tmp_path,
        limits={"enabled": True},
        alerts={"subscribe_limit": "2 per hour"},
    )
    try:
        client = app.test_client()
        answers = [
            _subscribe(client, email=f"person{n}@example.org", consent="yes")[0] for n in range(3)
        ]
        assert answers == [200, 200, 429]
        assert len(alerts.list_subscriptions(platform_of(app))) == 2
    finally:
        platform_of(app).db.dispose()


def test_every_problem_at_once_in_the_page_language(client: FlaskClient) -> None:
    """A mistyped address and no consent: both in the summary and at their fields, German on
    the German page and English on the English one; the address stays, and a tick stays too."""
    from form_errors import assert_reports

    from core import catalog

    for lang in ("de", "en"):
        texts = catalog("portal").texts(lang)
        status, html = _subscribe(client, lang=lang, email="ben(at)example.org")
        assert status == 422
        assert_reports(
            html,
            {
                "alert-email": texts["alerts.error_email"],
                "alert-consent": texts["alerts.error_consent"],
            },
            kept={"alert-email": "ben(at)example.org"},
        )
        status, html = _subscribe(client, lang=lang, email="ben@example", consent="yes")
        assert_reports(
            html,
            {"alert-email": texts["alerts.error_email"]},
            kept={"alert-email": "ben@example", "alert-consent": True},
        )


def test_refused_forms_spare_the_rate_limit_and_the_limit_keeps_the_form(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    app = make_alert_app(
        new_database("spared"),
        tmp_path,
        limits={"enabled": True},
        alerts={"subscribe_limit": "2 per hour"},
    )
    try:
        client = app.test_client()
        # three mistakes use up nothing: two real subscriptions still go through
        assert [_subscribe(client, email="kein-at")[0] for _ in range(3)] == [422] * 3
        answers = [
            _subscribe(client, email=f"person{n}@example.org", consent="yes")[0] for n in range(2)
        ]
        assert answers == [200, 200]
        page = client.get(f"/suche/abonnieren?{QUERY}").get_data(as_text=True)
        limited = client.post(
            "/suche/abonnieren",
            data={
                "csrf_token": csrf(page),
                "query": QUERY,
                "email": "late@example.org",
                "consent": "yes",
            },
        )
        assert limited.status_code == 429
        wait = int(limited.headers["Retry-After"])
        assert 0 < wait <= 3600
        html = unescape(limited.get_data(as_text=True))
        minutes = -(-wait // 60)
        assert f"in {minutes} Minuten noch einmal" in html or "in einer Minute" in html
        assert 'value="late@example.org"' in html
        assert re.search(r'id="alert-consent"[^>]* checked', html)
        assert len(alerts.list_subscriptions(platform_of(app))) == 2
    finally:
        platform_of(app).db.dispose()
