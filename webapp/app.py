"""The application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from core.platform import Platform
from core.settings import load_settings


def create_app(config: Mapping[str, Any] | None = None, *, extra_plugins: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults -> REGIOKARTE_CONFIG file -> REGIOKARTE_* env -> ``config``."""
    settings = load_settings(overrides=config)
    platform = Platform(settings, extra_plugins=extra_plugins)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.portal.secret_key or "dev-only-not-secret"
    app.extensions["regiokarte"] = platform

    @app.get("/")
    def index() -> str:
        total = platform.engine.index.size
        return (
            "<!doctype html><html lang='de'><meta charset='utf-8'><title>"
            f"{settings.portal.title}</title><h1>{settings.portal.title}</h1>"
            f"<p>{total} Unternehmen in {platform.region.name}.</p></html>"
        )

    return app
