"""The JSON API under ``/api/v1/housing`` (a flask-smorest blueprint the web app mounts).

Reading is public; writes (offers, imports) need the operator token, sent as
``Authorization: Bearer <portal.operator_token>`` like core's API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

import marshmallow as ma
from flask import Response
from flask import request
from flask import url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields
from marshmallow import validate
from webapp.kit import LANGUAGES
from webapp.kit import LAT_LON
from webapp.kit import LINK
from webapp.kit import OPERATOR_SECURITY
from webapp.kit import PUBLIC_OR_OPERATOR
from webapp.kit import VISIBLE
from webapp.kit import FacetCountSchema
from webapp.kit import JsonBoolean
from webapp.kit import LangArgs
from webapp.kit import PageSchema
from webapp.kit import api_blueprint
from webapp.kit import bbox_arg
from webapp.kit import company_item
from webapp.kit import current_platform
from webapp.kit import enforce_access
from webapp.kit import import_body_doc
from webapp.kit import is_operator
from webapp.kit import near_arg
from webapp.kit import postcode_arg
from webapp.kit import radius_arg
from webapp.kit import uploaded_file
from webapp.kit import value_rule

from plugins.housing import repository as repo
from plugins.housing.datasets import checked_offer
from plugins.housing.hooks import offer_url
from plugins.housing.hooks import service_for
from plugins.housing.importer import check_file
from plugins.housing.importer import import_offers
from plugins.housing.model import FIELDS
from plugins.housing.model import KINDS
from plugins.housing.model import OFFER_TYPES
from plugins.housing.model import PROVIDERS
from plugins.housing.model import Offer
from plugins.housing.questionnaire import housing_section
from plugins.housing.service import LIST_FILTERS
from plugins.housing.service import SORTS
from plugins.housing.service import HousingService
from plugins.housing.service import OfferPage

if TYPE_CHECKING:
    from core import SearchResult

__all__ = ["blp", "commute_document", "offer_document", "page_document"]

LIST_PARAMS = (*LIST_FILTERS, "company", "near", "radius_km", "bbox", "available_by", "sort",
               "page", "per_page", "lang")  # fmt: skip
#: Parameters of the offer page that are not company filters.
OFFER_PARAMS = ("lang", "employers")


# --- schemas (for validation of bodies and for the OpenAPI document) ------------------------


class HousingOfferInputSchema(ma.Schema):
    """An offer as operators write it (the fields of the import formats)."""

    external_id = fields.String(validate=validate.Length(max=200))
    title = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"pattern": VISIBLE, "description": "Required for a new offer."},
    )
    kind = fields.String(validate=validate.OneOf([c.value for c in KINDS]))
    offer_type = fields.String(
        validate=validate.OneOf([c.value for c in OFFER_TYPES]),
        metadata={"description": "Default: buy when price_eur is given, else rent."},
    )
    rooms = fields.Float(allow_none=True, validate=validate.Range(0.5, 50))
    area_m2 = fields.Float(allow_none=True, validate=validate.Range(5, 2000))
    cold_rent_eur = value_rule(
        fields.Float(allow_none=True, validate=validate.Range(0, 50_000)),
        "At most warm_rent_eur.",
        700,
    )
    warm_rent_eur = value_rule(
        fields.Float(
            allow_none=True,
            validate=validate.Range(0, 50_000),
            metadata={
                "description": "At least cold_rent_eur; default cold rent + additional costs."
            },
        ),
        "At least cold_rent_eur (the example is more than any cold rent of the examples).",
        900,
    )
    additional_costs_eur = fields.Float(allow_none=True, validate=validate.Range(0, 10_000))
    price_eur = fields.Float(allow_none=True, validate=validate.Range(1000, 100_000_000))
    available_from = fields.Date(allow_none=True)
    street = fields.String(validate=validate.Length(max=200))
    postcode = postcode_arg(
        "Required for a new offer; a postcode of the postcode table.",
        validate=validate.Regexp(r"^\d{5}$"),
    )
    town = fields.String(validate=validate.Length(max=100))
    address_public = JsonBoolean()
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    provider_type = fields.String(validate=validate.OneOf([c.value for c in PROVIDERS]))
    provider_name = fields.String(validate=validate.Length(max=200))
    contact_name = fields.String(validate=validate.Length(max=200))
    contact_email = value_rule(
        fields.String(validate=validate.Length(max=320)),
        "Empty, or an e-mail address.",
        "vermietung@example.org",
    )
    contact_phone = fields.String(validate=validate.Length(max=50))
    link = fields.String(validate=validate.Length(max=500), metadata={"pattern": LINK})
    description = fields.String(validate=validate.Length(max=5000))
    expires_on = fields.Date(allow_none=True)
    company_id = value_rule(
        fields.Integer(allow_none=True, strict=True), "The id of a company, or null.", 1
    )


_NUMBER = {"type": "number"}
_RENT = {"properties": {"offer_type": {"const": "rent"}}, "required": ["offer_type"]}
_BUY = {"properties": {"offer_type": {"const": "buy"}}, "required": ["offer_type"]}
_PRICED = {"properties": {"price_eur": _NUMBER}, "required": ["price_eur"]}
_A_RENT = {
    "anyOf": [
        {"properties": {"warm_rent_eur": _NUMBER}, "required": ["warm_rent_eur"]},
        {"properties": {"cold_rent_eur": _NUMBER}, "required": ["cold_rent_eur"]},
    ]
}
#: The rules between an offer's fields, as JSON Schema (OpenAPI 3.0 cannot state them).
OFFER_RULES = {
    "body": {
        "required": ["title", "postcode"],
        "allOf": [
            # a rent (said, or implied by no offer_type and no price) needs a rent
            {
                "if": {"anyOf": [_RENT, {"not": {"anyOf": [_BUY, _RENT, _PRICED]}}]},
                "then": _A_RENT,
            },
            {"if": _BUY, "then": _PRICED},
        ],
        "dependentSchemas": {"lat": LAT_LON, "lon": LAT_LON},
    }
}
#: A change keeps the offer whole: an offer type given brings its rent or price along (the
#: stored one may be missing), lat and lon come together.
OFFER_PATCH_RULES = {
    "body": {
        "allOf": [{"if": _RENT, "then": _A_RENT}, {"if": _BUY, "then": _PRICED}],
        "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
        "dependentSchemas": {"lat": LAT_LON, "lon": LAT_LON},
    }
}


class HousingOfferPatchSchema(HousingOfferInputSchema):
    """The fields of an offer to change (all optional)."""


class HousingAddressSchema(ma.Schema):
    street = fields.String(metadata={"description": "Empty when only the area is published."})
    postcode = fields.String()
    town = fields.String()
    exact = fields.Boolean(metadata={"description": "false: lat/lon is the postcode's centre."})


class HousingContactSchema(ma.Schema):
    name = fields.String()
    email = fields.String()
    phone = fields.String()


class HousingOfferSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    offer_type = fields.String()
    offer_type_label = fields.String()
    rooms = fields.Float(allow_none=True)
    area_m2 = fields.Float(allow_none=True)
    cold_rent_eur = fields.Float(allow_none=True)
    warm_rent_eur = fields.Float(allow_none=True)
    additional_costs_eur = fields.Float(allow_none=True)
    price_eur = fields.Float(allow_none=True)
    price_label = fields.String()
    available_from = fields.String(allow_none=True)
    address = fields.Nested(HousingAddressSchema)
    lat = fields.Float()
    lon = fields.Float()
    provider_type = fields.String()
    provider_label = fields.String()
    provider_name = fields.String()
    contact = fields.Nested(HousingContactSchema)
    link = fields.String()
    description = fields.String()
    expires_on = fields.String()
    company_id = fields.Integer(allow_none=True)
    distance_m = fields.Float(allow_none=True)
    url = fields.String(metadata={"description": "The offer's HTML page."})


class HousingOfferListSchema(PageSchema):
    pages = fields.Integer()
    items = fields.List(fields.Nested(HousingOfferSchema))
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetCountSchema)))
    lang = fields.String()


def _range_field(description: str) -> fields.Field:
    return value_rule(
        fields.String(metadata={"description": description}),
        "low..high (either side may be left out) or one number; low <= high.",
        "..700",
    )


#: The rules between the list's parameters, as JSON Schema (OpenAPI 3.0 cannot state them).
LIST_RULES = {
    "query": {
        "dependentSchemas": {
            "radius_km": {"anyOf": [{"required": ["company"]}, {"required": ["near"]}]},
            "sort": {
                "if": {"properties": {"sort": {"const": "distance"}}},
                "then": {"anyOf": [{"required": ["company"]}, {"required": ["near"]}]},
            },
            "company": {"not": {"required": ["near"]}},
        }
    }
}


class HousingOfferListArgs(ma.Schema):
    """Query parameters of the offer list."""

    rent = _range_field("Warm rent in EUR: low..high, or one number meaning at most.")
    cold_rent = _range_field("Cold rent in EUR: low..high, or one number meaning at most.")
    price = _range_field("Purchase price in EUR: low..high, or one number meaning at most.")
    rooms = _range_field("Rooms: low..high, or one number meaning at least.")
    area = _range_field("Living area in m²: low..high, or one number meaning at least.")
    kind = fields.List(fields.String(validate=validate.OneOf([c.value for c in KINDS])))
    provider = fields.List(fields.String(validate=validate.OneOf([c.value for c in PROVIDERS])))
    offer_type = fields.List(fields.String(validate=validate.OneOf([c.value for c in OFFER_TYPES])))
    company = value_rule(
        fields.String(
            metadata={
                "description": "Id or slug of a published company: the centre for distances "
                "(not together with near)."
            }
        ),
        "The id or slug of a published company.",
        "1",
    )
    near = near_arg("Centre as lat,lon in degrees (not together with company).")
    radius_km = radius_arg(
        "Only offers within this distance (needs company or near); at most the setting "
        "max_radius_km (default 50).",
        50,
    )
    bbox = bbox_arg("west,south,east,north in degrees.")
    available_by = fields.Date(metadata={"description": "Available on or before this date."})
    sort = fields.String(validate=validate.OneOf(SORTS))
    page = fields.Integer(validate=validate.Range(1, 10**6))
    per_page = fields.Integer(
        validate=validate.Range(1, 200),
        metadata={"description": "At most the setting search.max_per_page (default 200)."},
    )
    lang = fields.String(validate=validate.OneOf(LANGUAGES))


class HousingOfferPageArgs(LangArgs):
    employers = fields.Integer(
        validate=validate.Range(1, 50),
        metadata={"description": "How many nearest employers to list (default from settings)."},
    )


class HousingImportArgs(ma.Schema):
    format = fields.String(
        validate=validate.OneOf(["csv", "json", "openimmo"]),
        metadata={"description": "File format; default: from the file name or content."},
    )
    source = fields.String(
        load_default="import",
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Who the offers come from (OpenImmo: openimmo_anid)."},
    )
    file_name = fields.String(load_default="upload", validate=validate.Length(max=200))
    replace = fields.Boolean(
        load_default=False,
        metadata={"description": "Delete the source's offers that are not in the file."},
    )
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Check only; write nothing."}
    )
    allow_outside_region = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Import offers lying mostly outside the configured region "
            "(default: such a file is refused with 422, naming the distance)."
        },
    )


# --- helpers ---------------------------------------------------------------------------------


def _service() -> HousingService:
    return service_for(current_platform())


def offer_document(offer: Offer, lang: str, distance_m: float | None = None) -> dict[str, Any]:
    data = offer.public(lang)
    data["distance_m"] = distance_m
    data["url"] = offer_url(offer, lang)
    return data


def page_document(service: HousingService, page: OfferPage, lang: str) -> dict[str, Any]:
    offers = {o.id: o for o in service.offers(page)}
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "items": [
            offer_document(offers[i], lang, d)
            for i, d in zip(page.ids, page.distances_m, strict=True)
            if i in offers
        ],
        "facets": page.facets,
        "lang": lang,
    }


def commute_document(result: SearchResult, params: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "total": result.total,
        "items": [
            company_item(hit, industry=hit.industry, distance_m=hit.distance_m)
            for hit in result.items
        ],
        "search_params": {k: v for k, v in params.items() if k not in ("sort", "per_page")},
    }


def _list_params() -> dict[str, list[str]]:
    params = request.args.to_dict(flat=False)
    unknown = sorted(set(params) - set(LIST_PARAMS))
    if unknown:
        abort(
            422,
            message=f"Unknown parameter(s) {', '.join(unknown)}; the offer list takes "
            f"{', '.join(LIST_PARAMS)}.",
            errors={name: ["unknown parameter"] for name in unknown},
        )
    # the HTML list reads empty form fields as left out; the API takes what it documents
    empty = sorted(name for name, values in params.items() if not all(v.strip() for v in values))
    if empty:
        abort(
            422,
            message=f"Empty parameter(s) {', '.join(empty)}; leave a parameter out instead.",
            errors={name: ["empty"] for name in empty},
        )
    if params.get("lang", ["de"])[0] not in LANGUAGES:
        abort(
            422,
            message=f"lang must be one of {', '.join(LANGUAGES)}.",
            errors={"lang": [f"one of {', '.join(LANGUAGES)}"]},
        )
    return params


def _lang(args: dict[str, Any] | None = None) -> str:
    lang = (args or {}).get("lang") or request.args.get("lang") or "de"
    return lang if lang in LANGUAGES else "de"


# reading is public, every write is the operators' (the offers, the imports)
blp = api_blueprint(
    "housing", __name__, "Wohnen: Wohnungsangebote in der Nähe des Arbeitsplatzes (housing offers)."
)
enforce_access(blp)


@blp.route("/offers")
class Offers(MethodView):
    @blp.doc(
        parameters=[{"in": "query", "schema": HousingOfferListArgs}],
        **{"x-dependencies": LIST_RULES},
    )
    @blp.response(200, HousingOfferListSchema)
    def get(self) -> dict[str, Any]:
        """List housing offers

        Active offers only (expired ones never show). Filters combine with AND; the
        facets count each value of kind, provider and offer_type with all other filters
        applied. Sort by rent (warm), price, area, rooms, distance (to company= or
        near=), available or newest.
        """
        lang, service = _lang(), _service()
        query = service.parse_list(_list_params(), lang)
        return page_document(service, service.search(query), lang)

    @blp.arguments(HousingOfferInputSchema)
    @blp.response(201, HousingOfferSchema)
    @blp.doc(security=OPERATOR_SECURITY, **{"x-dependencies": OFFER_RULES})
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Add an offer (operators)

        Rules between fields (also in `x-dependencies`): title and postcode are required;
        a rent offer needs warm_rent_eur or cold_rent_eur (the warm rent at least the cold
        one), an offer for sale price_eur; lat and lon come together.
        """
        offer = checked_offer(_service(), body, "manual")
        with current_platform().session(write=True) as session:
            saved = repo.add_offer(session, offer)
        location = url_for(".OfferById", offer_id=saved.id)
        return offer_document(saved, _lang()), 201, {"Location": location}


