"""Access control as data: every route has a declared role, and the public gets no further."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from webapp.security import Role, access_table, undeclared_routes

#: Where HTML pages send a visitor without a session instead of answering 401.
LOGIN_PAGES = ("/admin/anmelden", "/fragebogen/")
#: Routes that refuse in another way, with the reason.
OTHER_REFUSALS = {
    # an image inside the questionnaire: without an editor session there is no logo to show
    ("questionnaire.logo", 404),
}


def _url(rule: Rule) -> str:
    """The rule with a placeholder for each argument (an id that may well exist)."""
    values: dict[str, Any] = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = 1 if type(converter).__name__ in ("IntegerConverter",) else "x"
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def test_every_route_of_core_and_all_plugins_declares_its_roles(app: Flask) -> None:
    assert undeclared_routes(app) == []


def test_the_matrix_covers_every_method_of_every_rule(app: Flask) -> None:
    table = access_table(app)
    for rule in app.url_map.iter_rules():
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert (rule.rule, rule.endpoint, method) in table


def test_a_route_without_declaration_is_reported(app: Flask) -> None:
    from flask import Blueprint

    from webapp.app import create_app

    platform = app.extensions["regiokarte"]
    other = create_app(platform=platform)
    blp = Blueprint("undeclared", __name__)
    blp.add_url_rule("/undeclared", "page", lambda: "x")
    other.register_blueprint(blp)
    assert undeclared_routes(other) == [("/undeclared", "undeclared.page", "GET")]


def _non_public(app: Flask) -> list[tuple[str, str, str]]:
    rules = {r.endpoint + r.rule: r for r in app.url_map.iter_rules()}
    out = []
    for (rule, endpoint, method), role in sorted(access_table(app).items()):
        if role is not Role.PUBLIC:
            out.append((_url(rules[endpoint + rule]), endpoint, method))
    return out


def test_there_are_non_public_routes_in_every_role(app: Flask) -> None:
    roles = {role for role in access_table(app).values()}
    assert roles == {Role.PUBLIC, Role.EDITOR, Role.OPERATOR}


def test_anonymous_callers_are_refused_on_every_non_public_route(app: Flask) -> None:
    client = app.test_client()
    let_in = []
    for url, endpoint, method in _non_public(app):
        response = client.open(url, method=method, json={} if method != "GET" else None)
        status = response.status_code
        refused = (
            (endpoint, status) in OTHER_REFUSALS
            or status in (401, 403)
            or (
                status in (302, 303)
                and response.headers["Location"].split("?")[0].endswith(LOGIN_PAGES)
            )
        )
        if not refused:
            let_in.append((method, url, endpoint, status))
    assert let_in == [], "\n".join(map(str, let_in))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/v1/companies"),
        ("DELETE", "/api/v1/companies/1"),
        ("GET", "/api/v1/submissions"),
    ],
)
def test_a_wrong_operator_token_is_401(client: Any, method: str, url: str) -> None:
    response = client.open(url, method=method, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
