"""Browser security headers on every kind of response: pages, API, errors, docs."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from webapp.security import embeddable

SAMPLE = [
    ("GET", "/"),
    ("GET", "/unternehmen/gibt-es-nicht"),
    ("GET", "/impressum"),
    ("GET", "/kitas/"),
    ("GET", "/weiterbildung"),
    ("GET", "/veranstaltungen"),
    ("GET", "/wohnen"),
    ("GET", "/fragebogen/"),
    ("GET", "/admin/anmelden"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/filters"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/gibt-es-nicht"),  # 404
    ("DELETE", "/api/v1/filters"),  # 405
    ("POST", "/api/v1/companies"),  # 401
    ("GET", "/sw.js"),
    ("GET", "/manifest.webmanifest"),
]


@pytest.mark.parametrize(("method", "url"), SAMPLE)
def test_every_response_carries_the_browser_headers(client: Any, method: str, url: str) -> None:
    response = client.open(url, method=method)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # plain HTTP


@pytest.mark.parametrize("url", ["/", "/impressum", "/kitas/", "/weiterbildung", "/admin/anmelden"])
def test_html_pages_keep_their_strict_policy(client: Any, url: str) -> None:
    policy = client.get(url).headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


@pytest.mark.parametrize("url", ["/", "/api/v1/search", "/gibt-es-nicht"])
def test_https_requests_get_hsts(client: Any, url: str) -> None:
    response = client.get(url, base_url="https://karte.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_embeddable_views_may_be_framed(app: Flask) -> None:
    from webapp.app import create_app

    other = create_app(platform=app.extensions["regiokarte"])

    @embeddable
    def widget() -> str:
        return "<p>map</p>"

    other.add_url_rule("/widget", "widget", widget)
    response = other.test_client().get("/widget")
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors" not in response.headers.get("Content-Security-Policy", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_policy_that_names_its_framing_sites_is_kept(app: Flask) -> None:
    from flask import Response

    from webapp.app import create_app

    other = create_app(platform=app.extensions["regiokarte"])
    policy = "default-src 'self'; frame-ancestors https://stadt.example.org"

    def widget() -> Response:
        return Response("<p>map</p>", headers={"Content-Security-Policy": policy})

    other.add_url_rule("/widget", "widget", widget)
    response = other.test_client().get("/widget")
    assert response.headers["Content-Security-Policy"] == policy
    assert "X-Frame-Options" not in response.headers


def _session_cookie(app: Flask) -> str:
    response = app.test_client().get("/fragebogen/")  # the form's CSRF token opens a session
    cookies = [c for c in response.headers.getlist("Set-Cookie") if "regiokarte_session=" in c]
    assert cookies, response.headers
    return cookies[0]


def test_session_cookie_is_httponly_and_lax(app: Flask) -> None:
    cookie = _session_cookie(app)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(app: Flask) -> None:
    from webapp.app import create_app

    settings = app.extensions["regiokarte"].settings
    secure = create_app(
        {
            "portal": {"database_url": settings.portal.database_url, "secure_cookies": True},
            "plugins": {"enabled": list(settings.plugins.enabled)},
        }
    )
    try:
        cookie = _session_cookie(secure)
    finally:
        secure.extensions["regiokarte"].db.dispose()
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
