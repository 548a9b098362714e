"""The embeddable map widget: ``/embed`` (map and list for an iframe) and ``/embed/snippet``.

The widget is the start page's script and configuration in a compact layout, preset by the
same query parameters (``town=<AGS>``, ``industry=<WZ section>``, ...). Only the sites named
in ``embed.allowed_origins`` may frame it: its Content-Security-Policy says
``frame-ancestors`` with exactly those origins, while every other page keeps
``frame-ancestors 'none'`` (``webapp.security.browser_headers`` leaves views marked
``@embeddable`` alone).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for

from core import classifications as vocab
from core.errors import ConfigError
from core.platform import Platform
from webapp.portal.views import (
    EXTENSION_KEY,
    lang_args,
    page_lang,
    security_headers,
    start_config,
)
from webapp.security import declare_access, embeddable

__all__ = ["EMBED_ENDPOINTS", "blueprint", "frame_ancestors", "init_embed"]

#: The endpoints other sites may frame (for header code that prefers names to the marker).
EMBED_ENDPOINTS = frozenset({"embed.widget"})
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")
#: Query parameters the widget passes on to the map (filters and the map view).
_PRESETS = ("town", "industry", "size", "profession", "q", "map")

blueprint = Blueprint("embed", __name__, template_folder="templates", url_prefix="/embed")
declare_access(blueprint, {"*": "public"})
blueprint.after_request(security_headers)


def _platform() -> Platform:
    platform: Platform = current_app.extensions[EXTENSION_KEY]
    return platform


def frame_ancestors(origins: list[str]) -> str:
    """The CSP directive naming exactly the allowed origins ('none' without any)."""
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")


def _checked_origins(origins: list[str]) -> list[str]:
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(
                f"embed.allowed_origins: {origin!r} is not an origin; write scheme://host or "
                "scheme://host:port, e.g. https://www.example-stadt.de (no path, no wildcard)."
            )
    return [o.rstrip("/") for o in origins]


@blueprint.get("")
@embeddable
def widget() -> Response:
    """The map widget: map and result list, preset by the query string."""
    platform = _platform()
    lang = page_lang()
    html = render_template(
        "portal/embed.html",
        lang=lang,
        config=start_config(platform, lang),
        has_demo=bool(platform.engine.index.is_demo.any()),
        full_url=url_for("portal.index", **request.args),
    )
    response = Response(html, mimetype="text/html")
    state = current_app.extensions["regiokarte.portal"]
    policy = re.sub(r"frame-ancestors[^;]*", state["embed_ancestors"], state["csp"])
    response.headers["Content-Security-Policy"] = policy
    return response


@blueprint.get("/snippet")
def snippet() -> str:
    """For operators: choose a town and an industry, copy the iframe code."""
    platform = _platform()
    lang = page_lang()
    preset = {k: request.args[k] for k in _PRESETS if request.args.get(k)}
    preset.update(lang_args(lang))
    src = url_for("embed.widget", _external=True) + (f"?{urlencode(preset)}" if preset else "")
    try:
        width = min(max(int(request.args.get("width", "600")), 280), 2000)
        height = min(max(int(request.args.get("height", "500")), 300), 2000)
    except ValueError:
        width, height = 600, 500
    return render_template(
        "portal/embed_snippet.html",
        lang=lang,
        src=src,
        width=width,
        height=height,
        preset=preset,
        towns=platform.region.towns,
        industries=[(c.code, c.label(lang)) for c in vocab.industries().terms],
        origins=platform.settings.embed.allowed_origins,
    )


def init_embed(app: Flask) -> None:
    """Register the widget; check the allowed origins at start-up."""
    platform: Platform = app.extensions[EXTENSION_KEY]
    origins = _checked_origins(platform.settings.embed.allowed_origins)
    app.extensions["regiokarte.portal"]["embed_ancestors"] = frame_ancestors(origins)
    app.register_blueprint(blueprint)
