"""The configuration page: every setting with its origin, secrets masked, enabled plugins with
versions, and the result of checking the configuration."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from admin_support import login, make_app

from core import load_settings
from webapp.admin.configuration import MASK, mask_url, setting_rows

SECRETS = {
    "portal.secret_key": "admin-test-secret-Qw7rT2yU9iO4pA6sD1fG",
    "portal.operator_token": "operator-token-geheim",
    "mail.smtp_password": "smtp-geheim-123",
}


@pytest.fixture
def secret_app(new_database: Any, tmp_path: Path) -> Any:
    app = make_app(
        new_database("config"),
        tmp_path,
        portal={"operator_token": SECRETS["portal.operator_token"]},
        mail={"smtp_password": SECRETS["mail.smtp_password"], "smtp_user": "postmaster"},
    )
    yield app
    app.extensions["regiokarte"].db.dispose()


def _value(html: str, key: str) -> str:
    row = html.split(f'data-key="{key}"', 1)[1].split("</tr>", 1)[0]
    return re.search(r'<td class="value">(.*?)</td>', row, re.S).group(1)


def test_page_masks_secrets_and_shows_the_rest(secret_app: Any) -> None:
    client = secret_app.test_client()
    login(client)
    answer = client.get("/admin/konfiguration")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    for key, secret in SECRETS.items():
        assert secret not in html
        assert _value(html, key).startswith(MASK)
    assert "postmaster" not in html
    platform = secret_app.extensions["regiokarte"]
    assert _value(html, "search.per_page") == str(platform.settings.search.per_page)
    assert _value(html, "portal.title") == platform.settings.portal.title
    assert 'data-key="portal.database_url"' in html
    # every declared setting has its row
    assert len(re.findall(r'<tr data-key="', html)) == len(list(setting_rows(platform.settings)))


def test_page_lists_plugins_and_the_check(secret_app: Any) -> None:
    client = secret_app.test_client()
    login(client)
    html = client.get("/admin/konfiguration?lang=en").get_data(as_text=True)
    platform = secret_app.extensions["regiokarte"]
    for plugin in platform.plugins:
        row = html.split(f'data-plugin="{plugin.name}"', 1)[1].split("</tr>", 1)[0]
        assert f"<td>{plugin.manifest.version}</td>" in row
    assert 'id="config-ok"' in html and "No problems found." in html


def test_check_reports_problems(new_database: Any, tmp_path: Path) -> None:
    app = make_app(new_database("weak"), tmp_path, portal={"secret_key": ""})
    client = app.test_client()
    login(client)
    html = client.get("/admin/konfiguration").get_data(as_text=True)
    problems = html.split('id="config-problems"', 1)[1].split("</div>", 1)[0]
    assert "portal.secret_key is empty" in problems
    app.extensions["regiokarte"].db.dispose()


def test_origin_of_each_setting(tmp_path: Path) -> None:
    config = tmp_path / "regiokarte.toml"
    config.write_text('[portal]\ntitle = "Karte aus der Datei"\n', encoding="utf-8")
    env = {"REGIOKARTE_SEARCH__PER_PAGE": "33"}
    settings = load_settings(config, env=env, overrides={"map": {"zoom": 12}})
    rows = {r["key"]: r for r in setting_rows(settings, env=env)}
    assert rows["portal.title"]["origin"] == "file"
    assert rows["search.per_page"]["origin"] == "env"
    assert rows["search.per_page"]["origin_name"] == "REGIOKARTE_SEARCH__PER_PAGE"
    assert rows["search.per_page"]["value"] == "33"
    assert rows["map.zoom"]["origin"] == "override"
    assert rows["mail.smtp_port"]["origin"] == "default"


def test_database_password_is_masked() -> None:
    settings = load_settings(
        env={},
        overrides={
            "portal": {"database_url": "postgresql+psycopg://karte:pw-geheim@db.example/karte"},
            "limits": {"storage_uri": "redis://:redis-geheim@cache.example:6379/0"},
        },
    )
    rows = {r["key"]: r for r in setting_rows(settings, env={})}
    assert rows["portal.database_url"]["value"] == (
        f"postgresql+psycopg://karte:{MASK}@db.example/karte"
    )
    assert "redis-geheim" not in rows["limits.storage_uri"]["value"]
    assert rows["limits.storage_uri"]["masked"]
    assert mask_url("sqlite:///instance/regiokarte.db") == "sqlite:///instance/regiokarte.db"
