"""What the browser tests share: the live server, pages that reach it only, helpers.

Browser tests: Debian's headless chromium, driven by Playwright, against a live server.

The server is the real app (``create_app``) on a free loopback port, in a thread, with a
temporary SQLite database of deterministic demo companies. Every request that does not go to
that server is aborted and recorded, which proves the pages need no third party (the tile
server is the one expected outsider; the map must work without it).
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
FUNCTIONAL_COMPANIES = 3000
SCALE_COMPANIES = 50_000
TILE_HOSTS = {"tile.openstreetmap.org"}


class LiveServer:
    """The app served on 127.0.0.1 from a thread."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.platform = app.extensions["regiokarte"]
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def build_app(db: Path, companies: int, *, with_test_plugin: bool = True) -> Any:
    """The real app on a fresh SQLite database with ``companies`` demo companies (seed 1)."""
    import portal_plugin

    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from webapp.app import create_app

    config: dict[str, Any] = {
        "portal": {"database_url": f"sqlite:///{db}", "contact_email": "barrierefrei@example.org"},
        "search": {"refresh_interval": 5.0},
    }
    extra = None
    if with_test_plugin:
        config["plugins"] = {"enabled": [portal_plugin.NAME]}
        extra = {portal_plugin.NAME: portal_plugin}
    app = create_app(config, extra_plugins=extra)
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, companies, 1))
    platform.engine.refresh(force=True)
    return app


class Outside:
    """Requests the page tried to send anywhere but the live server (all aborted)."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def hosts(self) -> set[str]:
        return {urlsplit(u).hostname or "" for u in self.urls}


def new_page(
    browser: Any,
    server: LiveServer,
    *,
    width: int = 1366,
    height: int = 850,
    service_workers: str = "block",
    bypass_csp: bool = False,
    outside: Outside | None = None,
    errors: list[str] | None = None,
    **context_args: Any,
) -> Any:
    """A page in a fresh context that can reach the live server only."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="de-DE",
        service_workers=service_workers,
        bypass_csp=bypass_csp,
        **context_args,
    )
    outside = outside if outside is not None else Outside()

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(server.url):
            request_route.continue_()
        else:
            outside.urls.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    if errors is not None:
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

        def console(message: Any) -> None:
            # aborted tile loads are expected; everything else (CSP reports too) is an error
            if message.type == "error" and "net::ERR_FAILED" not in message.text:
                errors.append(f"console: {message.text}")

        page.on("console", console)
    return page


def searches(page: Any) -> int:
    """How many search answers the start page has rendered."""
    return int(page.evaluate("Number(document.body.dataset.searchDone || 0)"))


def wait_for_search(page: Any, after: int = 0) -> None:
    """Wait until a search newer than ``after`` was rendered and none is running."""
    page.wait_for_function(
        f"() => Number(document.body.dataset.searchDone || 0) > {after}"
        " && !document.getElementById('results').hasAttribute('aria-busy')",
        timeout=10_000,
    )
    # a map move may start one more search right after; let it land too
    page.wait_for_timeout(250)
    page.wait_for_function(
        "() => !document.getElementById('results').hasAttribute('aria-busy')", timeout=10_000
    )


def open_start(page: Any, server: LiveServer, query: str = "") -> None:
    page.goto(server.url + "/" + query)
    wait_for_search(page)
    page.wait_for_selector("#filter-panel .filter", state="attached", timeout=10_000)


def open_more_filters(page: Any) -> None:
    """Open "Weitere Filter" (the filters after the primary ones) if it is closed."""
    more = page.locator("#more-filters")
    if more.count() and more.get_attribute("open") is None:
        more.locator("> summary").click()


def map_symbols(page: Any) -> list[int]:
    """The count of every map symbol (clusters and single markers) in the page."""
    return page.eval_on_selector_all(
        ".leaflet-marker-icon.rk-symbol", "els => els.map(e => Number(e.dataset.count))"
    )


def shown_total(page: Any) -> int:
    return int(page.get_attribute("#result-count", "data-total"))


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the current page (needs a bypass_csp context)."""
    page.add_script_tag(content=AXE.read_text("utf-8"))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1, ensure_ascii=False)
