"""The Leitfragebogen in every configured language: pages, questions, problems, mails.

A Turkish or Arabic speaking owner must get through the whole questionnaire in their
language: every heading, question, help text and error of core's sections comes from the
``questionnaire`` catalog in that language, the mails follow the language the company
started in, and no German text of the catalog is left on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from questionnaire_support import ANSWERS, make_app

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


@pytest.fixture
def app(tmp_path: Path) -> Any:
    app = make_app(tmp_path / "app", portal={"languages": list(LANGUAGES)})
    yield app
    app.extensions["regiokarte"].db.dispose()


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
