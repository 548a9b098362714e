"""Sessions, CSRF protection and rate limits of the web app.

* Sessions: Flask's signed cookie (``portal.secret_key``), HttpOnly, SameSite=Lax, Secure when
  ``portal.secure_cookies`` is set, lasting ``accounts.session_hours``.
* CSRF: Flask-WTF's token, bound to the session, checked on every POST of the HTML forms
  (questionnaire and operator pages) by ``csrf_protect()``. The JSON API authenticates with
  headers (operator or editor token), never with cookies, so it needs no CSRF token.
* Rate limits: Flask-Limiter, keyed by the client address; ``limits.storage_uri`` says where
  counts live (``memory://`` counts per worker process: use Redis with several workers, and
  put ``werkzeug.middleware.proxy_fix.ProxyFix`` in front when a proxy forwards requests).
* Access: every route is declared with the role that may use it (``Role``): public, editor
  (a company's personal link or an events organisation's token) or operator. Core routes are
  declared in ``CORE_ACCESS``; a plugin's blueprint declares its own with
  ``webapp.kit.declare_access``. ``access_table(app)`` is the resulting matrix;
  ``undeclared_routes(app)`` lists what nobody declared (a test fails on any).
* Browser headers: ``browser_headers`` adds nosniff, a referrer policy, ``frame-ancestors
  'none'`` (kept from framing unless the view is marked ``@embeddable``) and HSTS on HTTPS to
  every response, error pages and the JSON API included.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Flask, Request, Response, abort, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from core.errors import InputRejected
from core.io.untrusted import check_json, parse_json
from core.platform import Platform

__all__ = [
    "CORE_ACCESS",
    "JSON_MAX_DEPTH",
    "CheckedRequest",
    "Role",
    "access_table",
    "csrf_protect",
    "declare_access",
    "embeddable",
    "init_security",
    "limit_view",
    "limiter_of",
    "rate_limit",
    "retry_after_seconds",
    "spare_rate_limit",
    "undeclared_routes",
]

LIMITER_KEY = "regiokarte.limiter"
CSRF_KEY = "regiokarte.csrf"
ACCESS_KEY = "regiokarte.access"


def init_security(app: Flask, platform: Platform) -> Limiter:
    """Configure sessions, CSRF and the rate limiter on ``app``; the limiter is returned."""
    settings = platform.settings
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.portal.secure_cookies,
        SESSION_COOKIE_NAME="regiokarte_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.accounts.session_hours),
        # checked by the HTML blueprints themselves (csrf_protect); the API uses headers
        WTF_CSRF_CHECK_DEFAULT=False,
        # valid as long as the session: filling in a long step must not make it expire
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=settings.portal.secure_cookies,
    )
    app.extensions[CSRF_KEY] = CSRFProtect(app)
    limits = settings.limits
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=limits.storage_uri,
        enabled=limits.enabled,
        headers_enabled=True,
        strategy="moving-window",
        # the store unreachable (Redis restarting): serve without limits and log, never 500
        swallow_errors=True,
    )
    app.extensions[LIMITER_KEY] = limiter
    app.after_request(browser_headers)
    app.before_request(_credentials_first)
    app.request_class = CheckedRequest
    return limiter


def limiter_of(app: Flask) -> Limiter:
    limiter: Limiter = app.extensions[LIMITER_KEY]
    return limiter


def csrf_protect() -> None:
    """Reject the current request (400, CSRFError) unless it carries the session's token."""
    protect: CSRFProtect = current_app.extensions[CSRF_KEY]
    protect.protect()


def spare_rate_limit() -> None:
    """Tell the ``spare_invalid`` limit of this request that the input was refused (a form
    shown again with its errors, answered 200 so that browsers log no failed load)."""
    g.rate_limit_spared = True


def _not_invalid(response: Any) -> bool:
    return bool(response.status_code != 422 and not g.get("rate_limit_spared", False))


