"""/api/v1/submissions: the Leitfragebogen as JSON, for companies and for operators.

A company starts a submission (public, rate-limited, with a honeypot field) and gets its
personal token; with ``X-Editor-Token: <token>`` it saves sections, uploads a logo, submits,
downloads its data and deletes everything. Operators (``Authorization: Bearer <operator
token>``) list the queue, see the changes against the published version and approve, reject or
ask for changes. Nothing here is public before approval: published profiles are read from
/api/v1/companies and /api/v1/search.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import flask_smorest
import marshmallow as ma
from flask import Flask, Response, g, request, url_for
from flask.views import MethodView
from flask_limiter import Limiter
from flask_smorest import Blueprint
from marshmallow import fields, validate
from werkzeug.exceptions import Unauthorized

from core.errors import NotFound, ValidationError
from core.platform import Platform
from core.portal import accounts
from core.portal import submissions as flow
from core.portal.questionnaire import Message
from webapp.api.schemas import (
    MAX_ID,
    VALUE_RULE,
    CompanySchema,
    ErrorSchema,
    LanguageArgsSchema,
    StrictBoolean,
    StrictSchema,
    response_links,
)
from webapp.context import (
    OfferedLanguage,
    current_platform,
    is_operator,
    languages,
    request_language,
    require_operator,
)
from webapp.security import limit_view

__all__ = ["blp", "init_submissions"]

_View = TypeVar("_View", bound=Callable[..., Any])

OPERATOR = [{"operatorToken": []}]
EDITOR_OR_OPERATOR = [{"editorToken": []}, {"operatorToken": []}]
PUBLIC: list[dict[str, Any]] = [{}]
#: A started submission's id leads to the operations on it (OpenAPI links).
_ONE = "/api/v1/submissions/{submission_id}"
STARTED_LINKS = response_links(
    201,
    [
        (_ONE, "get"),
        (_ONE + "/sections/{section_key}", "put"),
        (_ONE + "/submit", "post"),
        (_ONE + "/approve", "post"),
        (_ONE + "/export", "get"),
    ],
    "submission_id",
    "$response.body#/submission/id",
)
STATUSES = [s.value for s in flow.SubmissionStatus]
#: What a route only operators may call answers without the operator's login.
OPERATOR_ERRORS = (
    (401, "Missing or wrong operator token."),
    (403, "Operator access is disabled."),
)
#: What the review routes answer when the submission is not theirs to decide (any more).
REVIEW_ERRORS = ((404, "No such submission."), (409, "Not waiting for review."))
#: (view, method) of the operations only operators may call (checked before the body is read)
OPERATOR_ONLY = {
    ("Submissions", "GET"),
    ("Approve", "POST"),
    ("Reject", "POST"),
    ("RequestChanges", "POST"),
}


# --- schemas -----------------------------------------------------------------------------------


def _message_field() -> fields.Dict:
    """A message for the company in every language of the questionnaire's catalog."""
    return fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "The message by language code: de, en and every other language "
            "the questionnaire is translated into (tr, ar ...).",
            "example": {"de": "„Postleitzahl“: Diese Angabe fehlt. …", "en": "“Postcode”: …"},
        },
    )


class SubmissionSchema(ma.Schema):
    """A submission as its company (or an operator) sees it."""

    id = fields.Integer(required=True)
    company_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The published company this changes; null for a new one."},
    )
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    lang = fields.String(required=True)
    step = fields.String(required=True, metadata={"description": "The section saved last."})
    message = fields.String(
        required=True, metadata={"description": "The operator's reason or request."}
    )
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        required=True,
        metadata={"description": "Per section key: the answers by question key."},
    )
    has_logo = fields.Boolean(required=True)
    created_at = fields.String(required=True, allow_none=True)
    updated_at = fields.String(required=True, allow_none=True)
    submitted_at = fields.String(required=True, allow_none=True)
    decided_at = fields.String(required=True, allow_none=True)
    problems = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=_message_field()),
        required=True,
        metadata={
            "description": "Per section and question: what is missing or wrong (per language); "
            "empty when the submission can be submitted."
        },
    )


