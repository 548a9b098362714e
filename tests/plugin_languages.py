"""What a page in another language must not show: the German source texts of a plugin's
catalog, read straight from its ``locale/messages.toml`` (not through the catalog code)."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def german_source(plugin: str) -> dict[str, str]:
    """Every key of the plugin's catalog with its German text."""
    path = ROOT / "plugins" / plugin / "locale" / "messages.toml"
    return _flat(tomllib.loads(path.read_text(encoding="utf-8")))


def german_left(page: str, plugin: str, translated: dict[str, str]) -> list[str]:
    """The German phrases of ``plugin``'s catalog that ``page`` (HTML or text) still shows:
    runs of two or more words between placeholders and punctuation, left out where the
    translation (``translated``: key -> text) says the same (a brand such as
    'Deutschlandticket Job')."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    found = []
    for key, german in german_source(plugin).items():
        if translated.get(key) == german:
            continue
        for part in re.split(r"\{[^}]*\}|[.:;!?()\n,/]", german):
            part = " ".join(part.split())
            if len(part.split()) >= 2 and part in text:
                found.append(part)
    return sorted(set(found))
