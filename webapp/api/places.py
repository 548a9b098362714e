"""GET /api/v1/places: place suggestions for the place search (towns, districts, postcodes)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from core.search.places import Place
from webapp.context import current_platform

__all__ = ["blp", "serialise_place"]


class PlaceArgsSchema(ma.Schema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "What was typed so far: a name as people write it "
            "(Gelsenkirchen-Buer, buer, Oer-Erkenschwick) or the start of a postcode."
        },
    )
    limit = fields.Integer(
        load_default=8,
        validate=validate.Range(min=1, max=20),
        metadata={"description": "Most suggestions returned."},
    )


class PlaceSchema(ma.Schema):
    name = fields.String(required=True)
    label = fields.String(
        required=True,
        metadata={"description": "How to show it, e.g. 'Buer (Gelsenkirchen)'."},
    )
    kind = fields.String(
        required=True, validate=validate.OneOf(["town", "district", "place", "postcode"])
    )
    municipality = fields.String(
        required=True, metadata={"description": "The town it belongs to; empty for a town."}
    )
    postcode = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class PlaceListSchema(ma.Schema):
    query = fields.String(required=True)
    places = fields.List(
        fields.Nested(PlaceSchema),
        required=True,
        metadata={
            "description": "Places whose name starts like the query, the region's own first, "
            "then by distance; for a misspelt name the most similar names. Each label is a "
            "valid near_town value of /api/v1/search."
        },
    )


def serialise_place(place: Place) -> dict[str, Any]:
    return {
        "name": place.name,
        "label": place.label,
        "kind": place.kind,
        "municipality": place.municipality,
        "postcode": place.postcode,
        "lat": place.lat,
        "lon": place.lon,
    }


blp = Blueprint(
    "places",
    __name__,
    url_prefix="/api/v1",
    description="Place suggestions for a search centre (offline open data, no geocoder).",
)


@blp.route("/places")
class Places(MethodView):
    @blp.arguments(PlaceArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, PlaceListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Suggest places

        Towns, districts and postcodes of the region and its neighbours for what was typed
        so far; case, umlauts, hyphens and small misspellings do not matter.
        """
        found = current_platform().places.suggest(args["q"], args["limit"])
        return {"query": args["q"], "places": [serialise_place(p) for p in found]}
