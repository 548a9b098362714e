"""What a request needs besides its arguments: the platform, the language, the caller's role."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload
from urllib.parse import urlencode

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
)
from marshmallow import validate
from werkzeug.exceptions import Forbidden, Unauthorized

from core.errors import InvalidQuery
from core.i18n import language_direction, language_name, set_language
from core.platform import Platform
from core.settings import PortalSettings

__all__ = [
    "OFFERED_LANGUAGES",
    "OfferedLanguage",
    "current_platform",
    "default_language",
    "init_languages",
    "is_operator",
    "lang_query",
    "language_args",
    "language_menu",
    "languages",
    "narrow_language",
    "page_language",
    "request_language",
    "require_operator",
    "switch_language_url",
]

EXTENSION_KEY = "regiokarte"
#: ``g`` keys: the request's language, and whether Accept-Language chose it.
_LANG = "lang"
_NEGOTIATED = "regiokarte_lang_negotiated"


def current_platform() -> Platform:
    platform: Platform = current_app.extensions[EXTENSION_KEY]
    return platform


# --- the page's language -------------------------------------------------------------------------
# One rule for pages and the API: ``?lang=`` when the portal offers that language, else the
# best Accept-Language match among the offered ones, else the first offered (German by
# default). Links keep ``lang=`` unless the page's language is what a link without it gives.


def languages(platform: Platform | None = None) -> list[str]:
    """The languages the portal offers (``[portal] languages``), the first is the default."""
    chosen = list((platform or current_platform()).settings.portal.languages)
    return chosen or ["de"]


def default_language() -> str:
    """The language of a request that asks for none the portal offers."""
    return languages()[0]


def page_language() -> str:
    """The request's language: ``?lang=`` when offered, else Accept-Language, else default.

    An unknown ``lang`` on a page shows the negotiated language rather than an error page
    (the API refuses it: ``request_language``). A response whose language came from
    Accept-Language says so in ``Vary`` (``init_languages``).
    """
    if _LANG in g:
        return str(g.get(_LANG))
    offered = languages()
    wanted = request.args.get("lang", "")
    if wanted in offered:
        lang = wanted
    else:
        setattr(g, _NEGOTIATED, True)
        lang = request.accept_languages.best_match(offered) or offered[0]
    setattr(g, _LANG, lang)
    return lang


def narrow_language(spoken: Sequence[str]) -> str:
    """The language of a page in an area that speaks only ``spoken`` (the admin area): the
    page's language if the area speaks it, else the area's first; from now on the request's
    language, so the whole page (the frame's texts, core's labels) is in it."""
    lang = page_language()
    if lang not in spoken:
        lang = spoken[0]
        setattr(g, _LANG, lang)
        set_language(lang)
    return lang


def request_language() -> str:
    """The API's ``page_language``: a ``lang=`` the portal does not offer is an error."""
    offered = languages()
    wanted = request.args.getlist("lang")
    if wanted and (len(wanted) > 1 or wanted[0] not in offered):
        raise InvalidQuery(
            f"lang={', '.join(wanted)!r} is not offered; use one of {', '.join(offered)}.",
            {"lang": [f"one of {', '.join(offered)}"]},
        )
    return page_language()


def language_args(lang: str | None = None) -> dict[str, str]:
    """The query arguments that keep ``lang`` (default: the page's) in a link::

        url_for("training_pages.course_list", **language_args())

    None when the link gets that language without them: it is the default language and
    this request neither named it nor negotiated another one (outside a request, a mail's
    links: whenever it is the default language).
    """
    if not has_request_context():
        return {} if lang in (None, languages()[0]) else {"lang": str(lang)}
    page = page_language()
    lang = lang or page
    if lang == default_language() == page and "lang" not in request.args:
        return {}
    return {"lang": lang}


def lang_query(lang: str | None = None, *, join: str = "?") -> str:
    """``language_args`` as the query part of a link: ``"?lang=tr"`` or ``""``; ``join="&"``
    for a link that has a query already."""
    args = language_args(lang)
    return f"{join}{urlencode(args)}" if args else ""


def switch_language_url(lang: str) -> str:
    """The current page in ``lang``, its other query arguments kept.

    ``lang=`` is always named, the default language too: a link without it would show a
    browser that asks for another language in that one.
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.path}?{urlencode(args)}"


def language_menu() -> list[dict[str, Any]]:
    """The language switcher's entries: each offered language by its own name (autonym),
    its direction, the link to the current page in it, and whether it is the page's."""
    page = page_language()
    return [
        {
            "code": code,
            "name": language_name(code),
            "dir": language_direction(code),
            "url": switch_language_url(code),
            "current": code == page,
        }
        for code in languages()
    ]


class _OfferedLanguages(Sequence[str]):
    """The languages the serving portal offers (``[portal] languages``), read when used.

    A schema field built at import (``validate.OneOf(OFFERED_LANGUAGES)``) so takes every
    configured language, an operator's own too; outside an app (a schema used alone) it is
    the portal's default set.
    """

    def _current(self) -> list[str]:
        if has_app_context() and EXTENSION_KEY in current_app.extensions:
            return languages()
        return list(PortalSettings().languages)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._current()[index]

    def __len__(self) -> int:
        return len(self._current())

    def __repr__(self) -> str:
        return repr(tuple(self._current()))


#: The languages of the serving portal, for schemas (``OfferedLanguage``).
OFFERED_LANGUAGES: Sequence[str] = _OfferedLanguages()


class OfferedLanguage(validate.OneOf):
    """A ``lang`` value: one of the portal's languages, named in the error as they are."""

    def __init__(self) -> None:
        super().__init__(OFFERED_LANGUAGES)

    def _format_error(self, value: Any) -> str:
        return f"Must be one of: {', '.join(OFFERED_LANGUAGES)}."


def init_languages(app: Flask) -> None:
    """Say on every response which language it is in (``Content-Language``) and, where
    Accept-Language chose it, that caches must key it by that header (``Vary``)."""

    @app.after_request
    def _language_headers(response: Response) -> Response:
        if g.get(_NEGOTIATED) or request.path.startswith("/api/"):
            response.vary.add("Accept-Language")
        if _LANG in g:
            response.headers["Content-Language"] = str(g.get(_LANG))
        return response


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