def rate_limit(
    limiter: Limiter, scope: str, setting: Callable[[], str], *, spare_invalid: bool = False
) -> Callable[[Any], Any]:
    """A POST-only limit whose value is read from the settings on each request; every route
    with the same ``scope`` (the HTML form and the API, say) counts against one budget.

    ``spare_invalid``: a request refused as invalid input (422, or a form shown again after
    ``spare_rate_limit()``: a mistyped e-mail address, a consent not ticked) does not use up
    the budget; it did nothing (no mail, no record), and
    a person correcting a typo must not be locked out. Never for logins, where every wrong
    password has to count.
    """
    deduct_when = _not_invalid if spare_invalid else None
    return limiter.shared_limit(setting, scope=scope, methods=["POST"], deduct_when=deduct_when)


def limit_view(
    app: Flask,
    limiter: Limiter,
    endpoint: str,
    scope: str,
    setting: Callable[[], str],
    *,
    spare_invalid: bool = False,
) -> None:
    """Put ``rate_limit(limiter, scope, setting)`` on the registered view ``endpoint``.

    Views live at module level while each app has its own limiter (its store, its settings),
    so the limit goes on when the app registers the blueprint, not when the module is read.
    """
    limited = rate_limit(limiter, scope, setting, spare_invalid=spare_invalid)
    app.view_functions[endpoint] = limited(app.view_functions[endpoint])


def retry_after_seconds() -> int:
    """Seconds until the rate limit the current request ran into lets the next one through
    (at least 1; 60 when the limiter cannot tell)."""
    limit = limiter_of(current_app).current_limit
    if limit is None:
        return 60
    return max(1, int(limit.reset_at - time.time()))


# --- access control as data --------------------------------------------------------------------


class Role(enum.StrEnum):
    """Who may use a route; each role includes the ones before it (operators may do all)."""

    PUBLIC = "public"
    #: holder of a personal token: a company's editor link, an events organisation's API token
    EDITOR = "editor"
    OPERATOR = "operator"


#: One view's declaration: a role for all its methods, or a role per HTTP method.
ViewAccess = Role | str | Mapping[str, Role | str]

#: What blueprints declared (``declare_access``): view name (the endpoint without the
#: blueprint's name: the MethodView class or function name) -> ``ViewAccess``; the key
#: ``"*"`` covers every view the mapping does not name. Kept beside the blueprint, not on
#: it, so a blueprint registered on several apps (tests) declares once.
_DECLARED: weakref.WeakKeyDictionary[Any, dict[str, ViewAccess]] = weakref.WeakKeyDictionary()

_PUBLIC = Role.PUBLIC
_EDITOR = Role.EDITOR
_OPERATOR = Role.OPERATOR

#: The core's routes, by blueprint name ("" for routes of the app itself).
CORE_ACCESS: dict[str, dict[str, ViewAccess]] = {
    "": {"static": _PUBLIC},
    "api-docs": {"*": _PUBLIC},
    "pages": {"*": _PUBLIC},
    "portal": {"*": _PUBLIC},
    "search": {"*": _PUBLIC},
    "filters": {"*": _PUBLIC},
    "places": {"*": _PUBLIC},
    "layers": {"*": _PUBLIC},
    "plugins": {"*": _PUBLIC},
    "opendata": {"*": _PUBLIC},
    "companies": {
        "Companies": {"GET": _PUBLIC, "POST": _OPERATOR},
        "CompanyById": {"GET": _PUBLIC, "PATCH": _OPERATOR, "DELETE": _OPERATOR},
    },
    "submissions": {
        "*": _EDITOR,
        "Submissions": {"GET": _OPERATOR, "POST": _PUBLIC},
        "QuestionnaireView": _PUBLIC,
        "Approve": _OPERATOR,
        "Reject": _OPERATOR,
        "RequestChanges": _OPERATOR,
    },
    "questionnaire": {
        "*": _EDITOR,
        "start": _PUBLIC,
        "link": _PUBLIC,
        "logout": _PUBLIC,
        "static": _PUBLIC,
    },
    "admin": {
        "*": _OPERATOR,
        "login": _PUBLIC,
        "logout": _PUBLIC,
        # the admin area's companies, datasets and configuration (named: never public)
        "companies": _OPERATOR,
        "company": _OPERATOR,
        "company_status": _OPERATOR,
        "datasets": _OPERATOR,
        "dataset_list": _OPERATOR,
        "dataset_record": _OPERATOR,
        "dataset_new": _OPERATOR,
        "dataset_delete": _OPERATOR,
        "dataset_import": _OPERATOR,
        "dataset_export": _OPERATOR,
        "configuration": _OPERATOR,
    },
    # search alerts: subscribe, and the confirm / unsubscribe links mailed to the subscriber
    "alerts": {"*": _PUBLIC},
    # the statistics pages; their style sheet is public
    "statistics": {"*": _OPERATOR, "static": _PUBLIC},
}

_IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})


def declare_access(blueprint: Blueprint, access: Mapping[str, ViewAccess]) -> Blueprint:
    """Declare the roles of ``blueprint``'s routes (plugins call this on their blueprints).

    ``access`` maps a view name to a role or to ``{method: role}``; ``"*"`` is the default::

        declare_access(blp, {"*": "public", "Offers": {"GET": "public", "POST": "operator"}})
    """
    for spec in access.values():
        for role in spec.values() if isinstance(spec, Mapping) else (spec,):
            Role(role)  # a misspelt role fails where it is declared, not at the first request
    _DECLARED.setdefault(blueprint, {}).update(access)
    return blueprint


def _role_of(spec: ViewAccess | None, method: str) -> Role | None:
    if spec is None:
        return None
    if isinstance(spec, Mapping):
        found = spec.get(method)
        return None if found is None else Role(found)
    return Role(spec)


def access_table(app: Flask) -> dict[tuple[str, str, str], Role | None]:
    """(URL rule, endpoint, method) -> the declared role, None where nobody declared one."""
    out: dict[tuple[str, str, str], Role | None] = {}
    for rule in app.url_map.iter_rules():
        blueprint_name, _, view = rule.endpoint.rpartition(".")
        declared: Mapping[str, ViewAccess] = CORE_ACCESS.get(blueprint_name) or {}
        blueprint = app.blueprints.get(blueprint_name)
        if blueprint is not None and _DECLARED.get(blueprint):
            declared = _DECLARED[blueprint]
        spec = declared.get(view, declared.get("*"))
        if spec is None and view == "static":
            spec = _PUBLIC  # a blueprint's static folder: Flask adds the route by itself
        for method in sorted((rule.methods or set()) - _IGNORED_METHODS):
            out[(rule.rule, rule.endpoint, method)] = _role_of(spec, method)
    return out


