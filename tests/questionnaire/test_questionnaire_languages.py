"""The Leitfragebogen in every configured language: pages, questions, problems, mails.

A Turkish or Arabic speaking owner must get through the whole questionnaire in their
language: every heading, question, help text and error of core's sections comes from the
``questionnaire`` catalog in that language, the mails follow the language the company
started in, and no German text of the catalog is left on the page.
"""

from __future__ import annotations

import datetime as dt
import html as htmlmod
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from questionnaire_support import ANSWERS, csrf, errors, fill_all, make_app

from core.portal import submissions as flow

LOCALE = Path(__file__).resolve().parents[2] / "core" / "portal" / "locale"
LANGUAGES = ("de", "en", "tr", "ar")


def po_texts(lang: str) -> dict[str, str]:
    """key -> text of ``lang`` read straight from the shipped .po file (German: msgid)."""
    with (LOCALE / ("en" if lang == "de" else lang) / "LC_MESSAGES" / "questionnaire.po").open(
        "rb"
    ) as f:
        catalog = read_po(f)
    return {m.context: (m.id if lang == "de" else m.string) for m in catalog if m.id and m.context}


def visible_text(page: str) -> str:
    """The words a person reads: no tags, scripts or styles, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def app(tmp_path: Path) -> Any:
    app = make_app(tmp_path / "app", portal={"languages": list(LANGUAGES)})
    yield app
    app.extensions["regiokarte"].db.dispose()


def start_in(client: Any, lang: str, email: str = "inhaberin@morgenrot.example") -> str:
    query = "" if lang == "de" else f"?lang={lang}"
    token = csrf(client.get(f"/fragebogen/{query}").get_data(as_text=True))
    response = client.post(
        f"/fragebogen/{query}", data={"csrf_token": token, "email": email, "consent": "yes"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(query or "/unternehmen")
    return csrf(client.get(response.headers["Location"]).get_data(as_text=True))


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_every_step_speaks_the_page_language(client: Any, lang: str) -> None:
    texts, german = po_texts(lang), po_texts("de")
    start_page = client.get(f"/fragebogen/?lang={lang}").get_data(as_text=True)
    assert texts["title"] in visible_text(start_page)
    assert texts["consents.processing.text"] in visible_text(start_page)
    token = start_in(client, lang)
    for key in ANSWERS:
        page = visible_text(
            client.get(f"/fragebogen/schritt/{key}?lang={lang}").get_data(as_text=True)
        )
        section_keys = [k for k in texts if k.startswith(f"sections.{key}.")]
        assert section_keys
        for name in section_keys:
            assert texts[name] in page, (key, name)
        shown = [k for k in texts if k.startswith("questions.") and texts[k] in page]
        assert shown, key
        # no German text of the catalog stays on the page (unless it reads the same)
        for name, text in german.items():
            if name.startswith(("sections.", "questions.")) and text != texts[name]:
                assert text not in page, (key, name, text)
    fill_all(client, token, {k: v for k, v in ANSWERS.items()})
    review = visible_text(client.get(f"/fragebogen/pruefen?lang={lang}").get_data(as_text=True))
    assert texts["review_title"] in review and texts["submit"] in review


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("tr", ["“İşletmenin adı”: Bu bilgi eksik.", "Lütfen bir tam sayı girin, örneğin 12."]),
        ("ar", ["«اسم الشركة»: هذه المعلومة ناقصة.", "يرجى إدخال عدد صحيح، مثل 12."]),
    ],
)
def test_problems_name_the_question_in_the_page_language(
    client: Any, lang: str, expected: list[str]
) -> None:
    token = start_in(client, lang)
    response = client.post(
        f"/fragebogen/schritt/unternehmen?lang={lang}",
        data={
            "csrf_token": token,
            "action": "next",
            "name": "",
            "industry": "C",
            "employees": "zehn",
        },
    )
    shown = errors(response.get_data(as_text=True))
    for text in expected:
        assert any(text in e for e in shown), (text, shown)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mails_follow_the_language_the_company_started_in(app: Any, lang: str) -> None:
    texts = po_texts(lang)
    platform = app.extensions["regiokarte"]
    email = "inhaberin@morgenrot.example"
    links = flow.Links(
        editor=lambda token: f"https://portal.example/fragebogen/link/{token}",
        profile=lambda slug: f"https://portal.example/unternehmen/{slug}",
    )
    started = flow.start(platform, email=email, lang=lang, consent=True, links=links)
    assert flow.get(platform, started.submission.id).lang == lang
    for key, values in ANSWERS.items():
        problems = flow.save_section(platform, started.submission.id, key, values, actor="test")
        assert problems == {}, problems
    flow.submit(platform, started.submission.id, actor="test", links=links)
    flow.request_changes(
        platform, started.submission.id, actor="ops", message="Bitte ein Logo.", links=links
    )
    mails = [m for m in reversed(platform.outbox.messages()) if m.to == email]  # oldest first
    title = platform.settings.portal.title
    assert [m.subject for m in mails] == [
        texts["mail.link.subject"].format(title=title),
        texts["mail.submitted.subject"].format(title=title),
        texts["mail.changes.subject"].format(title=title),
    ]
    days = platform.settings.accounts.editor_link_days
    link = f"https://portal.example/fragebogen/link/{started.token}"
    assert mails[0].body == texts["mail.link.body"].format(title=title, link=link, days=days)
    assert mails[1].body == texts["mail.submitted.body"].format(title=title)
    assert "Bitte ein Logo." in mails[2].body
    assert mails[2].body.startswith(texts["mail.changes.body"].split("\n")[0])


def test_a_language_the_portal_does_not_offer_gets_the_default(app: Any) -> None:
    platform = app.extensions["regiokarte"]
    links = flow.Links(editor=lambda token: f"x/{token}", profile=lambda slug: f"y/{slug}")
    started = flow.start(platform, email="a@example.org", lang="fr", consent=True, links=links)
    assert started.submission.lang == "de"
    assert platform.outbox.messages()[0].subject.endswith(": Ihr persönlicher Link")


def test_the_api_takes_the_company_language_and_answers_problems_in_every_one(app: Any) -> None:
    client = app.test_client()
    refused = client.post(
        "/api/v1/submissions", json={"email": "api@example.org", "consent": True, "lang": "fr"}
    )
    assert refused.status_code == 422 and "lang" in refused.get_json()["errors"]
    started = client.post(
        "/api/v1/submissions", json={"email": "api@example.org", "consent": True, "lang": "en"}
    ).get_json()
    assert started["submission"]["lang"] == "en"
    bad = client.put(
        f"/api/v1/submissions/{started['submission']['id']}/sections/unternehmen",
        json={"answers": {"name": ""}},
        headers={"X-Editor-Token": started["token"]},
    ).get_json()
    texts = {lang: po_texts(lang) for lang in LANGUAGES}
    for lang in LANGUAGES:
        required = texts[lang]["problem.required"]
        assert bad["problems"]["name"][lang].endswith(required), lang
        assert texts[lang]["questions.name.label"] in bad["problems"]["name"][lang]


@pytest.mark.parametrize("lang", ["de", "en", "tr"])
def test_consent_version_is_a_day_written_the_page_language_way(app: Any, lang: str) -> None:
    # the version of the consent text a company agrees to, on the start form and on the
    # contact step: a day as the language writes it, never the ISO text of the code
    from babel.dates import format_skeleton

    # the regions the portal writes its languages for: British English, Germany, Turkey
    region = {"de": "de_DE", "en": "en_GB", "tr": "tr_TR"}[lang]

    from core.portal.privacy import CONSENTS

    version = CONSENTS.get("processing").version
    day = format_skeleton("yMMMd", dt.date.fromisoformat(version), locale=region)
    client = app.test_client()
    query = "" if lang == "de" else f"?lang={lang}"
    start = client.get(f"/fragebogen/{query}").get_data(as_text=True)
    shown = re.findall(r'<span class="consent-version">\(([^)]*)\)</span>', htmlmod.unescape(start))
    assert shown and all(day in text and version not in text for text in shown), shown
