"""A walk over every public page of the composed product, as ``make run`` starts it (the demo
configuration: all five plugins, demo data), on a desktop and a phone, in every language the
portal offers (German, English, Turkish, Arabic).

Each page is opened in German and switched to the language with the header's language
switcher. Then it must say its language (``lang``, and ``dir="rtl"`` for Arabic), pass axe
(WCAG 2.1 A/AA), fit the screen's width, style every form control it shows, and speak the
page's language only: no text of another language's catalogs (every registered catalog:
core's, the portal's, the Leitfragebogen's, the alerts' and the plugins') and no raw code or
key (``rent``, ``u3``, ``None`` ...). The catalogs are read through ``core.i18n``, so a new
text or a new catalog is checked without touching this test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LiveServer, describe, new_page, run_axe
from click.testing import CliRunner
from flask.cli import ScriptInfo

from core.i18n import catalogs, language_direction
from core.settings import load_settings
from webapp.app import create_app
from webapp.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "demo.toml"
DESKTOP, PHONE = (1280, 900), (390, 844)
#: the languages of the demo configuration, the first the default
LANGUAGES = list(load_settings(DEMO, env={}).portal.languages)

#: codes and keys that must never stand alone in a page's text (values of the API, vocabulary
#: codes, Python's and JavaScript's empty values, a date input's English pattern)
RAW = {"-rent", "u3", "3to6", "None", "null", "undefined", "NaN", "True", "False",
       "mm/dd/yyyy", "deutschlandticket_job", "job_fair", "open_day"}  # fmt: skip
#: API values that are English words: raw only on a German page
RAW_DE = {"rent", "price", "area", "rooms", "newest"}


#: where a catalog text is cut into runs of words: placeholders and sentence punctuation (Latin
#: and Arabic)
_CUT = re.compile(r"\{[^}]*\}|[.:;!?()\n،؛؟«»„“”]")


def _runs(text: str) -> list[str]:
    """The runs of at least three words in ``text``, placeholders cut out."""
    runs = (" ".join(part.split()) for part in _CUT.split(text))
    return [run for run in runs if len(run.split()) >= 3]


def _other_languages(lang: str) -> set[str]:
    """What a page in ``lang`` must not show: the texts of every catalog in every other
    offered language, as runs of at least three words (so that a shared word, ``Name``,
    ``Jobcenter``, counts not), leaving out runs that ``lang``'s own texts hold too (a name
    such as "Bundesagentur für Arbeit" inside a Turkish sentence)."""
    every = catalogs().values()
    own = "\n".join(text for domain in every for text in domain.texts(lang).values())
    foreign: set[str] = set()
    for other in LANGUAGES:
        if other == lang:
            continue
        for domain in every:
            mine = domain.texts(lang)
            for key, text in domain.texts(other).items():
                if text == mine.get(key):
                    continue  # the same in both languages (a brand, a unit)
                foreign.update(run for run in _runs(text) if run not in own)
    return foreign


def _pages(server: LiveServer) -> list[str]:
    """The public pages: core's and one page of each kind of every plugin."""
    platform = server.app.extensions["regiokarte"]
    index = platform.engine.index
    company = "/unternehmen/" + index.slugs[int(index.name_order[0])]
    first = {}
    for path, pattern in (
        ("/kitas/", r'href="(/kitas/\d+)'),
        ("/wohnen", r'href="(/wohnen/angebote/\d+)'),
        ("/weiterbildung", r'href="(/weiterbildung/\d+)'),
        ("/veranstaltungen", r'href="(/veranstaltungen/\d+[^"?]*)"'),
    ):
        html = server.app.test_client().get(path).get_data(as_text=True)
        found = re.search(pattern, html)
        assert found, f"{path} links no detail page"
        first[path] = found.group(1)
    return [
        "/",
        company,
        "/merkliste",
        "/fragebogen/",
        "/barrierefreiheit",
        "/impressum",
        "/datenschutz",
        "/suche/abonnieren",
        *[p for pair in first.items() for p in pair],
    ]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    os.environ["REGIOKARTE_CONFIG"] = str(ROOT / "config" / "demo.toml")
    db = tmp_path_factory.mktemp("walk") / "demo.db"
    try:
        app = create_app({"portal": {"database_url": f"sqlite:///{db}"}})
    finally:
        os.environ.pop("REGIOKARTE_CONFIG")
        os.environ.update(saved)
    runner = CliRunner()
    for args in (["init"], ["demo", "--companies", "300", "--seed", "1"]):
        result = runner.invoke(cli, args, obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0, result.output
    app.extensions["regiokarte"].engine.refresh(force=True)
    server = LiveServer(app)
    yield server
    server.stop()


def _look(page: Any) -> dict[str, Any]:
    """What the test checks, read from the rendered page."""
    return page.evaluate(
        """() => {
          const controls = [];
          document.querySelectorAll('input, select, textarea').forEach(el => {
            const type = (el.getAttribute('type') || '').toLowerCase();
            if (['hidden', 'checkbox', 'radio', 'file', 'submit'].includes(type)) return;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            if (!box.width || style.visibility === 'hidden' || style.opacity === '0') return;
            if (el.closest('.hp')) return;  // the honeypot field people never see
            controls.push({id: el.id || el.name, minHeight: parseFloat(style.minHeight) || 0,
                           border: style.borderTopStyle});
          });
          // what people and companies wrote (names, titles, descriptions) is data, not the
          // page's texts: titles of cards and pages, and parts marked in another language
          const page = document.documentElement.lang;
          const copy = document.body.cloneNode(true);
          copy.querySelectorAll('h1, .kit-card h3, .hit h3, script, [lang]').forEach(el => {
            if (el.matches('[lang]') && el.getAttribute('lang') === page) return;
            el.remove();
          });
          document.body.appendChild(copy);
          copy.style.position = 'absolute';
          const text = copy.innerText;
          copy.remove();
          return {text: text, width: document.documentElement.scrollWidth,
                  controls: controls, lang: document.documentElement.lang,
                  dir: document.documentElement.dir};
        }"""
    )


def _switch(page: Any, lang: str) -> None:
    """Change the page's language with the header's switcher, as a person does."""
    page.click(".lang-menu > summary")
    with page.expect_navigation():
        page.click(f".lang-menu a[hreflang={lang}]")
    page.wait_for_load_state("networkidle")


def _walk(browser: Any, server: LiveServer, lang: str, size: tuple[int, int]) -> list[str]:
    problems: list[str] = []
    other_language = _other_languages(lang)
    direction = language_direction(lang)
    for path in _pages(server):
        errors: list[str] = []
        page = new_page(
            browser, server, width=size[0], height=size[1], bypass_csp=True, errors=errors,
            is_mobile=size == PHONE, has_touch=size == PHONE,
        )  # fmt: skip
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        if lang != LANGUAGES[0]:
            _switch(page, lang)
        url = page.url.removeprefix(server.url)
        where = f"{url} at {size[0]} px"
        look = _look(page)
        if (look["lang"], look["dir"]) != (lang, direction):
            problems.append(f"{where}: lang={look['lang']!r} dir={look['dir']!r}")
        if look["width"] > size[0]:
            problems.append(f"{where}: {look['width']} px wide")
        for control in look["controls"]:
            if control["minHeight"] < 36 or control["border"] in ("none", "inset"):
                problems.append(f"{where}: control {control['id']!r} is not styled")
        words = set(re.findall(r"[\w/.-]+", look["text"]))
        raw_codes = RAW if lang == "en" else RAW | RAW_DE
        problems += [f"{where}: raw {raw!r}" for raw in sorted(raw_codes & words)]
        text = " ".join(look["text"].split())
        problems += [f"{where}: other language {t!r}" for t in sorted(other_language) if t in text]
        violations = run_axe(page)
        if violations:
            problems.append(f"{where}: axe {describe(violations)}")
        problems += [f"{where}: {e}" for e in errors]
        page.context.close()
    return problems


@pytest.fixture(scope="module")
def walks(browser: Any, demo_server: LiveServer) -> Callable[[str, tuple[int, int]], list[str]]:
    """The problems of each walk (language, screen), walked once for both tests below."""
    found: dict[tuple[str, tuple[int, int]], list[str]] = {}

    def walk(lang: str, size: tuple[int, int]) -> list[str]:
        if (lang, size) not in found:
            found[lang, size] = _walk(browser, demo_server, lang, size)
        return found[lang, size]

    return walk


SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_fits_and_passes_axe_in_every_language(
    walks: Any, lang: str, size: tuple[int, int]
) -> None:
    # lang and dir, width, styled controls, raw codes, axe, script errors
    problems = [p for p in walks(lang, size) if ": other language " not in p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_is_whole_in_its_language(
    walks: Any, lang: str, size: tuple[int, int]
) -> None:
    problems = [p for p in walks(lang, size) if ": other language " in p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "other"), [("de", "en"), ("tr", "de")])
def test_the_walk_sees_a_planted_flaw(
    browser: Any, demo_server: LiveServer, monkeypatch: pytest.MonkeyPatch, lang: str, other: str
) -> None:
    # the checks can fail: another language's catalog text and a raw code planted on a page
    from webapp.portal import views

    translate = views.translate
    planted = f"{translate('not_found_text', other)} rent"

    def flawed(key: str, page_lang: str, **values: Any) -> str:
        if key == "back_to_search" and page_lang == lang:
            return planted
        return translate(key, page_lang, **values)

    monkeypatch.setattr(views, "translate", flawed)
    problems = _walk(browser, demo_server, lang, DESKTOP)
    assert any("other language" in p for p in problems), problems
    assert any("raw 'rent'" in p for p in problems), problems
