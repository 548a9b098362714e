"""The JSON API under ``/api/v1/transit`` (a flask-smorest blueprint the web app mounts)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

import marshmallow as ma
from core import InvalidQuery
from core import NotFound
from core import feature_collection
from core import parse_bbox
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from marshmallow import validate
from sqlalchemy import select
from webapp.kit import CompanyItemSchema
from webapp.kit import LangArgs
from webapp.kit import api_blueprint
from webapp.kit import bbox_arg
from webapp.kit import company_item
from webapp.kit import current_platform
from webapp.kit import value_rule

from plugins.transit import tables as t
from plugins.transit.hooks import service_for
from plugins.transit.profile import company_connection
from plugins.transit.questionnaire import commuting_section
from plugins.transit.service import TransitService

if TYPE_CHECKING:
    from core import Platform

__all__ = ["make_blueprint"]


class StopArgs(LangArgs):
    bbox = bbox_arg("west,south,east,north in degrees; without it: all stops.")


def travel_args(max_travel_min: int) -> type[ma.Schema]:
    """The query of /travel-times; ``max_minutes`` is limited (and documented) by the
    portal's ``max_travel_min``, the longest travel time the router searches."""

    class TravelArgs(LangArgs):
        origin = value_rule(
            fields.String(
                required=True,
                data_key="from",
                validate=validate.Length(min=1, max=200),
                metadata={
                    "description": (
                        "Address with postcode, postcode, town, stop name, stop:<id> or lat,lon."
                    )
                },
            ),
            "A place the plugin finds: an address with its postcode, a "
            "postcode, a town of the region, a stop name or stop:<id>, or lat,lon.",
            "Marl",
        )
        max_minutes = fields.Integer(
            load_default=min(30, max_travel_min),
            validate=validate.Range(min=1, max=max_travel_min),
            metadata={
                "description": (
                    "Longest travel time in minutes (at most this portal's max_travel_min, "
                    f"{max_travel_min})."
                )
            },
        )
        limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))

    return TravelArgs


#: Names of the search parameters in the /travel-times query (errors name what was sent).
_SENT_AS = {"transit_from": "from", "transit_time": "max_minutes", "per_page": "limit"}


class GeoJSONSchema(ma.Schema):
    type = fields.String(required=True)
    features = fields.List(fields.Dict(), required=True)


class ReachableSchema(CompanyItemSchema):
    minutes = fields.Float(required=True)


class TravelSchema(ma.Schema):
    origin = fields.Dict(required=True)
    service_date = fields.Integer(allow_none=True)
    departure = fields.String(required=True)
    total = fields.Integer(required=True, metadata={"description": "Companies reached in time."})
    items = fields.List(fields.Nested(ReachableSchema), required=True)
    search_params = fields.Dict(
        required=True, metadata={"description": "The same filter for /api/v1/companies."}
    )


def _service() -> TransitService:
    return service_for(current_platform())


def stops(args: dict[str, Any]) -> dict[str, Any]:
    layer = current_platform().layers["transit_stops"]
    return feature_collection(
        layer.features(parse_bbox(args["bbox"]) if args.get("bbox") else None, args["lang"])
    )


def connection(args: dict[str, Any], company_id: int) -> dict[str, Any]:
    company = current_platform().company(company_id, public_only=True)
    if company.location is None:
        raise NotFound(f"The company {company_id} has no location.")
    info = company_connection(_service(), company.location.lat, company.location.lon, args["lang"])
    return {"company_id": company_id, **info}


def _travel_query(args: dict[str, Any]) -> tuple[Any, Any, dict[str, list[str]]]:
    """The origin, the company search for /travel-times and its parameters."""
    try:
        origin = _service().resolve_origin(args["origin"])
        params = {
            "transit_from": [origin.key],
            "transit_time": [f"..{args['max_minutes']}"],
            "sort": ["transit_time"],
            "per_page": [str(args["limit"])],
            "lang": [args["lang"]],
        }
        return origin, current_platform().parse_query(params), params
    except InvalidQuery as exc:
        # the search's own names (transit_from, ...) mean nothing to this caller
        message = exc.message
        for ours, theirs in _SENT_AS.items():
            message = message.replace(f"{ours}=", f"{theirs}=")
        raise InvalidQuery(
            message, {_SENT_AS.get(k, k): v for k, v in exc.errors.items()}
        ) from None


def travel_times(args: dict[str, Any]) -> dict[str, Any]:
    service = _service()
    origin, query, params = _travel_query(args)
    result = current_platform().search(query)
    state = service.state()
    return {
        "origin": {"label": origin.label, "lat": origin.lat, "lon": origin.lon},
        "service_date": state.date if state is not None else None,
        "departure": service.settings.window_label,
        "total": result.total,
        "items": [
            company_item(hit, minutes=round(hit.dynamic_values["transit_time"] or 0.0, 1))
            for hit in result.items
        ],
        "search_params": {k: v[0] for k, v in params.items() if k.startswith("transit")},
    }


def feed() -> dict[str, Any]:
    with current_platform().session() as session:
        row = session.execute(select(t.feeds).order_by(t.feeds.c.id.desc()).limit(1)).first()
    if row is None:
        raise NotFound("No timetable has been imported; run 'regiokarte transit import'.")
    service = _service()
    state = service.state()
    return {
        "file_name": row.file_name,
        "sha256": row.sha256,
        "imported_at": row.imported_at.isoformat(),
        "start_date": row.start_date,
        "end_date": row.end_date,
        "agencies": row.agencies,
        "service_date": state.date if state is not None else None,
        "warning": service.window_warning(),
        "report": row.report,
    }


def make_blueprint(platform: Platform) -> Blueprint:
    """The transit API blueprint for ``platform``.

    A factory rather than a module-level blueprint: /travel-times validates and documents
    ``max_minutes`` up to this portal's ``max_travel_min``, so its schema is made per platform.
    The views are the module's functions.
    """
    blp = api_blueprint(
        "transit", __name__, "Bus und Bahn: Haltestellen, Anbindung, Fahrzeiten (public transport)."
    )
    travel_schema = travel_args(service_for(platform).settings.max_travel_min)

    @blp.route("/stops")
    class Stops(MethodView):
        @blp.arguments(StopArgs, location="query")
        @blp.response(200, GeoJSONSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Stops in a map area (GeoJSON), with their lines and departures per hour."""
            return stops(args)

    @blp.route("/companies/<int:company_id>")
    class CompanyConnection(MethodView):
        @blp.arguments(LangArgs, location="query")
        @blp.response(200)
        def get(self, args: dict[str, Any], company_id: int) -> dict[str, Any]:
            """Nearby stops, lines, departures and the connection to the nearest station."""
            return connection(args, company_id)

    @blp.route("/travel-times")
    class TravelTimes(MethodView):
        @blp.arguments(travel_schema, location="query")
        @blp.response(200, TravelSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Employers reachable from a place within N minutes, fastest first."""
            return travel_times(args)

    @blp.route("/feed")
    class Feed(MethodView):
        @blp.response(200)
        def get(self) -> dict[str, Any]:
            """The imported timetable: file, validity, import report."""
            return feed()

    @blp.route("/questionnaire")
    class Questionnaire(MethodView):
        @blp.response(200)
        def get(self) -> dict[str, Any]:
            """The commuting section of the company questionnaire (as data)."""
            return commuting_section().as_dict()

    return blp
