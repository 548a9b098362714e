"""What the questionnaire pages share: who the editor is, reading a step's form, links.

Kept apart from the views so they stay thin: a view reads the request with these helpers,
calls ``core.submissions`` and renders a template.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request, session, url_for
from werkzeug.datastructures import FileStorage

from core import accounts
from core import submissions as flow
from core.errors import NotFound
from core.platform import Platform
from core.questionnaire import AnswerType, Section
from webapp.portal.views import lang_args

__all__ = [
    "EDITOR_KEY",
    "current_editor",
    "editor_links",
    "form_answers",
    "log_in_editor",
    "platform",
    "uploaded_logo",
]

EDITOR_KEY = "editor_token"


def platform() -> Platform:
    found: Platform = current_app.extensions["regiokarte"]
    return found


def log_in_editor(token: accounts.EditorToken) -> None:
    """Remember the editor in the session (the token's id, never its secret)."""
    operator = session.get("operator_id")
    session.clear()
    if operator is not None:  # an operator testing the flow stays logged in
        session["operator_id"] = operator
    session[EDITOR_KEY] = token.id
    session.permanent = True


def current_editor() -> accounts.EditorToken | None:
    token_id = session.get(EDITOR_KEY)
    if not isinstance(token_id, int):
        return None
    try:
        with platform().session() as db:
            return accounts.token_by_id(db, token_id)
    except NotFound:
        session.pop(EDITOR_KEY, None)
        return None


def editor_links(lang: str) -> flow.Links:
    """Addresses for mails, absolute, in the page language."""
    base = platform().settings.portal.base_url.rstrip("/")

    def external(endpoint: str, **values: Any) -> str:
        if base:
            return base + url_for(endpoint, **values, **lang_args(lang))
        return url_for(endpoint, _external=True, **values, **lang_args(lang))

    return flow.Links(
        editor=lambda token: external("questionnaire.link", token=token),
        profile=lambda slug: external("portal.company", slug=slug),
    )


#: Longest form value kept per field (the model's own limits are far below this).
MAX_FIELD = 20_000


def form_answers(section: Section) -> dict[str, Any]:
    """A step's answers as the form sent them (texts, lists, lat/lon pairs)."""
    form = request.form
    out: dict[str, Any] = {}
    for question in section.questions:
        key = question.key
        if question.answer is AnswerType.MULTICHOICE:
            out[key] = [v[:200] for v in form.getlist(key)][:200]
        elif question.answer is AnswerType.LOCATION:
            lat, lon = form.get(f"{key}-lat", ""), form.get(f"{key}-lon", "")
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