def undeclared_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(URL rule, endpoint, method) of every route whose role nobody declared."""
    return sorted(key for key, role in access_table(app).items() if role is None)


#: Headers that carry an API credential (the views check their value).
CREDENTIAL_HEADERS = ("Authorization", "X-Editor-Token")


def _credentials_first() -> None:
    """An anonymous call of a non-public API route is 401 before any view parses its body.

    Defence in depth from the declared roles: the views still check the credential itself;
    this makes sure none answers an anonymous caller with a 422 about its body (or worse).
    HTML pages keep their own handling (they redirect to their login page).
    """
    if not request.path.startswith("/api/") or request.endpoint is None:
        return
    if any(request.headers.get(name) for name in CREDENTIAL_HEADERS):
        return
    role = access_of(current_app).get((request.endpoint, request.method))
    if role in (Role.EDITOR, Role.OPERATOR):
        from webapp.errors import error_response

        abort(
            error_response(
                401,
                f"This operation is for the role {role.value!r}: send 'Authorization: Bearer "
                "<token>' (or, for a company's submission, 'X-Editor-Token: <token>').",
                headers={"WWW-Authenticate": 'Bearer realm="regiokarte"'},
            )
        )


class CheckedRequest(Request):
    """Flask's request, whose body is checked the moment anything reads it.

    A JSON body nested too deeply or holding unpaired surrogates (``"\\ud800"``) is answered
    400 when a view (or its schema, via ``get_data``/``get_json``) first reads it: once, here,
    for every route of core and the plugins. Checking on reading rather than before every
    request keeps the order of checks: a view authenticates the caller first and reads the
    body after, so a caller without valid credentials gets 401 however bad the body is.
    Syntax errors are left to the reader, which answers them in its own words.
    """

    _body_checked = False

    def get_data(  # type: ignore[override]
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> bytes | str:
        if not self._body_checked and self.is_json:
            self._body_checked = True
            _check_json_body(super().get_data(cache=True, parse_form_data=parse_form_data))
        return super().get_data(cache=cache, as_text=as_text, parse_form_data=parse_form_data)


def _check_json_body(data: bytes | str) -> None:
    from webapp.errors import error_response

    try:
        try:
            value = json.loads(data)
        except RecursionError:
            # parse_json reports the nesting in its own words
            parse_json(data, source="The request body", max_depth=JSON_MAX_DEPTH)
        except ValueError:  # not JSON (or not UTF-8): the view's parser says what is wrong
            return
        else:
            check_json(value, source="The request body", max_depth=JSON_MAX_DEPTH)
    except InputRejected as exc:
        abort(error_response(400, exc.message, exc.errors))


#: How deep a JSON request body may nest (profiles and registrations need four levels).
JSON_MAX_DEPTH = 32


def access_of(app: Flask) -> dict[tuple[str, str], Role | None]:
    """(endpoint, method) -> declared role, computed once per app."""
    cached: dict[tuple[str, str], Role | None] | None = app.extensions.get(ACCESS_KEY)
    if cached is None:
        cached = {
            (endpoint, method): role for (_, endpoint, method), role in access_table(app).items()
        }
        app.extensions[ACCESS_KEY] = cached
    return cached


# --- browser security headers --------------------------------------------------------------------

EMBEDDABLE_ATTRIBUTE = "regiokarte_embeddable"
#: HSTS: a year; subdomains are the operator's business, so they are left out
HSTS = "max-age=31536000"
_FRAME_ANCESTORS = re.compile(r"frame-ancestors[^;]*")


def embeddable(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose pages other sites may show in a frame (a map widget, say)."""
    setattr(view, EMBEDDABLE_ATTRIBUTE, True)
    return view


def _is_embeddable(policy: str | None) -> bool:
    """Whether the view is marked ``@embeddable`` or its policy names the sites that may
    frame it (``frame-ancestors https://...``: a deliberate allow-list, kept as it is)."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if getattr(view, EMBEDDABLE_ATTRIBUTE, False) or getattr(
        view_class, EMBEDDABLE_ATTRIBUTE, False
    ):
        return True
    found = _FRAME_ANCESTORS.search(policy or "")
    sources = found.group(0).split()[1:] if found else []
    return bool(sources) and sources not in (["'self'"], ["'none'"])


def browser_headers(response: Response) -> Response:
    """The headers every response gets, whichever blueprint (or error handler) made it.

    A page's own Content-Security-Policy is kept; only its ``frame-ancestors`` becomes
    ``'none'`` (clickjacking) unless the view is ``@embeddable`` or names its framing sites.
    """
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    policy = headers.get("Content-Security-Policy")
    if not _is_embeddable(policy):
        if policy is None:
            headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        elif "frame-ancestors" in policy:
            headers["Content-Security-Policy"] = _FRAME_ANCESTORS.sub(
                "frame-ancestors 'none'", policy
            )
        else:
            headers["Content-Security-Policy"] = f"{policy.rstrip('; ')}; frame-ancestors 'none'"
        headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
