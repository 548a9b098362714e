"""Search alerts as HTML pages: subscribe to a search, confirm by the mailed link, unsubscribe.

In the page's language (texts: the ``alerts`` table of the portal's catalog), usable without
a script. Every state change is a POST carrying the CSRF token: the links in mails open a
page with a button, so a mail scanner that follows links changes nothing.
Subscribing is rate-limited and has a honeypot field. ``core.portal.alerts`` does the work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from core.errors import Conflict, InvalidQuery, NotFound, Sentence, ValidationError
from core.platform import Platform
from core.portal import alerts
from webapp.portal.i18n import translate
from webapp.portal.views import EXTENSION_KEY, lang_args, page_lang, security_headers
from webapp.security import csrf_protect, limit_view, retry_after_seconds

__all__ = ["blp", "init_alerts", "subscribe_url"]

HONEYPOT = "homepage_url"
#: Parameters of the start page's URL that are its view, not its search.
VIEW_PARAMS = ("map", "company", "in_view", "layers", "lang", "page", "per_page", "zoom", "sort")


def _platform() -> Platform:
    platform: Platform = current_app.extensions[EXTENSION_KEY]
    return platform


def _t(key: str, **values: Any) -> str:
    """The alert pages' text ``key`` (the ``alerts.`` table of the portal's catalog)."""
    return translate(f"alerts.{key}", page_lang(), **values)


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"alerts/{template}", lang=page_lang(), at=_t, **context), status


def _problem(title: str, text: str, status: int) -> tuple[str, int]:
    return _page("problem.html", status, title=_t(title), text=_t(text))


def _search_url(query: str) -> str:
    """The start page showing the subscribed search, in the page's language."""
    args = "&".join(p for p in (query, urlencode(lang_args(page_lang()))) if p)
    return url_for("portal.index") + (f"?{args}" if args else "")


def subscribe_url(args: Any, lang: str) -> str:
    """The subscribe page for the search in ``args`` (the start page's URL parameters)."""
    pairs = [(k, v) for k, v in args.items(multi=True) if k not in VIEW_PARAMS and v]
    pairs += list(lang_args(lang).items())
    return url_for("alerts.subscribe") + (f"?{urlencode(pairs)}" if pairs else "")


def _route(path: str) -> str:
    return path.replace("{token}", "<token>")


blp = Blueprint("alerts", __name__, template_folder="templates")
blp.after_request(security_headers)


@blp.before_request
def _checks() -> Any:
    if not _platform().settings.alerts.enabled:
        return _problem("off_title", "off_text", 404)
    if request.method == "POST":
        csrf_protect()
    return None


@blp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    return _problem("csrf_title", "csrf_text", 400)


