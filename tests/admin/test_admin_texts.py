"""The admin area's texts: both languages have every key, and every key a template asks for
exists (a missing one would fail only when that page is rendered)."""

from __future__ import annotations

import re
from pathlib import Path

from webapp.admin.i18n import STRINGS, translate

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "admin" / "templates" / "admin"


def test_both_languages_have_every_key() -> None:
    assert set(STRINGS["de"]) == set(STRINGS["en"])
    assert all(text.strip() for table in STRINGS.values() for text in table.values())


def test_every_key_the_templates_use_exists() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bat\('([a-z0-9_]+)'[,)]", template.read_text(encoding="utf-8")))
    # keys put together in templates: at('sort_' ~ key), at('report_' ~ key), at('origin_' ~ ...)
    assert used, "the templates use at()"
    assert used <= set(STRINGS["de"]), sorted(used - set(STRINGS["de"]))
    for prefix in ("sort_", "report_", "origin_", "status_"):
        assert any(key.startswith(prefix) for key in STRINGS["de"])


def test_translate_fills_in_values() -> None:
    assert translate("results", "en", total=3) == "3 results"
    assert translate("results", "de", total=3) == "3 Treffer"
    assert translate("results", "fr", total=3) == "3 Treffer"  # unknown language: German
