"""The JSON API under ``/api/v1/training`` (a flask-smorest blueprint the web app mounts).

Reading is public; writing (courses, imports, companies' training answers) needs the
operator token (``Authorization: Bearer <portal.operator_token>``), as the core API does.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING
from typing import Any

import marshmallow as ma
from core import NotFound
from core import vocabulary
from flask import Response
from flask import jsonify
from flask import request
from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest import abort
from marshmallow import fields
from marshmallow import validate
from webapp.kit import LANGUAGES
from webapp.kit import LAT_LON
from webapp.kit import LINK
from webapp.kit import OPERATOR_SECURITY
from webapp.kit import PUBLIC_OR_OPERATOR
from webapp.kit import VISIBLE
from webapp.kit import AddressSchema
from webapp.kit import CompanyItemSchema
from webapp.kit import FacetCountSchema
from webapp.kit import JsonBoolean
from webapp.kit import JsonNumber
from webapp.kit import LangArgs
from webapp.kit import PageSchema
from webapp.kit import api_blueprint
from webapp.kit import bbox_arg
from webapp.kit import codes_pattern
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

from plugins.training import repository as repo
from plugins.training import vocabulary as tv
from plugins.training.formats import FORMATS
from plugins.training.formats import decode
from plugins.training.hooks import service_for
from plugins.training.importer import CourseImportError
from plugins.training.importer import course_from_values
from plugins.training.importer import import_text
from plugins.training.index import SORTS
from plugins.training.index import CourseResult
from plugins.training.model import Course
from plugins.training.profile import course_url
from plugins.training.questionnaire import EXTENSION
from plugins.training.questionnaire import TrainingOffer
from plugins.training.questionnaire import apply_answers
from plugins.training.questionnaire import training_section
from plugins.training.service import TrainingService

if TYPE_CHECKING:
    from core import Platform

__all__ = ["blp", "course_document", "offer_document", "result_document"]

#: Largest id there can be: ids are INTEGER columns (32 bits on PostgreSQL).
MAX_ID = 2**31 - 1
#: Largest import body (a Weiterbildungssuche page of 100 offers is about 1 MB).
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class TrainingCourseDetailArgs(LangArgs):
    past = fields.Boolean(
        load_default=False,
        metadata={"description": "Show a past course too (operators only)."},
    )


def _many(description: str, codes: tuple[str, ...] | list[str] = ()) -> fields.List:
    """A filter parameter: codes, repeated or separated by commas."""
    item = fields.String(metadata={"pattern": codes_pattern(codes)} if codes else {})
    return fields.List(item, metadata={"description": description})


class TrainingCourseSearchArgs(ma.Schema):
    """The course search; filters repeat (kind=a&kind=b) or take commas (kind=a,b)."""

    q = fields.String(metadata={"description": "Words in title, description, provider, town."})
    kind = _many(f"Kind of course: {', '.join(tv.KINDS.codes)}.", tv.KINDS.codes)
    profession = _many(
        "KldB 2010 Berufshauptgruppe (two digits), any of them.",
        vocabulary("professions").codes,
    )
    format = _many(f"Format: {', '.join(tv.FORMATS.codes)}.", tv.FORMATS.codes)
    funding = _many(f"Funding, any of: {', '.join(tv.FUNDING.codes)}.", tv.FUNDING.codes)
    provider_type = _many(
        f"Provider type: {', '.join(tv.PROVIDER_TYPES.codes)}.", tv.PROVIDER_TYPES.codes
    )
    town = value_rule(
        fields.List(
            fields.String(),
            metadata={"description": "Municipality key (AGS) of a town of the region, or 'other'."},
        ),
        "Official keys (AGS) of towns of the region, or 'other'.",
        ["other"],
    )
    near = near_arg("lat,lon of a centre (only one of near, near_postcode, near_town).")
    near_postcode = postcode_arg("A postcode as the centre (one of the postcode table).")
    near_town = value_rule(
        fields.String(metadata={"description": "A town of the region as the centre."}),
        "A town of the region (name).",
        "Marl",
    )
    radius_km = radius_arg("Radius around the centre (km; needs a centre).", 200)
    bbox = bbox_arg()
    sort = fields.String(validate=validate.OneOf(SORTS), metadata={"description": "Order."})
    page = fields.Integer(validate=validate.Range(min=1, max=10**9))
    per_page = fields.Integer(validate=validate.Range(min=1, max=200))
    lang = fields.String(validate=validate.OneOf(LANGUAGES))
    past = fields.Boolean(metadata={"description": "Include past courses (operators only)."})


# text parameters may be empty (an HTML form sends them so): empty means left out
for _field in TrainingCourseSearchArgs._declared_fields.values():
    if isinstance(_field, fields.String | fields.List) and not _field.validators:
        _field.metadata = {**_field.metadata, "allowEmptyValue": True}

_A_CENTRE = {"anyOf": [{"required": [c]} for c in ("near", "near_postcode", "near_town")]}
#: The rules between the course search's parameters, as JSON Schema (OpenAPI 3.0 cannot
#: state them).
COURSE_SEARCH_RULES = {
    "query": {
        "dependentSchemas": {
            "radius_km": _A_CENTRE,
            "sort": {"if": {"properties": {"sort": {"const": "distance"}}}, "then": _A_CENTRE},
            "near": {
                "not": {"anyOf": [{"required": ["near_postcode"]}, {"required": ["near_town"]}]}
            },
            "near_postcode": {"not": {"required": ["near_town"]}},
        }
    }
}


class TrainingCourseInputSchema(ma.Schema):
    """A course as operators enter it (the fields of the plugin's file format)."""

    external_id = fields.String(allow_none=True, validate=validate.Length(max=200))
    title = fields.String(
        required=True, validate=validate.Length(min=1, max=300), metadata={"pattern": VISIBLE}
    )
    description = fields.String(validate=validate.Length(max=5000))
    provider = fields.String(
        required=True, validate=validate.Length(min=1, max=200), metadata={"pattern": VISIBLE}
    )
    provider_type = fields.String(required=True, validate=validate.OneOf(tv.PROVIDER_TYPES.codes))
    kind = fields.String(required=True, validate=validate.OneOf(tv.KINDS.codes))
    professions = fields.List(
        fields.String(validate=validate.OneOf(vocabulary("professions").codes))
    )
    format = fields.String(required=True, validate=validate.OneOf(tv.FORMATS.codes))
    start_date = value_rule(fields.Date(allow_none=True), "On or before end_date.", "2027-03-01")
    end_date = value_rule(fields.Date(allow_none=True), "On or after start_date.", "2027-06-30")
    on_demand = JsonBoolean()
    duration = fields.String(validate=validate.Length(max=200))
    hours = JsonNumber(allow_none=True, validate=validate.Range(min=0, max=1_000_000))
    cost_eur = JsonNumber(allow_none=True, validate=validate.Range(min=0, max=1_000_000))
    cost_note = fields.String(validate=validate.Length(max=500))
    funding = fields.List(fields.String(validate=validate.OneOf(tv.FUNDING.codes)))
    street = fields.String(validate=validate.Length(max=200))
    postcode = value_rule(
        fields.String(validate=validate.Regexp(r"^(\d{5})?$")),
        "Empty, or a postcode of the table.",
        "45768",
    )
    town = fields.String(validate=validate.Length(max=100))
    lat = JsonNumber(allow_none=True, validate=validate.Range(min=-90, max=90))
    lon = JsonNumber(allow_none=True, validate=validate.Range(min=-180, max=180))
    link = fields.String(validate=validate.Length(max=500), metadata={"pattern": LINK})


_NUMBER = {"type": "number"}
#: The rules between a course's fields, as JSON Schema (OpenAPI 3.0 cannot state them).
COURSE_RULES = {
    "body": {
        "allOf": [
            {
                "anyOf": [
                    {"properties": {"start_date": {"type": "string"}}, "required": ["start_date"]},
                    {"properties": {"end_date": {"type": "string"}}, "required": ["end_date"]},
                    {"properties": {"on_demand": {"const": True}}, "required": ["on_demand"]},
                ]
            },
            {
                "anyOf": [
                    {"properties": {"format": {"const": "online"}}},
                    {"properties": {"postcode": {"minLength": 5}}, "required": ["postcode"]},
                    {"properties": {"lat": _NUMBER, "lon": _NUMBER}, "required": ["lat", "lon"]},
                ]
            },
        ],
        "dependentSchemas": {"lat": LAT_LON, "lon": LAT_LON},
    }
}
#: A change gives lat and lon together (the course is checked again as a whole).
_NULL = {"type": "null"}
_STARTS = {
    "anyOf": [
        {"properties": {"start_date": {"type": "string"}}, "required": ["start_date"]},
        {"properties": {"end_date": {"type": "string"}}, "required": ["end_date"]},
        {"properties": {"on_demand": {"const": True}}, "required": ["on_demand"]},
    ]
}
COURSE_PATCH_RULES = {
    "body": {
        "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
        "dependentSchemas": {
            "lat": LAT_LON,
            "lon": LAT_LON,
            # taking a date or on_demand away gives another way in (the stored ones may be
            # missing)
            "start_date": {"if": {"properties": {"start_date": _NULL}}, "then": _STARTS},
            "end_date": {"if": {"properties": {"end_date": _NULL}}, "then": _STARTS},
            "on_demand": {"if": {"properties": {"on_demand": {"const": False}}}, "then": _STARTS},
        },
    }
}


class TrainingCoursePatchSchema(TrainingCourseInputSchema):
    """The fields of a course to change (any of them)."""


class TrainingCourseSchema(AddressSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The course's page."})
    labels = fields.Dict(required=True, metadata={"description": "Labels of the codes."})
    distance_m = fields.Float(allow_none=True)
    current = fields.Boolean(required=True)
    source = fields.String()
    external_id = fields.String(allow_none=True)
    description = fields.String()
    provider = fields.String()
    provider_type = fields.String()
    kind = fields.String()
    professions = fields.List(fields.String())
    format = fields.String()
    start_date = fields.String(allow_none=True)
    end_date = fields.String(allow_none=True)
    on_demand = fields.Boolean()
    duration = fields.String()
    hours = fields.Float(allow_none=True)
    cost_eur = fields.Float(allow_none=True)
    cost_note = fields.String()
    funding = fields.List(fields.String())
    link = fields.String()
    is_demo = fields.Boolean()
    created_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)


class TrainingFacetSchema(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True)
    values = fields.List(fields.Nested(FacetCountSchema), required=True)


class TrainingCourseListSchema(PageSchema):
    today = fields.String(required=True, metadata={"description": "The day courses end by."})
    items = fields.List(fields.Nested(TrainingCourseSchema), required=True)
    facets = fields.List(fields.Nested(TrainingFacetSchema), required=True)


class TrainingEmployerSchema(CompanyItemSchema):
    distance_m = fields.Float(allow_none=True)
    url = fields.String(required=True)


class TrainingCourseDetailSchema(ma.Schema):
    course = fields.Nested(TrainingCourseSchema, required=True)
    employers = fields.List(fields.Nested(TrainingEmployerSchema), required=True)
    employers_total = fields.Integer(required=True)
    employer_search = fields.Dict(
        required=True, metadata={"description": "The same search for /api/v1/search."}
    )


class TrainingImportArgs(ma.Schema):
    format = fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={"description": "csv, json (own format) or ba (Weiterbildungssuche)."},
    )
    source = fields.String(
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Name of the data source (re-imports update its courses)."},
    )
    name = fields.String(
        validate=validate.Length(min=1, max=200), metadata={"description": "File name."}
    )
    allow_outside_region = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Import courses lying mostly outside the configured region "
            "(default: such a file is refused with 422, naming the distance)."
        },
    )


