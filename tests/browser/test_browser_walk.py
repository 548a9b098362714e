"""A walk over every public page of the composed product, as ``make run`` starts it (the demo
configuration: all five plugins, demo data), on a desktop and a phone, in every language the
portal offers (German, English, Turkish, Arabic).

Every page of core and of each plugin is walked, in the states a person meets: the start
page with every layer ticked (the events' "Beratung & Anlaufstellen" among them), a profile,
the watch lists, the Leitfragebogen's start form and, through a real editor link, each of its
steps, the review and the erase page; the search alert's form and the pages behind its mailed
links; the embedded map and its snippet page; the Leichte Sprache, Impressum, Datenschutz,
Barrierefreiheit and offline pages; the not-found pages; each plugin's list and detail pages,
an event's registration and the pages behind its mailed links; the open positions, a hiring
company's profile, a position's page and one that ran out. Every form is also sent empty, so
that its error messages are checked too.

Each page is opened in German and switched to the other languages with the header's language
switcher, as a person does. Then it must say its language (``lang``, and ``dir="rtl"`` for
Arabic), fit the screen's width, style every form control it shows (by computed style: text
fields, choice lists, text areas, check boxes, radio buttons, file and password fields, buttons;
the browser's own date field counts as unstyled, its format follows the browser's language),
run without a script error and speak the page's language only: no text of another language's
catalogs and no raw code or key (derived in walk_checks.py from the catalogs, the
vocabularies, the questionnaire, the filters and the API). axe (WCAG 2.1 A/AA) checks each
page once per screen size. Each check is its own test, so that one kind of flaw never hides
another.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from attrs import frozen
from browser_support import LiveServer, describe, new_page, run_axe
from click.testing import CliRunner
from flask.cli import ScriptInfo
from walk_checks import LOOK, RawCodes, Visit, data_texts, other_languages, unstyled

from core.i18n import language_direction
from core.portal import alerts
from core.portal import submissions as flow
from core.settings import load_settings
from webapp.app import create_app
from webapp.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "demo.toml"
DESKTOP, PHONE = (1280, 900), (390, 844)
#: the languages of the demo configuration, the first the default
LANGUAGES = list(load_settings(DEMO, env={}).portal.languages)
#: the kinds of problem, each checked by its own test
CHECKS = ("language", "fit", "controls", "raw", "other-language", "axe", "script")
SUBMIT = "form[method=post] button[type=submit]"
Problem = tuple[str, str, str]  # (language, check, what is wrong where)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    os.environ["REGIOKARTE_CONFIG"] = str(DEMO)
    folder = tmp_path_factory.mktemp("walk")
    try:
        app = create_app(
            {
                "portal": {"database_url": f"sqlite:///{folder / 'demo.db'}"},
                "mail": {"outbox_folder": str(folder / "outbox")},
            }
        )
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


def _linked(server: LiveServer, path: str, pattern: str) -> list[str]:
    html = server.app.test_client().get(path).get_data(as_text=True)
    found = re.findall(pattern, html)
    assert found, f"{path} links no page like {pattern}"
    return list(dict.fromkeys(found))


def _mailed_link(server: LiveServer, to: str, path: str) -> str:
    """The link to ``path`` in the newest mail to ``to``, on the live server."""
    for mail in server.platform.outbox.messages():
        found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s?]+)", mail.body)
        if mail.to == to and found:
            return found.group(1)
    raise AssertionError(f"no mail to {to} holds a link to {path}")


def _event_with_registration(server: LiveServer) -> str:
    """The path of an upcoming event whose registration form the portal shows."""
    client = server.app.test_client()
    for path in _linked(server, "/veranstaltungen", r'href="(/veranstaltungen/\d+-[^"?]*)"'):
        if 'class="event-form"' in client.get(path).get_data(as_text=True):
            return path
    raise AssertionError("no upcoming demo event takes registrations on the portal")


def _alert_links(server: LiveServer) -> tuple[str, str]:
    """A confirmation link (pending alert) and an unsubscribe link (active alert), both as
    mailed to the subscriber."""
    platform = server.platform
    pending, active = "walk-pending@example.org", "walk-active@example.org"

    def subscribe(email: str) -> None:
        alerts.subscribe(
            platform, email=email, query={"industry": ["F"]}, lang="de", consent=True,
            base_url=server.url,
        )  # fmt: skip

    subscribe(pending)
    subscribe(active)
    token = _mailed_link(server, active, "/suche/abonnieren/bestaetigen/").rsplit("/", 1)[1]
    alerts.confirm(platform, token)
    # subscribing again to an active alert mails its unsubscribe link
    subscribe(active)
    return (
        _mailed_link(server, pending, "/suche/abonnieren/bestaetigen/"),
        _mailed_link(server, active, "/suche/abbestellen/"),
    )


def _cancel_link(server: LiveServer, event_path: str) -> str:
    """The cancellation page of a registration, as its confirmation mail links it."""
    from plugins.events.hooks import service_for

    event_id = int(event_path.split("/")[2].split("-")[0])
    email = "walk-anmeldung@example.org"
    service_for(server.platform).register(
        event_id,
        {"name": "Dora Weg", "email": email, "consent": True},
        base_url=server.url,
    )
    return _mailed_link(server, email, "/veranstaltungen/abmelden/")


def _jobs_visits(server: LiveServer) -> list[Visit]:
    """The jobs pages: the list, a hiring company's profile, an open position's page, one that
    ran out (410) and one that does not exist (404)."""
    from plugins.jobs.hooks import service_for

    service = service_for(server.platform)
    index = server.platform.search_index()
    today = service.today()
    public = {int(i) for i, alive in zip(index.ids, index.alive, strict=True) if alive}
    positions = [p for p in service.positions().positions if p.company_id in public]
    open_one = next(p for p in positions if p.is_open(today))
    closed = next(p for p in positions if p.published <= today and not p.is_open(today))
    return [
        Visit("/stellen"),
        Visit("/unternehmen/" + index.slugs[index.row_of[open_one.company_id]]),
        Visit(f"/stellen/{open_one.id}"),
        Visit(f"/stellen/{closed.id}", status=410),
        Visit("/stellen/999999999", status=404),
    ]


def _editor_link(server: LiveServer) -> str:
    """A new company's personal Leitfragebogen link (what the start form mails)."""
    links = flow.Links(lambda token: f"{server.url}/fragebogen/link/{token}")
    started = flow.start(
        server.platform, email="walk-fragebogen@example.org", lang="de", consent=True, links=links
    )
    return f"/fragebogen/link/{started.token}"