@blp.route("/offers/<int:offer_id>")
class OfferById(MethodView):
    @blp.arguments(HousingOfferPageArgs, location="query", unknown=ma.EXCLUDE)
    @blp.response(200)
    @blp.doc(security=PUBLIC_OR_OPERATOR)
    def get(self, args: dict[str, Any], offer_id: int) -> dict[str, Any]:
        """Show an offer with the nearest matching employers

        Every other query parameter is a company filter (as in /api/v1/search, e.g.
        industry=C&profession=26): commute.items are the nearest employers matching
        them, nearest first. Expired offers are 404 (operators see them).
        """
        lang, service = args["lang"], _service()
        if is_operator():
            with current_platform().session() as session:
                offer = repo.get_offer(session, offer_id)
        else:
            offer = service.get_public(offer_id)
        company_params = {
            k: v for k, v in request.args.to_dict(flat=False).items() if k not in OFFER_PARAMS
        }
        limit = args.get("employers") or service.settings.commute_employers
        result, params = service.nearest_employers(offer, company_params, limit, lang)
        return {"offer": offer_document(offer, lang), "commute": commute_document(result, params)}

    @blp.arguments(HousingOfferPatchSchema(partial=True))
    @blp.response(200, HousingOfferSchema)
    @blp.doc(security=OPERATOR_SECURITY, **{"x-dependencies": OFFER_PATCH_RULES})
    def patch(self, body: dict[str, Any], offer_id: int) -> dict[str, Any]:
        """Change an offer (operators): only the fields given change

        The changed offer keeps the rules of POST; lat and lon are given together
        (`x-dependencies`).
        """
        platform = current_platform()
        with platform.session() as session:
            existing = repo.get_offer(session, offer_id)
        data = existing.fields()
        moved = {"street", "postcode", "town", "address_public"} & set(body)
        if moved and "lat" not in body:
            data.pop("lat"), data.pop("lon")
        if "postcode" in body and "town" not in body:
            data.pop("town")
        data.update(body)
        offer = checked_offer(_service(), data, existing.source)
        offer.id = existing.id
        with platform.session(write=True) as session:
            return offer_document(repo.update_offer(session, offer), _lang())

    @blp.response(204)
    @blp.doc(security=OPERATOR_SECURITY)
    def delete(self, offer_id: int) -> Response:
        """Delete an offer (operators)"""
        with current_platform().session(write=True) as session:
            repo.delete_offer(session, offer_id)
        return Response(status=204)


