"""Helpers of the account security tests: apps on throwaway databases, logins, two companies."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from attrs import frozen
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from core.platform import Platform
from core.portal import accounts
from core.portal import submissions as flow

OPERATOR_TOKEN = "accounts-security-operator-token"
#: The admin every app gets: a password that passes the policy
ADMIN = ("leitung", "Kaffeetasse-Fahrrad-Nordsee")
OPERATOR_HEADERS = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}

#: ``make_app(name="db", **sections)`` (the fixture): an app on a database of the engine under test
AppMaker = Callable[..., Flask]


def build_app(
    database_url: str, folder: Path, *, plugins: list[str] | None = None, **sections: Any
) -> Flask:
    """The real app on ``database_url`` with a folder outbox and one admin; REGIOKARTE_* env
    ignored; rate limits off unless ``limits`` says otherwise."""
    from webapp.app import create_app

    config: dict[str, Any] = {
        "portal": {
            "database_url": database_url,
            "operator_token": OPERATOR_TOKEN,
            "secret_key": "accounts-security-secret",
        },
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(folder / "outbox")},
        "limits": {"enabled": False},
        "plugins": {"enabled": list(plugins or [])},
    }
    for key, value in sections.items():
        config[key] = {**config.get(key, {}), **value}
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        app = create_app(config)
    finally:
        os.environ.update(saved)
    app.config["TESTING"] = True
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        if not accounts.list_operators(session):
            accounts.create_operator(session, ADMIN[0], ADMIN[1], accounts.Role.ADMIN)
    return app


def platform_of(app: Flask) -> Platform:
    platform: Platform = app.extensions["regiokarte"]
    return platform


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def post_login(client: FlaskClient, username: str, password: str, lang: str = "") -> Any:
    """Send the operator login form (with its CSRF token) and return the answer."""
    query = f"?lang={lang}" if lang else ""
    token = csrf(client.get(f"/admin/anmelden{query}").get_data(as_text=True))
    return client.post(
        f"/admin/anmelden{query}",
        data={"csrf_token": token, "username": username, "password": password},
    )


def page_error(html: str) -> str:
    """The text of the login page's error box ('' when there is none)."""
    found = re.search(r'id="login-error"><p>([^<]*)</p>', html)
    return found.group(1) if found else ""


def png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), color).save(out, format="PNG")
    return out.getvalue()


def answers(name: str, street: str, email: str) -> dict[str, dict[str, Any]]:
    """Complete answers of the core questionnaire, as a web form sends them."""
    return {
        "unternehmen": {"name": name, "industry": "C", "employees": "10", "website": ""},
        "standort": {"street": street, "postcode": "45699", "town": ""},
        "ueber-uns": {
            "description": f"{name} stellt Dinge her.",
            "attractive": "Kleines Team.",
            "typical_day": "Um 7 Uhr geht es los.",
            "learn": "Alles über das Handwerk.",
        },
        "angebote": {"offers": ["ausbildung"], "professions": ["29"], "benefits": []},
        "familie": {"family": ["part_time"], "certificates": []},
        "kontakt": {
            "contact_name": f"Kontakt {name}",
            "contact_email": email,
            "contact_phone": "02366 12345",
            "publish_contact": "true",
        },
    }


@frozen
class EditedCompany:
    """A published company whose editor has started changing it: the editor's link secret,
    the company, the open draft (with a logo) and the approved first submission."""

    name: str
    token: str
    company_id: int
    draft_id: int
    first_id: int


def published_company(platform: Platform, name: str, street: str, email: str) -> EditedCompany:
    """Run a company through the real flow: start, answer, logo, submit, approve; then its
    editor opens an edit (a new draft of the published profile)."""
    links = flow.Links(editor=lambda token: f"http://localhost/fragebogen/link/{token}")
    started = flow.start(platform, email=email, lang="de", consent=True, links=links)
    first = started.submission.id
    for key, values in answers(name, street, email).items():
        assert flow.save_section(platform, first, key, values, actor="test") == {}, key
    flow.save_logo(platform, first, png("orange"), actor="test")
    flow.submit(platform, first, actor="test")
    company = flow.approve(platform, first, actor="operator:test", links=links)
    assert company.id is not None
    with platform.session(write=True) as session:
        token = accounts.resolve_token(session, started.token)
    draft = flow.start_edit(platform, token)
    return EditedCompany(name, started.token, company.id, draft.id, first)
