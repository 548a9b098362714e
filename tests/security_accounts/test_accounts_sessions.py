"""Logins end when they should: logout, a new password, deactivation, revoked editor links.

The attack: an operator's cookie still worked after logout and after ``accounts
set-password`` (for 12 hours), and no command could deactivate an operator. Each test keeps
a copy of a cookie from before the event and shows it opens nothing afterwards, on this
server and on a second one sharing the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts_security_support import (
    ADMIN,
    AppMaker,
    csrf,
    platform_of,
    post_login,
    published_company,
)
from flask import Flask
from flask.testing import FlaskClient

from core.portal import accounts, audit, web_sessions
from webapp.cli import cli

COOKIE = "regiokarte_session"
OTHER = ("redaktion", "Wanderweg-Bergsee-Abendrot")


def logged_in(app: Flask, user: tuple[str, str] = ADMIN) -> FlaskClient:
    client = app.test_client()
    assert post_login(client, *user).status_code == 303
    assert client.get("/admin/").status_code == 200
    return client


def cookie_of(client: FlaskClient) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def replayed(app: Flask, cookie: str) -> FlaskClient:
    """A new browser that sends a copy of an old cookie."""
    client = app.test_client()
    client.set_cookie(COOKIE, cookie, domain="localhost")
    return client


def opens_admin(client: FlaskClient) -> bool:
    answer = client.get("/admin/")
    if answer.status_code == 303:
        assert "/admin/anmelden" in answer.headers["Location"]
        return False
    assert answer.status_code == 200
    return True


def run(app: Flask, *args: str, stdin: str = "") -> Any:
    return app.test_cli_runner().invoke(cli, list(args), input=stdin)


def add_operator(app: Flask) -> None:
    with platform_of(app).session(write=True) as session:
        accounts.create_operator(session, *OTHER)


def test_logout_ends_every_login_of_the_operator_at_once(make_app: AppMaker) -> None:
    first_server = make_app("shared")
    second_server = make_app("shared")  # another server on the same database
    add_operator(first_server)
    office = logged_in(first_server)
    home = logged_in(second_server)
    colleague = logged_in(first_server, OTHER)
    copied = cookie_of(office)
    token = csrf(office.get("/admin/").get_data(as_text=True))
    assert office.post("/admin/abmelden", data={"csrf_token": token}).status_code == 303
    assert not opens_admin(office)
    assert not opens_admin(replayed(first_server, copied))
    assert not opens_admin(replayed(second_server, copied))
    assert not opens_admin(home)  # the other browser of the same operator too
    assert opens_admin(colleague)  # other operators stay logged in
    with platform_of(first_server).session() as session:
        actions = [e.action for e in audit.recent_entries(session)]
    assert "operator.logout" in actions


def test_a_new_password_ends_every_login(make_app: AppMaker) -> None:
    app = make_app()
    browser = logged_in(app)
    copied = cookie_of(browser)
    new = "Sonnenblume-Ostsee-Fahrrad"
    done = run(app, "accounts", "set-password", ADMIN[0], "--password-stdin", stdin=new + "\n")
    assert done.exit_code == 0, done.output
    assert "every login with the old password has ended" in done.output
    assert not opens_admin(browser)
    assert not opens_admin(replayed(app, copied))
    assert logged_in(app, (ADMIN[0], new))


def test_deactivate_ends_logins_and_refuses_new_ones_until_activated(make_app: AppMaker) -> None:
    app = make_app()
    add_operator(app)
    browsers = [logged_in(app, OTHER), logged_in(app, OTHER)]
    admin = logged_in(app)
    done = run(app, "accounts", "deactivate", OTHER[0])
    assert done.exit_code == 0, done.output
    assert f"Deactivated '{OTHER[0]}': 2 login(s) ended." in done.output
    assert not any(opens_admin(b) for b in browsers)
    assert opens_admin(admin)
    # the right password no longer logs in, and the answer is the one for a wrong password
    refused = post_login(app.test_client(), *OTHER)
    wrong = post_login(app.test_client(), OTHER[0], "ganz-falsches-Passwort")
    assert refused.status_code == wrong.status_code == 401
    listed = run(app, "accounts", "list")
    assert f"{OTHER[0]} (inactive)" in listed.output
    again = run(app, "accounts", "activate", OTHER[0])
    assert again.exit_code == 0, again.output
    assert logged_in(app, OTHER)
    unknown = run(app, "accounts", "deactivate", "niemand")
    assert unknown.exit_code != 0 and "There is no operator 'niemand'" in unknown.output


def test_a_login_ends_after_the_session_hours(platform: Any) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with platform.session(write=True) as session:
        operator_id = accounts.list_operators(session)[0].id
        secret = web_sessions.start_operator_session(
            session, operator_id, dt.timedelta(hours=12), now=start
        )
    with platform.session() as session:
        before = start + dt.timedelta(hours=11, minutes=59)
        after = start + dt.timedelta(hours=12)
        assert web_sessions.operator_of(session, secret, now=before) is not None
        assert web_sessions.operator_of(session, secret, now=after) is None
        assert web_sessions.operator_of(session, secret + "x", now=before) is None


def test_an_editor_logout_and_revoked_links_end_editor_logins(make_app: AppMaker) -> None:
    app = make_app()
    company = published_company(platform_of(app), "Morgenrot GmbH", "Hauptstr. 1", "a@b.example")

    def editor() -> FlaskClient:
        client = app.test_client()
        assert client.get(f"/fragebogen/link/{company.token}").status_code == 303
        assert client.get("/fragebogen/daten.json").status_code == 200
        return client

    browser = editor()
    copied = cookie_of(browser)
    token = csrf(browser.get("/fragebogen/status").get_data(as_text=True))
    assert browser.post("/fragebogen/abmelden", data={"csrf_token": token}).status_code == 303
    assert replayed(app, copied).get("/fragebogen/daten.json").status_code != 200

    others = [editor(), editor()]
    done = run(app, "accounts", "revoke-links", str(company.company_id))
    assert done.exit_code == 0, done.output
    assert all(b.get("/fragebogen/daten.json").status_code != 200 for b in others)
