"""HTML pages: a minimal start page and the API docs (Swagger UI from vendored files)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from webapp.context import current_platform

__all__ = ["blp"]


blp = Blueprint("pages", __name__)


@blp.get("/")
def index() -> str:
    platform = current_platform()
    return render_template(
        "index.html",
        title=platform.settings.portal.title,
        region=platform.region.name,
        total=platform.engine.index.size,
    )


@blp.get("/api/docs")
def api_docs() -> str:
    # no inline script: the initializer is a static file, so a strict CSP can allow it
    return render_template(
        "api_docs.html",
        title=current_platform().settings.portal.title,
        spec_url=url_for("api-docs.openapi_json"),
    )