@blp.route("/imports")
class Imports(MethodView):
    @blp.arguments(HousingImportArgs, location="query")
    @blp.response(200)
    @blp.doc(security=OPERATOR_SECURITY, requestBody=import_body_doc("csv", "json", "xml"))
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Import a CSV, JSON or OpenImmo file (operators): all or nothing

        The request body is the file. Problems come back as 422 with errors per position
        (line, JSON index or XML element path); then nothing changed.
        """
        platform, service = current_platform(), _service()
        upload = uploaded_file(args["file_name"])
        kwargs: dict[str, Any] = {
            "file_name": upload.name,
            "fmt": args.get("format"),
            "source": args["source"],
            "replace": args["replace"],
            "today": service.today(),
            "lifetime_days": service.settings.default_lifetime_days,
            "locate": service.locate,
            "max_bytes": service.settings.max_import_bytes,
            "region": platform.region,
            "allow_outside_region": args["allow_outside_region"],
        }
        if args["dry_run"]:
            return {"dry_run": True, **check_file(upload.data, **kwargs).report.as_dict()}
        with platform.session(write=True) as session:
            report = import_offers(session, upload.data, **kwargs)
        return {"dry_run": False, **report.as_dict()}


@blp.route("/questionnaire")
class Questionnaire(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """The housing section of the company questionnaire (as data)

        Answers are stored in Company.extensions["housing"].
        """
        section = housing_section()
        return {**section.as_dict(), "extension": section.namespace}


@blp.route("/fields")
class Fields(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """The fields of an offer in imports and the API, and the list filters"""
        return {
            "fields": FIELDS,
            "kinds": [{"value": c.value, "de": c.label("de"), "en": c.label("en")} for c in KINDS],
            "providers": [
                {"value": c.value, "de": c.label("de"), "en": c.label("en")} for c in PROVIDERS
            ],
            "list_filters": list(LIST_FILTERS),
            "sorts": list(SORTS),
        }
