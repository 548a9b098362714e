"""The page "Leichte Sprache": the shipped text, the operator's own text and its checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from core.errors import ConfigError
from core.settings import load_settings
from webapp.portal.easy_language import DEFAULT_TEXT, PLACEHOLDERS, parse_easy_text

#: Longest sentence the shipped text may have, in words. The Netzwerk Leichte Sprache asks for
#: short sentences without giving a number; common guidance is "at most 10 to 15 words".
MAX_WORDS = 12


class _Links(HTMLParser):
    """Every link target and every element's lang attribute, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.langs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if values.get("lang"):
            self.langs.append((tag, str(values["lang"])))


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_page_explains_portal_search_joining_and_contact(client: Any) -> None:
    response = client.get("/leichte-sprache")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    main = _main(html)
    assert "<h1>Leichte Sprache</h1>" in main
    for part in (
        "Was ist Arbeitgeberkarte?",
        "So suchen Sie",
        "So kommt eine Firma auf die Karte",
        "So erreichen Sie uns",
    ):
        assert f"<h2>{part}</h2>" in main
    assert "in der Region Emscher-Lippe." in main
    # the operator's contact comes from the settings
    assert "Regionalagentur Test" in main
    assert '<a href="mailto:hilfe@example.org">hilfe@example.org</a>' in main
    # one sentence per line: the lines of a paragraph stay lines, hyphenated words unbroken
    assert (
        '<p><span class="easy-line">Sie suchen Arbeit?</span>\n'
        '<span class="easy-line">Oder Sie suchen eine Ausbildung?</span>' in main
    )
    assert '<span class="easy-word">Arbeit-Geber</span>' in main


def test_links_of_the_page_lead_to_real_pages(client: Any) -> None:
    links = _Links()
    links.feed(_main(client.get("/leichte-sprache").get_data(as_text=True)))
    internal = [href for href in links.hrefs if href.startswith("/")]
    assert {"/", "/merkliste", "/fragebogen/"} <= set(internal)
    for href in internal:
        assert client.get(href).status_code == 200, href


