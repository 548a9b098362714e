"""The mail that tells the operator's address about a new submission: German and English."""

from __future__ import annotations

from typing import Any

from questionnaire_support import ANSWERS, fill_all, start, submit

from core import catalog


def test_new_submission_mail_to_the_operator_is_german_and_english(
    app: Any, client: Any, platform: Any
) -> None:
    token = start(client)
    fill_all(client, token)
    submit(client, token)
    mails = [m for m in platform.outbox.messages() if m.to == "ops@example.org"]
    assert len(mails) == 1
    mail = mails[0]
    texts = catalog("questionnaire")
    name = ANSWERS["unternehmen"]["name"]
    values = {"title": platform.settings.portal.title, "id": 1, "name": name}
    for lang in ("de", "en"):
        assert texts.text("mail.operator_new.subject", lang, **values) in mail.subject
        assert texts.text("mail.operator_new.body", lang, **values).strip() in mail.body
    assert mail.body.index("Einreichung 1") < mail.body.index("Submission 1")
    assert name in mail.body