class SubmissionListSchema(ma.Schema):
    items = fields.List(fields.Nested(SubmissionSchema), required=True)


class SubmissionListArgsSchema(LanguageArgsSchema):
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "Only submissions with this status (default: submitted)."},
    )


class StartSchema(StrictSchema):
    email = fields.String(
        required=True,
        validate=validate.Length(min=1, max=320),
        metadata={
            "description": "Where the personal link is mailed to; never published.",
            "format": "email",
            "example": "personal@example.org",
            VALUE_RULE: "An e-mail address: name@domain with a dot in the domain.",
        },
    )
    consent = StrictBoolean(
        required=True,
        metadata={
            "description": "Consent to processing (text and version: GET "
            "/api/v1/submissions/questionnaire, consents.processing); must be true.",
            "enum": [True],
        },
    )
    lang = fields.String(
        load_default=None,
        validate=OfferedLanguage(),
        metadata={
            "description": "The company's language (its mails are written in it): one of the "
            "portal's languages; default: the portal's first.",
            "example": "en",
        },
    )
    homepage_url = fields.String(
        validate=validate.Length(max=500),
        # the document says empty; a bot that fills it in gets the trap's own message
        metadata={"description": "Leave this out or empty (a trap for bots).", "maxLength": 0},
    )


class StartedSchema(ma.Schema):
    submission = fields.Nested(SubmissionSchema, required=True)
    token = fields.String(
        required=True, metadata={"description": "Send it as X-Editor-Token from now on."}
    )


class SectionAnswersSchema(StrictSchema):
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)),
        required=True,
        metadata={
            "description": "Answers by question key (types per question: GET "
            "/api/v1/submissions/questionnaire). Replaces the section's answers."
        },
    )


class SavedSchema(ma.Schema):
    submission = fields.Nested(SubmissionSchema, required=True)
    problems = fields.Dict(
        keys=fields.String(),
        values=_message_field(),
        required=True,
        metadata={"description": "This section's problems by question key (per language)."},
    )


class ReasonSchema(StrictSchema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={
            "example": "Bitte ergänzen Sie die Öffnungszeiten.",
            VALUE_RULE: "1 to 2000 characters of text once control and private-use characters "
            "are removed.",
        },
    )


class ChangeRequestSchema(StrictSchema):
    message = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={
            "example": "Bitte ergänzen Sie die Öffnungszeiten.",
            VALUE_RULE: "1 to 2000 characters of text once control and private-use characters "
            "are removed.",
        },
    )


class ChangeSchema(ma.Schema):
    field = fields.String(required=True)
    label = fields.String(required=True)
    section = fields.String(
        required=True, metadata={"description": "Title of the questionnaire step it is asked in."}
    )
    old = fields.Raw(required=True, allow_none=True)
    new = fields.Raw(required=True, allow_none=True)
    old_text = fields.String(
        required=True, metadata={"description": "The published value as a person reads it."}
    )
    new_text = fields.String(
        required=True, metadata={"description": "The submitted value as a person reads it."}
    )


class ChangeListSchema(ma.Schema):
    changes = fields.List(fields.Nested(ChangeSchema), required=True)


class QuestionnaireSchema(ma.Schema):
    lang = fields.String(required=True)
    sections = fields.List(fields.Dict(), required=True)
    consents = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)


class ExportSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    format = fields.String(required=True)
    company = fields.Dict(required=True, allow_none=True)
    submissions = fields.List(fields.Dict(), required=True)
    consents = fields.List(fields.Dict(), required=True)
    plugins = fields.Dict(required=True)


class LogoSchema(ma.Schema):
    logo = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "PNG, JPEG or WebP."},
    )


# --- helpers -----------------------------------------------------------------------------------


def _unauthorized(message: str) -> Unauthorized:
    error = Unauthorized(www_authenticate=None)
    error.data = {"message": message}  # type: ignore[attr-defined]
    return error


def _checked_id(submission_id: int) -> int:
    if submission_id > MAX_ID:
        raise NotFound(f"There is no submission {submission_id}.")
    return submission_id


def _messages(problems: dict[str, Message]) -> dict[str, dict[str, str]]:
    return {k: m.as_dict() for k, m in problems.items()}


