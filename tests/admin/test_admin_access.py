"""Who may use the admin area: anonymous callers go to the login, POSTs need the CSRF token,
every route is declared for operators; the navigation links the sections."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import pytest
from admin_support import (
    KITA_COLUMNS,
    KITAS,
    OPERATOR,
    csrf,
    csv_bytes,
    login,
    make_app,
    upload,
)
from flask import Blueprint

from webapp.security import Role, access_table

PAGES = [
    "/admin/unternehmen",
    "/admin/unternehmen/1",
    "/admin/daten",
    "/admin/daten/childcare.kitas",
    "/admin/daten/childcare.kitas/eintrag/1",
    "/admin/daten/childcare.kitas/eintrag/1/loeschen",
    "/admin/daten/housing.offers/import",
    "/admin/daten/housing.offers/export/csv",
    "/admin/konfiguration",
]
POSTS = [
    "/admin/unternehmen/1/status",
    "/admin/daten/childcare.kitas/eintrag/1",
    "/admin/daten/childcare.kitas/eintrag/1/loeschen",
    "/admin/daten/childcare.kitas/import",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_callers_are_sent_to_the_login(client: Any, url: str) -> None:
    answer = client.get(url)
    assert answer.status_code == 303
    location = unquote(answer.headers["Location"])
    assert location.startswith("/admin/anmelden") and f"next={url}" in location


def test_anonymous_posts_change_nothing(app: Any, client: Any, platform: Any) -> None:
    operator = app.test_client()
    token = login(operator)
    upload(
        operator, token, "childcare.kitas", "kitas-test.csv", csv_bytes(KITA_COLUMNS, KITAS), "csv"
    )
    with platform.session() as session:
        before = platform.dataset("childcare.kitas").search(session, "", 0, 10).rows
    # an anonymous client with a token of its own session is still no operator
    own = csrf(client.get("/admin/anmelden").get_data(as_text=True))
    for url in POSTS:
        answer = client.post(
            url, data={"csrf_token": own, "name": "Übernommen", "status": "archived"}
        )
        assert answer.status_code == 303
        assert answer.headers["Location"].startswith("/admin/anmelden")
        assert client.post(url, data={"name": "Übernommen"}).status_code == 400
    with platform.session() as session:
        assert platform.dataset("childcare.kitas").search(session, "", 0, 10).rows == before


@pytest.mark.parametrize("url", POSTS)
def test_posts_need_the_csrf_token(client: Any, token: str, url: str) -> None:
    answer = client.post(url, data={"status": "archived", "name": "x"})
    assert answer.status_code == 400


def test_every_admin_route_is_declared_for_operators(app: Any) -> None:
    table = access_table(app)
    admin = {key: role for key, role in table.items() if key[1].startswith("admin.")}
    new = {
        "admin.companies",
        "admin.company",
        "admin.company_status",
        "admin.datasets",
        "admin.dataset_list",
        "admin.dataset_record",
        "admin.dataset_delete",
        "admin.dataset_import",
        "admin.dataset_export",
        "admin.configuration",
    }
    assert new <= {endpoint for _, endpoint, _ in admin}
    for (_, endpoint, _), role in admin.items():
        if endpoint in new:
            assert role is Role.OPERATOR, endpoint


def test_navigation_links_every_section(client: Any, token: str) -> None:
    page = client.get("/admin/daten").get_data(as_text=True)
    nav = page.split('class="admin-nav"', 1)[1].split("</nav>", 1)[0]
    for href, label in [
        ("/admin/", "Warteschlange"),
        ("/admin/unternehmen", "Unternehmen"),
        ("/admin/daten", "Daten"),
        ("/admin/konfiguration", "Konfiguration"),
        ("/admin/postausgang", "Postausgang"),
        ("/admin/protokoll", "Protokoll"),
    ]:
        assert f'<a href="{href}"' in nav and f">{label}</a>" in nav
    assert '<a href="/admin/daten" aria-current="page">' in nav
    english = client.get("/admin/daten?lang=en").get_data(as_text=True)
    nav = english.split('class="admin-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/admin/unternehmen?lang=en">Companies</a>' in nav


def test_statistics_link_only_when_the_page_exists(app: Any, client: Any, token: str) -> None:
    page = client.get("/admin/daten").get_data(as_text=True)
    nav = page.split('class="admin-nav"', 1)[1].split("</nav>", 1)[0]
    exists = "statistics.dashboard" in app.view_functions
    assert (">Statistik</a>" in nav) is exists


def test_statistics_link_appears_with_the_page(new_database: Any, tmp_path: Any) -> None:
    app = make_app(new_database("stats"), tmp_path)
    if "statistics.dashboard" not in app.view_functions:
        stats = Blueprint("statistics", __name__, url_prefix="/admin/statistik")

        @stats.get("/")
        def dashboard() -> str:
            return "Statistik"

        app.register_blueprint(stats)
    client = app.test_client()
    login(client)
    page = client.get("/admin/unternehmen").get_data(as_text=True)
    nav = page.split('class="admin-nav"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'<a href="/admin/statistik/?">Statistik</a>', nav), nav
    app.extensions["regiokarte"].db.dispose()


def _log_in_with_next(client: Any, target: str) -> str:
    """Log in through the login page reached with ``next=target``; where the login sends."""
    login_url = "/admin/anmelden?" + urlencode({"next": target})
    token = csrf(client.get(login_url).get_data(as_text=True))
    answer = client.post(
        login_url, data={"csrf_token": token, "username": OPERATOR[0], "password": OPERATOR[1]}
    )
    assert answer.status_code == 303
    return str(answer.headers["Location"])


@pytest.mark.parametrize(
    "target",
    [
        "/admin/daten/childcare.kitas?q=Sonne",
        "/kitas",
        "/unternehmen?lang=en",
        "/",
        "/veranstaltungen/3-tag-der-offenen-tür",
    ],
)
def test_the_login_returns_to_the_local_page_it_came_from(app: Any, target: str) -> None:
    client = app.test_client()
    location = _log_in_with_next(client, target)
    assert unquote(location) == target
    assert client.get("/admin/").status_code == 200  # and the login holds


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/admin",
        "//evil.example/admin",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example/admin",
        "",
        "/admin/anmelden?next=/admin",
    ],
)
def test_the_login_never_sends_to_another_site(app: Any, target: str) -> None:
    location = _log_in_with_next(app.test_client(), target)
    # the operator lands on the admin start page of this site instead
    assert (urlsplit(location).netloc, urlsplit(location).path) == ("", "/admin/")
