"""Which language a page speaks, and how a person changes it: ``?lang=``, Accept-Language,
the language switcher, links that keep the language, the API's ``lang=``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

#: The portal's default languages by their own names (the switcher shows these).
AUTONYMS = {"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية"}


class _Page(HTMLParser):
    """The parts of a page this test reads: the root element's attributes, the switcher's
    links and every other link's target."""

    def __init__(self) -> None:
        super().__init__()
        self.root: dict[str, str | None] = {}
        self.switcher: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self._in_switcher = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.root = found
        elif tag == "details" and "data-lang-menu" in found:
            self._in_switcher = True
        elif tag == "a" and self._in_switcher:
            self.switcher.append(found)
            self._text = []
        elif tag == "a":
            self.links.append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._in_switcher = False
        elif tag == "a" and self._in_switcher:
            self.switcher[-1]["text"] = "".join(self._text).strip()

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def read(client: Any, url: str, **headers: str) -> tuple[_Page, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    page = _Page()
    page.feed(response.get_data(as_text=True))
    return page, response


def test_lang_parameter_then_accept_language_then_the_first_language(client: Any) -> None:
    cases = [
        ("/", {}, "de"),
        ("/?lang=tr", {}, "tr"),
        ("/", {"Accept-Language": "tr-TR,tr;q=0.9,en;q=0.5"}, "tr"),
        ("/", {"Accept-Language": "ar"}, "ar"),
        ("/", {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.3"}, "en"),  # best offered one
        ("/", {"Accept-Language": "fr, pl"}, "de"),  # none offered: the first language
        ("/?lang=de", {"Accept-Language": "tr"}, "de"),  # the URL wins
        ("/?lang=xx", {"Accept-Language": "en"}, "en"),  # unknown lang=: as if none
    ]
    for url, headers, expected in cases:
        page, response = read(client, url, **headers)
        assert page.root["lang"] == expected, (url, headers)
        assert response.headers["Content-Language"] == expected
        # only an answer that Accept-Language chose must be cached per that header
        negotiated = "lang=" not in url or url.endswith("xx")
        assert ("Accept-Language" in response.headers.get("Vary", "")) == negotiated, url


def test_arabic_pages_run_right_to_left(client: Any) -> None:
    for lang in AUTONYMS:
        page, _ = read(client, f"/impressum?lang={lang}")
        assert page.root["dir"] == ("rtl" if lang == "ar" else "ltr")


@pytest.mark.parametrize("lang", list(AUTONYMS))
def test_switcher_offers_every_language_by_its_own_name(client: Any, lang: str) -> None:
    page, _ = read(client, f"/barrierefreiheit?lang={lang}")
    entries = {link["lang"]: link for link in page.switcher}
    assert list(entries) == list(AUTONYMS)
    for code, link in entries.items():
        assert link["text"] == AUTONYMS[code]
        assert link["hreflang"] == code
        # lang= is always named: a link without it would follow the browser's language
        assert link["href"] == f"/barrierefreiheit?lang={code}"
        assert (link.get("aria-current") == "true") == (code == lang)
    assert entries["ar"]["dir"] == "rtl" and entries["de"]["dir"] == "ltr"


def test_switcher_keeps_the_other_query_arguments(client: Any) -> None:
    page, _ = read(client, "/merkliste?u=a,b&lang=en")
    assert {link["href"] for link in page.switcher} == {
        f"/merkliste?u=a%2Cb&lang={code}" for code in AUTONYMS
    }


def _own_links(page: _Page) -> list[str]:
    return [href for href in page.links if href.startswith("/") and "/static/" not in href]


def test_links_keep_the_language_the_page_was_shown_in(client: Any) -> None:
    # a Turkish page, by URL or by the browser's language: every link of the portal stays
    # Turkish; the footer's legal pages, the header's links, the questionnaire
    for headers, url in (({}, "/impressum?lang=tr"), ({"Accept-Language": "tr"}, "/impressum")):
        page, _ = read(client, url, **headers)
        links = _own_links(page)
        assert len(links) >= 4, links
        assert all(re.search(r"[?&]lang=tr(&|$)", href) for href in links), links
    # German because the URL says so while the browser prefers Turkish: links say so too
    page, _ = read(client, "/impressum?lang=de", **{"Accept-Language": "tr"})
    assert all("lang=de" in href for href in _own_links(page))
    # the default language by negotiation: plain links
    page, _ = read(client, "/impressum")
    assert not any("lang=" in href for href in _own_links(page))


def test_page_scripts_get_the_locale_and_the_links_language(client: Any) -> None:
    html = client.get("/?lang=ar").get_data(as_text=True)
    assert 'data-lang-arg="ar"' in html
    assert '"locale": "ar-u-nu-latn"' in html
    html = client.get("/").get_data(as_text=True)
    assert 'data-lang-arg=""' in html and '"locale": "de-DE-u-nu-latn"' in html


@pytest.fixture(scope="module")
def own_languages_app(new_module_database: Callable[[str], str]) -> Iterator[Any]:
    """A portal an operator configured with two languages, one of its own choosing."""
    from webapp.app import create_app

    app = create_app(
        {"portal": {"database_url": new_module_database("langs"), "languages": ["en", "uk"]}}
    )
    app.extensions["regiokarte"].upgrade_database()
    yield app
    app.extensions["regiokarte"].db.dispose()


def test_api_takes_exactly_the_configured_languages(own_languages_app: Any) -> None:
    client = own_languages_app.test_client()
    assert client.get("/api/v1/filters?lang=uk").status_code == 200
    assert client.get("/api/v1/search?lang=uk&per_page=1").get_json()["lang"] == "uk"
    refused = client.get("/api/v1/filters?lang=de")
    assert refused.status_code in (400, 422)
    assert "en, uk" in str(refused.get_json())
    # without lang=: the first configured language, or the browser's among them
    assert client.get("/api/v1/search?per_page=1").get_json()["lang"] == "en"
    answer = client.get("/api/v1/search?per_page=1", headers={"Accept-Language": "uk"})
    assert answer.get_json()["lang"] == "uk"
    # the OpenAPI document names this portal's languages
    document = client.get("/api/openapi.json").get_json()
    enums = {
        tuple(p["schema"]["enum"])
        for path in document["paths"].values()
        for op in path.values()
        if isinstance(op, dict)
        for p in op.get("parameters", [])
        if p.get("name") == "lang" and "enum" in p.get("schema", {})
    }
    assert enums == {("en", "uk")}


def test_pages_of_an_operators_language(own_languages_app: Any) -> None:
    page, _ = read(own_languages_app.test_client(), "/impressum", **{"Accept-Language": "uk"})
    assert page.root["lang"] == "uk"
    assert [link["text"] for link in page.switcher] == ["English", "Українська"]
