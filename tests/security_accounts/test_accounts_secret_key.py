"""The session key and what a cookie may claim.

Production entry points refuse to start without a strong ``portal.secret_key`` (and without
``portal.base_url`` when mail goes out); development makes a random key per instance folder;
the fixed key older versions signed with when the setting was empty is refused, and a cookie
that names an operator or an editor link by number opens nothing, whatever key signed it.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from accounts_security_support import (
    ADMIN,
    AppMaker,
    platform_of,
    post_login,
    published_company,
)
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from core.errors import ConfigError
from core.portal import accounts
from core.settings import load_settings
from webapp.app import create_app
from webapp.startup import KEY_FILE, check_production, production_problems

ROOT = Path(__file__).resolve().parents[2]
#: The key sessions were signed with while portal.secret_key was empty, in older versions.
OLD_FIXED_KEY = "dev-only-not-secret"
STRONG_KEY = "kX9-vQ2_rT7pL4mZ8nB3wY6cH1jF5dS0aE-uG"
COOKIE = "regiokarte_session"


def forged_cookie(app: Flask, key: str, data: dict[str, Any]) -> str:
    """A session cookie with ``data``, signed with ``key`` exactly as Flask signs its own."""
    forger = Flask("forger")
    forger.config.update(app.config)
    forger.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    assert serializer is not None
    return serializer.dumps(data)


def with_cookie(app: Flask, value: str) -> Any:
    client = app.test_client()
    client.set_cookie(COOKIE, value, domain="localhost")
    return client


# --- forged cookies -----------------------------------------------------------------------------


def test_a_cookie_forged_with_the_old_fixed_key_opens_nothing(make_app: AppMaker) -> None:
    # the setting empty, as in the attack: the app signs with a random key of its own now
    app = make_app(portal={"secret_key": ""})
    company = published_company(platform_of(app), "Morgenrot GmbH", "Hauptstr. 1", "a@b.example")
    for claims in (
        {"operator_id": 1},
        {"editor_token": 1},
        {"editor_token": 2},
        {"operator_session": "1", "editor_session": "1"},
    ):
        client = with_cookie(app, forged_cookie(app, OLD_FIXED_KEY, claims))
        admin = client.get("/admin/")
        assert admin.status_code == 303, claims
        assert "/admin/anmelden" in admin.headers["Location"]
        data = client.get("/fragebogen/daten.json")
        assert data.status_code != 200, claims
        assert company.name not in data.get_data(as_text=True)


def test_numbers_in_a_correctly_signed_cookie_open_nothing(make_app: AppMaker) -> None:
    """Even with the real key (leaked, say), ids are no credentials: the cookie must hold the
    secret of a login record the server made."""
    app = make_app()
    company = published_company(platform_of(app), "Abendrot KG", "Marktstr. 2", "c@d.example")
    with platform_of(app).session() as session:
        operator_id = accounts.list_operators(session)[0].id
    for claims in (
        {"operator_id": operator_id},
        {"operator_session": operator_id},
        {"editor_token": 1},
        {"editor_session": 1},
        {"editor_session": company.token},  # the link's own secret is not a login either
    ):
        client = with_cookie(app, forged_cookie(app, app.secret_key or "", claims))
        assert client.get("/admin/").status_code == 303, claims
        assert client.get("/fragebogen/daten.json").status_code != 200, claims
    # the same app does open both to a real login
    client = app.test_client()
    assert post_login(client, *ADMIN).status_code == 303
    assert client.get("/admin/").status_code == 200
    editor = app.test_client()
    assert editor.get(f"/fragebogen/link/{company.token}").status_code == 303
    opened = editor.get("/fragebogen/daten.json")
    assert opened.status_code == 200 and company.name in opened.get_data(as_text=True)


def test_the_old_fixed_key_is_refused_as_a_setting(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'old.db'}"
    with pytest.raises(ConfigError, match="publicly known"):
        create_app({"portal": {"database_url": database, "secret_key": OLD_FIXED_KEY}})


# --- development: a random key per instance folder ------------------------------------------------


def test_development_makes_one_private_random_key_per_instance_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def app_in(folder: Path) -> Flask:
        return create_app({"portal": {"database_url": f"sqlite:///{folder / 'portal.db'}"}})

    with caplog.at_level(logging.WARNING, logger="webapp.startup"):
        first = app_in(tmp_path / "one")
        again = app_in(tmp_path / "one")
        other = app_in(tmp_path / "two")
    key_file = tmp_path / "one" / KEY_FILE
    assert key_file.read_text().strip() == first.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert again.secret_key == first.secret_key  # sessions survive a restart
    assert other.secret_key != first.secret_key
    assert isinstance(first.secret_key, str) and len(first.secret_key) >= 43
    assert first.secret_key != OLD_FIXED_KEY
    announced = [r.getMessage() for r in caplog.records if "development key" in r.getMessage()]
    # said once per folder: when the key is made, not at every start
    assert len(announced) == 2
    assert str(key_file) in announced[0]


def test_a_configured_key_is_used_as_it_is_in_development(tmp_path: Path) -> None:
    app = create_app(
        {"portal": {"database_url": f"sqlite:///{tmp_path / 'p.db'}", "secret_key": "abc"}}
    )
    assert app.secret_key == "abc"
    assert not (tmp_path / KEY_FILE).exists()


# --- production: refuse to start -------------------------------------------------------------


@pytest.mark.parametrize(
    ("portal", "mail", "named"),
    [
        ({}, {}, "portal.secret_key is empty"),
        ({"secret_key": OLD_FIXED_KEY}, {}, "publicly known"),
        ({"secret_key": "kurz-und-schwach"}, {}, "at least 32 random characters"),
        ({"secret_key": "a" * 64}, {}, "1 different"),
        ({"secret_key": STRONG_KEY}, {"smtp_host": "mail.example"}, "portal.base_url is empty"),
    ],
)
def test_production_refuses_unsafe_settings_and_names_the_fix(
    portal: dict[str, str], mail: dict[str, str], named: str
) -> None:
    settings = load_settings(env={}, overrides={"portal": portal, "mail": mail})
    with pytest.raises(ConfigError) as raised:
        check_production(settings)
    message = raised.value.message
    assert named in message
    assert "REGIOKARTE_PORTAL__" in message


def test_production_starts_with_a_strong_key_and_base_url(tmp_path: Path) -> None:
    config = {
        "portal": {
            "database_url": f"sqlite:///{tmp_path / 'p.db'}",
            "secret_key": STRONG_KEY,
            "base_url": "https://karte.example.org",
        },
        "mail": {"smtp_host": "mail.example"},
    }
    assert production_problems(load_settings(env={}, overrides=config)) == []
    app = create_app(config, production=True)
    assert app.secret_key == STRONG_KEY
    assert not (tmp_path / KEY_FILE).exists()  # production never makes a key of its own


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
    env["REGIOKARTE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'prod.db'}"
    env.update(settings)
    return env


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-c", "import webapp.wsgi"],
        [sys.executable, "-m", "gunicorn", "-c", "python:webapp.gunicorn_conf", "webapp.wsgi:app"],
    ],
    ids=["wsgi", "gunicorn"],
)
def test_production_entry_points_refuse_to_start_without_a_key(
    tmp_path: Path, command: list[str]
) -> None:
    done = subprocess.run(
        [*command],
        cwd=ROOT,
        env=_environment(tmp_path, REGIOKARTE_MAIL__SMTP_HOST="mail.example"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "regiokarte: The server does not start: portal.secret_key is empty" in done.stderr
    assert "REGIOKARTE_PORTAL__SECRET_KEY" in done.stderr
    assert "portal.base_url is empty while mail.smtp_host is set" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_configuration_page_names_an_empty_key(make_app: AppMaker) -> None:
    app = make_app(portal={"secret_key": ""})
    client = app.test_client()
    assert post_login(client, *ADMIN).status_code == 303
    page = client.get("/admin/konfiguration").get_data(as_text=True)
    assert "portal.secret_key is empty" in page
    assert "REGIOKARTE_PORTAL__SECRET_KEY" in page