def _visits(server: LiveServer) -> list[Visit]:
    """Every public page of core and of each plugin, in the states a person meets."""
    platform = server.platform
    index = platform.engine.index
    slugs = [index.slugs[int(i)] for i in index.name_order[:2]]
    layers = server.app.test_client().get("/api/v1/layers").get_json()["layers"]
    every_layer = ",".join(layer["id"] for layer in layers if layer["id"] != "companies")
    event = _event_with_registration(server)
    confirm, unsubscribe = _alert_links(server)
    steps = [f"/fragebogen/schritt/{key}" for key in platform.questionnaire.keys]
    return [
        # core
        Visit("/"),
        Visit("/?" + urlencode({"layers": every_layer})),
        Visit("/unternehmen/" + slugs[0]),
        Visit("/merkliste"),
        Visit("/merkliste?u=" + ",".join(slugs)),
        Visit("/suche/abonnieren?industry=F"),
        Visit("/suche/abonnieren?industry=F", submit="form.alert-form button[type=submit]"),
        Visit(confirm),
        Visit(unsubscribe),
        Visit("/embed", switcher=False),
        Visit("/embed/snippet"),
        Visit("/leichte-sprache"),
        Visit("/barrierefreiheit"),
        Visit("/impressum"),
        Visit("/datenschutz"),
        Visit("/offline"),
        Visit("/gibt-es-nicht", status=404),
        Visit("/fragebogen/"),
        Visit("/fragebogen/", submit=SUBMIT),
        # the editor link logs the browser in; the steps follow it
        Visit(_editor_link(server)),
        *[Visit(step) for step in steps],
        Visit(steps[0], submit='button[value="next"]'),
        Visit("/fragebogen/pruefen"),
        Visit("/fragebogen/status"),
        Visit("/fragebogen/loeschen"),
        # the plugins
        Visit("/kitas/"),
        Visit(_linked(server, "/kitas/", r'href="(/kitas/\d+)')[0]),
        Visit("/kitas/999999999", status=404),
        Visit("/wohnen"),
        Visit(_linked(server, "/wohnen", r'href="(/wohnen/angebote/\d+)')[0]),
        Visit("/weiterbildung"),
        Visit(_linked(server, "/weiterbildung", r'href="(/weiterbildung/\d+)')[0]),
        Visit("/weiterbildung/999999999", status=404),
        Visit("/veranstaltungen"),
        Visit(event),
        Visit(event, submit="form.event-form button[type=submit]"),
        Visit(event.split("-")[0] + "/angemeldet"),
        Visit(_cancel_link(server, event)),
        *_jobs_visits(server),
    ]