class TrainingOfferSchema(ma.Schema):
    company_id = fields.Integer(required=True)
    answers = fields.Dict(required=True, metadata={"description": "extensions['training']."})
    trains_apprentices = fields.Boolean(required=True)
    professions = fields.List(fields.Dict(), required=True)
    titles = fields.List(fields.String(), required=True)
    places_per_year = fields.Integer(allow_none=True)
    dual_study = fields.Boolean(required=True)
    dual_study_partner = fields.String(required=True)
    dual_study_programmes = fields.String(required=True)
    further_training_budget_eur = fields.Float(allow_none=True)
    further_training_days = fields.Float(allow_none=True)
    supports_further_training = fields.Boolean(required=True)
    courses = fields.List(fields.Nested(TrainingCourseSchema), required=True)


def course_document(
    platform: Platform,
    service: TrainingService,
    course: Course,
    lang: str,
    distance_m: float | None = None,
) -> dict[str, Any]:
    """A course as the API shows it: its fields, labels, page URL, distance, current or not."""
    return {
        **course.to_dict(),
        "url": course_url(platform, course.id, lang),
        "labels": course.labels(lang),
        "distance_m": distance_m,
        "current": course.is_current(service.today()),
    }


def offer_document(
    platform: Platform, service: TrainingService, company: Any, lang: str
) -> dict[str, Any]:
    stored = (company.extensions or {}).get(EXTENSION) or {}
    offer = TrainingOffer.from_extension(stored)
    professions = tuple(dict.fromkeys((*company.professions, *offer.professions)))
    nearby = service.nearby(company.location, professions) if professions else []
    return {
        "company_id": company.id,
        "answers": stored if isinstance(stored, dict) else {},
        "trains_apprentices": offer.trains_apprentices,
        "professions": [
            {"code": c, "label": vocabulary("professions").label(c, lang)}
            for c in offer.professions
            if c in vocabulary("professions")
        ],
        "titles": list(offer.titles),
        "places_per_year": offer.places,
        "dual_study": offer.dual_study,
        "dual_study_partner": offer.dual_study_partner,
        "dual_study_programmes": offer.dual_study_programmes,
        "further_training_budget_eur": offer.budget_eur,
        "further_training_days": offer.days,
        "supports_further_training": offer.supports_further_training,
        "courses": [
            course_document(platform, service, n.course, lang, n.distance_m) for n in nearby
        ],
    }


