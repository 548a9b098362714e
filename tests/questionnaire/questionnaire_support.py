"""Helpers of the questionnaire tests: apps on throwaway databases, forms, answers."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from databases import engine_databases
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from core.portal import accounts

OPERATOR_TOKEN = "q-operator-token"
ADMIN = ("chefin", "ein-langes-passwort")
#: A payload for every text field: it must never run anywhere.
SCRIPT = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'

#: Answers of a complete, valid questionnaire (core sections), as a web form would send them.
ANSWERS: dict[str, dict[str, Any]] = {
    "unternehmen": {
        "name": "Bäckerei Morgenrot",
        "industry": "C",
        "employees": "10",
        "website": "",
    },
    "standort": {"street": "Kirchstraße 3", "postcode": "45699", "town": ""},
    "ueber-uns": {
        "description": "Wir backen Brot und Brötchen für Herten.",
        "attractive": "Kleines Team, feste Schichten.",
        "typical_day": "Um 5 Uhr geht es los.",
        "learn": "Alles vom Sauerteig bis zur Torte.",
    },
    "angebote": {"offers": ["ausbildung", "praktikum"], "professions": ["29"], "benefits": []},
    "familie": {"family": ["part_time"], "certificates": []},
    "kontakt": {
        "contact_name": "Erika Mustermann",
        "contact_email": "erika@morgenrot.example",
        "contact_phone": "02366 12345",
        "publish_contact": "true",
    },
}


def make_app(
    folder: Path,
    *,
    plugins: dict[str, Any] | None = None,
    enabled: list[str] | None = None,
    **sections: Any,
) -> Flask:
    """The real app on a new database of the engine under test (tests/databases.py) with a
    folder outbox; REGIOKARTE_* env ignored. ``plugins`` are test plugins, ``enabled`` names
    in-tree ones."""
    from webapp.app import create_app

    folder.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "portal": {
            "database_url": engine_databases().new("q", folder),
            "operator_token": OPERATOR_TOKEN,
            "secret_key": "test-secret",
        },
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(folder / "outbox"), "operator_address": "ops@example.org"},
        "limits": {"enabled": False},
    }
    for key, value in sections.items():
        config[key] = {**config.get(key, {}), **value}
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        if plugins or enabled:
            config["plugins"] = {"enabled": [*(enabled or ()), *(plugins or ())]}
        app = create_app(config, extra_plugins=plugins)
    finally:
        os.environ.update(saved)
    app.config["TESTING"] = True
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        accounts.create_operator(session, ADMIN[0], ADMIN[1], accounts.Role.ADMIN)
    return app


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def start(client: FlaskClient, email: str = "inhaberin@morgenrot.example") -> str:
    """Start the questionnaire in ``client``'s session; the CSRF token of the first step."""
    token = csrf(client.get("/fragebogen/").get_data(as_text=True))
    response = client.post(
        "/fragebogen/", data={"csrf_token": token, "email": email, "consent": "yes"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return csrf(client.get(response.headers["Location"]).get_data(as_text=True))


def fill_all(client: FlaskClient, token: str, answers: dict[str, dict[str, Any]] = ANSWERS) -> None:
    for key, values in answers.items():
        response = client.post(
            f"/fragebogen/schritt/{key}", data={"csrf_token": token, "action": "next", **values}
        )
        assert response.status_code == 303, (key, _errors(response.get_data(as_text=True)))


def submit(client: FlaskClient, token: str) -> None:
    response = client.post("/fragebogen/pruefen", data={"csrf_token": token})
    assert response.status_code == 303, _errors(response.get_data(as_text=True))


def _errors(html: str) -> list[str]:
    return re.findall(r'class="field-error"[^>]*>([^<]+)', html)


def errors(html: str) -> list[str]:
    """The field errors a page shows."""
    return _errors(html)


def login(client: FlaskClient) -> str:
    """Log an operator in; the CSRF token for the operator pages."""
    token = csrf(client.get("/admin/anmelden").get_data(as_text=True))
    response = client.post(
        "/admin/anmelden", data={"csrf_token": token, "username": ADMIN[0], "password": ADMIN[1]}
    )
    assert response.status_code == 303
    return csrf(client.get("/admin/").get_data(as_text=True))


def png(size: tuple[int, int] = (800, 400), color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def outbox_links(app: Flask) -> list[str]:
    """Every personal link mailed so far, newest first."""
    box = app.extensions["regiokarte"].outbox
    return [
        link
        for mail in box.messages()
        for link in re.findall(r"https?://\S+/fragebogen/link/\S+", mail.body)
    ]
