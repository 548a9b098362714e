"""The public web kit for plugin blueprints: what a plugin's pages and API use of the web app.

A plugin hands its blueprints over through ``register_blueprints``; this module is the one
part of ``webapp`` it imports (next to ``from core import Name``). Its names are public and
kept stable like ``core.__all__`` (docs/web-kit.md)::

    from flask import Blueprint
    from webapp.kit import current_platform, declare_access, page_language, protect_forms

    blp = Blueprint("sportclubs_pages", __name__, url_prefix="/sportvereine")
    declare_access(blp, {"*": "public"})

* ``current_platform()``: the platform serving the request (blueprints live at module level
  and find their platform here, not in a closure).
* ``page_language()``, ``language_args()``, ``lang_query()``, ``translator()``: the page's
  language (``?lang=`` when the portal offers it, else the browser's Accept-Language among
  the offered languages, else the first), the ``lang=`` its links keep, and a lookup in a
  plugin's texts.
* ``declare_access(blueprint, roles)``: who may use each route (``webapp.security`` builds
  the access matrix from it; a route nobody declared fails the security tests).
* ``current_operator()``, ``is_operator()``, ``require_role()``: operators as core knows
  them: on pages the login of the admin area (accounts and web sessions), on the JSON API
  the operator token (``Authorization: Bearer <portal.operator_token>``).
* ``api_blueprint(...)``, ``pages_blueprint(...)``: a plugin's API and page blueprints, made
  with their declared access (and the map pages' headers) in one call;
  ``admin_blueprint(...)`` and ``admin_page(...)``: its operator pages in the admin area's
  frame (``admin_language()`` their language).
* API schema pieces: ``LangArgs``, ``AddressSchema``, ``SlugRecordSchema``,
  ``CompanyItemSchema``, ``value_rule``, ``near_arg``, ``bbox_arg``, ``postcode_arg``,
  ``radius_arg``, ``codes_pattern`` next to ``PageSchema`` and friends.
* ``protect_forms(blueprint)``: CSRF protection of a blueprint's forms through Flask-WTF
  (templates add ``{{ csrf_field() }}`` from ``kit/macros.html``).
* ``form_problems(errors)``: a form's problems by field in the page's language, for the
  error summary and the inline messages of ``kit/macros.html``.
* Templates: ``kit/macros.html`` (``tr``, ``csrf_field``, ``error_summary``, ``field_error``,
  ``invalid``, the page kit's fields) and
  ``kit/problem.html`` (a page that states a problem, in the portal's frame).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

import attrs
import flask_smorest
import marshmallow as ma
from attrs import frozen
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from marshmallow import fields
from werkzeug.exceptions import Forbidden

from core.errors import Sentence
from core.i18n import catalog
from core.portal import accounts, web_sessions
from core.settings import MapSettings
from webapp import context
from webapp.context import current_platform
from webapp.security import Role, ViewAccess, access_of, csrf_protect
from webapp.security import declare_access as _declare_access

__all__ = [
    "LANGUAGES",
    "LAT_LON",
    "LINK",
    "OPERATOR_SECURITY",
    "PUBLIC_OR_OPERATOR",
    "VISIBLE",
    "AddressSchema",
    "CompanyItemSchema",
    "FacetCountSchema",
    "JsonBoolean",
    "JsonNumber",
    "LangArgs",
    "PageSchema",
    "Role",
    "SlugRecordSchema",
    "admin_blueprint",
    "admin_language",
    "admin_page",
    "api_blueprint",
    "bbox_arg",
    "codes_pattern",
    "company_item",
    "current_operator",
    "current_platform",
    "declare_access",
    "declared_role",
    "editor_link",
    "enforce_access",
    "form_problems",
    "import_body_doc",
    "is_operator",
    "lang_query",
    "language_args",
    "log_operator_action",
    "map_attribution",
    "map_page_policy",
    "map_pages",
    "near_arg",
    "page_language",
    "pages_blueprint",
    "postcode_arg",
    "protect_forms",
    "radius_arg",
    "require_role",
    "script_json",
    "translator",
    "value_rule",
    "uploaded_file",
    "Upload",
]

F = TypeVar("F", bound=Callable[..., Any])
FieldT = TypeVar("FieldT", bound=fields.Field)

#: The session key of an operator's login (the admin area sets it).
OPERATOR_SESSION_KEY = "operator_session"
_OPERATOR_CACHE = "regiokarte_kit_operator"
#: Fetch-metadata values of a request a page of this site sent.
_SAME_SITE_FETCH = ("same-origin", "none")
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# --- language ------------------------------------------------------------------------------------


def page_language() -> str:
    """The page's language: ``?lang=`` when the portal offers it, else the best match of the
    browser's Accept-Language among the offered languages, else the first offered one.

    An unknown ``lang`` shows that language rather than an error page. Links keep the
    language with ``language_args()`` / ``lang_query()``.
    """
    return context.page_language()


#: The tile credit of the default settings, which the portal's catalog says in every language.
_DEFAULT_ATTRIBUTION = attrs.fields(MapSettings).tile_attribution.default


def map_attribution(lang: str | None = None) -> str:
    """The credit of the portal's map tiles as HTML for Leaflet's ``attribution`` option:
    escaped, "OpenStreetMap" linked to its copyright page for OSM tiles, and the default OSM
    credit in ``lang`` (default: the page's language); an operator's own text stays as
    written. Every map of the portal and of plugins shows the same credit this way."""
    settings = context.current_platform().settings.map
    text = settings.tile_attribution
    if text == _DEFAULT_ATTRIBUTION:
        text = catalog("portal").text("osm_attribution", lang or page_language())
    escaped = str(Markup.escape(text))
    if "openstreetmap" in settings.tile_url and "OpenStreetMap" in text:
        link = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
        return escaped.replace("OpenStreetMap", link, 1)
    return escaped


def language_args(lang: str | None = None) -> dict[str, str]:
    """The query arguments that keep ``lang`` (default: the page's) in a link; none where a
    link without them shows that language::

        url_for("training_pages.course_list", **language_args())
    """
    return context.language_args(lang)


def lang_query(lang: str | None = None, *, join: str = "?") -> str:
    """``language_args`` as the query part of a link: ``"?lang=tr"`` or ``""``; ``join="&"``
    for a link that has a query already: ``f"/kitas/{id}{lang_query()}"``."""
    return context.lang_query(lang, join=join)


def translator(
    table: str | Mapping[str, Mapping[str, str]], lang: str | None = None
) -> Callable[..., str]:
    """``t(key, **values)``: the text ``key`` in the page's language, ``{values}`` filled in.

    ``table`` is the name of a translation catalog (a plugin's is its own name, see
    docs/plugin-guide.md "Translating a plugin"). A missing key is a ``KeyError``: a typo
    shows up in the plugin's tests, not as an empty label. The older form, a dict mapping a
    language to its texts, still works (deprecated; the first language is the fallback).
    """
    lang = lang or page_language()
    if isinstance(table, str):
        texts = catalog(table).texts(lang)

        def from_catalog(key: str, **values: Any) -> str:
            try:
                text = texts[key]
            except KeyError:
                raise KeyError(
                    f"The catalog {table!r} has no text {key!r}: add it to its messages.toml."
                ) from None
            return text.format(**values) if values else text

        return from_catalog
    known = table.get(lang) or next(iter(table.values()))

    def t(key: str, **values: Any) -> str:
        text = known[key]
        return text.format(**values) if values else text

    return t


# --- access --------------------------------------------------------------------------------------


def editor_link(lang: str | None = None) -> Callable[[str], str]:
    """``link(secret)``: the absolute address of the Leitfragebogen's personal link with that
    secret, in ``lang`` (default: the page's), under ``portal.base_url`` (for mails such as
    ``core.invite_new_company``'s)."""
    from webapp.questionnaire.flow import editor_links  # the questionnaire's own links

    return editor_links(lang or page_language()).editor


def declare_access(blueprint: Blueprint, roles: Mapping[str, ViewAccess]) -> Blueprint:
    """Declare who may use each route of ``blueprint``; returns the blueprint.

    ``roles`` maps a view name (a MethodView class or view function name) to a role
    (``"public"``, ``"editor"``, ``"operator"``) or to ``{method: role}``; ``"*"`` covers
    the views the mapping does not name::

        declare_access(blp, {"*": "public", "Offers": {"GET": "public", "POST": "operator"}})

    Call it where the blueprint is made, before the app registers it. The declaration is
    data: the web app lists every route with its role (``webapp.security.access_table``),
    refuses anonymous calls of non-public API routes with 401 before a view reads the body,
    and a test fails on any route nobody declared. Views still check the caller themselves
    (``require_role``).
    """
    return _declare_access(blueprint, roles)


def declared_role() -> Role:
    """The role declared for the current request's route and method (``declare_access``).

    For checks that must run before flask-smorest reads the body (a ``before_request`` of
    the blueprint), so a caller without the right credential gets 401/403 whatever the
    body holds.
    """
    found = access_of(current_app).get((request.endpoint or "", request.method))
    return found or Role.PUBLIC


def enforce_access(blueprint: Blueprint) -> Blueprint:
    """Check each request against the blueprint's declared roles before its view runs.

    Routes declared ``"operator"`` need an operator (``require_role``: the token on the API,
    the login on pages), checked before flask-smorest reads the body, so a caller without
    the token gets 401 whatever the body holds. ``"editor"`` routes are left to the
    blueprint: what an editor's credential is depends on the plugin.
    """

    @blueprint.before_request
    def _declared_role_first() -> None:
        if declared_role() is Role.OPERATOR:
            _check_role("operator")

    return blueprint


def current_operator() -> accounts.Operator | None:
    """The operator this browser is logged in as (the admin area's login), or None.

    A login that has ended (logout elsewhere, new password, account deactivated) is None.
    """
    if _OPERATOR_CACHE in g:
        found: accounts.Operator | None = g.get(_OPERATOR_CACHE)
        return found
    secret = session.get(OPERATOR_SESSION_KEY)
    found = None
    if secret is not None:
        with current_platform().session() as db:
            found = web_sessions.operator_of(db, secret)
    setattr(g, _OPERATOR_CACHE, found)
    return found


def _is_api() -> bool:
    return request.path.startswith("/api/")


def is_operator() -> bool:
    """Whether the caller is an operator.

    On the JSON API (paths under ``/api/``) by the operator token in the Authorization
    header: no header is the public; a wrong token is 401 and an unset token setting 403
    (the caller meant to be an operator and is told so). Cookies never count there, so the
    API needs no CSRF token. On pages by the operator's login in the admin area.
    """
    if _is_api():
        return context.is_operator()
    return current_operator() is not None


def require_role(role: str | Role = "operator") -> Callable[[F], F]:
    """A view decorator: only callers in ``role`` get through.

    ``"operator"``: on the API the operator token (else 401/403 in the API's error shape),
    on pages an operator's login (else a redirect to the login page, which comes back
    here). ``"admin"``: pages only, an operator account with the admin role (else 403).
    ``"public"`` lets everyone through (for symmetry with ``declare_access``).
    """
    wanted = str(role)
    if wanted not in ("public", "operator", "admin"):
        raise ValueError(f"require_role({role!r}): use 'public', 'operator' or 'admin'.")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            _check_role(wanted)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def _check_role(role: str) -> None:
    if role == "public":
        return
    if _is_api():
        if role == "admin":
            raise Forbidden("This operation is for the portal's administrators.")
        context.require_operator()
        return
    operator = current_operator()
    if operator is None:
        abort(redirect(url_for("admin.login", next=request.full_path.rstrip("?")), code=303))
    if role == "admin" and operator.role != accounts.Role.ADMIN:
        raise Forbidden("This page is for the portal's administrators.")


# --- data in pages -------------------------------------------------------------------------------


def script_json(data: Any, *, indent: int | None = 1) -> Markup:
    """``data`` as JSON for a ``<script type="application/ld+json">`` (or
    ``application/json``) data block: every ``<``, ``>`` and ``&`` written as a JSON escape,
    so no text in it can end the element or open a comment, and U+2028/U+2029 escaped; it
    parses to the same data."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# --- page headers --------------------------------------------------------------------------------


def map_page_policy(tile_url: str) -> str:
    """The portal's strict content security policy, plus images from the tile server of
    ``tile_url`` (a ``{s}`` subdomain becomes ``*.``): for pages that draw a map."""
    parts = urlsplit(tile_url.replace("{s}", "a"))
    tiles = ""
    if parts.scheme in ("http", "https") and parts.netloc and "{" not in parts.netloc:
        host = parts.netloc
        if "{s}" in tile_url.split("/")[2]:
            host = "*." + host.split(".", 1)[1]
        tiles = f" {parts.scheme}://{host}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:{tiles}; connect-src 'self'; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )


def map_pages(blueprint: Blueprint) -> Blueprint:
    """Give the blueprint's HTML pages ``map_page_policy`` for the portal's tile server and
    the portal's privacy headers (a page's own policy is kept); returns the blueprint."""

    @blueprint.after_request
    def _map_page_headers(response: Response) -> Response:
        if response.mimetype == "text/html":
            policy = map_page_policy(current_platform().settings.map.tile_url)
            response.headers.setdefault("Content-Security-Policy", policy)
            response.headers.setdefault("Referrer-Policy", "same-origin")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return blueprint


# --- blueprints ----------------------------------------------------------------------------------

#: The methods that change something (``api_blueprint``'s ``writes``).
_WRITES = ("POST", "PUT", "PATCH", "DELETE")


def api_blueprint(
    name: str,
    import_name: str,
    description: str,
    *,
    writes: str | Role = "operator",
    access: Mapping[str, ViewAccess] | None = None,
) -> flask_smorest.Blueprint:
    """A plugin's JSON API blueprint ``name`` under ``/api/v1/<name>``, its access declared.

    Reading (GET) is public and writing (POST, PUT, PATCH, DELETE) is for ``writes`` on every
    route; ``access`` names the views that differ, as ``declare_access`` takes them. So a
    write route nobody thought about is never public by mistake::

        blp = api_blueprint("sportclubs", __name__, "Sportvereine (sports clubs).",
                            access={"Imports": "operator"})  # its GET too
    """
    blueprint = flask_smorest.Blueprint(
        name, import_name, url_prefix=f"/api/v1/{name}", description=description
    )
    default: dict[str, str] = {"GET": "public", **dict.fromkeys(_WRITES, str(writes))}
    return declare_access(blueprint, {"*": default, **(access or {})})


def pages_blueprint(
    name: str,
    import_name: str,
    url_prefix: str,
    *,
    access: Mapping[str, ViewAccess] | None = None,
) -> Blueprint:
    """A plugin's HTML page blueprint with its ``templates`` and ``static`` folders (served
    under ``<url_prefix>/static``), public unless ``access`` says otherwise, with the headers
    of ``map_pages``::

        pages = pages_blueprint("sportclubs_pages", __name__, "/sportvereine")
    """
    blueprint = Blueprint(
        name,
        import_name,
        url_prefix=url_prefix,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    declare_access(blueprint, {"*": "public", **(access or {})})
    return map_pages(blueprint)


def admin_blueprint(name: str, import_name: str, url_prefix: str) -> Blueprint:
    """A plugin's operator pages inside the admin area (a review list): the blueprint
    ``name`` under ``url_prefix`` (a path under ``/admin/``) with the plugin's ``templates``
    folder, every route for logged-in operators only (others go to the login page, which
    comes back), its forms protected (``protect_forms``), answers never cached and never
    indexed. Templates extend ``"admin/_base.html"`` (block ``admin``) and are rendered with
    ``admin_page``, so the page has the admin area's frame, navigation and language; the
    plugin's ``static`` folder is served under ``<url_prefix>/static`` (to operators)::

        review = admin_blueprint("sportclubs_admin", __name__, "/admin/sportvereine")
    """
    if not url_prefix.startswith("/admin/"):
        raise ValueError(
            f"admin_blueprint {name!r}: url_prefix must be a path under /admin/ (such as "
            f"/admin/sportvereine), not {url_prefix!r}."
        )
    blueprint = Blueprint(
        name,
        import_name,
        url_prefix=url_prefix,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    declare_access(blueprint, {"*": "operator"})
    # who asks is checked before the form: an anonymous POST goes to the login page
    protect_forms(enforce_access(blueprint))

    @blueprint.context_processor
    def _admin_helpers() -> dict[str, Any]:
        # the admin frame's template helpers (its texts, links, language menu)
        helpers: dict[str, Any] = {}
        for processor in current_app.template_context_processors.get("admin", ()):
            helpers.update(processor())
        return helpers

    @blueprint.after_request
    def _private(response: Response) -> Response:
        from webapp.portal.views import security_headers

        if request.endpoint != f"{name}.static":  # a stylesheet may be cached
            response.headers["Cache-Control"] = "private, no-store"
        response.headers.setdefault("X-Robots-Tag", "noindex")
        return security_headers(response)

    return blueprint


def admin_language() -> str:
    """The language of an admin page: the page's language if the admin area speaks it
    (German, English), else German, for the whole page."""
    from webapp.admin.i18n import admin_language as language

    return language()


def admin_page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """An ``admin_blueprint`` page: ``template`` rendered in the admin area's frame with
    ``lang`` (``admin_language()``) and the logged-in ``operator``, and ``status``."""
    html = render_template(template, lang=admin_language(), operator=current_operator(), **context)
    return html, status


def log_operator_action(
    db: Any, action: str, subject: str, details: Mapping[str, Any] | None = None
) -> None:
    """Record in the audit log (``/admin/protokoll``), in the session ``db`` of the change,
    that the logged-in operator did ``action`` (``"jobs.match"``) to ``subject``
    (``"jobs.positions:12"``); ``details`` hold field names and states, never what a person
    typed. Commits and rolls back with the change."""
    from core.persistence.audit import log_action

    operator = current_operator()
    if operator is None:
        raise RuntimeError("log_operator_action needs a logged-in operator (admin_blueprint).")
    log_action(db, operator.actor, action, subject, details)


# --- API schemas --------------------------------------------------------------------------------

#: A character Python does not count as white space (its \S), written so that the OpenAPI
#: document's (ECMAScript) regular expressions read it the same way (they differ on
#: \x1c-\x1f, \x85, \ufeff); U+0000, which no text may hold, is left out. For
#: ``metadata={"pattern": VISIBLE}`` of a text that must not be blank.
VISIBLE = r"(?:[^\s\x00\x1c-\x1f\x85]|\ufeff)"
#: A link: empty, or http(s) with a host (``metadata={"pattern": LINK}``).
LINK = rf"^(https?://{VISIBLE}+)?$"
#: The OpenAPI security of operator routes (``@blp.doc(security=OPERATOR_SECURITY)``) and
#: of routes that show operators more (``PUBLIC_OR_OPERATOR``); the scheme is core's.
OPERATOR_SECURITY: list[dict[str, list[str]]] = [{"operatorToken": []}]
PUBLIC_OR_OPERATOR: list[dict[str, list[str]]] = [{}, {"operatorToken": []}]
_NUMBER = {"type": "number"}
_POINT = {"properties": {"lat": _NUMBER, "lon": _NUMBER}, "required": ["lat", "lon"]}
_NO_POINT = {"properties": {"lat": {"type": "null"}, "lon": {"type": "null"}}}
#: JSON Schema (for ``x-dependencies``): lat and lon of a body come together, as numbers or
#: both null: ``"dependentSchemas": {"lat": LAT_LON, "lon": LAT_LON}``.
LAT_LON: dict[str, Any] = {"anyOf": [_POINT, _NO_POINT]}


#: The languages API answers come in (``LangArgs``): the portal's configured ones.
LANGUAGES: Sequence[str] = context.OFFERED_LANGUAGES
#: What ``bbox_arg`` and ``near_arg`` document of their values (``x-value-rule``).
_BBOX_RULE = (
    "Four numbers west,south,east,north inside the world with west <= east and south <= north."
)
_POINT_RULE = "lat,lon inside the world (-90..90, -180..180)."


def value_rule(field: FieldT, rule: str, example: Any) -> FieldT:
    """``field`` documented with a rule on its value that a schema cannot state (the
    ``x-value-rule`` of the OpenAPI document, see docs/web-kit.md) and an ``example`` that
    keeps it; returns the field.

    The API's tests send the example where the document states the rule, so the example is
    loaded through the field here: an example the field itself refuses fails at import,
    naming the rule, rather than in a test run of the whole document.
    """
    try:
        field.deserialize(example)
    except ma.ValidationError as exc:
        raise ValueError(
            f"The example {example!r} of the rule {rule!r} is refused by its own field "
            f"({exc.messages}); give an example the field takes."
        ) from None
    field.metadata = {**field.metadata, "example": example, "x-value-rule": rule}
    return field


def codes_pattern(codes: Iterable[str]) -> str:
    """The ``pattern`` of a parameter that takes one of ``codes`` or several separated by
    commas (``kind=a,b``): ``fields.String(metadata={"pattern": codes_pattern(KINDS)})``."""
    one = "|".join(re.escape(code) for code in codes)
    return f"^({one})(,({one}))*$"


def postcode_arg(description: str, **options: Any) -> fields.String:
    """A query parameter or body field holding a postcode of the portal's postcode table
    (the postcodes core locates places by), documented with an example and its rule;
    ``options`` go to ``fields.String`` (a ``validate=``)."""
    field = fields.String(metadata={"description": description}, **options)
    return value_rule(field, "A German postcode the postcode table holds.", "45657")


def near_arg(description: str, **metadata: Any) -> fields.String:
    """A query parameter ``lat,lon`` (a centre), documented with an example and its rule;
    ``metadata`` adds to the document. The view parses it (``core.parse_point``)."""
    field = fields.String(metadata={"description": description, **metadata})
    return value_rule(field, _POINT_RULE, "51.61,7.19")


def bbox_arg(
    description: str = "west,south,east,north in degrees, west <= east, south <= north.",
    **metadata: Any,
) -> fields.String:
    """A query parameter ``west,south,east,north`` (a map area), documented with an example
    and its rule; ``metadata`` adds to the document. The view parses it (``core.parse_bbox``)."""
    field = fields.String(metadata={"description": description, **metadata})
    return value_rule(field, _BBOX_RULE, "6.9,51.5,7.3,51.7")


def radius_arg(description: str, maximum: float) -> fields.Float:
    """A query parameter ``radius_km`` documented as more than 0 and at most ``maximum``
    (the plugin checks it against its setting, which may be lower)."""
    return fields.Float(
        metadata={
            "description": description,
            "minimum": 0,
            "exclusiveMinimum": True,
            "maximum": maximum,
        }
    )


class LangArgs(ma.Schema):
    """The query of a route that answers in a language: ``lang``, one of the portal's
    languages (default: the browser's Accept-Language among them, else the first)."""

    lang = fields.String(validate=context.OfferedLanguage())

    @ma.post_load
    def _negotiated(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # a view reads params["lang"]: without lang= it is the page rule's language
        if "lang" not in data:
            offered = context.OFFERED_LANGUAGES
            data["lang"] = context.page_language() if has_request_context() else offered[0]
        return data


class JsonBoolean(fields.Boolean):
    """A JSON true or false in a body, not 0, 1 or "yes" (the document says boolean)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class JsonNumber(fields.Float):
    """A JSON number in a body, not a string that looks like one."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PageSchema(ma.Schema):
    """The paging of a list answer; a list schema adds its ``items``."""

    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class FacetCountSchema(ma.Schema):
    """One value of a facet: its code, label, count and whether it is selected."""

    value = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)
    selected = fields.Boolean(required=True)


class AddressSchema(ma.Schema):
    """Where a record lies as the plugins show it: street, postcode, town, and lat/lon (null
    while unknown). A plugin's schema inherits it and adds its fields (a place's name)."""

    street = fields.String()
    postcode = fields.String()
    town = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class SlugRecordSchema(ma.Schema):
    """A record the API finds by its id or its slug (a company, an events organisation): id,
    slug and name, all required. A plugin's schema inherits it and adds its fields."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)


class CompanyItemSchema(SlugRecordSchema):
    """A company as plugins list it (``company_item``): id, slug, name and town. A plugin's
    schema inherits it and adds its fields (``distance_m``, ``url``)."""

    town = fields.String(required=True)


def company_item(hit: Any, **extra: Any) -> dict[str, Any]:
    """A company of a search result as plugins list it (id, slug, name, town, page URL),
    with ``extra`` fields such as ``distance_m``."""
    return {
        "id": hit.id,
        "slug": hit.slug,
        "name": hit.name,
        "town": hit.town,
        **extra,
        "url": f"/unternehmen/{hit.slug}",
    }


# --- imports -------------------------------------------------------------------------------------


@frozen
class Upload:
    """The file of an import request: its name, bytes and media type."""

    name: str
    data: bytes
    mimetype: str

    @property
    def format(self) -> str | None:
        """The format the media type names (``csv``, ``json``, ``ics``, ``xml``), else None."""
        return _FORMAT_OF_MIMETYPE.get(self.mimetype)


_MEDIA_TYPES = {
    "csv": ("text/csv", "string"),
    "json": ("application/json", "object"),
    "xml": ("application/xml", "string"),
    "ics": ("text/calendar", "string"),
}
_FORMAT_OF_MIMETYPE = {
    "text/csv": "csv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/calendar": "ics",
}


def uploaded_file(name: str, *, max_bytes: int | None = None, required: bool = False) -> Upload:
    """The file an import request sends: a multipart field ``file`` or the request body.

    ``name`` is the file's name when the upload names none. ``max_bytes``: a larger file is
    413; ``required``: an empty one is 422 (both in the API's error shape, naming the fix).
    """
    from flask_smorest import abort as api_abort

    upload = request.files.get("file")
    if upload is not None:
        data, name = upload.read(), upload.filename or name
        mimetype = upload.mimetype or request.mimetype
    else:
        data, mimetype = request.get_data(), request.mimetype
    if required and not data:
        api_abort(422, message="The request body is empty; send the file as the body.")
    if max_bytes is not None and len(data) > max_bytes:
        api_abort(413, message=f"The file is larger than {max_bytes} bytes.")
    return Upload(name, data, mimetype or "")


def import_body_doc(*formats: str, description: str = "The file itself.") -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of an import route taking files of ``formats``
    (``csv``, ``json``, ``xml``, ``ics``): ``@blp.doc(requestBody=import_body_doc("csv"))``."""
    content = {_MEDIA_TYPES[f][0]: {"schema": {"type": _MEDIA_TYPES[f][1]}} for f in formats}
    return {"required": True, "description": description, "content": content}


# --- forms ---------------------------------------------------------------------------------------


def protect_forms(blueprint: Blueprint) -> Blueprint:
    """Protect every form of ``blueprint`` against cross-site requests; returns it.

    Each POST (PUT, PATCH, DELETE) must carry the session's CSRF token (Flask-WTF; put
    ``{{ csrf_field() }}`` from ``kit/macros.html`` into the form) and must not come from
    another site (``Sec-Fetch-Site``/``Origin``, where the browser sends them). A refused
    request gets ``kit/problem.html`` with status 400 (no token) or 403 (another site).
    """

    @blueprint.before_request
    def _protect() -> None:
        if request.method in _WRITE_METHODS:
            if not _same_site():
                abort(make_response(_problem("cross_site", 403)))
            csrf_protect()

    @blueprint.errorhandler(CSRFError)
    def _refused(error: CSRFError) -> Any:
        return _problem("csrf", 400)

    return blueprint


def form_problems(
    errors: Mapping[str, Sequence[object] | object],
    lang: str | None = None,
    *,
    fields: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """Every field's messages of ``errors`` in the page's language, for ``error_summary`` and
    ``field_error`` of ``kit/macros.html``.

    ``errors`` maps a field name to a message or a list of them, as ``ValidationError.errors``
    holds them: a ``core.Sentence`` (a catalog message) is said in ``lang`` (default: the
    page's language), any other message as it is. Fields keep their order, so the summary
    lists the problems in the order of the form when the check ran in that order.

    ``fields`` (a search form's) maps a query parameter to the form field that sets it
    (``{"near_town": "place"}``); a message that is no ``Sentence`` then becomes one sentence
    in the page's language saying that the address of the page holds a bad value.
    """
    lang = lang or page_language()
    said: dict[str, list[str]] = {}
    for name, messages in errors.items():
        many = messages if isinstance(messages, list | tuple) else [messages]
        if fields is not None:
            # a search form: the parameter's field on the form; a parameter only a hand-made
            # address holds gets one sentence in the page's language instead of the API's
            many = [m if isinstance(m, Sentence) else _bad_parameter(lang) for m in many]
            name = fields.get(name, name)
        for text in (Sentence.of(m, lang) for m in many if m):
            if text not in said.setdefault(name, []):
                said[name].append(text)
    return {name: messages for name, messages in said.items() if messages}


def _bad_parameter(lang: str) -> str:
    from webapp.portal.i18n import translate  # the kit's texts live in the portal's catalog

    return translate("kit.bad_parameter", lang)


def _same_site() -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in _SAME_SITE_FETCH:
        return False
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin.rstrip("/") == request.host_url.rstrip("/")
    return True


def _problem(kind: str, status: int) -> Any:
    from webapp.portal.i18n import translate  # the kit's texts live in the portal's catalog

    lang = page_language()
    title, text = translate(f"kit.{kind}_title", lang), translate(f"kit.{kind}_text", lang)
    return render_template("kit/problem.html", lang=lang, title=title, text=text), status