def result_document(
    platform: Platform, service: TrainingService, result: CourseResult, lang: str
) -> dict[str, Any]:
    return {
        "today": result.today.isoformat(),
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "items": [course_document(platform, service, c, lang, d) for c, d in result.items],
        "facets": [
            {
                "key": spec.key,
                "label": spec.label(lang),
                "kind": spec.kind.value,
                "values": [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in result.facets[spec.key]
                ],
            }
            for spec in service.registry
        ],
    }


class TrainingImportRefusedSchema(ma.Schema):
    """The error shape of the API, with the import's report when records were checked."""

    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    report = fields.Dict(metadata={"description": "Every record with its outcome."})


def _errors(blp: Blueprint, *codes: int) -> Callable[[Any], Any]:
    """Document error answers (core's error shape) of an operation."""

    def decorate(function: Any) -> Any:
        for code in codes:
            function = blp.alt_response(code, response=HTTPStatus(code).name)(function)
        return function

    return decorate


def _check_id(value: int) -> int:
    if value > MAX_ID:
        raise NotFound(f"There is no course with id {value}.")
    return value


def _service() -> TrainingService:
    return service_for(current_platform())


def _lang(args: dict[str, Any]) -> str:
    return str(args.get("lang") or "de")


# reading is public but for the import list; every write is the operators'
blp = api_blueprint(
    "training",
    __name__,
    "Aus- und Weiterbildung: Kurse mit Facetten, Importe, Ausbildungsangebote der Unternehmen "
    "(courses with facets, imports, companies' training offers).",
    access={"Imports": "operator"},
)
enforce_access(blp)