def _document(platform: Platform, submission: flow.Submission) -> dict[str, Any]:
    found = flow.problems(platform, submission)
    return {
        **submission.as_dict(),
        "problems": {s: _messages(p) for s, p in found.items()},
    }


def _authorise(submission_id: int) -> str:
    """The caller's actor name; 401 without a valid credential, 404 for someone else's."""
    platform = current_platform()
    if is_operator():
        return "operator:api"
    raw = request.headers.get("X-Editor-Token", "").strip()
    if not raw:
        raise _unauthorized(
            "Send 'X-Editor-Token: <token>' (the company's personal token) or "
            "'Authorization: Bearer <operator token>'."
        )
    try:
        with platform.session(write=True) as session:
            token = accounts.resolve_token(session, raw)
    except NotFound:
        raise _unauthorized(
            "The editor token is not valid (any more); ask for a new link."
        ) from None
    submission = flow.get(platform, _checked_id(submission_id))
    state = flow.editor_state(platform, token)
    companies = {token.company_id} | ({state.company.id} if state.company else set())
    mine = submission.id == token.submission_id or (
        submission.company_id is not None and submission.company_id in companies
    )
    if not mine:
        raise NotFound(f"There is no submission {submission_id}.")
    g.editor_token = token
    return token.actor


def _links() -> flow.Links:
    from webapp.questionnaire.flow import editor_links

    return editor_links(request_language())


blp = Blueprint(
    "submissions",
    __name__,
    url_prefix="/api/v1/submissions",
    description=(
        "The company questionnaire (Leitfragebogen): start, save sections, submit; "
        "operators moderate. Companies authenticate with X-Editor-Token."
    ),
)


def _for_operators(*answers: tuple[int, str]) -> Callable[[_View], _View]:
    """Document a route only operators may call: the operator token, its 401 and 403
    answers, then ``answers`` ((status, description) pairs), each with the error schema."""

    def document(view: _View) -> _View:
        view = blp.doc(security=OPERATOR)(view)
        for status, description in reversed((*OPERATOR_ERRORS, *answers)):
            view = blp.alt_response(status, schema=ErrorSchema, description=description)(view)
        return view

    return document


@blp.before_request
def _authenticate() -> None:
    # before the body is parsed: an unauthorised call is 401/403, not a 422 about its body
    endpoint = (request.endpoint or "").split(".")[-1]
    submission_id = (request.view_args or {}).get("submission_id")
    if (endpoint, request.method) in OPERATOR_ONLY:
        require_operator()
    elif submission_id is not None:
        g.actor = _authorise(int(submission_id))
    if submission_id is not None:
        _checked_id(int(submission_id))


@blp.route("/questionnaire")
class QuestionnaireView(MethodView):
    @blp.arguments(LanguageArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, QuestionnaireSchema)
    @blp.doc(security=PUBLIC)
    def get(self, _args: dict[str, Any]) -> dict[str, Any]:
        """The questionnaire

        Every section (core's and the plugins') with its questions: key, answer type,
        options, rules, labels, help and examples in the requested language, and the
        consent texts with their versions.
        """
        lang = request_language()
        from core.portal.privacy import CONSENTS

        return {
            **current_platform().questionnaire.as_dict(lang),
            "lang": lang,
            "consents": {k: c.as_dict() for k, c in CONSENTS.items()},
        }


