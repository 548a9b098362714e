"""The operator page of the configuration in force: every setting with its value and origin
(secrets masked), the enabled plugins, and the result of checking the configuration."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.errors import RegiokarteError
from core.platform import Platform
from core.settings import CONFIG_ENV, ENV_PREFIX, describe_settings, load_settings
from webapp.admin.i18n import admin_language
from webapp.admin.views import _page, operator_required
from webapp.questionnaire import flow as helpers
from webapp.startup import production_problems

__all__ = ["MASK", "SECRET_WORDS", "is_secret", "mask_url", "problems", "register", "setting_rows"]

MASK = "••••••"
#: A setting whose key contains one of these holds a secret: its value is never shown.
SECRET_WORDS = ("secret", "password", "token", "api_key", "smtp_user")


def is_secret(key: str) -> bool:
    last = key.rsplit(".", 1)[-1].lower()
    return any(word in last for word in SECRET_WORDS)


def mask_url(text: str) -> str:
    """A URL with its password masked (database, Redis); other text unchanged."""
    if "://" not in text or "@" not in text:
        return text
    try:
        url = make_url(text)
    except ArgumentError:
        return text
    if url.password is None:
        return text
    return url.render_as_string(hide_password=True).replace(":***@", f":{MASK}@", 1)


def _value_at(settings: Any, key: str) -> Any:
    value = settings
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _shown(key: str, value: Any) -> tuple[str, bool]:
    """(text, masked) of a setting's value."""
    if is_secret(key):
        return (MASK if value not in ("", None) else ""), value not in ("", None)
    if isinstance(value, str):
        masked = mask_url(value)
        return masked, masked != value
    if isinstance(value, list | tuple):
        return ", ".join(mask_url(str(v)) for v in value), False
    return repr(value) if value is None else str(value), False


def _file_data(source: str) -> dict[str, Any]:
    if source == "defaults":
        return {}
    try:
        return tomllib.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _has(data: Mapping[str, Any], key: str) -> bool:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _env_name(key: str, env: Mapping[str, str]) -> str | None:
    names = [ENV_PREFIX + key.replace(".", "__").upper()]
    if key == "portal.database_url":
        names.append(ENV_PREFIX + "DATABASE_URL")
    # later layers win: the short name is read after the long one
    found = [name for name in names if name in env]
    return found[-1] if found else None


def setting_rows(settings: Any, env: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Each setting as ``{key, value, masked, origin, origin_name, help}``; ``origin`` is
    ``env``, ``file``, ``default`` or ``override`` (differs from all three: passed in code)."""
    env = os.environ if env is None else env
    data = _file_data(settings.source)
    for key, _type, default, text in describe_settings():
        if key == "plugins.options":
            continue  # shown per plugin, through its own (redacting) settings
        value = _value_at(settings, key)
        shown, masked = _shown(key, value)
        env_name = _env_name(key, env)
        if env_name is not None:
            origin = "env"
        elif _has(data, key):
            origin = "file"
        elif value == default:
            origin = "default"
        else:
            origin = "override"
        yield {
            "key": key,
            "value": shown,
            "masked": masked,
            "origin": origin,
            "origin_name": env_name or "",
            "help": text,
        }


def problems(platform: Platform) -> list[str]:
    """What is wrong with the configuration: the file and environment read again as a start
    would read them, each plugin's own rules, the database schema, production essentials."""
    found: list[str] = []
    settings = platform.settings
    path = settings.source if settings.source != "defaults" else None
    if path is not None or os.environ.get(CONFIG_ENV):
        try:
            load_settings(path)
        except RegiokarteError as exc:
            found.append(exc.message)
    for plugin in platform.plugins:
        check = getattr(plugin.settings, "problems", None)
        if callable(check):
            found.extend(f"plugin {plugin.name!r}: plugins.{plugin.name}.{p}" for p in check())
    try:
        current = platform.database_is_current()
    except Exception as exc:  # noqa: BLE001 - an unreachable database is a finding here
        found.append(f"The database cannot be checked: {exc.__class__.__name__}: {exc}.")
    else:
        if not current:
            found.append(
                "The database schema is older than the code: run 'regiokarte init' to upgrade it."
            )
    # what would keep a production server from starting (webapp.startup)
    found.extend(production_problems(settings))
    return found


def _plugin_rows(platform: Platform, lang: str) -> list[dict[str, Any]]:
    rows = []
    for plugin in platform.plugins:
        manifest = plugin.manifest
        settings = plugin.settings_dict(redact=True)
        shown = {}
        for key, value in settings.items():
            text, _ = _shown(key, value)
            shown[key] = MASK if value == "***" else text
        rows.append(
            {
                "name": plugin.name,
                "version": getattr(manifest, "version", ""),
                "title": manifest.title(lang),
                "origin": plugin.origin,
                "settings": shown,
            }
        )
    return rows


def register(blp: Blueprint) -> None:
    """Add the configuration page to the admin blueprint."""

    @blp.get("/konfiguration")
    @operator_required
    def configuration() -> Any:
        platform = helpers.platform()
        return _page(
            "configuration.html",
            source=platform.settings.source,
            rows=list(setting_rows(platform.settings)),
            plugins=_plugin_rows(platform, admin_language()),
            problems=problems(platform),
        )
