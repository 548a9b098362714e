"""Operator pages: login, the moderation queue with the diff, decisions, outbox, audit log;
companies, the plugins' datasets and the configuration are in their own modules.

Operators log in with user name and password (``regiokarte accounts create``); the session
cookie holds the secret of a server-side login record (``core.portal.web_sessions``), so logout, a
new password and deactivation end the login everywhere. Every POST carries the CSRF token;
logins are throttled.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from core.errors import Conflict, NotFound, ValidationError
from core.formatting import format_date
from core.portal import accounts, audit, web_sessions
from core.portal import submissions as flow
from core.portal.mail import FolderOutbox
from webapp.admin import i18n
from webapp.admin.i18n import admin_language
from webapp.context import language_menu
from webapp.portal.i18n import translate as portal_translate
from webapp.portal.views import page_url, security_headers
from webapp.questionnaire import flow as helpers
from webapp.questionnaire.i18n import translate
from webapp.questionnaire.render import preview_view
from webapp.security import csrf_protect, limit_view

__all__ = ["blp", "init_admin"]

OPERATOR_KEY = helpers.OPERATOR_KEY


def _t(key: str, **values: Any) -> str:
    return translate(key, admin_language(), **values)


def _go(endpoint: str, **values: Any) -> Any:
    return redirect(page_url(endpoint, admin_language(), **values), code=303)


def current_operator() -> accounts.Operator | None:
    """The operator this browser is logged in as (None: nobody, or the login has ended)."""
    secret = session.get(OPERATOR_KEY)
    if secret is None:
        return None
    with helpers.platform().session() as db:
        found = web_sessions.operator_of(db, secret)
    if found is None:
        session.pop(OPERATOR_KEY, None)
    return found


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return (
        render_template(
            f"admin/{template}", lang=admin_language(), operator=current_operator(), **context
        ),
        status,
    )


def operator_required(view: Any) -> Any:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_operator() is None:
            return _go("admin.login", next=request.path)
        return view(*args, **kwargs)

    return wrapped


_URL = re.compile(r"https?://[^\s<>\"]+")


def linkify(text: str) -> Markup:
    """Mail text as HTML: escaped, with its web addresses as links."""
    escaped = str(escape(text))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


def when(at: dt.datetime, lang: str) -> str:
    """A moment as the admin's language writes the day, with the time in UTC (the server's
    clock; operators may sit in other time zones)."""
    return translate(
        "moment_utc", lang, day=format_date(at.date(), lang), time=at.strftime("%H:%M")
    )


blp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
blp.after_request(security_headers)


@blp.context_processor
def _texts() -> dict[str, Any]:
    lang = admin_language()
    return {
        "at": lambda key, **values: i18n.translate(key, lang, **values),
        # the portal's header and footer around an admin page speak the admin page's language
        "t": lambda key, **values: portal_translate(key, lang, **values),
        # the moderation texts (questionnaire catalog) in the admin page's language too
        "qt": lambda key, **values: translate(key, lang, **values),
        # the switcher offers only the languages the admin area speaks
        "language_menu": [e for e in language_menu() if e["code"] in i18n.LANGUAGES],
        "admin_link": admin_link,
        "admin_time": lambda at: when(at, lang),
    }


@blp.before_request
def _csrf() -> None:
    if request.method == "POST":
        csrf_protect()


def _problem(title: str, text: str, status: int) -> tuple[str, int]:
    return render_template(
        "questionnaire/problem.html", lang=admin_language(), title=title, text=text
    ), status


@blp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError) -> Any:
    return _problem(_t("csrf_title"), _t("csrf_text"), 400)


@blp.errorhandler(TooManyRequests)
def _too_many(error: TooManyRequests) -> Any:
    return _problem(_t("limit_title"), _t("limit_text"), 429)


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    from webapp.admin.datasets import IMPORT_MAX_BYTES

    limit = f"{IMPORT_MAX_BYTES / (1024 * 1024):g} MB"
    return _problem(
        i18n.translate("import_failed", admin_language()),
        i18n.translate("import_too_large", admin_language(), size=limit),
        413,
    )


@blp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.setdefault("X-Robots-Tag", "noindex")
    return response


# --- login and logout ---------------------------------------------------------------------------


def _login_limit() -> str:
    return helpers.platform().settings.limits.login


@blp.route("/anmelden", methods=["GET", "POST"])
def login() -> Any:
    """The login form; rate-limited per address (``limits.login``, see ``init_admin``)."""
    error = ""
    username = ""
    status = 200
    headers: dict[str, str] = {}
    missing: dict[str, str] = {}
    if request.method == "POST":
        username = request.form.get("username", "")[:100]
        password = request.form.get("password", "")[:1000]
        # an empty field is a typing slip, not a wrong password: named at once, not counted
        if not username.strip():
            missing["username"] = i18n.translate("login_no_username", admin_language())
        if not password:
            missing["password"] = i18n.translate("login_no_password", admin_language())
    if missing:
        html, _ = _page("login.html", error="", username=username, missing=missing)
        return html, 400
    if request.method == "POST":
        result, secret = _log_in(username, password)
        if secret is not None:
            _start_session(secret)
            target = _return_target(request.args.get("next", ""))
            if target is not None:
                return redirect(target, code=303)
            return _go("admin.queue")
        error, status = _t("login_failed"), 401
        if result.locked_until is not None:
            # the same answer for every name, existing or not, and whatever the password
            error, status = _locked_text(result.retry_after_minutes), 429
            headers["Retry-After"] = str(result.retry_after_seconds)
    html, _ = _page("login.html", error=error, username=username, missing={})
    return html, status, headers


#: Characters no path to return to holds: browsers drop tabs and line breaks from an address
#: and read a backslash as a slash, so "/\t/evil.example" or "/\\evil.example" lead off-site.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


def _return_target(target: str) -> str | None:
    """The page of this site to return to after the login (``next``), or None: only a local
    path (one leading "/", no scheme, no host: never another site), and never the login or
    logout page itself."""
    if not target.startswith("/") or target.startswith("//") or _UNSAFE.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if parts.path.rstrip("/") in (url_for("admin.login"), url_for("admin.logout")):
        return None
    return target


def _log_in(username: str, password: str) -> tuple[accounts.LoginResult, str | None]:
    """The login attempt's result and, when it succeeded, the new server-side login's secret."""
    platform = helpers.platform()
    with platform.session(write=True) as db:
        # failed logins are counted per (user name, address) in the database, with a
        # ceiling per name (every worker and server sees them); the per-address rate
        # limit stays as well
        result = accounts.log_in(
            db,
            username,
            password,
            address=request.remote_addr or "",
            policy=accounts.LoginPolicy.from_settings(platform.settings.accounts),
        )
        if result.operator is None:
            return result, None
        secret = web_sessions.start_operator_session(
            db, result.operator.id, helpers.session_lifetime()
        )
    return result, secret


def _start_session(secret: str) -> None:
    """A new session cookie for the operator's login (an editor's login in it is kept)."""
    editor = session.get(helpers.EDITOR_KEY)
    session.clear()  # a new session for the new privilege
    if editor is not None:
        session[helpers.EDITOR_KEY] = editor
    session[OPERATOR_KEY] = secret
    session.permanent = True


def _locked_text(minutes: int) -> str:
    key = "login_locked_one" if minutes == 1 else "login_locked_many"
    return i18n.translate(key, admin_language(), minutes=minutes)


@blp.post("/abmelden")
def logout() -> Any:
    """End every login of this operator, in every browser (a stolen cookie too)."""
    secret = session.pop(OPERATOR_KEY, None)
    if secret is not None:
        with helpers.platform().session(write=True) as db:
            operator = web_sessions.operator_of(db, secret)
            if operator is None:
                web_sessions.end_session(db, secret)
            else:
                ended = web_sessions.end_operator_sessions(db, operator.id)
                audit.log_action(
                    db, operator.actor, "operator.logout", operator.actor, {"ended": ended}
                )
    return _go("admin.login")


# --- moderation ---------------------------------------------------------------------------------


@blp.get("/")
@operator_required
def queue() -> Any:
    platform = helpers.platform()
    status = flow.SubmissionStatus
    waiting = flow.queue(platform, (status.SUBMITTED,))
    returned = flow.queue(platform, (status.CHANGES_REQUESTED,))
    decided = flow.queue(platform, (status.APPROVED, status.REJECTED))[-20:][::-1]
    names = {s.id: preview_name(s) for s in (*waiting, *returned, *decided)}
    return _page(
        "queue.html",
        waiting=waiting,
        returned=returned,
        decided=decided,
        names=names,
        notice=session.pop("admin_notice", None),
    )


def preview_name(submission: flow.Submission) -> str:
    name = (submission.answers.get("unternehmen") or {}).get("name")
    return str(name) if name else "–"


@blp.route("/einreichung/<int:submission_id>", methods=["GET", "POST"])
@operator_required
def submission(submission_id: int) -> Any:
    platform = helpers.platform()
    try:
        found = flow.get(platform, submission_id)
    except NotFound:
        return render_template("portal/not_found.html", lang=admin_language()), 404
    error, problems = "", []
    if request.method == "POST":
        try:
            notice = _decide(found)
        except flow.SubmissionInvalid as exc:
            lang = admin_language()
            problems = [m.text(lang) for section in exc.problems.values() for m in section.values()]
            error = _t("approve_invalid", n=len(problems))
        except ValidationError:
            if request.form.get("action") == "approve":
                # the profile the answers make does not pass core's checks (the company
                # can correct it; the log has the details)
                current_app.logger.exception("submission %s could not be published", found.id)
                error = _t("approve_failed")
            else:
                error = _t("decision_missing_text")
        except Conflict:
            # decided meanwhile (another operator, another tab): say how it stands now
            found = flow.get(platform, submission_id)
            error = _t("decision_conflict", status=_t(f"status_label_{found.status.value}"))
        else:
            if notice is not None:
                session["admin_notice"] = notice
                return _go("admin.queue")
    changes = flow.changes(platform, found)
    return _page(
        "submission.html",
        400 if error else 200,
        submission=found,
        changes=changes,
        error=error,
        problems=problems,
        **preview_view(platform, found, admin_language()),
    )


def _decide(found: flow.Submission) -> str | None:
    """Carry out the form's decision on ``found``: the notice for the queue page (None: the
    form named no decision)."""
    platform = helpers.platform()
    operator = current_operator()
    assert operator is not None
    action = request.form.get("action", "")
    text = request.form.get("text", "")[:4000]
    links = helpers.editor_links(found.lang)
    if action == "approve":
        company = flow.approve(platform, found.id, actor=operator.actor, links=links)
        return _t("approved_notice", name=company.name)
    if action == "reject":
        flow.reject(platform, found.id, actor=operator.actor, reason=text)
        return _t("decided_notice")
    if action == "changes":
        flow.request_changes(platform, found.id, actor=operator.actor, message=text, links=links)
        return _t("decided_notice")
    return None


@blp.get("/einreichung/<int:submission_id>/logo")
@operator_required
def submission_logo(submission_id: int) -> Any:
    data = flow.logo_of(helpers.platform(), submission_id=submission_id)
    if data is None:
        return Response("", status=404)
    return Response(data, mimetype="image/png")


# --- mail and audit log -------------------------------------------------------------------------


@blp.get("/postausgang")
@operator_required
def outbox() -> Any:
    box = helpers.platform().outbox
    mails = box.messages() if isinstance(box, FolderOutbox) else []
    host = "" if isinstance(box, FolderOutbox) else helpers.platform().settings.mail.smtp_host
    return _page("outbox.html", mails=mails, smtp_host=host, linkify=linkify)


@blp.get("/protokoll")
@operator_required
def audit_log() -> Any:
    with helpers.platform().session() as db:
        entries = audit.recent_entries(db, limit=300)
    return _page("audit.html", entries=entries)


def admin_link(endpoint: str, **values: Any) -> str:
    """The URL of an admin page in the page's language, empty when ``endpoint`` does not exist
    (pages that other parts of the app add may be missing)."""
    if endpoint not in current_app.view_functions:
        return ""
    return page_url(endpoint, admin_language(), **values)


def init_admin(app: Flask, limiter: Limiter) -> None:
    """Register the operator pages on ``app``, with the login's rate limit."""
    app.register_blueprint(blp)
    limit_view(app, limiter, "admin.login", "login", _login_limit)
    from webapp.admin.statistics import init_statistics  # it builds on this module

    init_statistics(app)
