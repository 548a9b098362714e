"""Errors as HTTP: the one place where core errors become status codes and JSON bodies.

Every error response, from a core error, a request the schemas reject, an unknown URL or a bug,
has the same shape::

    {"code": 422, "status": "Unprocessable Entity", "message": "...", "errors": {"bbox": [...]}}

``errors`` maps a parameter or field (or an import line) to what is wrong with it; it is always
there, empty (``{}``) when there is nothing per field to say (an unknown URL, a missing record),
so clients read it without checking for it first.

When the database cannot be reached (it is down, restarting, or the connection broke), every
page and API call answers 503 with a ``Retry-After`` header instead of a traceback: JSON in the
shape above for the API, a short page in the page's language for browsers. The
engine's pool checks connections before use (``pool_pre_ping``), so the app recovers by itself
when the database is back. A write the database refuses (a constraint, a trigger, a full disk)
answers 500 (503 while the database is unreachable); its transaction was rolled back.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, jsonify, redirect, render_template, request, url_for
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from core import language_direction
from core.errors import (
    ConfigError,
    Conflict,
    GeocodingError,
    InputTooLarge,
    InvalidQuery,
    NotFound,
    PluginFailure,
    RegiokarteError,
    TooManyAttempts,
    ValidationError,
)
from webapp.context import page_language
from webapp.portal.i18n import translate

__all__ = [
    "RETRY_AFTER_SECONDS",
    "STATUS_OF",
    "database_error_response",
    "database_unavailable",
    "error_response",
    "http_error_payload",
    "page_for_http_error",
    "overloaded_response",
    "register_error_handlers",
    "status_for",
]

#: Core error class -> HTTP status; the first match in this order wins (subclasses first).
STATUS_OF: tuple[tuple[type[RegiokarteError], int], ...] = (
    (NotFound, 404),
    (InputTooLarge, 413),
    (TooManyAttempts, 429),
    (PluginFailure, 503),
    (Conflict, 409),
    (InvalidQuery, 422),
    (ValidationError, 422),
    (GeocodingError, 422),
    (ConfigError, 500),
)


#: What a client is told to wait before it tries again while the database is unreachable.
RETRY_AFTER_SECONDS = 30

_PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached (rather than refusing)."""
    return isinstance(error, OperationalError | InterfaceError | PoolTimeout) or bool(
        getattr(error, "connection_invalidated", False)
    )


def status_for(error: RegiokarteError) -> int:
    for cls, status in STATUS_OF:
        if isinstance(error, cls):
            return status
    return 500