@blp.errorhandler(TooManyRequests)
def _too_many(error: TooManyRequests) -> tuple[str, int, dict[str, str]]:
    wait = retry_after_seconds()
    headers = {"Retry-After": str(wait)}
    context = _form_context(request.form.get("query", "")) if request.form else None
    if context is None:
        return (*_problem("limit_title", "limit_text", 429), headers)
    # the form again with what was typed and when to try again: nothing is lost
    minutes = -(-wait // 60)
    when = _t("wait_one") if minutes == 1 else _t("wait_many", n=minutes)
    context.update(
        email=request.form.get("email", "")[:400],
        agreed=request.form.get("consent") == "yes",
        limited=_t("limit_wait", wait=when),
    )
    return (*_page("subscribe.html", 429, **context), headers)


@blp.app_context_processor
def _alert_helpers() -> dict[str, Any]:
    """The start page's link to subscribe to its search (every template may show it)."""
    enabled = _platform().settings.alerts.enabled
    lang = page_lang() if request else "de"
    return {
        "alerts_enabled": enabled,
        "alerts_link_text": translate("alerts.link", lang),
        "alerts_link_hint": translate("alerts.link_hint", lang),
        "alerts_subscribe_url": (subscribe_url(request.args, lang) if request and enabled else ""),
    }


def _summary(query: str) -> list[str]:
    return alerts.describe_query(_platform(), query, page_lang())


def _subscribe_limit() -> str:
    return _platform().settings.alerts.subscribe_limit


@blp.route("/suche/abonnieren", methods=["GET", "POST"])
def subscribe() -> Any:
    """The subscribe form: the search in words, an address, the consent.

    Rate-limited per address (``alerts.subscribe_limit``, see ``init_alerts``).
    """
    platform = _platform()
    if request.method == "GET":
        raw: Any = {k: request.args.getlist(k) for k in request.args if k not in VIEW_PARAMS}
    else:
        raw = request.form.get("query", "")[: alerts.MAX_QUERY_LENGTH + 1]
    try:
        query = alerts.canonical_query(platform, raw)
    except InvalidQuery as exc:
        # each bad parameter's sentence in the page's language (core's filter messages name
        # the filter); the English summary where a check gave no sentence
        said = [Sentence.of(m, page_lang()) for v in exc.errors.values() for m in v]
        translated = all(isinstance(m, Sentence) for v in exc.errors.values() for m in v)
        details = " ".join(said) if said and translated else Sentence.of(exc.message, page_lang())
        return _page("subscribe.html", 422, query=None, query_error=details, errors={})
    context = _form_context(query)
    if request.method == "GET" or context is None:
        return _page("subscribe.html", **(context or {}))
    email = request.form.get("email", "")[:400]
    agreed = request.form.get("consent") == "yes"
    context.update(email=email, agreed=agreed)
    if request.form.get(HONEYPOT):
        # a bot filled the invisible field: answer as if it worked, store nothing
        return _page("sent.html", email=email, search_url=context["search_url"])
    errors = _subscribe(query, email, agreed=agreed)
    if errors:
        # the form again with every problem and what was typed; the rate limit spares it
        context["errors"] = errors
        return _page("subscribe.html", 422, **context)
    return _page("sent.html", email=email, search_url=context["search_url"])


def _form_context(query: str) -> dict[str, Any] | None:
    """What the subscribe form shows of the search ``query`` (None when it is not one)."""
    platform = _platform()
    try:
        query = alerts.canonical_query(platform, query)
    except InvalidQuery:
        return None
    return {
        "query": query,
        "summary": _summary(query),
        "search_url": _search_url(query),
        "email": "",
        "agreed": False,
        "errors": {},
        "limited": "",
        "days": platform.settings.alerts.confirm_days,
    }


def _subscribe(query: str, email: str, agreed: bool) -> dict[str, str]:
    """Subscribe ``email`` to ``query`` (the confirmation mail goes out); the form's
    messages by field when that was refused (empty: it worked)."""
    platform = _platform()
    errors: dict[str, str] = {}
    # every problem at once: the address is checked before the consent, so name both
    if not agreed:
        errors["consent"] = _t("error_consent")
    try:
        alerts.subscribe(
            platform,
            email=email,
            query=query,
            lang=page_lang(),
            consent=agreed,
            base_url=platform.link_base(request.host_url),
        )
    except ValidationError as exc:
        if "email" in exc.errors:
            errors["email"] = _t("error_email")
    except Conflict:
        errors["email"] = _t("error_limit")
    # in the order of the form
    return {k: errors[k] for k in ("email", "consent") if k in errors}


def _token_page(
    token: str,
    purpose: str,
    template: str,
    act: Callable[[Platform, str], alerts.StateChange],
) -> Any:
    """A mailed link's page: GET shows the subscription and a button, POST does ``act``."""
    platform = _platform()
    try:
        if request.method == "GET":
            found = alerts.subscription_for(platform, token, purpose)
            return _page(
                template,
                subscription=found,
                summary=_summary(found.query),
                search_url=_search_url(found.query),
                done=None,
            )
        change = act(platform, token)
    except NotFound:
        return _problem("invalid_title", "invalid_text", 404)
    except Conflict:
        return _problem("cancelled_title", "cancelled_text", 409)
    found = change.subscription
    return _page(
        template,
        subscription=found,
        summary=_summary(found.query),
        search_url=_search_url(found.query),
        done=change,
    )


@blp.route(_route(alerts.CONFIRM_PATH), methods=["GET", "POST"])
def confirm(token: str) -> Any:
    """The confirmation link: a button; the POST activates the alert."""
    return _token_page(token, alerts.CONFIRM, "confirm.html", alerts.confirm)


@blp.route(_route(alerts.UNSUBSCRIBE_PATH), methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """The unsubscribe link: a button; the POST ends the alert."""
    return _token_page(token, alerts.UNSUBSCRIBE, "unsubscribe.html", alerts.unsubscribe)


def init_alerts(app: Flask, limiter: Limiter) -> None:
    """Register the alert pages (with the subscribe form's rate limit) and the start page's
    link helper for every template."""
    app.register_blueprint(blp)
    # a refused form (422: a mistyped address, no consent) does not use up the limit
    limit_view(
        app, limiter, "alerts.subscribe", "subscribe_alert", _subscribe_limit, spare_invalid=True
    )
