"""The map widget in an iframe of another site: shown where the origin is allowed, else blocked.

Two tiny host sites on other loopback ports (other origins) frame the portal's /embed; only the
first is in ``embed.allowed_origins``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LiveServer
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

AGS_RECKLINGHAUSEN = "05562032"


class HostSite:
    """Another web site (another port, so another origin) whose page frames the widget."""

    def __init__(self) -> None:
        self.widget_url = ""
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _app(self, environ: Any, start_response: Any) -> Any:
        Request(environ)
        page = (
            "<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Stadt</title>"
            f"</head><body><h1>Unsere Stadt</h1><iframe id='karte' src='{self.widget_url}' "
            "width='700' height='600' title='Arbeitgeberkarte'></iframe></body></html>"
        )
        return Response(page, mimetype="text/html")(environ, start_response)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HostSite, HostSite, Any]]:
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from webapp.app import create_app

    allowed, foreign = HostSite(), HostSite()
    db: Path = tmp_path_factory.mktemp("embed") / "portal.db"
    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{db}"},
            "search": {"refresh_interval": 60.0},
            "embed": {"allowed_origins": [allowed.url]},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 300, 1))
    platform.engine.refresh(force=True)
    server = LiveServer(app)
    for site in (allowed, foreign):
        site.widget_url = f"{server.url}/embed?town={AGS_RECKLINGHAUSEN}"
    yield allowed, foreign, server
    server.stop()
    allowed.stop()
    foreign.stop()


def _page(browser: Any, hosts: tuple[str, ...], errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="de-DE")

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(hosts):
            request_route.continue_()
        else:
            request_route.abort()  # tiles and anything else outside

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page


def _widget_frame(page: Any) -> Any:
    return next(f for f in page.frames if "/embed" in f.url)


def test_widget_renders_inside_an_allowed_site(browser: Any, sites: Any) -> None:
    allowed, _, server = sites
    errors: list[str] = []
    page = _page(browser, (allowed.url, server.url), errors)
    try:
        page.goto(allowed.url + "/")
        frame = page.wait_for_selector("#karte").content_frame()
        frame.wait_for_selector("#result-list li", timeout=15_000)
        frame.wait_for_selector("#map .leaflet-marker-icon", state="attached", timeout=15_000)
        towns = frame.eval_on_selector_all("#result-list li", "els => els.map(e => e.textContent)")
        assert towns and all("Recklinghausen" in t for t in towns)
        assert not [e for e in errors if "frame" in e.lower()]
    finally:
        page.context.close()


def test_widget_is_blocked_inside_a_site_not_allowed(browser: Any, sites: Any) -> None:
    _, foreign, server = sites
    errors: list[str] = []
    page = _page(browser, (foreign.url, server.url), errors)
    try:
        with page.expect_response(lambda r: "/embed" in r.url) as answer:
            page.goto(foreign.url + "/")
        policy = answer.value.headers["content-security-policy"]
        assert foreign.url not in policy
        page.wait_for_timeout(1000)
        frame = _widget_frame(page) if any("/embed" in f.url for f in page.frames) else None
        rendered = frame is not None and frame.query_selector("#map") is not None
        assert not rendered
        assert any("frame-ancestors" in e for e in errors), errors
    finally:
        page.context.close()


def test_the_portal_itself_may_not_be_framed(browser: Any, sites: Any) -> None:
    allowed, _, server = sites
    errors: list[str] = []
    allowed.widget_url, saved = server.url + "/", allowed.widget_url
    page = _page(browser, (allowed.url, server.url), errors)
    try:
        page.goto(allowed.url + "/")
        page.wait_for_timeout(1000)
        assert all(f.query_selector("#map") is None for f in page.frames[1:])
        assert any("frame-ancestors" in e for e in errors), errors
    finally:
        allowed.widget_url = saved
        page.context.close()
