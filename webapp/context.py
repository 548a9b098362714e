"""What a request needs besides its arguments: the platform, the language, the caller's role."""

from __future__ import annotations

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from core.errors import InvalidQuery
from core.platform import Platform

__all__ = ["current_platform", "is_operator", "request_language", "require_operator"]

#: Languages with labels in core; the portal's ``languages`` setting picks among them.
SUPPORTED_LANGUAGES = ("de", "en")
EXTENSION_KEY = "regiokarte"


def current_platform() -> Platform:
    platform: Platform = current_app.extensions[EXTENSION_KEY]
    return platform


def languages(platform: Platform) -> list[str]:
    chosen = [lang for lang in platform.settings.portal.languages if lang in SUPPORTED_LANGUAGES]
    return chosen or ["de"]


def request_language() -> str:
    """``lang=`` if given (must be supported), else the best Accept-Language match, else default."""
    if "lang" in g:
        return str(g.lang)
    offered = languages(current_platform())
    wanted = request.args.getlist("lang")
    if wanted:
        if len(wanted) > 1 or wanted[0] not in offered:
            raise InvalidQuery(
                f"lang={', '.join(wanted)!r} is not supported; use one of {', '.join(offered)}.",
                {"lang": [f"one of {', '.join(offered)}"]},
            )
        lang = wanted[0]
    else:
        lang = request.accept_languages.best_match(offered, default=offered[0]) or offered[0]
    g.lang = lang
    return lang


def _token_setting() -> str:
    return current_platform().settings.portal.operator_token


def _disabled() -> Forbidden:
    error = Forbidden()
    error.data = {
        "message": (  # type: ignore[attr-defined]
            "Operator access through the API is disabled. Set portal.operator_token in the "
            "configuration file (or the environment variable REGIOKARTE_PORTAL__OPERATOR_TOKEN) "
            "and send it as 'Authorization: Bearer <token>'."
        )
    }
    return error


def _unauthorized(message: str) -> Unauthorized:
    error = Unauthorized(www_authenticate=None)
    error.data = {  # type: ignore[attr-defined]
        "message": message,
        "headers": {"WWW-Authenticate": 'Bearer realm="regiokarte"'},
    }
    return error


def is_operator() -> bool:
    """Whether the request carries the operator token; a wrong or unusable token is an error.

    Without an Authorization header the caller is the public. With one, it must be right: a
    caller who meant to be an operator is told so instead of silently seeing less.
    """
    header = request.headers.get("Authorization")
    if header is None:
        return False
    expected = _token_setting()
    if not expected:
        raise _disabled()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <operator token>'.")
    # wrong tokens are counted per address; many lock it for a while (429, core.portal.attempts)
    if not current_platform().check_secret(
        "operator_token", request.remote_addr, token.strip(), expected
    ):
        raise _unauthorized("The operator token is wrong.")
    return True


def require_operator() -> None:
    """Allow the request only for operators (403 while the token setting is empty)."""
    if not _token_setting():
        raise _disabled()
    if not is_operator():
        raise _unauthorized(
            "This operation is for operators: send 'Authorization: Bearer <operator token>'."
        )
