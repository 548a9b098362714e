"""The portal's texts come from its message catalog, in the page's language: every key a
template or script asks for exists, and the pages, the alert pages and the short pages of bad
times speak the language the page is asked for in (German when it is not offered)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from markupsafe import escape

from core import catalog, current_language
from webapp.errors import database_error_response, overloaded_response
from webapp.portal.i18n import page_texts, translate

ROOT = Path(__file__).resolve().parents[2]
PORTAL = ROOT / "webapp" / "portal"
#: The languages a portal offers by default, German first.
LANGUAGES = ["de", "en", "tr", "ar"]


def _used(pattern: str, files: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in files:
        found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_every_key_the_templates_and_scripts_use_exists() -> None:
    keys = set(catalog("portal").keys())
    pages = _used(r"\bt\('([a-z0-9_]+)'[,)]", list((PORTAL / "templates" / "portal").glob("*")))
    alerts = _used(r"\bat\('([a-z0-9_]+)'[,)]", list((PORTAL / "templates" / "alerts").glob("*")))
    # the scripts read the page config's texts as S.key (RK.strings) or strings.key
    scripts = _used(r"(?<![\w.])(?:S|strings)\.([a-z][a-z0-9_]*)\b", list(PORTAL.rglob("*.js")))
    assert pages and alerts and scripts, "the patterns find the calls"
    assert pages <= keys, sorted(pages - keys)
    assert {f"alerts.{key}" for key in alerts} <= keys, sorted(alerts)
    assert scripts <= set(page_texts("de")), sorted(scripts - set(page_texts("de")))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_scripts_get_the_texts_of_the_page_language(client: Any, lang: str) -> None:
    text = client.get(f"/?lang={lang}").get_data(as_text=True)
    found = re.search(r'id="rk-strings">(.*?)</script>', text, re.S)
    assert found is not None
    strings = json.loads(found.group(1))
    expected = page_texts(lang)
    assert set(strings) == set(expected)
    assert not any("." in key for key in strings), "the alert and error tables stay home"
    assert {k: v for k, v in strings.items() if k != "near_place_hint"} == {
        k: v for k, v in expected.items() if k != "near_place_hint"
    }


#: A page and a text only that page shows.
PAGES = [
    ("/", "search_heading"),
    ("/merkliste", "watchlist_intro"),
    ("/offline", "offline_text"),
    ("/embed/snippet", "embed_snippet_intro"),
    ("/gibt-es-nicht", "not_found_text"),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("path", "key"), PAGES)
def test_pages_speak_the_page_language(client: Any, path: str, key: str, lang: str) -> None:
    suffix = "" if lang == "de" else f"?lang={lang}"
    text = client.get(path + suffix).get_data(as_text=True)
    assert f'lang="{lang}"' in text
    assert _html(translate(key, lang)) in text
    if lang != "de":
        assert _html(translate(key, "de")) not in text
        assert translate(key, lang) != translate(key, "de"), f"{key} is translated to {lang}"


def test_an_unknown_language_shows_german(client: Any) -> None:
    text = client.get("/merkliste?lang=xx").get_data(as_text=True)
    assert _html(translate("watchlist_intro", "de")) in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_subscribe_page_speaks_the_page_language(client: Any, lang: str) -> None:
    text = client.get(f"/suche/abonnieren?industry=C&lang={lang}").get_data(as_text=True)
    for key in ("alerts.title", "alerts.intro", "alerts.consent", "alerts.submit"):
        assert _html(translate(key, lang)) in text
    # the start page's link to it, too
    start = client.get(f"/?industry=C&lang={lang}").get_data(as_text=True)
    assert _html(translate("alerts.link", lang)) in start


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_alert_link_says_so_in_the_page_language(client: Any, lang: str) -> None:
    response = client.get(f"/suche/abbestellen/no-such-token?lang={lang}")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert _html(translate("alerts.invalid_title", lang)) in text
    assert _html(translate("alerts.invalid_text", lang)) in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("answer", "page"),
    [
        (lambda: database_error_response(True), "unavailable"),
        (lambda: database_error_response(False), "refused"),
        (lambda: overloaded_response(5), "busy"),
    ],
)
def test_pages_of_bad_times_speak_the_page_language(
    portal_app: Flask, answer: Any, page: str, lang: str
) -> None:
    page_url = f"/merkliste?lang={lang}"
    with portal_app.test_request_context(page_url, headers={"Accept": "text/html"}):
        response = answer()
    text = response.get_data(as_text=True)
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in text
    assert f"<h1>{_html(translate(f'errors.{page}_title', lang))}</h1>" in text
    assert _html(translate(f"errors.{page}_text", lang)) in text


def _html(text: str) -> str:
    """``text`` as a template writes it (escaped)."""
    return str(escape(text))


def test_a_request_leaves_the_language_of_its_thread_as_it_was(client: Any) -> None:
    # core's labels follow the request's language only while the request runs
    assert current_language() == "de"
    assert client.get("/merkliste?lang=en").status_code == 200
    assert current_language() == "de"