def _switch(page: Any, lang: str) -> None:
    """Change the page's language with the header's switcher, as a person does."""
    page.click(".lang-menu > summary")
    with page.expect_navigation():
        page.click(f".lang-menu a[hreflang={lang}]")
    page.wait_for_load_state("networkidle")


def _in(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + urlencode({"lang": lang})


def _open(page: Any, server: LiveServer, visit: Visit, lang: str, first: bool) -> None:
    """Bring ``page`` to ``visit`` in ``lang``: the first language by its address, the others
    with the switcher; a form is opened in the language and sent empty."""
    default = lang == LANGUAGES[0]
    if visit.submit:
        page.goto(server.url + (visit.path if default else _in(visit.path, lang)))
        page.wait_for_load_state("networkidle")
        with page.expect_navigation():
            page.click(visit.submit)
    elif first:
        page.goto(server.url + (visit.path if default else _in(visit.path, lang)))
    elif visit.switcher:
        _switch(page, lang)
    else:
        page.goto(server.url + _in(visit.path, lang))
    page.wait_for_load_state("networkidle")


@frozen
class Expected:
    """What a page in one language must not show (derived once per walk)."""

    raw: RawCodes
    foreign: frozenset[str]
    #: what people and companies wrote (names, titles): not the page's own text
    data: tuple[str, ...]

    @classmethod
    def of(cls, server: LiveServer, lang: str) -> Expected:
        return cls(
            RawCodes.derive(server.app, lang),
            other_languages(lang, LANGUAGES),
            data_texts(server.app),
        )


def _check(
    page: Any, where: str, lang: str, size: tuple[int, int], expected: Expected
) -> list[Problem]:
    """What is wrong with the page as it stands (all checks but axe and script errors)."""
    look = page.evaluate(LOOK)
    found: list[Problem] = []
    if (look["lang"], look["dir"]) != (lang, language_direction(lang)):
        found.append((lang, "language", f"{where}: lang={look['lang']!r} dir={look['dir']!r}"))
    if look["width"] > size[0]:
        found.append((lang, "fit", f"{where}: {look['width']} px wide"))
    for control in look["controls"]:
        why = unstyled(control)
        if why:
            found.append((lang, "controls", f"{where}: control {control['name']}: {why}"))
    raw = expected.raw.found_in(look["text"])
    found += [(lang, "raw", f"{where}: raw {code!r}") for code in raw]
    text = " ".join(look["text"].split())
    for written in expected.data:
        text = text.replace(written, " | ")
    foreign = sorted(t for t in expected.foreign if t in text)
    found += [(lang, "other-language", f"{where}: other language {t!r}") for t in foreign]
    return found


def _walk(
    browser: Any,
    server: LiveServer,
    size: tuple[int, int],
    visits: Sequence[Visit],
    languages: Sequence[str] = LANGUAGES,
) -> list[Problem]:
    """Every problem of ``visits`` on a screen of ``size``, in each of ``languages``; one
    browser context for the walk (the editor link's login holds for the steps after it)."""
    expected = {lang: Expected.of(server, lang) for lang in languages}
    problems: list[Problem] = []
    errors: list[str] = []
    page = new_page(
        browser, server, width=size[0], height=size[1], bypass_csp=True, errors=errors,
        is_mobile=size == PHONE, has_touch=size == PHONE,
    )  # fmt: skip
    for visit in visits:
        for number, lang in enumerate(languages):
            errors.clear()
            _open(page, server, visit, lang, number == 0)
            url = page.url.removeprefix(server.url)
            where = f"{url} at {size[0]} px"
            problems += _check(page, where, lang, size, expected[lang])
            if number == 0:
                # axe once per page and screen: what it checks is the same in every language
                violations = run_axe(page)
                if violations:
                    problems.append((lang, "axe", f"{where}: axe {describe(violations)}"))
            # the console's line for the page's own status is expected
            status = f"status of {visit.status}" if visit.status != 200 else None
            if visit.submit:
                status = "status of 4"  # a refused form may answer 400 or 422
            problems += [
                (lang, "script", f"{where}: {e}") for e in errors if not (status and status in e)
            ]
    page.context.close()
    return problems


@pytest.fixture(scope="module")
def visits(demo_server: LiveServer) -> list[Visit]:
    return _visits(demo_server)


@pytest.fixture(scope="module")
def walks(
    browser: Any, demo_server: LiveServer, visits: list[Visit]
) -> Callable[[tuple[int, int]], list[Problem]]:
    """The problems of the walk on each screen, walked once for every test below."""
    found: dict[tuple[int, int], list[Problem]] = {}

    def walk(size: tuple[int, int]) -> list[Problem]:
        if size not in found:
            found[size] = _walk(browser, demo_server, size, visits)
        return found[size]

    return walk


SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


#: The public addresses that are no page of their own, and why: the walk leaves them out.
NOT_PAGES = {
    "pages.index": "the start page's other registration (the portal's takes '/')",
    "portal.company_card": "an HTML fragment for the start page's selection panel",
    "portal.company_logo": "an image",
    "portal.logo": "an image",
    "portal.theme": "a style sheet",
    "portal.manifest": "the web app manifest",
    "portal.service_worker": "a script",
    "portal.place": "JSON for the place search",
    "questionnaire.logo": "an image",
    "questionnaire.export": "the company's data as JSON",
    "questionnaire.resume": "a redirect to the company's current step",
    "questionnaire.place": "JSON: where an address lies, for the location step's map pin",
    "events_pages.registration_form": "a redirect to the event's form",
    "housing_pages.admin_form": "a redirect to the admin area",
    "training_pages.admin_form": "a redirect to the admin area",
}


def test_the_walk_covers_every_public_page(demo_server: LiveServer, visits: list[Visit]) -> None:
    # a new page of core or a plugin is walked or named above with its reason
    app = demo_server.app
    urls = app.url_map.bind("localhost")
    walked = {urls.match(v.path.split("?")[0], "GET")[0] for v in visits if v.status == 200}
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and not rule.rule.startswith(("/api", "/admin"))
        and not rule.endpoint.endswith("static")
    }
    assert pages - walked - set(NOT_PAGES) == set()
    assert set(NOT_PAGES) <= pages, "a page named as none is gone"