@blp.route("/courses")
class Courses(MethodView):
    @blp.arguments(TrainingCourseSearchArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, TrainingCourseListSchema)
    @_errors(blp, 401, 403, 422)
    @blp.doc(security=PUBLIC_OR_OPERATOR, **{"x-dependencies": COURSE_SEARCH_RULES})
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search current courses

        Filters, text, area (bbox or a centre with radius_km; online courses match any
        area) and order; facet counts for every filter, each counted without its own
        selection. Past courses are left out (operators may ask for past=true).
        radius_km and sort=distance need a centre (near, near_postcode or near_town, only
        one of them; `x-dependencies`); empty parameters count as left out.
        """
        service = _service()
        params = {k: request.args.getlist(k) for k in request.args if k != "past"}
        include_past = bool(args.get("past")) and is_operator()
        query = service.parse(params)
        result = service.search(query, include_past=include_past)
        return result_document(current_platform(), service, result, query.lang)

    @blp.arguments(TrainingCourseInputSchema)
    @blp.response(201, TrainingCourseSchema)
    @_errors(blp, 401, 403, 409, 422)
    @blp.doc(security=OPERATOR_SECURITY, **{"x-dependencies": COURSE_RULES})
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Add a course

        Coordinates come from the postcode when left out; checked like an import record.
        Rules between fields (also in `x-dependencies`): a start date, an end date (on or
        after the start) or on_demand true; a course not online needs a postcode or lat
        and lon; lat and lon come together.
        """
        platform, service = current_platform(), _service()
        course = course_from_values(body, platform, source="manual")
        with platform.session(write=True) as session:
            saved = repo.add_course(session, course)
        service.index(force=True)
        location = url_for(".CourseById", course_id=saved.id)
        return course_document(platform, service, saved, "de"), 201, {"Location": location}


