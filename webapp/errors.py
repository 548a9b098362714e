"""Errors as HTTP: the one place where core errors become status codes and JSON bodies.

Every error response, from a core error, a request the schemas reject, an unknown URL or a bug,
has the same shape::

    {"code": 422, "status": "Unprocessable Entity", "message": "...", "errors": {"bbox": [...]}}

``errors`` maps a parameter or field (or an import line) to what is wrong with it; it is left
out when there is nothing per field to say.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from core.errors import (
    ConfigError,
    Conflict,
    GeocodingError,
    InvalidQuery,
    NotFound,
    PluginFailure,
    RegiokarteError,
    ValidationError,
)

__all__ = [
    "STATUS_OF",
    "error_response",
    "http_error_payload",
    "register_error_handlers",
    "status_for",
]

#: Core error class -> HTTP status; the first match in this order wins (subclasses first).
STATUS_OF: tuple[tuple[type[RegiokarteError], int], ...] = (
    (NotFound, 404),
    (PluginFailure, 503),
    (Conflict, 409),
    (InvalidQuery, 422),
    (ValidationError, 422),
    (GeocodingError, 422),
    (ConfigError, 500),
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
    }
    if errors:
        payload["errors"] = dict(errors)
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
    """Map every core error to its HTTP status (see ``STATUS_OF``)."""

    @app.errorhandler(RegiokarteError)
    def _core_error(error: RegiokarteError) -> Response:
        status = status_for(error)
        if status >= 500:
            app.logger.error("%s: %s", type(error).__name__, error.message)
        return error_response(status, error.message, error.errors)
