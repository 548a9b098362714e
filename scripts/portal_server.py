"""Start the portal on a free loopback port with a temporary database of demo companies.

Used by ``scripts/screenshots.py`` and ``bench/browser_bench.py``; not a production server.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class DemoServer:
    """The real app on 127.0.0.1 (a thread), on a temporary SQLite file of ``companies``."""

    def __init__(self, companies: int, *, seed: int = 1, plugins: tuple[str, ...] = ()) -> None:
        from core.io.demo import demo_rows
        from core.persistence import companies as repo
        from core.plugins.manager import results_by_plugin
        from webapp.app import create_app

        self._folder = tempfile.TemporaryDirectory(prefix="regiokarte-")
        db = Path(self._folder.name) / "demo.db"
        started = time.perf_counter()
        self.app: Any = create_app(
            {"portal": {"database_url": f"sqlite:///{db}"}, "plugins": {"enabled": list(plugins)}}
        )
        platform = self.app.extensions["regiokarte"]
        platform.upgrade_database()
        with platform.session(write=True) as session:
            repo.bulk_insert_rows(session, demo_rows(platform.region, companies, seed))
        # each plugin's demo records (Kitas, homes, courses, events, a timetable), as make run
        results_by_plugin(
            platform.pm, "create_demo_data", platform=platform, seed=seed, today=dt.date.today()
        )
        platform.engine.refresh(force=True)
        self.setup_seconds = time.perf_counter() - started
        self.platform = platform
        self._server = make_server(
            "127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._folder.cleanup()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def launch_chromium(playwright: Any) -> Any:
    """Debian's chromium (never a downloaded browser), headless."""
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise SystemExit("chromium is not installed: apt-get install chromium chromium-driver")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def local_only(context: Any, base_url: str) -> None:
    """Abort every request that does not go to ``base_url`` (tiles included: offline here)."""
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort()
    )
