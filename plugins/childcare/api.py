"""The JSON API under ``/api/v1/childcare`` (a flask-smorest blueprint the web app mounts)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from core import InvalidQuery
from core import NotFound
from core import parse_bbox
from core import parse_point
from flask.views import MethodView
from marshmallow import fields
from marshmallow import validate
from webapp.kit import LangArgs
from webapp.kit import PageSchema
from webapp.kit import api_blueprint
from webapp.kit import bbox_arg
from webapp.kit import current_platform
from webapp.kit import near_arg
from webapp.kit import value_rule

from plugins.childcare import repository as repo
from plugins.childcare.hooks import service_for
from plugins.childcare.model import AGE_CODES
from plugins.childcare.profile import support_lines
from plugins.childcare.questionnaire import EXTENSION
from plugins.childcare.questionnaire import childcare_section
from plugins.childcare.questionnaire import offers_of
from plugins.childcare.settings import parse_clock

__all__ = ["blp"]


def _clock(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return parse_clock(text)
    except ValueError:
        raise InvalidQuery(
            f"open_until={text!r} is no time of day; use HH:MM such as 17:00.",
            {"open_until": ["use HH:MM"]},
        ) from None


class KitaListArgs(LangArgs):
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Words in name, operator, town, district or concept."},
    )
    age = fields.String(
        validate=validate.OneOf(AGE_CODES),
        metadata={"description": "Age group served: u3, 3to6 or school."},
    )
    open_until = value_rule(
        fields.String(
            metadata={
                "description": "Open until at least this time on working days (HH:MM).",
                "allowEmptyValue": True,
            }
        ),
        "A time of day HH:MM (00:00 to 23:59).",
        "17:00",
    )
    town = fields.String(validate=validate.Length(max=100))
    bbox = bbox_arg(allowEmptyValue=True)
    near = near_arg("lat,lon: sort by distance (and limit with radius_km).", allowEmptyValue=True)
    radius_km = fields.Float(
        validate=validate.Range(min=0.01, max=100),
        metadata={"description": "With near (it needs near): only Kitas within this distance."},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class KitaSchema(ma.Schema):
    id = fields.Integer(required=True)
    source = fields.String(required=True)
    source_id = fields.String(required=True)
    name = fields.String(required=True)
    operator = fields.String(required=True)
    address = fields.String(required=True)
    street = fields.String(required=True)
    postcode = fields.String(required=True)
    town = fields.String(required=True)
    district = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    age_groups = fields.List(fields.String(), required=True)
    places = fields.Integer(allow_none=True, required=True)
    opening_hours = fields.String(required=True)
    opens = fields.String(allow_none=True, required=True, metadata={"description": "HH:MM"})
    closes = fields.String(allow_none=True, required=True, metadata={"description": "HH:MM"})
    concept = fields.String(required=True)
    languages = fields.List(fields.String(), required=True)
    inclusion = fields.Boolean(allow_none=True, required=True)
    lunch = fields.Boolean(allow_none=True, required=True)
    phone = fields.String(required=True)
    email = fields.String(required=True)
    website = fields.String(required=True)
    notes = fields.String(required=True)
    extra = fields.Dict(required=True)
    distance_m = fields.Float(metadata={"description": "From near (or the company)."})


class KitaListSchema(PageSchema):
    items = fields.List(fields.Nested(KitaSchema), required=True)


class CompanyOffersSchema(ma.Schema):
    company_id = fields.Integer(required=True)
    offers = fields.List(fields.String(), required=True)
    offer_labels = fields.List(fields.String(), required=True)
    answers = fields.Dict(required=True)
    radius_km = fields.Float(
        required=True, metadata={"description": "Kitas are listed up to this distance."}
    )
    kitas = fields.List(fields.Nested(KitaSchema), required=True)


blp = api_blueprint(
    "childcare",
    __name__,
    "Kinderbetreuung: Kitas, Kitas in der Nähe von Arbeitgebern (childcare).",
)


@blp.route("/kitas")
class Kitas(MethodView):
    @blp.arguments(KitaListArgs, location="query")
    @blp.response(200, KitaListSchema)
    # rules between parameters, as JSON Schema (OpenAPI 3.0 cannot state them)
    @blp.doc(**{"x-dependencies": {"query": {"dependentRequired": {"radius_km": ["near"]}}}})
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Kitas by age group, opening hours, place and text, by distance or name.

        radius_km needs near (`x-dependencies`); empty parameters count as left out.
        """
        service = service_for(current_platform())
        where = parse_point(args["near"]) if args.get("near") else None
        near = (where.lat, where.lon) if where is not None else None
        box = parse_bbox(args["bbox"]) if args.get("bbox") else None
        if args.get("radius_km") is not None and near is None:
            raise InvalidQuery("radius_km needs near=lat,lon.", {"radius_km": ["needs near"]})
        rows, distance = service.select(
            q=args.get("q", ""),
            age=args.get("age"),
            open_until=_clock(args.get("open_until")),
            town=args.get("town", ""),
            bbox=(box.west, box.south, box.east, box.north) if box is not None else None,
            near=near,
            radius_km=args.get("radius_km"),
        )
        page, per_page = args["page"], args["per_page"]
        state = service.state()
        items = []
        for row in rows[(page - 1) * per_page : page * per_page]:
            item = state.kitas[row].to_dict()
            if distance is not None:
                item["distance_m"] = round(float(distance[row]), 1)
            items.append(item)
        return {"total": len(rows), "page": page, "per_page": per_page, "items": items}


@blp.route("/kitas/<int:kita_id>")
class KitaDetail(MethodView):
    @blp.arguments(LangArgs, location="query")
    @blp.response(200, KitaSchema)
    def get(self, args: dict[str, Any], kita_id: int) -> dict[str, Any]:
        """One Kita."""
        kita = service_for(current_platform()).kita(kita_id)
        if kita is None:
            raise NotFound(f"There is no Kita with id {kita_id}.")
        return kita.to_dict()


@blp.route("/companies/<int:company_id>")
class CompanyChildcare(MethodView):
    @blp.arguments(LangArgs, location="query")
    @blp.response(200, CompanyOffersSchema)
    def get(self, args: dict[str, Any], company_id: int) -> dict[str, Any]:
        """A company's childcare offers and the Kitas near it."""
        platform = current_platform()
        service = service_for(platform)
        company = platform.company(company_id, public_only=True)
        answers = dict(company.extensions.get(EXTENSION) or {})
        radius = service.settings.nearby_km
        kitas = []
        if company.location is not None:
            near = service.nearest(
                company.location.lat,
                company.location.lon,
                limit=service.settings.profile_kitas,
                radius_km=radius,
            )
            kitas = [n.as_dict() for n in near]
        return {
            "company_id": company_id,
            "offers": list(offers_of(answers)),
            "offer_labels": support_lines(answers, args["lang"]),
            "answers": answers,
            "radius_km": radius,
            "kitas": kitas,
        }


@blp.route("/questionnaire")
class Questionnaire(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """The childcare section of the company questionnaire (as data)."""
        return childcare_section().as_dict()


@blp.route("/imports")
class Imports(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """The Kita data sets and the last imports with their reports."""
        platform = current_platform()
        with platform.session() as session:
            return {
                "sources": repo.sources(session),
                "imports": repo.list_imports(session),
            }