@blp.route("")
class Submissions(MethodView):
    # POST is rate-limited per address (limits.start_submission, see init_submissions)

    @blp.arguments(SubmissionListArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, SubmissionListSchema)
    @_for_operators()
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List submissions (operators)

        Oldest first; by default those waiting for review.
        """
        platform = current_platform()
        status = flow.SubmissionStatus(args.get("status") or "submitted")
        return {"items": [_document(platform, s) for s in flow.queue(platform, (status,))]}

    @blp.arguments(StartSchema)
    @blp.response(201, StartedSchema)
    @blp.alt_response(422, schema=ErrorSchema, description="Invalid address or no consent.")
    @blp.alt_response(429, schema=ErrorSchema, description="Too many starts from here.")
    @blp.doc(security=PUBLIC)
    @blp.doc(**STARTED_LINKS)
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Start a submission

        Creates a draft for a new company and mails the personal link to ``email``; the
        answer holds the same token. Rate-limited per address.
        """
        if body.get("homepage_url"):
            raise ValidationError(
                "Leave homepage_url out: it is a trap for bots.",
                {"homepage_url": ["must be empty"]},
            )
        platform = current_platform()
        offered = languages(platform)
        lang = body["lang"] or offered[0]
        if lang not in offered:
            raise ValidationError(
                f"lang {lang!r} is not a language of this portal; use one of {', '.join(offered)}.",
                {"lang": [f"one of {', '.join(offered)}"]},
            )
        started = flow.start(
            platform,
            email=body["email"],
            lang=lang,
            consent=body["consent"],
            links=_links(),
            actor="api",
        )
        location = url_for(".SubmissionById", submission_id=started.submission.id)
        return (
            {
                "submission": _document(platform, started.submission),
                "token": started.token,
            },
            201,
            {"Location": location},
        )


