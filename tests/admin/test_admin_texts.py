"""The admin area's texts: every key a template or view asks for is in the ``admin`` catalog,
and the admin area speaks German and English only: a page asked for in another of the
portal's languages is German throughout."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from core import catalog
from webapp.admin.i18n import translate
from webapp.portal.i18n import translate as portal_translate

ADMIN = Path(__file__).resolve().parents[2] / "webapp" / "admin"


def _used(pattern: str, paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_every_key_the_templates_and_views_use_exists() -> None:
    keys = set(catalog("admin").keys())
    templates = list((ADMIN / "templates" / "admin").glob("*.html"))
    used = _used(r"\bat\('([a-z0-9_]+)'[,)]", templates)
    statistics = _used(r"\bst\('([a-z0-9_]+)'[,)]", templates)
    statistics |= _used(r'\bst\("([a-z0-9_]+)"[,)]', [ADMIN / "statistics.py"])
    assert used and statistics, "the templates use at() and st()"
    assert used <= keys, sorted(used - keys)
    assert {f"statistics.{key}" for key in statistics} <= keys, sorted(statistics)
    # keys put together in templates: at('sort_' ~ key), at('report_' ~ key), at('origin_' ~ ...)
    for prefix in ("sort_", "report_", "origin_", "status_"):
        assert any(key.startswith(prefix) for key in keys)


def test_translate_fills_in_values_in_german_or_english() -> None:
    assert translate("results", "en", total=3) == "3 results"
    assert translate("results", "de", total=3) == "3 Treffer"
    # the admin area has no Turkish, Arabic or unknown-language texts: German, not English
    for lang in ("tr", "ar", "fr"):
        assert translate("results", lang, total=3) == "3 Treffer"


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_an_admin_page_in_another_language_is_german(client: Any, token: str, lang: str) -> None:
    text = client.get(f"/admin/unternehmen?lang={lang}").get_data(as_text=True)
    assert '<html lang="de"' in text
    assert str(escape(translate("companies_title", "de"))) in text
    # the portal's header around it too, and its language switcher offers German and English
    assert str(escape(portal_translate("skip_to_main", "de"))) in text
    assert str(escape(portal_translate("skip_to_main", lang))) not in text
    assert 'hreflang="en"' in text
    assert 'hreflang="tr"' not in text and 'hreflang="ar"' not in text


def test_an_admin_page_in_english(client: Any, token: str) -> None:
    text = client.get("/admin/unternehmen?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in text
    assert translate("companies_title", "en") in text
    assert portal_translate("skip_to_main", "en") in text
