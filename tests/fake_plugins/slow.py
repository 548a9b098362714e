"""A plugin with one deliberately slow public route, so a server's capacity is known.

``/langsam`` holds its worker for ``SLOW_SECONDS`` (environment ``REGIOKARTE_TEST_SLOW_S``)
without using the processor: two sync workers serve at most 2 / SLOW_SECONDS requests a
second, on a quiet machine as on a busy one. ``slow_wsgi.py`` is the app gunicorn serves.
"""

from __future__ import annotations

import os
import time
from typing import Any

import flask

from core import PluginManifest, hookimpl
from webapp.kit import declare_access

SLOW_SECONDS = float(os.environ.get("REGIOKARTE_TEST_SLOW_S") or 0.1)

MANIFEST = PluginManifest(
    name="slow",
    title_de="Langsames Testplugin",
    title_en="Slow test plugin",
    version="0.1.0",
)


class SlowPlugin:
    MANIFEST = MANIFEST

    @hookimpl
    def register_blueprints(self, platform: Any) -> list[Any]:
        blueprint = flask.Blueprint("slow", __name__)

        @blueprint.get("/langsam")
        def slow() -> dict[str, Any]:
            time.sleep(SLOW_SECONDS)
            return {"slept": SLOW_SECONDS}

        declare_access(blueprint, {"*": "public"})
        return [blueprint]
