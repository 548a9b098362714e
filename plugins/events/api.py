"""The JSON API under ``/api/v1/events`` (a flask-smorest blueprint the web app mounts).

Reading is public. Writing needs ``Authorization: Bearer <token>``: the operator token
(``portal.operator_token``) or the API token of a verified organisation, which may create
events (it becomes their first organiser), change its own events and see their participants.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

import marshmallow as ma
from core import csv_writer
from flask import Response
from flask import current_app
from flask import g
from flask import request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields
from marshmallow import validate
from webapp.kit import LAT_LON
from webapp.kit import LINK
from webapp.kit import OPERATOR_SECURITY
from webapp.kit import VISIBLE
from webapp.kit import AddressSchema
from webapp.kit import JsonBoolean
from webapp.kit import LangArgs
from webapp.kit import PageSchema
from webapp.kit import SlugRecordSchema
from webapp.kit import api_blueprint
from webapp.kit import codes_pattern
from webapp.kit import current_platform
from webapp.kit import declared_role
from webapp.kit import import_body_doc
from webapp.kit import uploaded_file
from webapp.kit import value_rule

from plugins.events import vocab
from plugins.events.feedcache import FEED_MAX_EVENTS
from plugins.events.feedcache import SLOT_SECONDS
from plugins.events.feedcache import FeedCache
from plugins.events.hooks import service_for
from plugins.events.model import REGISTRATION_MODES
from plugins.events.model import Event
from plugins.events.model import Organisation
from plugins.events.service import EventsService
from plugins.events.service import NotAllowed
from plugins.events.service import Principal
from plugins.events.texts import format_when
from plugins.events.texts import text
from plugins.events.views import RATE_LIMIT_SCOPE

if TYPE_CHECKING:
    pass

__all__ = ["FEED_CACHE_KEY", "blp", "event_json"]

#: Largest id there can be: ids are INTEGER columns (32 bits on PostgreSQL).
MAX_ID = 2**31 - 1
T = TypeVar("T")


class EventsCalendarArgs(LangArgs):
    kind = fields.List(
        fields.String(metadata={"pattern": codes_pattern(vocab.values(vocab.KINDS))}),
        metadata={
            "description": "Kinds (repeat or comma-separate): "
            + ", ".join(vocab.values(vocab.KINDS)),
            "allowEmptyValue": True,
        },
    )
    audience = fields.List(
        fields.String(metadata={"pattern": codes_pattern(vocab.values(vocab.AUDIENCES))}),
        metadata={
            "description": f"Audiences: {', '.join(vocab.values(vocab.AUDIENCES))}.",
            "allowEmptyValue": True,
        },
    )
    town = value_rule(
        fields.List(
            fields.String(),
            metadata={"description": "Towns of the region (name or AGS).", "allowEmptyValue": True},
        ),
        "Names or official keys (AGS) of towns of the region.",
        ["Marl"],
    )
    date_from = fields.Date(data_key="from", metadata={"description": "First day (local)."})
    date_to = fields.Date(data_key="to", metadata={"description": "Last day (local)."})
    organisation = value_rule(
        fields.String(
            metadata={
                "description": "Organisation id or slug (GET /api/v1/events/organisations).",
                "allowEmptyValue": True,
            }
        ),
        "The id or slug of an organisation.",
        "ihk-nord-westfalen",
    )


class EventsListArgs(EventsCalendarArgs):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class EventsPlaceSchema(AddressSchema):
    name = fields.String()
    ags = fields.String()


class EventsOrganisationSchema(SlugRecordSchema):
    type = fields.String(required=True)
    type_label = fields.String(required=True)
    description = fields.String()
    place = fields.Nested(EventsPlaceSchema)
    email = fields.String()
    phone = fields.String()
    website = fields.String()
    company_id = fields.Integer(allow_none=True)
    verified = fields.Boolean()


class EventSchema(ma.Schema):
    id = fields.Integer(required=True)
    uid = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    start = fields.String(required=True, metadata={"description": "Local time with offset."})
    end = fields.String(required=True)
    timezone = fields.String(required=True)
    when = fields.String(required=True, metadata={"description": "Human-readable, in lang."})
    description = fields.String()
    audiences = fields.List(fields.String())
    place = fields.Nested(EventsPlaceSchema, allow_none=True)
    online_url = fields.String()
    organisers = fields.List(fields.Nested(EventsOrganisationSchema))
    registration = fields.String(required=True)
    registration_url = fields.String()
    capacity = fields.Integer(allow_none=True)
    seats_left = fields.Integer(allow_none=True)
    waiting_list = fields.Boolean()
    status = fields.String(required=True)
    url = fields.String(required=True)
    ics_url = fields.String(required=True)


class EventListSchema(PageSchema):
    feed_url = fields.String(required=True, metadata={"description": "iCalendar feed of it."})
    items = fields.List(fields.Nested(EventSchema), required=True)


class EventsPlaceInputSchema(ma.Schema):
    """Where an event takes place or an organisation sits (a place of the region)."""

    place_name = fields.String(validate=validate.Length(max=200))
    street = fields.String(validate=validate.Length(max=200))
    postcode = value_rule(
        fields.String(validate=validate.Regexp(r"^\d{5}$")), "A postcode of the region.", "45768"
    )
    town = value_rule(
        fields.String(validate=validate.Length(max=100)), "A town of the region.", "Marl"
    )
    lat = value_rule(fields.Float(allow_none=True), "A latitude in the region (with lon).", 51.65)
    lon = value_rule(fields.Float(allow_none=True), "A longitude in the region (with lat).", 7.09)


class EventInputSchema(EventsPlaceInputSchema):
    uid = fields.String(validate=validate.Length(max=255))
    title = fields.String(
        required=True, validate=validate.Length(min=1, max=200), metadata={"pattern": VISIBLE}
    )
    kind = fields.String(required=True, validate=validate.OneOf(vocab.values(vocab.KINDS)))
    start = value_rule(
        fields.String(
            required=True,
            metadata={
                "description": "ISO date-time; without offset it is local (Europe/Berlin).",
                "minLength": 1,
            },
        ),
        "An ISO date-time (a local time in the spring gap is refused).",
        "2027-05-20T10:00",
    )
    end = value_rule(
        fields.String(metadata={"description": "ISO date-time after start; default start + 2 h."}),
        "An ISO date-time after start.",
        "2027-05-20T12:00",
    )
    description = fields.String(validate=validate.Length(max=10_000))
    audiences = fields.List(fields.String(validate=validate.OneOf(vocab.values(vocab.AUDIENCES))))
    online_url = fields.String(validate=validate.Length(max=500), metadata={"pattern": LINK})
    registration = fields.String(validate=validate.OneOf(REGISTRATION_MODES))
    registration_url = fields.String(
        validate=validate.Length(max=500),
        metadata={
            "pattern": LINK,
            "description": "Needed with registration 'external' (implies it when given).",
        },
    )
    capacity = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"maximum": 5000, "description": "At most the setting max_capacity (5000)."},
    )
    waiting_list = JsonBoolean()
    organisers = value_rule(
        fields.List(
            fields.String(),
            metadata={
                "description": "Ids or slugs of organisations (an organisation invites others)."
            },
        ),
        "Ids or slugs of organisations.",
        ["ihk-nord-westfalen"],
    )
    status = fields.String(validate=validate.OneOf(("scheduled", "cancelled")))


_NUMBER = {"type": "number"}
#: lat and lon of an organisation come together (JSON Schema; OpenAPI 3.0 cannot state it).
ORGANISATION_RULES = {"body": {"dependentSchemas": {"lat": LAT_LON, "lon": LAT_LON}}}
#: The rules between an event's fields, as JSON Schema (OpenAPI 3.0 cannot state them).
EVENT_RULES = {
    "body": {
        "anyOf": [
            {"properties": {"online_url": {"minLength": 1}}, "required": ["online_url"]},
            {"properties": {"town": {"pattern": VISIBLE}}, "required": ["town"]},
            {"properties": {"postcode": {"minLength": 5}}, "required": ["postcode"]},
            {"properties": {"lat": _NUMBER, "lon": _NUMBER}, "required": ["lat", "lon"]},
        ],
        "dependentSchemas": {
            "lat": LAT_LON,
            "lon": LAT_LON,
            "registration": {
                "if": {"properties": {"registration": {"const": "external"}}},
                "then": {
                    "properties": {"registration_url": {"minLength": 1}},
                    "required": ["registration_url"],
                },
            },
        },
    }
}


class RegistrationInputSchema(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)
    phone = fields.String(validate=validate.Length(max=50))
    audience = fields.String(validate=validate.OneOf(vocab.values(vocab.AUDIENCES)))
    consent = JsonBoolean(
        required=True,
        metadata={
            "description": "Consent to the processing (see consent_text); must be true.",
            "enum": [True],
        },
    )


class RegistrationResultSchema(ma.Schema):
    event_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "confirmed or waiting"})
    position = fields.Integer(allow_none=True, metadata={"description": "On the waiting list."})
    message = fields.String(required=True)


class EventsOrganisationInputSchema(EventsPlaceInputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(
        required=True, validate=validate.OneOf(vocab.values(vocab.ORGANISATION_TYPES))
    )
    slug = fields.String(validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,99}$"))
    description = fields.String(validate=validate.Length(max=5000))
    email = fields.Email()
    phone = fields.String(validate=validate.Length(max=50))
    website = value_rule(
        fields.Url(metadata={"minLength": 1}),
        "A full http(s) address with a host name.",
        "https://www.ihk.de/nordwestfalen",
    )
    company_id = fields.Integer(
        allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    verified = JsonBoolean()
    show_on_map = JsonBoolean()


class EventsInviteSchema(ma.Schema):
    organisation = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "Id or slug of the organisation to invite."},
    )


class EventsInvitationSchema(ma.Schema):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    event_title = fields.String(required=True)
    organisation_id = fields.Integer(required=True)
    organisation_name = fields.String(required=True)
    invited_by = fields.Integer(
        allow_none=True, metadata={"description": "Inviting organisation; null: the operator."}
    )
    status = fields.String(
        required=True,
        validate=validate.OneOf(("pending", "declined")),
        metadata={"description": "pending (not answered yet) or declined."},
    )
    created_at = fields.String(required=True)
    answered_at = fields.String(allow_none=True)


class EventsParticipantsArgs(ma.Schema):
    format = fields.String(validate=validate.OneOf(("json", "csv")), load_default="json")


class EventsImportArgs(ma.Schema):
    format = fields.String(validate=validate.OneOf(("ics", "csv")))
    organiser = fields.List(
        fields.String(), metadata={"description": "Organisers of records that name none."}
    )


def organisation_json(o: Organisation, lang: str) -> dict[str, Any]:
    return {
        "id": o.id,
        "slug": o.slug,
        "name": o.name,
        "type": o.type,
        "type_label": o.type_label(lang),
        "description": o.description,
        "place": _place(o.place),
        "email": o.email,
        "phone": o.phone,
        "website": o.website,
        "company_id": o.company_id,
        "verified": o.verified,
    }


def _place(place: Any) -> dict[str, Any]:
    return {
        "name": place.name,
        "street": place.street,
        "postcode": place.postcode,
        "town": place.town,
        "ags": place.ags,
        "lat": place.lat,
        "lon": place.lon,
    }


def event_json(event: Event, lang: str, path: str) -> dict[str, Any]:
    return {
        "id": event.id,
        "uid": event.uid,
        "title": event.title,
        "kind": event.kind,
        "kind_label": event.kind_label(lang),
        "start": event.local_start.isoformat(),
        "end": event.local_end.isoformat(),
        "timezone": event.timezone,
        "when": format_when(event, lang),
        "description": event.description,
        "audiences": list(event.audiences),
        "place": _place(event.place) if event.in_person else None,
        "online_url": event.online_url,
        "organisers": [organisation_json(o, lang) for o in event.organisers],
        "registration": event.registration,
        "registration_url": event.registration_url,
        "capacity": event.capacity,
        "seats_left": event.seats_left,
        "waiting_list": event.waiting_list,
        "status": event.status,
        "url": path,
        "ics_url": f"/api/v1/events/{event.id}/calendar.ics",
    }


def _query_args() -> dict[str, list[str]]:
    return {key: request.args.getlist(key) for key in request.args}


#: Where the caller checked before the body is kept for the view (``flask.g``).
PRINCIPAL_KEY = "events_principal"


def _service() -> EventsService:
    return service_for(current_platform())


# "editor": a verified organisation's API token (or the operator token); reading is public
blp = api_blueprint(
    "events",
    __name__,
    "Veranstaltungen (events): calendar, iCalendar feeds, registration.",
    writes="editor",
    access={
        # anyone registers for an event and withdraws with the mail's token
        "Registrations": "public",
        "Cancellation": "public",
        # what organisers alone may read
        "Participants": "editor",
        "EventInvitations": "editor",
        "Invitations": "editor",
        "Organisations": {"GET": "public", "POST": "operator"},
        "OrganisationToken": "operator",
        "Import": "operator",
    },
)
#: Where each app keeps the rendered feeds (``current_app.extensions``).
FEED_CACHE_KEY = "events.feed_cache"


@blp.record_once
def _feed_cache(state: Any) -> None:
    state.app.extensions[FEED_CACHE_KEY] = FeedCache()


@blp.before_request
def _ids_in_range() -> None:
    # larger ids exist in no table; SQLite and PostgreSQL would fail on comparing them
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and value > MAX_ID:
            abort(404, message=f"There is no record with {name} {value}.")


def principal() -> Principal:
    """Who calls: the operator or a verified organisation (by the bearer token), else 401."""
    known = g.get(PRINCIPAL_KEY)
    if known is not None:
        return known  # type: ignore[no-any-return]
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="regiokarte"'}
    if scheme.lower() != "bearer" or not token.strip():
        abort(
            401,
            message=(
                "This operation needs 'Authorization: Bearer <token>': the operator token "
                "or the API token of a verified organisation."
            ),
            headers=challenge,
        )
    # wrong tokens are counted per address; many give 429 (TooManyAttempts)
    service = _service()
    found = current_platform().guard_secret(
        "operator_token", request.remote_addr, lambda: service.principal(token.strip())
    )
    if found is None:
        abort(
            401,
            message="The token is wrong or belongs to no verified organisation.",
            headers=challenge,
        )
    return found


@blp.before_request
def _caller_first() -> None:
    # the caller before the body (flask-smorest parses it before the view runs): a wrong
    # token is 401, an organisation on an operator route 403, whatever the body holds
    role = declared_role()
    if role == "public":
        return
    who = principal()
    if role == "operator" and not who.operator:
        abort(403, message="This operation is for the portal's operators.")
    g.setdefault(PRINCIPAL_KEY, who)


def allowed(call: Callable[[], T]) -> T:
    try:
        return call()
    except NotAllowed as exc:
        abort(403, message=exc.message)


def calendar_name(lang: str) -> str:
    return text("feed_name", lang, region=current_platform().region.name)


@blp.route("")
class Events(MethodView):
    @blp.arguments(EventsListArgs, location="query")
    @blp.response(200, EventListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Upcoming events (soonest first), filtered by kind, audience, town and dates"""
        query = _service().parse_query(_query_args())
        events = _service().upcoming(query)
        start = (args["page"] - 1) * args["per_page"]
        page = events[start : start + args["per_page"]]
        params = "&".join(f"{k}={v}" for k, v in query.params())
        return {
            "total": len(events),
            "page": args["page"],
            "per_page": args["per_page"],
            "feed_url": "/api/v1/events/calendar.ics" + (f"?{params}" if params else ""),
            "items": [event_json(e, args["lang"], _service().event_path(e)) for e in page],
        }

    @blp.arguments(EventInputSchema)
    @blp.response(201, EventSchema)
    @blp.doc(security=OPERATOR_SECURITY, **{"x-dependencies": EVENT_RULES})
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create an event (operator or verified organisation)

        An organisation becomes the event's first organiser; other organisations it
        names in `organisers` are invited and organise only after accepting (see
        `/api/v1/events/invitations`). The operator names organisers directly.
        An event has a place (postcode, town or lat/lon of the region) or an online_url;
        lat and lon come together; registration 'external' needs registration_url; end
        lies after start (also in `x-dependencies`).
        """
        who = principal()
        event, _ = allowed(lambda: _service().save_event(data, who, base_url=request.host_url))
        return event_json(event, "de", _service().event_path(event))


@blp.route("/<int:event_id>")
class OneEvent(MethodView):
    @blp.arguments(LangArgs, location="query")
    @blp.response(200, EventSchema)
    def get(self, args: dict[str, Any], event_id: int) -> dict[str, Any]:
        """One event, with the places left"""
        event = _service().event(event_id)
        return event_json(event, args["lang"], _service().event_path(event))

    @blp.arguments(EventInputSchema)
    @blp.response(200, EventSchema)
    @blp.doc(security=OPERATOR_SECURITY, **{"x-dependencies": EVENT_RULES})
    def put(self, data: dict[str, Any], event_id: int) -> dict[str, Any]:
        """Replace an event (operator or one of its organisers)

        An organisation keeps the event's organisers as they are (they leave through
        `DELETE /api/v1/events/{event_id}/organisers/{organisation_id}`) and invites the
        others it names in `organisers`; a declined invitation is not repeated. The rules
        of POST hold (`x-dependencies`).
        """
        who = principal()
        event, _ = allowed(
            lambda: _service().save_event(data, who, event_id=event_id, base_url=request.host_url)
        )
        return event_json(event, "de", _service().event_path(event))

    @blp.response(204)
    @blp.doc(security=OPERATOR_SECURITY)
    def delete(self, event_id: int) -> None:
        """Delete an event and its registrations (operator only)"""
        if not principal().operator:
            abort(403, message="Only the operator deletes events; organisers cancel them.")
        _service().delete_event(event_id)


@blp.route("/<int:event_id>/calendar.ics")
class EventCalendar(MethodView):
    @blp.arguments(LangArgs, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "iCalendar (RFC 5545) with the event and its VTIMEZONE.",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    )
    def get(self, args: dict[str, Any], event_id: int) -> Response:
        """The event as an iCalendar file"""
        event = _service().event(event_id)
        body = _service().calendar(
            [event], name=event.title, base_url=request.host_url, lang=args["lang"]
        )
        response = Response(body, mimetype="text/calendar")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="veranstaltung-{event.id}.ics"'
        )
        return response


@blp.route("/calendar.ics")
class Feed(MethodView):
    @blp.arguments(EventsCalendarArgs, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": (
                    "Subscribable iCalendar feed of the upcoming events: at most "
                    f"{FEED_MAX_EVENTS}, the soonest first (narrow it with a filter or "
                    "from/to for later ones); with an ETag (If-None-Match gives 304)."
                ),
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            },
            "304": {"description": "Not modified: the ETag sent in If-None-Match holds."},
        }
    )
    def get(self, args: dict[str, Any]) -> Response:
        """A calendar feed of the upcoming events of a filter (e.g. job fairs in Marl)"""
        service, feeds = _service(), current_app.extensions[FEED_CACHE_KEY]
        query = service.parse_query(_query_args())
        lang = args["lang"]
        etag = feeds.etag(service.snapshot().generation, query, lang, request.host_url)
        headers = {"ETag": f'"{etag}"', "Cache-Control": f"public, max-age={SLOT_SECONDS}"}
        if request.if_none_match.contains(etag):
            return Response(status=304, headers=headers)
        body = feeds.get(
            etag,
            lambda: service.calendar(
                service.upcoming(query)[:FEED_MAX_EVENTS],
                name=calendar_name(lang),
                base_url=request.host_url,
                lang=lang,
            ),
        )
        response = Response(body, mimetype="text/calendar", headers=headers)
        response.headers["Content-Disposition"] = 'inline; filename="veranstaltungen.ics"'
        return response


@blp.route("/<int:event_id>/registrations")
class Registrations(MethodView):
    @blp.arguments(RegistrationInputSchema)
    @blp.response(201, RegistrationResultSchema)
    def post(self, data: dict[str, Any], event_id: int) -> dict[str, Any]:
        """Register for an event (a place or the waiting list; a mail confirms it)

        Counts against the same per-address budget as the web form
        (``registrations_per_hour``); beyond it the answer is 429.
        """
        service = _service()
        per_hour = service.settings.registrations_per_hour
        client = request.remote_addr or "-"
        budget = f"{per_hour}/hour"
        limiter = current_platform().rate_limiter()
        if per_hour > 0 and not limiter.hit(RATE_LIMIT_SCOPE, client, budget):
            abort(
                429,
                message=f"Too many registrations from this address (at most {per_hour} "
                "an hour); try again later.",
            )
        outcome = service.register(event_id, data, base_url=request.host_url)
        status = outcome.registration.status
        return {
            "event_id": event_id,
            "status": status,
            "position": outcome.position,
            "message": (
                "Registered; the confirmation mail has the link to cancel."
                if status == "confirmed"
                else f"On the waiting list at position {outcome.position}."
            ),
        }


@blp.route("/registrations/<token>")
class Cancellation(MethodView):
    @blp.response(200)
    def delete(self, token: str) -> dict[str, Any]:
        """Withdraw a registration with the token from the confirmation mail"""
        event, changed = _service().cancel(token, base_url=request.host_url)
        return {"event_id": event.id, "status": "cancelled", "changed": changed}


@blp.route("/<int:event_id>/invitations")
class EventInvitations(MethodView):
    @blp.response(200, EventsInvitationSchema(many=True))
    @blp.doc(security=OPERATOR_SECURITY)
    def get(self, event_id: int) -> list[dict[str, Any]]:
        """Co-organiser invitations of an event (its organisers and the operator)"""
        who = principal()
        found = allowed(lambda: _service().invitations_of_event(event_id, who))
        return [invitation.as_dict() for invitation in found]

    @blp.arguments(EventsInviteSchema)
    @blp.response(201, EventsInvitationSchema)
    @blp.doc(security=OPERATOR_SECURITY)
    def post(self, data: dict[str, Any], event_id: int) -> dict[str, Any]:
        """Invite an organisation to co-organise (it organises once it accepted)

        The invited organisation gets a mail when it has an address; inviting a
        declined organisation again opens its invitation again. 409 when it organises
        the event already.
        """
        who = principal()
        invitation = allowed(
            lambda: _service().invite(
                event_id, data["organisation"], who, base_url=request.host_url
            )
        )
        return invitation.as_dict()


@blp.route("/<int:event_id>/organisers/<int:organisation_id>")
class EventOrganiser(MethodView):
    @blp.response(204)
    @blp.doc(security=OPERATOR_SECURITY)
    def delete(self, event_id: int, organisation_id: int) -> None:
        """Leave an event (the organisation itself) or remove a co-organiser (the first
        organiser or the operator); 409 for the last organiser"""
        who = principal()
        allowed(lambda: _service().remove_organiser(event_id, organisation_id, who))


@blp.route("/invitations")
class Invitations(MethodView):
    @blp.response(200, EventsInvitationSchema(many=True))
    @blp.doc(security=OPERATOR_SECURITY)
    def get(self) -> list[dict[str, Any]]:
        """Invitations the calling organisation received (pending and declined)"""
        return [i.as_dict() for i in _service().invitations_received(principal())]


@blp.route("/invitations/<int:invitation_id>")
class OneInvitation(MethodView):
    @blp.response(204)
    @blp.doc(security=OPERATOR_SECURITY)
    def delete(self, invitation_id: int) -> None:
        """Withdraw an invitation (an organiser of the event or the operator)"""
        who = principal()
        allowed(lambda: _service().withdraw_invitation(invitation_id, who))


@blp.route("/invitations/<int:invitation_id>/accept")
class AcceptInvitation(MethodView):
    @blp.response(200, EventSchema)
    @blp.doc(security=OPERATOR_SECURITY)
    def post(self, invitation_id: int) -> dict[str, Any]:
        """Accept an invitation: the organisation co-organises the event from now on"""
        who = principal()
        event = allowed(lambda: _service().answer_invitation(invitation_id, who, accept=True))
        return event_json(event, "de", _service().event_path(event))


@blp.route("/invitations/<int:invitation_id>/decline")
class DeclineInvitation(MethodView):
    @blp.response(200, EventsInvitationSchema)
    @blp.doc(security=OPERATOR_SECURITY)
    def post(self, invitation_id: int) -> dict[str, Any]:
        """Decline an invitation (the invited organisation)"""
        who = principal()
        allowed(lambda: _service().answer_invitation(invitation_id, who, accept=False))
        return _service().invitation(invitation_id).as_dict()


@blp.route("/<int:event_id>/participants")
class Participants(MethodView):
    @blp.arguments(EventsParticipantsArgs, location="query")
    @blp.response(200)
    @blp.doc(security=OPERATOR_SECURITY)
    def get(self, args: dict[str, Any], event_id: int) -> Any:
        """The participant list for the organiser (JSON or CSV)"""
        who = principal()
        people = allowed(lambda: _service().participants(event_id, who))
        if args["format"] == "csv":
            out = io.StringIO()
            writer = csv_writer(out, delimiter=";")
            columns = ["status", "name", "email", "phone", "audience", "registered_at"]
            writer.writerow(columns)
            for p in people:
                writer.writerow(
                    [p[c].isoformat() if hasattr(p[c], "isoformat") else p[c] for c in columns]
                )
            response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
            response.headers["Content-Disposition"] = (
                f'attachment; filename="teilnehmende-{event_id}.csv"'
            )
            response.headers["Cache-Control"] = "no-store"
            return response
        return {
            "event_id": event_id,
            "participants": [
                {
                    **p,
                    "registered_at": p["registered_at"].isoformat(),
                    "cancelled_at": p["cancelled_at"].isoformat() if p["cancelled_at"] else None,
                }
                for p in people
            ],
        }


@blp.route("/organisations")
class Organisations(MethodView):
    @blp.arguments(LangArgs, location="query")
    @blp.response(200, EventsOrganisationSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """The region's actors: Jobcenter, Agentur für Arbeit, chambers, schools, ..."""
        return [organisation_json(o, args["lang"]) for o in _service().organisations()]

    @blp.arguments(EventsOrganisationInputSchema)
    @blp.response(201, EventsOrganisationSchema)
    @blp.doc(
        security=OPERATOR_SECURITY,
        **{"x-dependencies": {"body": {"dependentSchemas": {"lat": LAT_LON, "lon": LAT_LON}}}},
    )
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add an organisation (operator only)"""
        if not principal().operator:
            abort(403, message="Only the operator adds organisations.")
        return organisation_json(_service().add_organisation(data), "de")


@blp.route("/organisations/<int:organisation_id>/token")
class OrganisationToken(MethodView):
    @blp.response(201)
    @blp.doc(security=OPERATOR_SECURITY)
    def post(self, organisation_id: int) -> dict[str, Any]:
        """Issue a new API token for an organisation (operator only; marks it verified)"""
        if not principal().operator:
            abort(403, message="Only the operator issues organisation tokens.")
        return {
            "organisation_id": organisation_id,
            "token": _service().issue_token(organisation_id),
            "note": "Shown once; an earlier token of this organisation stops working.",
        }


@blp.route("/import")
class Import(MethodView):
    @blp.arguments(EventsImportArgs, location="query")
    @blp.response(200)
    @blp.doc(security=OPERATOR_SECURITY, requestBody=import_body_doc("ics", "csv"))
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Import events from an iCalendar or CSV body, all or nothing (operator only)"""
        if not principal().operator:
            abort(403, message="Only the operator imports events.")
        upload = uploaded_file("upload")
        # the media type names the format when the query does not (text/calendar, text/csv)
        fmt = args.get("format") or (upload.format if upload.format in ("ics", "csv") else None)
        report = _service().import_source(
            "upload." + (fmt or "ics"),
            fmt=fmt,
            data=upload.data,
            default_organisers=args.get("organiser", []),
        )
        return report.as_dict()