#: Flaws the walk finds that are known and being mended: (check, pattern of the problem,
#: the flaw). A check that finds only these is an expected failure; anything else fails it.
PENDING: list[tuple[str, str, str]] = []


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_in_every_language(
    walks: Any, lang: str, size: tuple[int, int], check: str
) -> None:
    problems = [what for language, kind, what in walks(size) if (language, kind) == (lang, check)]
    pending = [(pattern, flaw) for kind, pattern, flaw in PENDING if kind == check]
    known = {flaw for pattern, flaw in pending for p in problems if re.search(pattern, p)}
    unknown = [p for p in problems if not any(re.search(pattern, p) for pattern, _ in pending)]
    assert not unknown, "\n".join(unknown)
    if problems:
        pytest.xfail("; ".join(sorted(known)))


@pytest.mark.parametrize(("lang", "other"), [("de", "en"), ("tr", "de")])
def test_the_walk_sees_another_language_and_a_raw_code(
    browser: Any, demo_server: LiveServer, monkeypatch: pytest.MonkeyPatch, lang: str, other: str
) -> None:
    # another language's catalog text, a sort key of the API and a catalog key planted on a page
    from webapp.portal import views

    translate = views.translate
    planted = f"{translate('not_found_text', other)} -rent portal.not_found_title u3"

    def flawed(key: str, page_lang: str, **values: Any) -> str:
        if key == "back_to_search" and page_lang == lang:
            return planted
        return translate(key, page_lang, **values)

    monkeypatch.setattr(views, "translate", flawed)
    problems = _walk(browser, demo_server, DESKTOP, [Visit("/gibt-es-nicht", status=404)], [lang])
    kinds = {(kind, what.split(": ", 1)[1]) for _, kind, what in problems}
    assert any(kind == "other-language" for kind, _ in kinds), problems
    for code in ("-rent", "portal.not_found_title", "u3"):
        assert ("raw", f"raw {code!r}") in kinds, problems


