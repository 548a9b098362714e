"""Search alerts as HTML pages: subscribe to a search, confirm by the mailed link, unsubscribe.

German first (``?lang=en`` for English), usable without a script. Every state change is a
POST carrying the CSRF token: the links in mails open a page with a button, so a mail
scanner that follows links changes nothing. Subscribing is rate-limited and has a honeypot
field. ``core.portal.alerts`` does the work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from core.errors import Conflict, InvalidQuery, NotFound, ValidationError
from core.platform import Platform
from core.portal import alerts
from webapp.portal.views import EXTENSION_KEY, lang_args, page_lang, security_headers
from webapp.security import csrf_protect, limit_view

__all__ = ["STRINGS", "blp", "init_alerts", "subscribe_url"]

HONEYPOT = "homepage_url"
#: Parameters of the start page's URL that are its view, not its search.
VIEW_PARAMS = ("map", "company", "in_view", "layers", "lang", "page", "per_page", "zoom", "sort")

STRINGS: dict[str, dict[str, str]] = {
    "de": {
        "link": "Suche abonnieren",
        "link_hint": "Per E-Mail erfahren, wenn diese Suche Neues findet",
        "title": "Suche abonnieren",
        "intro": "Wir schicken Ihnen eine E-Mail, wenn neue Unternehmen (oder Veranstaltungen) "
        "zu dieser Suche passen. Höchstens eine E-Mail pro Durchlauf, jederzeit abbestellbar.",
        "your_search": "Ihre Suche",
        "whole_region": "Der Kartenausschnitt zählt nicht: das Abo gilt für die ganze Suche.",
        "email": "Ihre E-Mail-Adresse",
        "email_help": "Dorthin schicken wir den Bestätigungslink und später die Neuigkeiten.",
        "required": "Pflichtfeld",
        "honeypot": "Bitte leer lassen",
        "privacy_title": "Datenschutz",
        "privacy_text": "Wir speichern Ihre E-Mail-Adresse, die Sprache und die Suche nur für "
        "dieses Abo. Erst nach Ihrer Bestätigung über den Link in der E-Mail schicken wir "
        "Neuigkeiten; unbestätigte Abos löschen wir nach {days} Tagen. Jede E-Mail enthält "
        "einen Link zum Abbestellen. Mehr in der Datenschutzerklärung.",
        "privacy_link": "Datenschutzerklärung",
        "consent": "Ich bin einverstanden, dass meine E-Mail-Adresse für dieses Suchabo "
        "gespeichert und genutzt wird.",
        "submit": "Abonnieren",
        "errors_one": "Bitte korrigieren Sie 1 Angabe",
        "errors_many": "Bitte korrigieren Sie {n} Angaben",
        "error_email": "Geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.org.",
        "error_consent": "Bitte stimmen Sie der Speicherung zu, sonst können wir nichts schicken.",
        "error_limit": "Diese Adresse hat schon die höchste Zahl an Suchabos. Bestellen Sie "
        "erst eines ab (Link am Ende jeder Abo-E-Mail).",
        "error_query": "Diese Suche lässt sich nicht abonnieren: {message}",
        "back": "Zurück zur Suche",
        "sent_title": "Bitte bestätigen Sie Ihr Abo",
        "sent_text": "Wir haben eine E-Mail an {email} geschickt. Bitte öffnen Sie den Link "
        "darin, um das Abo zu bestätigen. Ohne Bestätigung schicken wir nichts weiter.",
        "confirm_title": "Suchabo bestätigen",
        "confirm_text": "Bitte bestätigen Sie, dass Sie über neue Treffer dieser Suche per "
        "E-Mail an {email} informiert werden möchten.",
        "confirm_button": "Abo bestätigen",
        "confirmed_title": "Ihr Suchabo ist bestätigt",
        "confirmed_text": "Ab jetzt schicken wir Ihnen eine E-Mail, wenn diese Suche Neues "
        "findet. Was sie heute findet, zählt nicht als neu.",
        "already_confirmed": "Dieses Abo war schon bestätigt; es bleibt, wie es ist.",
        "unsubscribe_title": "Suchabo abbestellen",
        "unsubscribe_text": "Möchten Sie keine E-Mails mehr zu dieser Suche an {email}?",
        "unsubscribe_button": "Abbestellen",
        "unsubscribed_title": "Abbestellt",
        "unsubscribed_text": "Sie bekommen keine E-Mails mehr zu dieser Suche.",
        "already_unsubscribed": "Dieses Abo war schon abbestellt.",
        "invalid_title": "Dieser Link gilt nicht (mehr)",
        "invalid_text": "Der Link ist unbekannt oder abgelaufen. Abonnieren Sie die Suche "
        "einfach noch einmal; Sie bekommen dann einen neuen Link.",
        "cancelled_title": "Dieses Abo wurde abbestellt",
        "cancelled_text": "Abonnieren Sie die Suche noch einmal, wenn Sie wieder E-Mails "
        "bekommen möchten.",
        "csrf_title": "Das Formular ist abgelaufen",
        "csrf_text": "Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
        "limit_title": "Zu viele Versuche",
        "limit_text": "Bitte versuchen Sie es später noch einmal.",
        "off_title": "Suchabos gibt es hier nicht",
        "off_text": "Dieses Portal verschickt keine Suchabos.",
    },
    "en": {
        "link": "Subscribe to this search",
        "link_hint": "Get an e-mail when this search finds something new",
        "title": "Subscribe to this search",
        "intro": "We send you an e-mail when new companies (or events) match this search. "
        "At most one mail per run; unsubscribe at any time.",
        "your_search": "Your search",
        "whole_region": "The map area does not count: the alert covers the whole search.",
        "email": "Your e-mail address",
        "email_help": "We send the confirmation link there, and the news later.",
        "required": "required",
        "honeypot": "Please leave empty",
        "privacy_title": "Privacy",
        "privacy_text": "We store your e-mail address, the language and the search for this "
        "alert only. We send news only after you confirm with the link in the e-mail; "
        "unconfirmed alerts are deleted after {days} days. Every mail has an unsubscribe link. "
        "More in the privacy policy.",
        "privacy_link": "Privacy policy",
        "consent": "I agree that my e-mail address is stored and used for this search alert.",
        "submit": "Subscribe",
        "errors_one": "Please correct 1 entry",
        "errors_many": "Please correct {n} entries",
        "error_email": "Enter a valid e-mail address, such as name@example.org.",
        "error_consent": "Please agree to the storage; otherwise we cannot send anything.",
        "error_limit": "This address has the most search alerts one may hold. Unsubscribe "
        "from one first (link at the end of every alert mail).",
        "error_query": "This search cannot be subscribed to: {message}",
        "back": "Back to the search",
        "sent_title": "Please confirm your alert",
        "sent_text": "We sent an e-mail to {email}. Please open the link in it to confirm the "
        "alert. Without confirmation we send nothing more.",
        "confirm_title": "Confirm the search alert",
        "confirm_text": "Please confirm that you want an e-mail to {email} when this search "
        "finds something new.",
        "confirm_button": "Confirm the alert",
        "confirmed_title": "Your search alert is confirmed",
        "confirmed_text": "From now on we mail you when this search finds something new. What "
        "it finds today does not count as new.",
        "already_confirmed": "This alert was confirmed already; it stays as it is.",
        "unsubscribe_title": "Unsubscribe from the search alert",
        "unsubscribe_text": "Do you want no more e-mails about this search to {email}?",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribed_title": "Unsubscribed",
        "unsubscribed_text": "You will get no more e-mails about this search.",
        "already_unsubscribed": "This alert was unsubscribed already.",
        "invalid_title": "This link is not valid (any more)",
        "invalid_text": "The link is unknown or has expired. Simply subscribe to the search "
        "again; you will get a new link.",
        "cancelled_title": "This alert was unsubscribed",
        "cancelled_text": "Subscribe to the search again if you want e-mails again.",
        "csrf_title": "The form has expired",
        "csrf_text": "Please reload the page and try again.",
        "limit_title": "Too many attempts",
        "limit_text": "Please try again later.",
        "off_title": "No search alerts here",
        "off_text": "This portal sends no search alerts.",
    },
}


def _platform() -> Platform:
    platform: Platform = current_app.extensions[EXTENSION_KEY]
    return platform


def _t(key: str, **values: Any) -> str:
    lang = page_lang()
    text = STRINGS.get(lang, STRINGS["de"])[key]
    return text.format(**values) if values else text


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
def _too_many(error: TooManyRequests) -> tuple[str, int]:
    return _problem("limit_title", "limit_text", 429)


@blp.app_context_processor
def _alert_helpers() -> dict[str, Any]:
    """The start page's link to subscribe to its search (every template may show it)."""
    enabled = _platform().settings.alerts.enabled
    lang = page_lang() if request else "de"
    strings = STRINGS.get(lang, STRINGS["de"])
    return {
        "alerts_enabled": enabled,
        "alerts_link_text": strings["link"],
        "alerts_link_hint": strings["link_hint"],
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
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
        return _page(
            "subscribe.html", 422, query=None, query_error=details or exc.message, errors={}
        )
    context: dict[str, Any] = {
        "query": query,
        "summary": _summary(query),
        "search_url": _search_url(query),
        "email": "",
        "errors": {},
        "days": platform.settings.alerts.confirm_days,
    }
    if request.method == "GET":
        return _page("subscribe.html", **context)
    email = request.form.get("email", "")[:400]
    context["email"] = email
    if request.form.get(HONEYPOT):
        # a bot filled the invisible field: answer as if it worked, store nothing
        return _page("sent.html", email=email, search_url=context["search_url"])
    errors = _subscribe(query, email, agreed=request.form.get("consent") == "yes")
    if errors:
        context["errors"] = errors
        return _page("subscribe.html", 422, **context)
    return _page("sent.html", email=email, search_url=context["search_url"])


def _subscribe(query: str, email: str, agreed: bool) -> dict[str, str]:
    """Subscribe ``email`` to ``query`` (the confirmation mail goes out); the form's
    messages by field when that was refused (empty: it worked)."""
    platform = _platform()
    errors: dict[str, str] = {}
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
        if not agreed:
            errors["consent"] = _t("error_consent")
    except Conflict:
        errors["email"] = _t("error_limit")
    return errors


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
    limit_view(app, limiter, "alerts.subscribe", "subscribe_alert", _subscribe_limit)
