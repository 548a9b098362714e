"""GET /api/v1/plugins: enabled and available plugins, versions, hooks, settings (redacted)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from core.platform import Platform
from core.plugins.manager import PLUGIN_API_VERSION, LoadedPlugin, available_plugins
from webapp.api.schemas import LanguageArgsSchema, PluginListSchema
from webapp.context import current_platform, request_language

__all__ = ["blp", "describe_plugins"]


def _enabled(platform: Platform, plugin: LoadedPlugin, lang: str) -> dict[str, Any]:
    m = plugin.manifest
    return {
        "name": m.name,
        "title": m.title(lang),
        "version": m.version,
        "api_version": m.api_version,
        "description": m.description,
        "status": "enabled",
        "origin": plugin.origin,
        "requires": list(m.requires),
        "hooks": plugin.hook_names(platform.pm),
        "settings": plugin.settings_dict(redact=True),
    }


def describe_plugins(platform: Platform, lang: str) -> list[dict[str, Any]]:
    """Enabled plugins in order, then installed ones that are not enabled."""
    out = [_enabled(platform, p, lang) for p in platform.plugins]
    enabled = {p.name for p in platform.plugins}
    for name, entry_point in sorted(available_plugins().items()):
        if name in enabled:
            continue
        # not loaded on purpose: a disabled plugin's code does not run
        version = entry_point.dist.version if entry_point.dist is not None else ""
        out.append(
            {
                "name": name,
                "title": name,
                "version": version,
                "api_version": "",
                "description": "",
                "status": "available",
                "origin": "entry point",
                "requires": [],
                "hooks": [],
                "settings": {},
            }
        )
    return out


blp = Blueprint(
    "plugins",
    __name__,
    url_prefix="/api/v1",
    description="Plugins: versions, hooks and settings.",
)


@blp.route("/plugins")
class Plugins(MethodView):
    @blp.arguments(LanguageArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, PluginListSchema)
    def get(self, _args: dict[str, Any]) -> dict[str, Any]:
        """List the plugins

        Enabled plugins (core first, then in configuration order) with their hooks and
        settings, secrets shown as ***; then installed plugins that are not enabled.
        """
        lang = request_language()
        return {
            "plugin_api_version": PLUGIN_API_VERSION,
            "plugins": describe_plugins(current_platform(), lang),
        }
