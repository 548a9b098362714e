"""The Leitfragebogen as HTML pages: start, one page per section, review, status, own data.

In the page's language (``?lang=``, as in the portal; texts from the ``questionnaire``
catalog), usable without a script; the script
adds the live preview, the map pin and conditional questions. Every POST carries the CSRF token;
starting is rate-limited and has a honeypot field. Views are thin: ``core.portal.submissions`` does
the work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from core.errors import Conflict, NotFound, ValidationError
from core.i18n import Text
from core.model import Address, Company
from core.portal import accounts
from core.portal import submissions as flow
from core.portal.answer_texts import answer_text, value_text
from core.portal.placing import PlacementError, place_address, postcode_problem
from core.portal.privacy import CONSENTS
from core.portal.questionnaire import DOMAIN, AnswerType, Message, Section, image_problem
from webapp.errors import RETRY_AFTER_SECONDS, database_unavailable
from webapp.portal.views import page_lang, page_url, security_headers
from webapp.questionnaire import flow as helpers
from webapp.questionnaire.i18n import translate
from webapp.questionnaire.render import (
    address_values,
    preview_view,
    step_view,
    still_map_config,
)
from webapp.security import csrf_protect, limit_view, retry_after_seconds, spare_rate_limit

__all__ = ["blp", "editor_required", "init_questionnaire"]

HONEYPOT = "homepage_url"
#: Shown above a step whose answers the database did not take.
NOT_SAVED = Message(Text.message(DOMAIN, "not_saved"))


def _t(key: str, **values: Any) -> str:
    return translate(key, page_lang(), **values)


def _go(endpoint: str, **values: Any) -> Response:
    return redirect(page_url(endpoint, page_lang(), **values), code=303)  # type: ignore[return-value]


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"questionnaire/{template}", lang=page_lang(), **context), status


def editor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Call ``view`` with the logged-in editor's token; without a login go to the start."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = helpers.current_editor()
        if token is None:
            return _go("questionnaire.start")
        return view(token, *args, **kwargs)

    return wrapped


blp = Blueprint(
    "questionnaire",
    __name__,
    url_prefix="/fragebogen",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
blp.after_request(security_headers)


@blp.before_request
def _csrf() -> None:
    if request.method == "POST":
        csrf_protect()


@blp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    return _page("problem.html", 400, title=_t("csrf_title"), text=_t("csrf_text"))


@blp.errorhandler(TooManyRequests)
def _too_many(error: TooManyRequests) -> tuple[str, int, dict[str, str]]:
    wait = retry_after_seconds()
    headers = {"Retry-After": str(wait)}
    if request.endpoint == "questionnaire.start":
        # the start form again, with what was typed and when to try again: nothing is lost
        context = _start_context(helpers.platform())
        context["email"] = request.form.get("email", "")[:400]
        context["agreed"] = request.form.get("consent") == "yes"
        minutes = -(-wait // 60)
        wait_text = _t("wait_one") if minutes == 1 else _t("wait_many", n=minutes)
        context["limited"] = _t("limit_wait", wait=wait_text)
        html, status = _page("start.html", 429, **context)
    else:
        html, status = _page("problem.html", 429, title=_t("limit_title"), text=_t("limit_text"))
    return html, status, headers


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    return _page("problem.html", 413, title=_t("too_large_title"), text=_t("too_large_text"))


@blp.errorhandler(HTTPNotFound)
def _not_found(error: HTTPNotFound) -> tuple[str, int]:
    return render_template("portal/not_found.html", lang=page_lang()), 404


@blp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    lang = page_lang() if request else "de"

    def qt(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    def q_asset(filename: str) -> str:
        version = current_app.extensions["regiokarte.portal"]["version"]
        return url_for("questionnaire.static", filename=filename, v=version)

    return {"qt": qt, "q_asset": q_asset, "Company": Company}


# --- start ------------------------------------------------------------------------------------


def _start_limit() -> str:
    return helpers.platform().settings.limits.start_submission


@blp.route("/", methods=["GET", "POST"])
def start() -> Any:
    """Intro, e-mail address and consent; starting mails the personal link.

    Rate-limited per address (``limits.start_submission``, see ``init_questionnaire``).
    """
    platform = helpers.platform()
    context = _start_context(platform)
    if request.method == "GET":
        return _page("start.html", **context)
    email = request.form.get("email", "")[:400]
    agreed = request.form.get("consent") == "yes"
    context["email"] = email
    context["agreed"] = agreed
    if request.form.get(HONEYPOT):
        # a bot filled the invisible field: answer as if it worked, store nothing
        return _page("sent.html", email="")
    try:
        started = flow.start(
            platform,
            email=email,
            lang=page_lang(),
            consent=agreed,
            links=helpers.editor_links(page_lang()),
        )
    except ValidationError as exc:
        # the start's rate limit spares a refused form (see init_questionnaire)
        spare_rate_limit()
        context["errors"] = _start_errors(exc, agreed)
        return _page("start.html", **context)
    with platform.session(write=True) as db:
        token = accounts.resolve_token(db, started.token)
    helpers.log_in_editor(token)
    session["notice"] = "link_sent"
    return _go("questionnaire.step", key=platform.questionnaire.keys[0])


def _start_context(platform: Any) -> dict[str, Any]:
    return {
        "consent": CONSENTS["processing"],
        "sections": platform.questionnaire.sections,
        "email": "",
        "agreed": False,
        "errors": {},
        "limited": "",
        "editor": helpers.current_editor(),
    }


def _start_errors(exc: ValidationError, agreed: bool) -> dict[str, str]:
    """The start form's messages by field for what ``flow.start`` refused."""
    errors: dict[str, str] = {}
    if "email" in exc.errors:
        errors["email"] = _t("error_email")
    if "consent" in exc.errors or not agreed:
        errors["consent"] = _t("error_consent")
    return errors