def error_response(
    status: int,
    message: str,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The JSON error response of the whole web app."""
    payload: dict[str, Any] = {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message,
        "errors": dict(errors or {}),
    }
    response = jsonify(payload)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten(messages: Any) -> dict[str, list[str]]:
    """webargs nests messages by location ({"json": {"name": [...]}}); clients want fields."""
    if not isinstance(messages, Mapping):
        return {"_request": [str(messages)]}
    out: dict[str, list[str]] = {}
    locations = ("json", "query", "querystring", "form", "headers", "cookies", "files", "view_args")
    nested = all(k in locations for k in messages)
    for location, fields in messages.items():
        items = fields.items() if nested and isinstance(fields, Mapping) else [(location, fields)]
        for name, problem in items:
            out.setdefault(str(name), []).extend(_texts(problem))
    return out


def _texts(problem: Any) -> list[str]:
    if isinstance(problem, str):
        return [problem]
    if isinstance(problem, list | tuple):
        return [t for p in problem for t in _texts(p)]
    if isinstance(problem, Mapping):
        return [f"{k}: {t}" for k, v in problem.items() for t in _texts(v)]
    return [str(problem)]


def http_error_payload(error: HTTPException) -> tuple[str, dict[str, list[str]], dict[str, str]]:
    """Message, per-field errors and headers for a werkzeug HTTP error (as flask-smorest raises)."""
    data = getattr(error, "data", None) or {}
    errors = _flatten(data.get("errors") or data.get("messages") or {})
    # werkzeug's own headers carry Allow (405) and WWW-Authenticate (401); flask-smorest 0.47
    # drops them, which is why the Api subclass calls this.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    message = data.get("message")
    if not message:
        if errors:
            details = "; ".join(
                f"{k}: {', '.join(m.rstrip('.') for m in v)}" for k, v in errors.items()
            )
            message = f"The request is invalid: {details}."
        else:
            message = error.description or HTTPStatus(error.code or 500).phrase
    if error.code == 405 and "Allow" in headers:
        message = f"{message} Allowed methods: {headers['Allow']}."
    return message, errors, headers


def register_error_handlers(app: Flask) -> None:
    """Map every core error to its HTTP status (see ``STATUS_OF``), and database errors to
    503 (unreachable) or 500 (refused)."""

    @app.errorhandler(RegiokarteError)
    def _core_error(error: RegiokarteError) -> Response:
        status = status_for(error)
        if status >= 500:
            app.logger.error("%s: %s", type(error).__name__, error.message)
        headers = {}
        if isinstance(error, TooManyAttempts):
            headers["Retry-After"] = str(error.retry_after_seconds)
            if not _wants_json():
                # a token typed into a form of a page: the answer is a page in its language
                minutes = -(-error.retry_after_seconds // 60)
                return _short_page("locked", status, headers, minutes=minutes)
        return error_response(status, error.message, error.errors, headers=headers)

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError) -> Response:
        unavailable = database_unavailable(error)
        # one line, no traceback: the cause is outside the app, the details are in the DB log
        app.logger.error(
            "database %s: %s",
            "unavailable" if unavailable else "refused the request",
            str(error.orig or error).strip().splitlines()[0][:300],
        )
        return database_error_response(unavailable)

    @app.errorhandler(PoolTimeout)
    def _no_connection(error: PoolTimeout) -> Response:
        # every pooled connection is busy for longer than the pool waits: overloaded
        app.logger.error("database unavailable: %s", str(error).splitlines()[0][:300])
        return database_error_response(True)


def page_for_http_error(error: HTTPException) -> Response | None:
    """The answer a person's browser gets for a page that is not there: the same address
    without its trailing slash when that is a page (``/wohnen/`` -> ``/wohnen``, 308), else
    the portal's "page not found" page in the page's language. ``None`` for the API and for
    clients that ask for JSON: they get the JSON problem document."""
    if error.code != 404 or _wants_json():
        return None
    path = request.path
    if path.endswith("/") and len(path) > 1 and request.method in ("GET", "HEAD"):
        adapter = current_app.url_map.bind("")
        try:
            adapter.match(path.rstrip("/"), method="GET")
        except HTTPException:
            pass
        else:
            query = request.query_string.decode("latin-1")
            return redirect(path.rstrip("/") + (f"?{query}" if query else ""), 308)
    try:
        body = render_template("portal/not_found.html", lang=_page_lang())
    except Exception:  # noqa: BLE001 - a broken template must not turn a 404 into a 500
        current_app.logger.exception("the page-not-found template failed")
        return None
    return Response(body, status=404, mimetype="text/html")


def _page_lang() -> str:
    return page_language()


def _wants_json() -> bool:
    """Whether the answer to this request is JSON (the API, or a client asking for JSON)."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )


def database_error_response(unavailable: bool) -> Response:
    """503 (database unreachable, with Retry-After) or 500 (a write refused), as JSON for the
    API and clients that ask for JSON, else as a short page."""
    status = 503 if unavailable else 500
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if unavailable else {}
    if _wants_json():
        message = (
            "The database is unavailable at the moment; try again later."
            if unavailable
            else "The database refused the request; nothing was changed."
        )
        return error_response(status, message, headers=headers)
    return _short_page("unavailable" if unavailable else "refused", status, headers)


def overloaded_response(retry_after: int) -> Response:
    """503 with Retry-After for a request the server has no time for (webapp/overload.py):
    JSON for the API and clients that ask for JSON, else a short page; cheap to make."""
    headers = {"Retry-After": str(retry_after)}
    wants_json = request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )
    if wants_json:
        message = (
            "The server is overloaded at the moment and did not handle the request; "
            f"try again in {retry_after} seconds."
        )
        response = error_response(503, message, headers=headers)
        response.headers["Cache-Control"] = "no-store"
        return response
    return _short_page("busy", 503, headers)


def _short_page(page: str, status: int, headers: Mapping[str, str], **values: Any) -> Response:
    """A minimal page of its own (no template, no database) for answers in bad times: the
    title and text ``errors.<page>_title`` and ``errors.<page>_text`` of the portal's catalog
    in the page's language."""
    lang = _page_lang()
    title = translate(f"errors.{page}_title", lang)
    text = translate(f"errors.{page}_text", lang, **values)
    try:
        href = url_for("portal.static", filename="css/portal.css")
        stylesheet = f'<link rel="stylesheet" href="{escape(href)}">'
    except BuildError:
        stylesheet = ""
    body = (
        f'<!doctype html>\n<html lang="{lang}" dir="{language_direction(lang)}">\n'
        '<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="robots" content="noindex">\n<title>{escape(title)}</title>\n{stylesheet}\n'
        f'</head>\n<body class="page">\n<main id="main" class="content">\n'
        f"<h1>{escape(title)}</h1>\n<p>{escape(text)}</p>\n</main>\n</body>\n</html>\n"
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(headers)
    response.headers["Content-Security-Policy"] = _PAGE_CSP
    response.headers["Cache-Control"] = "no-store"
    return response
