"""``/api/v1/sportclubs/clubs``: the clubs as JSON, filtered by box and sport (flask-smorest,
so the route shows up in the portal's OpenAPI document)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from regiokarte_sportclubs import clubs as repo
from regiokarte_sportclubs import sports

if TYPE_CHECKING:
    from core import Platform

__all__ = ["make_blueprint"]


class ClubArgs(ma.Schema):
    bbox = fields.String(metadata={"description": "west,south,east,north (WGS84)."})
    sport = fields.String(validate=validate.OneOf([c.value for c in sports.choices()]))
    lang = fields.String(
        load_default="de",
        validate=validate.Regexp(r"^[a-z]{2,3}$"),
        metadata={"description": "Language of the labels (de, en, tr, ar, ...)."},
    )


class ClubSchema(ma.Schema):
    name = fields.String(required=True)
    sports = fields.List(fields.String(), required=True)
    sport_labels = fields.List(fields.String(), required=True)
    address = fields.String(required=True)
    website = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    osm = fields.String(required=True, metadata={"description": "The object on openstreetmap.org."})


class ClubListSchema(ma.Schema):
    total = fields.Integer(required=True)
    clubs = fields.List(fields.Nested(ClubSchema), required=True)


def make_blueprint(platform: Platform) -> Blueprint:
    blp = Blueprint(
        "sportclubs",
        __name__,
        url_prefix="/api/v1/sportclubs",
        description="Sports clubs from OpenStreetMap (plugin sportclubs).",
    )

    @blp.route("/clubs")
    class Clubs(MethodView):
        @blp.arguments(ClubArgs, location="query", unknown=ma.RAISE)
        @blp.response(200, ClubListSchema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """List sports clubs

            Clubs by name, optionally within a box and offering a sport; labels in lang.
            """
            # the portal's own parser, so a bad box gets the same 422 answer as in search
            bbox = platform.parse_query({"bbox": [args["bbox"]]}).bbox if "bbox" in args else None
            with platform.session() as session:
                found = repo.in_box(session, bbox)
            wanted = args.get("sport")
            found = [c for c in found if wanted is None or wanted in c.sports]
            lang = args["lang"]
            return {
                "total": len(found),
                "clubs": [
                    {
                        "name": c.name,
                        "sports": list(c.sports),
                        "sport_labels": [sports.label(s, lang) for s in c.sports],
                        "address": c.address,
                        "website": c.website,
                        "lat": c.lat,
                        "lon": c.lon,
                        "osm": f"https://www.openstreetmap.org/{c.osm_id}",
                    }
                    for c in found
                ],
            }

    return blp
