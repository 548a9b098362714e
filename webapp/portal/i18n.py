"""The portal's user interface texts: the ``portal`` message catalog.

German is the source (``webapp/portal/locale/messages.toml``); every other language is a
gettext catalog beside it (``locale/<lang>/LC_MESSAGES/portal.po``). Templates call
``t("key")``, the alert pages ``at("key")`` (the ``alerts.`` keys), the short error pages
use the ``errors.`` keys, and the browser scripts get the page language's top-level texts in
the page config. Texts with ``{name}`` placeholders are filled with ``str.format`` (server)
or ``fmt`` (browser).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core import register_catalog

__all__ = ["DOMAIN", "page_texts", "translate"]

DOMAIN = "portal"
_CATALOG = register_catalog(DOMAIN, Path(__file__).resolve().parent / "locale")


def translate(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang`` (see ``core.i18n`` for the fallback), placeholders filled."""
    return _CATALOG.text(key, lang, **values)


def page_texts(lang: str) -> dict[str, str]:
    """The texts the start page's scripts use, in ``lang``: the catalog's top-level keys (the
    alert and error pages' tables stay on the server)."""
    return {key: text for key, text in _CATALOG.texts(lang).items() if "." not in key}
