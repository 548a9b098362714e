"""What the questionnaire pages share: who the editor is, reading a step's form, links.

Kept apart from the views so they stay thin: a view reads the request with these helpers,
calls ``core.portal.submissions`` and renders a template.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, current_app, request, session, url_for
from werkzeug.datastructures import FileStorage

from core.platform import Platform
from core.portal import accounts, web_sessions
from core.portal import submissions as flow
from core.portal.questionnaire import ITEM_ID, AnswerType, Question, Section, item_field
from webapp.portal.views import lang_args

__all__ = [
    "EDITOR_KEY",
    "current_editor",
    "editor_links",
    "form_answers",
    "log_in_editor",
    "log_out_editor",
    "session_lifetime",
    "platform",
    "uploaded_logo",
]

#: The session cookie's entry for a company editor's login: the secret of a server-side
#: record (``core.portal.web_sessions``), never the link's id or its secret.
EDITOR_KEY = "editor_session"
#: The operator's entry (see ``webapp.admin.views``): kept when an operator opens an editor link.
OPERATOR_KEY = "operator_session"


def platform() -> Platform:
    found: Platform = current_app.extensions["regiokarte"]
    return found


def session_lifetime() -> dt.timedelta:
    """How long a login lasts (``accounts.session_hours``)."""
    return dt.timedelta(hours=platform().settings.accounts.session_hours)


def log_in_editor(token: accounts.EditorToken) -> None:
    """Start a login through the editor link ``token``: a server-side record whose random
    secret goes into the session cookie (the link's own secret never does)."""
    operator = session.get(OPERATOR_KEY)
    with platform().session(write=True) as db:
        web_sessions.end_session(db, session.get(EDITOR_KEY))
        secret = web_sessions.start_editor_session(db, token.id, session_lifetime())
    session.clear()  # a new session for the new privilege
    if operator is not None:  # an operator testing the flow stays logged in
        session[OPERATOR_KEY] = operator
    session[EDITOR_KEY] = secret
    session.permanent = True


def current_editor() -> accounts.EditorToken | None:
    """The editor link this browser is logged in with (None: none, ended, revoked, expired)."""
    secret = session.get(EDITOR_KEY)
    if secret is None:
        return None
    with platform().session() as db:
        found = web_sessions.editor_of(db, secret)
    if found is None:
        session.pop(EDITOR_KEY, None)
    return found


def log_out_editor() -> None:
    """End this browser's editor login (its record too, so a copied cookie is worthless)."""
    secret = session.pop(EDITOR_KEY, None)
    if secret is not None:
        with platform().session(write=True) as db:
            web_sessions.end_session(db, secret)


def editor_links(lang: str) -> flow.Links:
    """Addresses for mails, absolute, in the page language: under ``portal.base_url``, never
    under the request's Host header (ConfigError when neither the setting nor a request to
    this computer gives a trustworthy address, before anything is stored or sent)."""
    base = platform().link_base(request.host_url)

    def external(endpoint: str, **values: Any) -> str:
        return base + url_for(endpoint, **values, **lang_args(lang))

    return flow.Links(
        editor=lambda token: external("questionnaire.link", token=token),
        profile=lambda slug: external("portal.company", slug=slug),
    )


#: Longest form value kept per field (the model's own limits are far below this).
MAX_FIELD = 20_000


def form_answers(section: Section) -> dict[str, Any]:
    """A step's answers as the form sent them (texts, lists, the pin's lat/lon pair).

    The pin's hidden fields carry the postcode it was set for (``<key>-for``); a pin set for
    another postcode than the form's is dropped, so a changed address places the company anew
    even in a browser without the script that would move the pin.
    """
    form = request.form
    out: dict[str, Any] = {}
    for question in section.questions:
        key = question.key
        if question.answer is AnswerType.ITEMS:
            out[key] = _form_records(question)
        elif question.answer is AnswerType.MULTICHOICE:
            out[key] = [v[:200] for v in form.getlist(key)][:200]
        elif question.answer is AnswerType.LOCATION:
            lat, lon = form.get(f"{key}-lat", ""), form.get(f"{key}-lon", "")
            pinned_for = form.get(f"{key}-for")
            if pinned_for is not None and pinned_for.strip() != _postcode(section):
                # a pin moved for another postcode: the new address places the company
                lat = lon = ""
            out[key] = {"lat": lat[:50], "lon": lon[:50]} if (lat or lon) else None
        elif question.answer is AnswerType.IMAGE:
            continue
        elif question.answer is AnswerType.CONSENT:
            values = form.getlist(key)
            out[key] = values[-1] if values else None
        else:
            value = form.get(key)
            out[key] = value[:MAX_FIELD] if value is not None else None
    return out


def _form_records(question: Question) -> list[dict[str, Any]]:
    """The records of an ITEMS question as the form sent them: ``<key>-rows`` rows of fields
    ``<key>-<n>-<item>`` (``item_field``), each with its hidden ``-id``; a row whose
    ``-remove`` box is ticked is left out (so the record is deleted when published)."""
    form = request.form
    try:
        rows = min(int(form.get(f"{question.key}-rows", "0")), question.most_items + 1)
    except ValueError:
        rows = 0
    records: list[dict[str, Any]] = []
    for index in range(max(rows, 0)):
        prefix = f"{question.key}-{index}-"
        if form.get(prefix + "remove") == "1":
            continue
        record: dict[str, Any] = {}
        for item in question.items:
            name = item_field(question, index, item)
            if item.answer is AnswerType.MULTICHOICE:
                record[item.key] = [v[:200] for v in form.getlist(name)][:200]
            else:
                value = form.get(name)
                record[item.key] = value[:MAX_FIELD] if value is not None else None
        record[ITEM_ID] = form.get(prefix + ITEM_ID, "")[:20]
        records.append(record)
    return records


def _postcode(section: Section) -> str:
    """The postcode the form sent for ``section`` ("" when it asks for none)."""
    for question in section.questions:
        if question.answer is AnswerType.POSTCODE:
            return request.form.get(question.key, "").strip()[:20]
    return ""


def uploaded_logo(section: Section) -> tuple[str, bytes | None, bool]:
    """(question key, uploaded bytes or None, remove asked) of the section's image question."""
    for question in section.questions:
        if question.answer is AnswerType.IMAGE:
            upload: FileStorage | None = request.files.get(question.key)
            data = upload.read() if upload is not None and upload.filename else None
            return question.key, data or None, request.form.get(f"{question.key}-remove") == "1"
    return "", None, False


def require(condition: bool) -> None:
    if not condition:
        abort(404)