def test_in_another_language_the_text_is_marked_german(client: Any) -> None:
    html = client.get("/leichte-sprache?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in html
    main = _main(html)
    # a note in the page's language says what the page is; the text itself is marked German
    note = '<p class="notice easy-language-note">This page is written in Leichte Sprache'
    assert note in main
    assert main.index(note) < main.index('<div lang="de" dir="ltr">') < main.index("<h1>")
    assert "easy-language-note" not in _main(client.get("/leichte-sprache").get_data(as_text=True))
    links = _Links()
    links.feed(_main(html))
    # links inside keep the reader's language for the rest of the portal
    assert "/merkliste?lang=en" in links.hrefs and "/?lang=en" in links.hrefs


@pytest.mark.parametrize(
    "path", ["/", "/barrierefreiheit", "/impressum?lang=en", "/merkliste", "/fragebogen/"]
)
def test_every_page_links_it_in_its_footer(client: Any, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') :]
    suffix = "?lang=en" if "lang=en" in path else ""
    link = f'<a href="/leichte-sprache{suffix}" class="easy-language-link"'
    assert link in footer
    # German by nature: marked as German on pages in other languages
    assert ('lang="de">Leichte Sprache</a>' in footer) == bool(suffix)


@pytest.mark.parametrize(("lang", "suffix"), [("de", ""), ("en", "?lang=en")])
def test_accessibility_statement_names_it(client: Any, lang: str, suffix: str) -> None:
    main = _main(client.get(f"/barrierefreiheit{suffix}").get_data(as_text=True))
    assert f'href="/leichte-sprache{suffix}"' in main
    assert ("Leichter Sprache" if lang == "de" else "easy-to-read German") in main


def test_shipped_text_follows_the_rules_of_leichte_sprache() -> None:
    """One sentence per line, short sentences, every bold word of a definition explained."""
    lines = DEFAULT_TEXT.read_text(encoding="utf-8").splitlines()
    text_lines = [
        line
        for line in lines
        if line.strip() and not line.startswith(("#", "- ")) and line != "{contact}"
    ]
    assert len(text_lines) > 40
    for line in text_lines:
        # links count as their visible words
        visible = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line).replace("**", "")
        assert re.fullmatch(r"[^.?!]+[.?!:]", visible), f"one sentence per line: {line!r}"
        assert len(visible.split()) <= MAX_WORDS, f"too long for Leichte Sprache: {line!r}"
    # no abbreviations such as "z. B." or "usw." (a rule of the Netzwerk)
    assert not re.search(r"\b(z\.|bzw\.|usw\.|ggf\.|d\. h\.)", "\n".join(lines))


@pytest.fixture
def platforms() -> Iterator[list[Any]]:
    """Platforms a test builds; their database connections are closed after it."""
    made: list[Any] = []
    yield made
    for platform in made:
        platform.db.dispose()


def _app_with_text(
    new_database: Callable[[str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platforms: list[Any],
    text: str,
    **portal: str,
) -> Any:
    from core.platform import Platform
    from webapp.app import create_app

    file = tmp_path / "leichte-sprache.md"
    file.write_text(text, encoding="utf-8")
    config = tmp_path / "regiokarte.toml"
    config.write_text(
        '[portal]\neasy_language = "leichte-sprache.md"\n'
        f'database_url = "{new_database("easy")}"\n'
        + "".join(f'{key} = "{value}"\n' for key, value in portal.items()),
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings.portal.easy_language == str(file.resolve()), "relative to the config file"
    monkeypatch.setenv("REGIOKARTE_CONFIG", str(config))
    platform = Platform(load_settings())
    platforms.append(platform)
    app = create_app(platform=platform)
    platform.upgrade_database()
    return app


OPERATOR_TEXT = """# Einfach erklärt

## Über {portal}
Hier finden Sie **Firmen** in {region}.
Fragen? Schreiben Sie an {contact_email}.
<script>alert(1)</script>
- [Zur Suche]({search_url})
- [Zum Amt](https://www.example.org/amt?a=1&b=2)

{contact}
"""


def test_operator_replaces_the_text(
    new_database: Callable[[str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platforms: list[Any],
) -> None:
    app = _app_with_text(
        new_database, tmp_path, monkeypatch, platforms, OPERATOR_TEXT, operator="Amt <für> Arbeit"
    )
    html = app.test_client().get("/leichte-sprache").get_data(as_text=True)
    main = _main(html)
    assert "<title>Einfach erklärt – " in html
    assert "<h1>Einfach erklärt</h1>" in main and "<h2>Über Arbeitgeberkarte</h2>" in main
    assert "Hier finden Sie <strong>Firmen</strong> in Emscher-Lippe." in main
    assert "Leichte Sprache" not in main, "the shipped text is gone"
    # the file's text is text, never markup; values from the settings are escaped too
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main and "<script>" not in main
    assert "Amt &lt;für&gt; Arbeit" in main
    assert '<li><a href="/">Zur Suche</a></li>' in main
    assert '<a href="https://www.example.org/amt?a=1&amp;b=2">Zum Amt</a>' in main
    # no e-mail address configured: the contact block names the address of the operator only
    assert "mailto:" not in main


def test_without_operator_details_the_contact_points_to_the_imprint(
    new_database: Callable[[str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platforms: list[Any],
) -> None:
    text = "# Titel\nText.\n{contact}\n"
    app = _app_with_text(new_database, tmp_path, monkeypatch, platforms, text)
    main = _main(app.test_client().get("/leichte-sprache").get_data(as_text=True))
    assert '<a href="/impressum">Impressum</a>' in main


def test_missing_file_stops_start_up(
    new_database: Callable[[str], str], tmp_path: Path, platforms: list[Any]
) -> None:
    from core.platform import Platform
    from webapp.app import create_app

    missing = tmp_path / "fehlt.md"
    overrides = {
        "portal": {"database_url": new_database("easy-missing"), "easy_language": str(missing)}
    }
    platform = Platform(load_settings(overrides=overrides))
    platforms.append(platform)
    with pytest.raises(ConfigError, match=r"portal.easy_language .*fehlt.md.* does not exist"):
        create_app(platform=platform)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("Text ohne Titel.\n", 1, "must begin with its title"),
        ("\n\n## Teil\n", 3, "must begin with its title"),
        ("# Titel\n", 1, "nothing under it"),
        ("# Titel\n\n### Klein\n", 3, "'###' is not a heading"),
        ("# Titel\nHallo {name}.\n", 2, r"placeholder \{name\} is unknown; known are \{portal\}"),
        ("# Titel\nSo: {contact}\n", 2, r"\{contact\} must stand alone"),
        ("# Titel\n[Klick](javascript:alert(1))\n", 2, "link target 'javascript:alert"),
        ("# Titel\n[Klick](seite.html)\n", 2, "link target 'seite.html' is not allowed"),
        ("# Titel\nEin **fettes Wort.\n", 2, "'\\*\\*' has no partner"),
        ("# Titel\n[Klick](https://a.example/ b)\n", 2, "link is not complete"),
    ],
)
def test_bad_text_is_refused_with_line_and_fix(text: str, line: int, problem: str) -> None:
    with pytest.raises(ConfigError, match=rf"'mein-text.md', line {line}: .*{problem}"):
        parse_easy_text(text, "mein-text.md")


def test_every_placeholder_is_filled() -> None:
    text = parse_easy_text(
        "# T\n" + "\n".join(f"{name}: {{{name}}}." for name in PLACEHOLDERS), "t.md"
    )
    values = {name: f"<{name}>" for name in PLACEHOLDERS}
    html = str(text.render(values, contact=Markup("<address>Amt</address>")))
    for name in PLACEHOLDERS:
        assert f"{name}: &lt;{name}&gt;." in html
