"""The events pages: the calendar with filters, event pages with schema.org markup and the
registration form, the confirmation and the cancellation pages.

Templates extend the portal's ``portal/base.html`` by name. The pages carry the same strict
content security policy as the portal (no inline script; JSON-LD is a data block) and need no
script at all. Forms are protected against cross-site requests by the web kit
(``protect_forms``): the session's CSRF token (Flask-WTF, as every form of the portal) and a
same-site check (``Origin`` / ``Sec-Fetch-Site``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from core import Conflict
from core import InvalidQuery
from core import NotFound
from core import ValidationError
from flask import Blueprint
from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from markupsafe import Markup
from webapp.kit import current_platform
from webapp.kit import declare_access
from webapp.kit import form_problems
from webapp.kit import language_args
from webapp.kit import page_language
from webapp.kit import protect_forms
from webapp.kit import script_json

from plugins.events import vocab
from plugins.events.hooks import service_for
from plugins.events.model import Event
from plugins.events.service import EventsService
from plugins.events.texts import format_when
from plugins.events.texts import text

__all__ = ["bp", "content_security_policy", "event_json_ld"]

#: What the registration form's rate limit counts (``Platform.rate_limiter``), per address.
RATE_LIMIT_SCOPE = "events_registration"
ATTENDANCE = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


def content_security_policy() -> str:
    """The portal's strict policy; these pages load nothing from other hosts."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )


def event_json_ld(event: Event, url: str, lang: str) -> Markup:
    """schema.org Event markup; safe inside ``<script type="application/ld+json">``."""
    mode = "mixed" if event.online and event.in_person else "online" if event.online else "offline"
    locations: list[dict[str, Any]] = []
    if event.in_person:
        place: dict[str, Any] = {
            "@type": "Place",
            "name": event.place.name or event.place.town,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.place.street,
                "postalCode": event.place.postcode,
                "addressLocality": event.place.town,
                "addressCountry": "DE",
            },
        }
        if event.place.has_point:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": event.place.lat,
                "longitude": event.place.lon,
            }
        locations.append(place)
    if event.online:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description or event.kind_label(lang),
        "url": url,
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == "cancelled"
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": ATTENDANCE[mode],
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": [
            {"@type": "Organization", "name": o.name, **({"url": o.website} if o.website else {})}
            for o in event.organisers
        ],
        "inLanguage": "de",
        "isAccessibleForFree": True,
    }
    if event.audiences:
        data["audience"] = [
            {"@type": "Audience", "audienceType": label} for label in event.audience_labels(lang)
        ]
    if event.registration == "portal":
        offer: dict[str, Any] = {
            "@type": "Offer",
            "price": 0,
            "priceCurrency": "EUR",
            "url": url + "#anmeldung",
            "availability": "https://schema.org/InStock"
            if event.seats_left is None or event.seats_left > 0
            else "https://schema.org/SoldOut",
        }
        data["offers"] = offer
        if event.capacity is not None:
            data["maximumAttendeeCapacity"] = event.capacity
            data["remainingAttendeeCapacity"] = event.seats_left
    elif event.registration == "external":
        data["offers"] = {
            "@type": "Offer",
            "price": 0,
            "priceCurrency": "EUR",
            "url": event.registration_url,
        }
    return script_json(data)


bp = Blueprint(
    "events_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/veranstaltungen/static",
)
declare_access(bp, {"*": "public"})
# the registration and cancellation forms carry the session's CSRF token (Flask-WTF)
protect_forms(bp)
#: The style sheet's version in its URL: a new file is fetched at once, an old one cached.
CSS_VERSION = hashlib.sha256((Path(__file__).parent / "static" / "events.css").read_bytes())
CSS_URL = f"/veranstaltungen/static/events.css?v={CSS_VERSION.hexdigest()[:10]}"


def _service() -> EventsService:
    return service_for(current_platform())


def with_lang(path: str, params: list[tuple[str, str]] | None = None) -> str:
    """``path`` with its query, keeping the page's language."""
    params = [*(params or []), *language_args().items()]
    return path + (f"?{urlencode(params)}" if params else "")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    current = page_language()
    return {
        "et": lambda key, **values: text(key, current, **values),
        "lang": current,
        "lang_args": language_args(),
        "with_lang": with_lang,
        "events_css": CSS_URL,
    }


@bp.after_request
def _headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = content_security_policy()
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def card(event: Event) -> dict[str, Any]:
    """What the calendar and the event's pages show of an event."""
    current = page_language()
    return {
        "event": event,
        "url": with_lang(_service().event_path(event)),
        "when": format_when(event, current),
        "kind": event.kind_label(current),
        "audiences": event.audience_labels(current),
        "where": event.place.one_line() if event.in_person else "",
    }


@bp.get("/veranstaltungen")
def calendar() -> Any:
    current, service = page_language(), _service()
    status = 200
    problems: dict[str, list[str]] = {}
    try:
        query = service.parse_query({k: request.args.getlist(k) for k in request.args})
    except InvalidQuery as exc:
        # every bad filter at its field, named by its label in the page's language (the
        # query's own message is the API's); the list shows every event meanwhile
        labels = {"kind": "kind", "audience": "audience", "town": "town"}
        labels |= {"from": "date_from", "to": "date_to"}
        for key in labels:
            if key in exc.errors:
                said = text("bad_filter", current, fields=text(labels[key], current))
                problems[key] = [said]
        if not problems:
            problems["filters"] = [text("bad_filter", current, fields=text("filters", current))]
        query, status = service.parse_query({}), 400
    events = service.upcoming(query)
    params = query.params()
    feed = "/api/v1/events/calendar.ics" + (f"?{urlencode(params)}" if params else "")
    choices = {
        "kind": [(c.value, c.label(current)) for c in vocab.KINDS],
        "audience": [(c.value, c.label(current)) for c in vocab.AUDIENCES],
        "town": [(t.ags, t.name) for t in current_platform().region.towns],
    }
    return render_template(
        "events/calendar.html",
        cards=[card(e) for e in events],
        query=query,
        choices=choices,
        feed_url=feed,
        feed_absolute=request.host_url.rstrip("/") + feed,
        problems=problems,
        typed={k: request.args.get(k, "") for k in ("from", "to")},
        active=bool(params),
    ), status


