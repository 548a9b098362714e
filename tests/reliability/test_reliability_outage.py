"""The database goes away and comes back: 503 with Retry-After meanwhile, recovery by itself.

A PostgreSQL cluster of its own (the shared test server keeps running) is stopped with
``pg_ctl stop -m fast`` under a running app and started again; the same app object, never
rebuilt, must answer 503 (a page for browsers, JSON for the API, no traceback) while it is
down and 200 again afterwards. The search API keeps answering from the index snapshot the
process already has; a process that starts while the database is down answers 503 until it
comes back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pg_cluster import FAST_OPTIONS, Cluster
from reliability_support import (
    ADMIN,
    Gunicorn,
    build_app,
    csrf,
    platform_of,
    run,
    start_questionnaire,
    wait_until,
)
from sqlalchemy import create_engine, text

from core.model import Address, Company, Status
from core.portal import accounts

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class StoppableCluster(Cluster):
    """A throwaway cluster that can be stopped and started again with its data."""

    def halt(self) -> None:
        self._run(self.pg_ctl or "pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.started = False

    def resume(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 {FAST_OPTIONS}"
        self._run(
            self.pg_ctl or "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        self.started = True


@pytest.fixture
def cluster(postgres_server: str) -> Iterator[StoppableCluster]:
    """A cluster of its own (``postgres_server`` only makes the test skip without PostgreSQL)."""
    own = StoppableCluster()
    try:
        own.start()
    except (LookupError, RuntimeError) as exc:
        own.stop()
        pytest.skip(f"no PostgreSQL cluster of its own: {exc}")
    yield own
    own.stop()


@pytest.fixture
def database_url(cluster: StoppableCluster) -> str:
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "outage"'))
    admin.dispose()
    return cluster.url.rsplit("/", 1)[0] + "/outage"


def answers(client: FlaskClient, checks: dict[str, Any]) -> dict[str, int]:
    return {name: check(client).status_code for name, check in checks.items()}


def admin_login(client: FlaskClient) -> Any:
    """An operator logs in, in a browser of their own."""
    browser = client.application.test_client()
    token = csrf(browser.get("/admin/anmelden").get_data(as_text=True))
    return browser.post(
        "/admin/anmelden", data={"csrf_token": token, "username": ADMIN[0], "password": ADMIN[1]}
    )


def checks_of(slug: str) -> dict[str, Any]:
    """Requests that need the database (the portal's start page and the search API answer
    from the index snapshot and are checked on their own)."""
    return {
        "company page": lambda c: c.get(f"/unternehmen/{slug}"),
        "company api": lambda c: c.get("/api/v1/companies?per_page=5"),
        "questionnaire step": lambda c: c.get("/fragebogen/schritt/unternehmen"),
        "admin login": admin_login,
    }


def _prepared(app: Flask) -> tuple[FlaskClient, str]:
    platform = platform_of(app)
    platform.upgrade_database()
    run(app, "demo", "--companies", "60", "--seed", "3")
    with platform.session(write=True) as session:
        accounts.create_operator(session, ADMIN[0], ADMIN[1], accounts.Role.ADMIN)
    client = app.test_client()
    start_questionnaire(client, "inhaber@ausfall.example")
    hit = client.get("/api/v1/search?per_page=1").get_json()["items"][0]
    return client, hit["slug"]


def test_every_page_answers_503_while_the_database_is_down_and_recovers(
    cluster: StoppableCluster,
    database_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = build_app(database_url, tmp_path, plugins=[])
    client, slug = _prepared(app)
    checks = checks_of(slug)
    up = answers(client, checks)
    assert set(up.values()) <= {200, 303}, up
    total = client.get("/api/v1/search").get_json()["total"]

    cluster.halt()
    with caplog.at_level(logging.ERROR):
        down = answers(client, checks)
        assert down == dict.fromkeys(checks, 503)
        page = client.get(f"/unternehmen/{slug}")
        assert page.headers["Retry-After"].isdigit()
        assert "nicht erreichbar" in page.get_data(as_text=True)
        assert "Traceback" not in page.get_data(as_text=True)
        english = client.get(f"/unternehmen/{slug}?lang=en")
        assert "Temporarily unavailable" in english.get_data(as_text=True)
        problem = client.get("/api/v1/companies")
        assert problem.status_code == 503 and problem.headers["Retry-After"].isdigit()
        body = problem.get_json()
        assert body["code"] == 503 and "unavailable" in body["message"]
        # the index this process has keeps answering searches
        search = client.get("/api/v1/search")
        assert search.status_code == 200 and search.get_json()["total"] == total
        assert client.get("/").status_code == 200
    assert not [r for r in caplog.records if r.exc_info], "no traceback in the log"

    cluster.resume()
    wait_until(
        lambda: answers(client, checks) == up,
        timeout=30,
        what="every page answers as before once the database is back",
    )
    # writes work again and the index follows them (its refresh survived the outage)
    platform_of(app).save_company(
        Company(
            name="Wiederda Werkstatt", status=Status.PUBLISHED, address=Address(postcode="45768")
        )
    )
    found = client.get("/api/v1/search?q=Wiederda").get_json()
    assert found["total"] == 1
    platform_of(app).db.dispose()


def test_an_app_started_while_the_database_is_down_answers_503_then_recovers(
    cluster: StoppableCluster, database_url: str, tmp_path: Path
) -> None:
    first = build_app(database_url, tmp_path / "first", plugins=[])
    platform_of(first).upgrade_database()
    run(first, "demo", "--companies", "30", "--seed", "4")
    # some demo companies are drafts: the published ones are what the search finds
    published = first.test_client().get("/api/v1/search").get_json()["total"]
    assert 0 < published <= 30
    platform_of(first).db.dispose()

    cluster.halt()
    app = build_app(database_url, tmp_path / "second", plugins=[])  # no crash
    client = app.test_client()
    for url in ("/", "/api/v1/search", "/api/v1/companies", "/unternehmen/irgendwer"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"].isdigit()
    assert client.get("/api/v1/search").get_json()["code"] == 503

    cluster.resume()
    wait_until(
        lambda: client.get("/api/v1/search").status_code == 200,
        timeout=30,
        what="the search answers once the database is back",
    )
    assert client.get("/api/v1/search").get_json()["total"] == published
    platform_of(app).db.dispose()


def test_gunicorn_started_while_the_database_is_down_serves_503_then_recovers(
    cluster: StoppableCluster, database_url: str, tmp_path: Path
) -> None:
    """No crash loop: the preloading master starts, its workers answer 503 until the
    database is back, then 200."""
    first = build_app(database_url, tmp_path / "first", plugins=[])
    platform_of(first).upgrade_database()
    run(first, "demo", "--companies", "30", "--seed", "4")
    platform_of(first).db.dispose()

    cluster.halt()
    server = Gunicorn(database_url, tmp_path / "gunicorn.log")
    try:
        wait_until(
            lambda: server.status("/api/v1/search") == 503,
            timeout=120,
            what="gunicorn answers 503 while the database is down",
        )
        assert server.status("/api/v1/companies") == 503
        cluster.resume()
        wait_until(server.answers, timeout=30, what="gunicorn answers once the database is back")
        assert server.status("/api/v1/companies") == 200
    finally:
        server.stop()
    assert "Traceback" not in server.log.read_text(errors="replace")