def _employers_document(service: TrainingService, course: Course, lang: str) -> dict[str, Any]:
    found = service.employers(course, lang)
    return {
        "employers": [
            company_item(hit, distance_m=hit.distance_m) for hit in (found.items if found else ())
        ],
        "employers_total": found.total if found else 0,
        "employer_search": {
            k: ",".join(v)
            for k, v in service.employer_params(course, lang).items()
            if k not in ("per_page", "lang")
        },
    }


@blp.route("/courses/<int:course_id>")
class CourseById(MethodView):
    @blp.arguments(TrainingCourseDetailArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, TrainingCourseDetailSchema)
    @_errors(blp, 401, 403, 404, 422)
    @blp.doc(security=PUBLIC_OR_OPERATOR)
    def get(self, args: dict[str, Any], course_id: int) -> dict[str, Any]:
        """Show a course with employers nearby

        Employers are companies that employ the course's professions, within
        employer_radius_km of the course (nearest first). Past courses are gone (404).
        """
        lang, service = _lang(args), _service()
        include_past = bool(args.get("past")) and is_operator()
        course = service.course(_check_id(course_id), include_past=include_past)
        return {
            "course": course_document(current_platform(), service, course, lang),
            **_employers_document(service, course, lang),
        }

    @blp.arguments(TrainingCoursePatchSchema(partial=True))
    @blp.response(200, TrainingCourseSchema)
    @_errors(blp, 401, 403, 404, 409, 422)
    @blp.doc(security=OPERATOR_SECURITY, **{"x-dependencies": COURSE_PATCH_RULES})
    def patch(self, body: dict[str, Any], course_id: int) -> dict[str, Any]:
        """Change a course

        Only the fields given change; the course is checked again as a whole (the rules
        of POST); lat and lon are given together (`x-dependencies`).
        """
        platform, service = current_platform(), _service()
        with platform.session() as session:
            existing = repo.get_course(session, _check_id(course_id))
        data = existing.to_dict()
        if "postcode" in body and "lat" not in body:
            data["lat"] = data["lon"] = None  # a new postcode means a new place
        data.update(body)
        course = course_from_values(data, platform, source=existing.source)
        course.id, course.is_demo = existing.id, existing.is_demo
        with platform.session(write=True) as session:
            saved = repo.update_course(session, course)
        service.index(force=True)
        return course_document(platform, service, saved, "de")

    @blp.response(204)
    @_errors(blp, 401, 403, 404)
    @blp.doc(security=OPERATOR_SECURITY)
    def delete(self, course_id: int) -> Response:
        """Delete a course"""
        with current_platform().session(write=True) as session:
            repo.delete_course(session, _check_id(course_id))
        _service().index(force=True)
        return Response(status=204)