def event_page(
    event: Event,
    *,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    current, service = page_language(), _service()
    canonical = request.host_url.rstrip("/") + with_lang(service.event_path(event))
    now = service.now()
    open_ = (
        event.registration == "portal"
        and event.status == "scheduled"
        and event.starts_at > now
        and (event.seats_left is None or event.seats_left > 0 or event.waiting_list)
    )
    return render_template(
        "events/event.html",
        c=card(event),
        event=event,
        canonical=canonical,
        json_ld=event_json_ld(event, canonical, current),
        registration_open=open_,
        begun=event.starts_at <= now,
        action=with_lang(f"/veranstaltungen/{event.id}/anmeldung"),
        ics_url=f"/api/v1/events/{event.id}/calendar.ics",
        audiences=[(c.value, c.label(current)) for c in vocab.AUDIENCES],
        errors=errors or {},
        message=message,
        values=values or {},
        purge_days=service.settings.purge_after_days,
    ), status


def load(event_id: int) -> Event:
    try:
        return _service().event(event_id)
    except NotFound:
        abort(404)


@bp.get("/veranstaltungen/<int:event_id>")
@bp.get("/veranstaltungen/<int:event_id>-<slug>")
def event(event_id: int, slug: str = "") -> Any:
    found = load(event_id)
    if slug != found.slug:
        return redirect(with_lang(_service().event_path(found)), 301)
    return event_page(found)


@bp.get("/veranstaltungen/<int:event_id>/anmeldung")
def registration_form(event_id: int) -> Any:
    """The form's own address opened, not sent (the language switcher on a refused
    registration, a reload): the event's page with the form, in the asked language."""
    found = load(event_id)
    return redirect(with_lang(_service().event_path(found)) + "#anmeldung", 303)


@bp.post("/veranstaltungen/<int:event_id>/anmeldung")
def register(event_id: int) -> Any:
    found, service = load(event_id), _service()
    form = request.form
    values = {k: form.get(k, "") for k in ("name", "email", "phone", "audience", "consent")}
    client = request.remote_addr or "-"
    # counted where the portal's own limits are (settings ``limits``: one process or Redis)
    limiter = current_platform().rate_limiter()
    per_hour = service.settings.registrations_per_hour
    budget = f"{per_hour}/hour"
    if per_hour > 0 and not limiter.hit(RATE_LIMIT_SCOPE, client, budget):
        page, status = event_page(
            found, message=text("too_many", page_language()), values=values, status=429
        )
        wait = limiter.retry_after(RATE_LIMIT_SCOPE, client, budget)
        return page, status, {"Retry-After": str(wait)} if wait else {}
    data = {**values, "consent": form.get("consent") == "yes"}
    current = page_language()
    try:
        outcome = service.register(event_id, data, base_url=request.host_url, lang=current)
    except ValidationError as exc:
        # every problem at once, in the page's language (the service's messages are catalog
        # sentences); what was typed and ticked stays in the form
        return event_page(found, errors=form_problems(exc.errors), values=values, status=422)
    except Conflict as exc:
        now = service.event(event_id)
        message = text(conflict_key(now, exc, service.now()), current)
        return event_page(now, message=message, values=values, status=409)
    params = [("status", outcome.registration.status)]
    if outcome.position:
        params.append(("position", str(outcome.position)))
    return redirect(with_lang(f"/veranstaltungen/{event_id}/angemeldet", params), 303)


def conflict_key(event: Event, exc: Conflict, now: dt.datetime) -> str:
    """The catalog key of why a registration was refused, read from the event's state."""
    if "email" in exc.errors:
        return "errors.registered_already"
    if event.registration != "portal":
        return "errors.no_portal_registration"
    if event.status != "scheduled":
        return "errors.event_cancelled"
    if event.starts_at <= now:
        return "errors.begun"
    return "errors.fully_booked"


@bp.get("/veranstaltungen/<int:event_id>/angemeldet")
def registered(event_id: int) -> Any:
    found = load(event_id)
    status = request.args.get("status", "confirmed")
    position = request.args.get("position", "")
    return render_template(
        "events/registered.html",
        c=card(found),
        waiting=status == "waiting",
        position=position if position.isdigit() else "?",
    )


@bp.route("/veranstaltungen/abmelden/<token>", methods=["GET", "POST"])
def cancel(token: str) -> Any:
    service = _service()
    try:
        found, status = service.registration_for(token)
    except NotFound:
        return render_template("events/cancel.html", invalid=True, done=False), 404
    if request.method == "POST":
        try:
            found, _ = service.cancel(token, base_url=request.host_url, lang=page_language())
        except Conflict:
            # the one reason a known registration cannot be withdrawn
            return render_template(
                "events/cancel.html",
                c=card(found),
                invalid=False,
                done=False,
                message=text("errors.cancel_begun", page_language()),
                action=with_lang(request.path),
            ), 409
        return render_template("events/cancel.html", c=card(found), invalid=False, done=True)
    return render_template(
        "events/cancel.html",
        c=card(found),
        invalid=False,
        done=status == "cancelled",
        action=with_lang(request.path),
    )