@blp.route("/<int:submission_id>")
class SubmissionById(MethodView):
    @blp.response(200, SubmissionSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission (for you).")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def get(self, submission_id: int) -> dict[str, Any]:
        """Show a submission

        Its answers, status and the problems that still keep it from being submitted.
        """
        platform = current_platform()
        return _document(platform, flow.get(platform, submission_id))

    @blp.response(204)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission (for you).")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def delete(self, submission_id: int) -> Response:
        """Erase the company's data

        Deletes the published profile (if any), every submission, consent, link and logo
        of the company, and the plugins' data about it (GDPR Art. 17). It leaves the map
        and the search at once.
        """
        flow.erase(current_platform(), submission_id=submission_id, actor=g.actor)
        return Response(status=204)


@blp.route("/<int:submission_id>/sections/<section_key>")
class SectionAnswers(MethodView):
    @blp.arguments(SectionAnswersSchema)
    @blp.response(200, SavedSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission or section.")
    @blp.alt_response(409, schema=ErrorSchema, description="Submitted or decided already.")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def put(self, body: dict[str, Any], submission_id: int, section_key: str) -> dict[str, Any]:
        """Save a section

        Stores the answers (bad ones as given, so nothing is lost) and answers with the
        section's problems in every language of the questionnaire.
        """
        platform = current_platform()
        problems = flow.save_section(
            platform, submission_id, section_key, body["answers"], actor=g.actor
        )
        return {
            "submission": _document(platform, flow.get(platform, submission_id)),
            "problems": _messages(problems),
        }


@blp.route("/<int:submission_id>/logo")
class LogoView(MethodView):
    @blp.arguments(LogoSchema, location="files")
    @blp.response(204)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission.")
    @blp.alt_response(409, schema=ErrorSchema, description="Submitted or decided already.")
    @blp.alt_response(413, schema=ErrorSchema, description="The upload is too large.")
    @blp.alt_response(422, schema=ErrorSchema, description="Not a PNG, JPEG or WebP picture.")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def put(self, files: dict[str, Any], submission_id: int) -> Response:
        """Upload the logo

        PNG, JPEG or WebP up to questionnaire.logo_max_kb; it is shrunk and re-encoded
        as PNG.
        """
        data = files["logo"].read()
        flow.save_logo(current_platform(), submission_id, data, actor=g.actor)
        return Response(status=204)

    @blp.response(204)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission.")
    @blp.alt_response(409, schema=ErrorSchema, description="Submitted or decided already.")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def delete(self, submission_id: int) -> Response:
        """Remove the logo"""
        flow.remove_logo(current_platform(), submission_id, actor=g.actor)
        return Response(status=204)


@blp.route("/<int:submission_id>/submit")
class Submit(MethodView):
    @blp.response(200, SubmissionSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission.")
    @blp.alt_response(409, schema=ErrorSchema, description="Submitted or decided already.")
    @blp.alt_response(422, schema=ErrorSchema, description="Answers missing or invalid.")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def post(self, submission_id: int) -> dict[str, Any]:
        """Submit for review

        Every section must be complete and valid (422 lists each problem as
        ``section.question``); afterwards operators review it.
        """
        platform = current_platform()
        submission = flow.submit(platform, submission_id, actor=g.actor, links=_links())
        return _document(platform, submission)


@blp.route("/<int:submission_id>/reopen")
class Reopen(MethodView):
    @blp.response(200, SubmissionSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission.")
    @blp.alt_response(409, schema=ErrorSchema, description="It cannot be reopened.")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def post(self, submission_id: int) -> dict[str, Any]:
        """Reopen a submitted or rejected submission as a draft"""
        platform = current_platform()
        return _document(platform, flow.reopen(platform, submission_id, actor=g.actor))


@blp.route("/<int:submission_id>/changes")
class Changes(MethodView):
    @blp.arguments(LanguageArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, ChangeListSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission.")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def get(self, _args: dict[str, Any], submission_id: int) -> dict[str, Any]:
        """What approval would change

        Field by field, in the questionnaire's order: the published value and the submitted
        one, each also as a person reads it (labels instead of codes, numbers formatted,
        the address with its position as one field ``location``).
        """
        platform = current_platform()
        lang = request_language()
        changes = flow.changes(platform, flow.get(platform, submission_id))
        return {
            "changes": [
                {
                    "field": c.field,
                    "label": c.label(lang),
                    "section": c.section(lang),
                    "old": c.old,
                    "new": c.new,
                    "old_text": c.old_text(lang),
                    "new_text": c.new_text(lang),
                }
                for c in changes
            ]
        }


@blp.route("/<int:submission_id>/export")
class Export(MethodView):
    @blp.response(200, ExportSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="No valid token.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such submission.")
    @blp.doc(security=EDITOR_OR_OPERATOR)
    def get(self, submission_id: int) -> dict[str, Any]:
        """Download all data of the company

        The published profile with its contact, every submission, consent, link, logo
        and what each plugin keeps (GDPR Art. 15 and 20).
        """
        return flow.export_data(current_platform(), submission_id=submission_id)


@blp.route("/<int:submission_id>/approve")
class Approve(MethodView):
    @blp.response(200, CompanySchema)
    @_for_operators(*REVIEW_ERRORS, (422, "Answers missing or invalid."))
    def post(self, submission_id: int) -> dict[str, Any]:
        """Approve (operators)

        Publishes the profile (a new company, or the new version of a published one);
        it is findable within seconds.
        """
        platform = current_platform()
        company = flow.approve(
            platform, _checked_id(submission_id), actor="operator:api", links=_links()
        )
        return company.to_dict(with_contact=True)


@blp.route("/<int:submission_id>/reject")
class Reject(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, SubmissionSchema)
    @_for_operators(*REVIEW_ERRORS)
    def post(self, body: dict[str, Any], submission_id: int) -> dict[str, Any]:
        """Reject (operators)

        The reason is mailed to the company.
        """
        platform = current_platform()
        submission = flow.reject(
            platform, _checked_id(submission_id), actor="operator:api", reason=body["reason"]
        )
        return _document(platform, submission)


@blp.route("/<int:submission_id>/request-changes")
class RequestChanges(MethodView):
    @blp.arguments(ChangeRequestSchema)
    @blp.response(200, SubmissionSchema)
    @_for_operators(*REVIEW_ERRORS)
    def post(self, body: dict[str, Any], submission_id: int) -> dict[str, Any]:
        """Ask for changes (operators)

        The message is mailed to the company with a link to go on.
        """
        platform = current_platform()
        submission = flow.request_changes(
            platform,
            _checked_id(submission_id),
            actor="operator:api",
            message=body["message"],
            links=_links(),
        )
        return _document(platform, submission)


def _start_limit() -> str:
    return current_platform().settings.limits.start_submission


def init_submissions(app: Flask, api: flask_smorest.Api, limiter: Limiter) -> None:
    """Register the resource in ``api``, with the rate limit of starting (POST)."""
    api.register_blueprint(blp)
    limit_view(
        app,
        limiter,
        "submissions.Submissions",
        "start_submission",
        _start_limit,
        spare_invalid=True,
    )