@blp.route("/imports")
class Imports(MethodView):
    @blp.response(200)
    @_errors(blp, 401, 403)
    @blp.doc(security=OPERATOR_SECURITY)
    def get(self) -> dict[str, Any]:
        """List the latest course imports (operators only)"""
        with current_platform().session() as session:
            return {"imports": list(repo.list_imports(session))}

    @blp.arguments(TrainingImportArgs, location="query", unknown=ma.RAISE)
    @blp.response(200)
    @_errors(blp, 401, 403, 413)
    @blp.alt_response(
        422,
        schema=TrainingImportRefusedSchema,
        description="Nothing imported: the file is empty or unreadable, or a record is "
        "invalid (then with the report of every record).",
    )
    @blp.doc(
        security=OPERATOR_SECURITY,
        requestBody=import_body_doc(
            "csv",
            "json",
            description="The file itself (UTF-8): CSV, JSON or a Weiterbildungssuche answer.",
        ),
    )
    def post(self, args: dict[str, Any]) -> Any:
        """Import courses from a file (all or nothing)

        The answer reports every record (created, updated, or invalid with reasons and
        warnings). With any invalid record nothing is imported (422, with the report).
        """
        default = "upload.csv" if (request.mimetype or "").endswith("csv") else "upload.json"
        upload = uploaded_file(
            args.get("name") or default, max_bytes=MAX_IMPORT_BYTES, required=True
        )
        try:
            report = import_text(
                current_platform(),
                decode(upload.data, upload.name),
                name=upload.name,
                fmt=args.get("format"),
                source=args.get("source"),
                allow_outside_region=args["allow_outside_region"],
            )
        except CourseImportError as exc:
            response = jsonify(
                {
                    "code": 422,
                    "status": "Unprocessable Entity",
                    "message": exc.message,
                    "errors": exc.errors,
                    "report": exc.report.as_dict(),
                }
            )
            response.status_code = 422
            return response
        _service().index(force=True)
        return report.as_dict()


@blp.route("/questionnaire")
class Questionnaire(MethodView):
    @blp.arguments(LangArgs, location="query", unknown=ma.RAISE)
    @blp.response(200)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The training section of the company questionnaire (as data, texts in lang)"""
        return training_section(_lang(args))


@blp.route("/companies/<int:company_id>")
class CompanyTraining(MethodView):
    @blp.arguments(LangArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, TrainingOfferSchema)
    @_errors(blp, 404, 422)
    def get(self, args: dict[str, Any], company_id: int) -> dict[str, Any]:
        """A company's training offers and current courses nearby for its professions"""
        platform = current_platform()
        company = platform.company(min(company_id, MAX_ID), public_only=True)
        return offer_document(platform, _service(), company, _lang(args))

    @blp.arguments(LangArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, TrainingOfferSchema)
    @_errors(blp, 401, 403, 404, 422)
    @blp.doc(
        security=OPERATOR_SECURITY,
        requestBody={
            "required": True,
            "description": "Answers of the training section, keyed by question.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    )
    def put(self, args: dict[str, Any], company_id: int) -> dict[str, Any]:
        """Save a company's answers of the training section

        Replaces extensions['training'] and switches core's offers (ausbildung,
        duales_studium) and benefit (further_training) on where the answers say so.
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(422, message="Send the answers as a JSON object.")
        platform = current_platform()
        company = platform.company(min(company_id, MAX_ID), with_contact=True)
        saved = platform.save_company(apply_answers(company, body))
        return offer_document(platform, _service(), saved, _lang(args))