@blp.get("/link/<token>")
def link(token: str) -> Any:
    """The personal link from the mail: log in as the company's editor."""
    try:
        with helpers.platform().session(write=True) as db:
            found = accounts.resolve_token(db, token)
    except NotFound:
        return _page(
            "problem.html", 404, title=_t("link_invalid_title"), text=_t("link_invalid_text")
        )
    helpers.log_in_editor(found)
    return _go("questionnaire.resume")


@blp.get("/weiter")
@editor_required
def resume(token: accounts.EditorToken) -> Any:
    state = flow.editor_state(helpers.platform(), token)
    if state.submission is not None and state.submission.editable:
        step = state.submission.step or helpers.platform().questionnaire.keys[0]
        return _go("questionnaire.step", key=step)
    return _go("questionnaire.status")


# --- the steps --------------------------------------------------------------------------------


def _editable(token: accounts.EditorToken) -> flow.Submission | None:
    state = flow.editor_state(helpers.platform(), token)
    if state.submission is None or not state.submission.editable:
        return None
    return state.submission


@blp.route("/schritt/<key>", methods=["GET", "POST"])
@editor_required
def step(token: accounts.EditorToken, key: str) -> Any:
    platform = helpers.platform()
    try:
        section = platform.questionnaire.section(key)
    except KeyError:
        return render_template("portal/not_found.html", lang=page_lang()), 404
    submission = _editable(token)
    if submission is None:
        return _go("questionnaire.status")
    problems: dict[str, Message] = {}
    if request.method == "POST":
        raw = helpers.form_answers(section)
        try:
            problems = _save_step(token, submission, section, raw)
        except SQLAlchemyError as exc:
            return _not_saved(submission, section, raw, exc)
        away = _after_saving(key, problems)
        if away is not None:
            return away
        submission = flow.get(platform, submission.id)
    elif request.args.get("pruefen"):
        problems = flow.problems(platform, submission).get(key, {})
    return _page(
        "step.html",
        **step_view(platform, submission, section, problems, page_lang()),
        notice=session.pop("notice", None),
    )


def _save_step(
    token: accounts.EditorToken,
    submission: flow.Submission,
    section: Section,
    raw: dict[str, Any],
) -> dict[str, Message]:
    """Store a step's answers and its logo; the problems found, by question key."""
    platform = helpers.platform()
    logo_key, upload, remove = helpers.uploaded_logo(section)
    logo_problem = None
    try:
        if upload is not None:
            flow.save_logo(platform, submission.id, upload, actor=token.actor)
        elif remove:
            flow.remove_logo(platform, submission.id, actor=token.actor)
    except ValidationError:
        logo_problem = _logo_problem(section, logo_key)
    problems = flow.save_section(platform, submission.id, section.key, raw, actor=token.actor)
    if logo_problem is not None:
        problems[logo_key] = logo_problem
    return problems


def _after_saving(key: str, problems: dict[str, Message]) -> Response | None:
    """Where the form's button leads after saving step ``key``; None: show the step again."""
    action = request.form.get("action", "next")
    keys = helpers.platform().questionnaire.keys
    position = keys.index(key)
    if action == "goto:review":
        return _go("questionnaire.review")
    if action == "back":
        return _go("questionnaire.step", key=keys[max(0, position - 1)])
    if action.startswith("goto:") and action[5:] in keys:
        return _go("questionnaire.step", key=action[5:])
    if problems:
        return None
    if action == "save":
        session["notice"] = "saved"
        return _go("questionnaire.step", key=key)
    if position + 1 < len(keys):
        return _go("questionnaire.step", key=keys[position + 1])
    return _go("questionnaire.review")