#: controls as the browser draws them when no style sheet cares for them, one of each kind
PLANTED_CONTROLS = {
    "planted-select": "<select style=all:revert id=planted-select><option>eins</option></select>",
    "planted-textarea": "<textarea style=all:revert id=planted-textarea></textarea>",
    "planted-checkbox": "<input style=all:revert id=planted-checkbox type=checkbox>",
    "planted-radio": "<input style=all:revert id=planted-radio type=radio>",
    "planted-date": "<input style=all:revert id=planted-date type=date>",
    "planted-file": "<input style=all:revert id=planted-file type=file>",
    "planted-password": "<input style=all:revert id=planted-password type=password>",
    "planted-button": "<button style=all:revert id=planted-button type=button>Los</button>",
}


def test_the_walk_sees_unstyled_controls(browser: Any, demo_server: LiveServer) -> None:
    # the portal styles every bare control; inline styles need the CSP bypassed
    page = new_page(browser, demo_server, width=DESKTOP[0], height=DESKTOP[1], bypass_csp=True)
    page.goto(demo_server.url + "/impressum")
    styled = _check(page, "/impressum", "de", DESKTOP, Expected.of(demo_server, "de"))
    # "all: revert" takes a control back to the browser's own style sheet: unstyled
    page.evaluate(
        """html => { const box = document.createElement('div');
                     box.innerHTML = html;
                     document.body.appendChild(box); }""",
        "".join(PLANTED_CONTROLS.values()),
    )
    planted = _check(page, "/impressum", "de", DESKTOP, Expected.of(demo_server, "de"))
    page.context.close()
    named = {what for _, kind, what in planted if kind == "controls"} - {
        what for _, kind, what in styled if kind == "controls"
    }
    for name in PLANTED_CONTROLS:
        assert any(f"#{name} " in what for what in named), (name, sorted(named))


def _forms(server: LiveServer) -> list[tuple[str, str]]:
    """The public forms: (address, its submit button)."""
    event = _event_with_registration(server)
    return [
        ("/fragebogen/", SUBMIT),
        ("/suche/abonnieren?industry=F", "form.alert-form button[type=submit]"),
        (event, "form.event-form button[type=submit]"),
    ]


def test_the_switcher_on_a_refused_form_leads_back_to_the_form(
    browser: Any, demo_server: LiveServer
) -> None:
    # a person who sent a form with mistakes switches the language: the form again, in it
    page = new_page(browser, demo_server)
    wrong = []
    for path, submit in _forms(demo_server):
        page.goto(demo_server.url + path)
        with page.expect_navigation():
            page.click(submit)
        page.click(".lang-menu > summary")
        with page.expect_navigation() as navigation:
            page.click(".lang-menu a[hreflang=en]")
        status = navigation.value.status
        if status != 200 or page.locator(submit).count() != 1:
            wrong.append(f"{path}: {page.url.removeprefix(demo_server.url)} answers {status}")
    page.context.close()
    assert not wrong, "\n".join(wrong)