def _not_saved(
    submission: flow.Submission, section: Section, raw: dict[str, Any], exc: Exception
) -> Response:
    """The step again with what was typed, when the database did not take it (the
    transaction was rolled back: the steps saved before are kept)."""
    current_app.logger.error(
        "questionnaire step %r of submission %s not saved: %s",
        section.key,
        submission.id,
        str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300],
    )
    answers = {k: dict(v) for k, v in submission.answers.items()}
    answers[section.key] = raw
    draft = flow.Submission(**{**_fields(submission), "answers": answers})
    view = step_view(helpers.platform(), draft, section, {}, page_lang())
    target = f"{view['fields'][0]['id']}-wrap" if view["fields"] else "main"
    view["problems"] = [(target, NOT_SAVED.text(page_lang())), *view["problems"]]
    unavailable = database_unavailable(exc)
    html, status = _page("step.html", 503 if unavailable else 500, **view, notice=None)
    response = Response(html, status=status, mimetype="text/html")
    if unavailable:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _logo_problem(section: Section, key: str) -> Message:
    question = section.question(key)
    kb = helpers.platform().settings.questionnaire.logo_max_kb
    return image_problem(question, kb)


@blp.post("/vorschau/<key>")
def live_preview(key: str) -> Any:
    """The preview with this step's unsaved answers (for the script; nothing is stored)."""
    platform = helpers.platform()
    token = helpers.current_editor()
    if token is None:
        return Response("", status=401)
    submission = _editable(token)
    if submission is None or key not in platform.questionnaire.keys:
        return Response("", status=404)
    section = platform.questionnaire.section(key)
    answers = {k: dict(v) for k, v in submission.answers.items()}
    answers[key] = helpers.form_answers(section)
    draft = flow.Submission(**{**_fields(submission), "answers": answers})
    return render_template(
        "questionnaire/_preview.html",
        lang=page_lang(),
        **preview_view(platform, draft, page_lang()),
    )


@blp.get("/lage")
def place() -> Any:
    """Where the address ``?street=&postcode=&town=`` lies, for the pin of the location step:
    the portal's geocoder, and in the page's language what the editor is told; for a postcode
    that places nothing only a ``problem`` (a 200 all the same: a typo is an answer, not a
    failed request). Only for a logged-in editor, so the portal is no open proxy to a
    geocoding service."""
    if helpers.current_editor() is None:
        return jsonify({"problem": _t("location.failed")}), 401
    platform = helpers.platform()
    postcode = request.args.get("postcode", "").strip()[:20]
    problem = postcode_problem(platform.region, postcode)
    if problem is not None:
        return jsonify({"problem": problem(page_lang())})
    address = Address(
        street=request.args.get("street", "").strip()[:200],
        postcode=postcode,
        town=request.args.get("town", "").strip()[:100],
    )
    try:
        found = place_address(platform, address)
    except PlacementError as exc:
        return jsonify({"problem": exc.said(page_lang())})
    return jsonify(
        {
            "lat": found.location.lat,
            "lon": found.location.lon,
            "precision": found.precision,
            "note": found.note(postcode)(page_lang()),
        }
    )


@blp.get("/logo")
def logo() -> Any:
    """The draft logo of the editor's submission."""
    token = helpers.current_editor()
    if token is None:
        return Response("", status=404)
    state = flow.editor_state(helpers.platform(), token)
    data = (
        flow.logo_of(helpers.platform(), submission_id=state.submission.id)
        if state.submission is not None
        else None
    )
    if data is None:
        return Response("", status=404)
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- review and submit ------------------------------------------------------------------------


@blp.route("/pruefen", methods=["GET", "POST"])
@editor_required
def review(token: accounts.EditorToken) -> Any:
    platform = helpers.platform()
    submission = _editable(token)
    if submission is None:
        return _go("questionnaire.status")
    tried = False
    if request.method == "POST":
        tried = True
        try:
            flow.submit(
                platform,
                submission.id,
                actor=token.actor,
                links=helpers.editor_links(page_lang()),
            )
        except flow.SubmissionInvalid:
            submission = flow.get(platform, submission.id)
        else:
            session["notice"] = "submitted"
            return _go("questionnaire.status")
    found = flow.problems(platform, submission)
    return _page(
        "review.html",
        submission=submission,
        problems=found,
        tried=tried,
        sections=platform.questionnaire.sections,
        answer_text=lambda s, q: _answer_text(s, q, submission, page_lang()),
        map_config=still_map_config(platform),
        **preview_view(platform, submission, page_lang()),
    )


# --- after submitting -------------------------------------------------------------------------


@blp.get("/status")
@editor_required
def status(token: accounts.EditorToken) -> Any:
    state = flow.editor_state(helpers.platform(), token)
    return _page("status.html", state=state, notice=session.pop("notice", None))


@blp.post("/bearbeiten")
@editor_required
def edit(token: accounts.EditorToken) -> Any:
    """Start changing the published profile (or go back to an open submission)."""
    platform = helpers.platform()
    state = flow.editor_state(platform, token)
    try:
        if state.submission is not None and state.submission.status in (
            flow.SubmissionStatus.SUBMITTED,
            flow.SubmissionStatus.REJECTED,
        ):
            flow.reopen(platform, state.submission.id, actor=token.actor)
        else:
            flow.start_edit(platform, token)
    except (NotFound, Conflict):
        return _go("questionnaire.status")
    return _go("questionnaire.step", key=platform.questionnaire.keys[0])


@blp.get("/daten.json")
@editor_required
def export(token: accounts.EditorToken) -> Any:
    """Everything stored about the company, as a JSON download."""
    data = _export(token)
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="unternehmensdaten.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/loeschen", methods=["GET", "POST"])
@editor_required
def erase(token: accounts.EditorToken) -> Any:
    if request.method == "GET":
        return _page("erase.html")
    if request.form.get("confirm") != "yes":
        return _page("erase.html", error=_t("erase_confirm_missing"))
    state = flow.editor_state(helpers.platform(), token)
    flow.erase(
        helpers.platform(),
        company_id=state.company.id if state.company is not None else None,
        submission_id=state.submission.id if state.submission is not None else None,
        actor=token.actor,
    )
    helpers.log_out_editor()
    session.clear()
    return _page("erased.html")


@blp.post("/abmelden")
def logout() -> Any:
    helpers.log_out_editor()
    return _go("portal.index")


def _export(token: accounts.EditorToken) -> dict[str, Any]:
    state = flow.editor_state(helpers.platform(), token)
    return flow.export_data(
        helpers.platform(),
        company_id=state.company.id if state.company is not None else None,
        submission_id=state.submission.id if state.submission is not None else None,
    )


def _fields(submission: flow.Submission) -> dict[str, Any]:
    import attrs

    return attrs.asdict(submission, recurse=False)


def _answer_text(section: Section, question: Any, submission: flow.Submission, lang: str) -> str:
    """An answer as the review page shows it."""
    value = (submission.answers.get(section.key) or {}).get(question.key)
    if question.answer is AnswerType.IMAGE:
        return translate("yes" if submission.has_logo else "none_given", lang)
    if question.answer is AnswerType.LOCATION:
        return _location_text(section, submission, value, lang)
    if value in (None, "", []) and section.plugin == "core" and question.target == "town":
        # "leave it empty: we take it from the postcode" - so say which town that gives
        checked = helpers.platform().questionnaire.checked(submission.answers)
        postcode = address_values(section, checked.get(section.key, {}))["postcode"]
        town = helpers.platform().region.town_for_postcode(postcode) if postcode else None
        if town is not None:
            return translate("location.town_from_postcode", lang, town=town.name)
    if value in (None, "", []):
        return translate("none_given", lang)
    if question.answer in (AnswerType.DATE, AnswerType.ITEMS):
        return answer_text(question, value, lang)
    if question.answer in (AnswerType.BOOL, AnswerType.CONSENT):
        return (
            translate("yes" if value is True else "no", lang)
            if isinstance(value, bool)
            else str(value)
        )
    if question.answer is AnswerType.CHOICE:
        return question.option_label(value, lang)
    if question.answer is AnswerType.MULTICHOICE and isinstance(value, list):
        return ", ".join(question.option_label(v, lang) for v in value)
    return value_text(value, lang)


def _location_text(section: Section, submission: flow.Submission, pin: Any, lang: str) -> str:
    """Where the company will be on the map, in words: at its address, at its postcode's
    centre, or where its editor moved the pin (near the address); never coordinates."""
    platform = helpers.platform()
    checked = platform.questionnaire.checked(submission.answers).get(section.key, {})
    parts = address_values(section, checked)
    street, postcode = parts["street"], parts["postcode"]
    address = ", ".join(p for p in (street, f"{postcode} {parts['town']}".strip()) if p)
    if isinstance(pin, dict) and pin:
        return translate("location.review_pin", lang, address=address or "–")
    if not postcode:
        return translate("none_given", lang)
    try:
        found = place_address(platform, Address(street, postcode, parts["town"]))
    except PlacementError as exc:
        return exc.said(lang)
    if found.precision == "address":
        return translate("location.review_address", lang, address=address)
    return translate("location.review_postcode", lang, postcode=postcode)


def init_questionnaire(app: Flask, limiter: Limiter) -> None:
    """Register the questionnaire pages on ``app``, with the start's rate limit."""
    app.register_blueprint(blp)
    # a form refused for a typo does not count against the limit
    limit_view(
        app, limiter, "questionnaire.start", "start_submission", _start_limit, spare_invalid=True
    )
