"""The JSON API under ``/api/v1/jobs`` (a flask-smorest blueprint the web app mounts) and the
open data files of the open positions.

Everything here only reads. The public sees the open positions but those of companies off
the map (``listing.Publicity``, the rule of the position pages); operators
(``Authorization: Bearer <portal.operator_token>``) may ask for every position
(``open=false``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from core import InvalidQuery
from core import NotFound
from core import open_data_licence
from flask import Response
from flask import request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields
from marshmallow import validate
from webapp.kit import LANGUAGES
from webapp.kit import PUBLIC_OR_OPERATOR
from webapp.kit import CompanyItemSchema
from webapp.kit import LangArgs
from webapp.kit import PageSchema
from webapp.kit import api_blueprint
from webapp.kit import codes_pattern
from webapp.kit import current_platform
from webapp.kit import enforce_access
from webapp.kit import is_operator
from webapp.kit import value_rule

from plugins.jobs import vocabulary as jv
from plugins.jobs.facts import position_path
from plugins.jobs.facts import profession_label
from plugins.jobs.facts import starts
from plugins.jobs.hooks import service_for
from plugins.jobs.listing import OTHER_TOWN
from plugins.jobs.listing import PositionFilter
from plugins.jobs.listing import Publicity
from plugins.jobs.listing import newest_first
from plugins.jobs.listing import select
from plugins.jobs.model import Position
from plugins.jobs.opendata import export
from plugins.jobs.opendata import public_record
from plugins.jobs.service import JobsService

__all__ = ["blp", "position_document"]

#: Largest id there can be: ids are INTEGER columns (32 bits on PostgreSQL).
MAX_ID = 2**31 - 1
#: A profession filter value: a KldB 2010 code of 2 to 5 digits.
PROFESSION_PATTERN = r"^\d{2,5}(,\d{2,5})*$"


def _many(description: str, pattern: str | None = None) -> fields.List:
    """A filter parameter: values repeated (kind=a&kind=b) or separated by commas, each
    matching ``pattern`` when given."""
    item = (
        fields.String(validate=validate.Regexp(pattern), metadata={"pattern": pattern})
        if pattern
        else fields.String()
    )
    return fields.List(item, metadata={"description": description})


class JobsPositionListArgs(ma.Schema):
    """The list of positions; every filter takes several values (any of them matches)."""

    company = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        metadata={"description": "Ids of companies (repeat the parameter for several)."},
    )
    kind = _many(f"Kind of position: {', '.join(jv.KINDS.codes)}.", codes_pattern(jv.KINDS.codes))
    profession = _many(
        "KldB 2010 code of 2 to 5 digits; a position matches when its own code starts with "
        "it (26 finds 26312).",
        PROFESSION_PATTERN,
    )
    town = value_rule(
        _many("Official key (AGS) of a town of the region, or 'other'."),
        "Official keys (AGS) of towns of the region, or 'other'.",
        [OTHER_TOWN],
    )
    open = fields.Boolean(
        load_default=True,
        metadata={"description": "false: every position, closed ones too (operators only)."},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))
    lang = fields.String(validate=validate.OneOf(LANGUAGES))


class JobsPositionArgs(LangArgs):
    open = fields.Boolean(
        load_default=True,
        metadata={"description": "false: any position, a closed one too (operators only)."},
    )


class JobsCompanyItemSchema(CompanyItemSchema):
    url = fields.String(required=True, metadata={"description": "The company's profile."})


class JobsPositionSchema(ma.Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The position's page."})
    title = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    employment_type = fields.String(
        required=True, metadata={"description": "schema.org JobPosting employmentType."}
    )
    profession = fields.String(
        allow_none=True, required=True, metadata={"description": "KldB 2010 code."}
    )
    profession_group = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Its Berufshauptgruppe (two digits), core's profession."},
    )
    profession_label = fields.String(allow_none=True, required=True)
    start_date = fields.String(
        allow_none=True, required=True, metadata={"description": "null: from now on."}
    )
    start_label = fields.String(required=True, metadata={"description": "When it starts."})
    published = fields.String(required=True)
    valid_through = fields.String(allow_none=True, required=True)
    open = fields.Boolean(required=True, metadata={"description": "Open today."})
    company_id = fields.Integer(allow_none=True, required=True)
    company = fields.Nested(
        JobsCompanyItemSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The company on the map; null before it is matched."},
    )
    employer_name = fields.String(required=True)
    postcode = fields.String(required=True)
    town = fields.String(required=True)
    lat = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "Where it lies: its own place, else its company's."},
    )
    lon = fields.Float(allow_none=True, required=True)
    description = fields.String(required=True, metadata={"description": "Plain text."})
    apply_url = fields.String(required=True)
    apply_email = fields.String(required=True)
    apply_phone = fields.String(required=True)
    source = fields.String(required=True)
    external_id = fields.String(required=True)
    is_demo = fields.Boolean(required=True)
    match = fields.String(metadata={"description": "Operators only: how it was matched."})
    match_candidates = fields.List(
        fields.Integer(), metadata={"description": "Operators only: companies to review."}
    )
    filled_on = fields.String(allow_none=True, metadata={"description": "Operators only."})


class JobsPositionListSchema(PageSchema):
    today = fields.String(required=True, metadata={"description": "The day open refers to."})
    items = fields.List(fields.Nested(JobsPositionSchema), required=True)


class JobsCompanyPositionsSchema(ma.Schema):
    today = fields.String(required=True)
    company = fields.Nested(JobsCompanyItemSchema, required=True)
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(JobsPositionSchema), required=True)


def _errors(*codes: int) -> Any:
    """Document error answers (core's error shape) of an operation."""

    def decorate(function: Any) -> Any:
        for code in codes:
            function = blp.alt_response(code, response=HTTPStatus(code).name)(function)
        return function

    return decorate


def _service() -> JobsService:
    return service_for(current_platform())


def _company(company_id: int | None) -> dict[str, Any] | None:
    """The company ``company_id`` as the API lists it, if it is on the map (else None)."""
    index = current_platform().search_index()
    row = None if company_id is None else index.row_of.get(int(company_id))
    if row is None or not bool(index.alive[row]):
        return None
    slug = index.slugs[row]
    return {
        "id": company_id,
        "slug": slug,
        "name": index.names[row],
        "town": index.towns[row],
        "url": f"/unternehmen/{slug}",
    }


def position_document(
    position: Position, publicity: Publicity, lang: str, *, operator: bool = False
) -> dict[str, Any]:
    """A position as the API shows it: the fields of the open data files (its company as
    ``company``), labels in ``lang``, whether it is open, how to apply, and for operators how
    it was matched."""
    platform = current_platform()
    record = public_record(position, platform.search_index())
    document: dict[str, Any] = {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in record.items()
        if key not in ("company_slug", "company_name")
    }
    document.update(
        url=position_path(platform, position.id, lang),
        kind_label=jv.KINDS.label(position.kind, lang),
        profession_label=profession_label(position, lang) or None,
        start_label=starts(position, publicity.today, lang),
        open=position.is_open(publicity.today),
        company=_company(position.company_id),
        apply_email=position.apply_email,
        apply_phone=position.apply_phone,
    )
    if operator:
        document["match"] = position.match
        document["match_candidates"] = list(position.match_candidates)
        document["filled_on"] = position.filled_on.isoformat() if position.filled_on else None
    return document


def _view(service: JobsService, args: dict[str, Any]) -> tuple[Publicity, bool]:
    """What the caller sees: the public's positions, or (``open=false``) every one."""
    everything = not args.get("open", True)
    if everything and not is_operator():
        abort(
            403,
            message="Only operators see closed positions and those of unpublished companies; "
            "leave out open=false or send the operator token.",
        )
    return Publicity.of(current_platform(), service.today()), everything


def _lang(args: dict[str, Any]) -> str:
    return str(args.get("lang") or LANGUAGES[0])


# every route only reads: public (operators see more with open=false)
blp = api_blueprint(
    "jobs",
    __name__,
    "Offene Stellen der Unternehmen: Liste mit Filtern, eine Stelle, die Stellen eines "
    "Unternehmens, offene Daten (open positions of the companies: list, position, a "
    "company's positions, open data files).",
)
enforce_access(blp)


@blp.route("/positions")
class Positions(MethodView):
    @blp.arguments(JobsPositionListArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, JobsPositionListSchema)
    @_errors(401, 403, 422)
    @blp.doc(security=PUBLIC_OR_OPERATOR)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List open positions

        The open positions (none of a company off the map), newest first, filtered by
        company, kind, profession (a KldB 2010 code or its first digits) and town; each
        filter takes several values, any of which matches. Operators may ask for every
        position, closed ones too (open=false).
        """
        service = _service()
        publicity, everything = _view(service, args)
        wanted = PositionFilter(
            companies=args.get("company") or (),
            kinds=_split(args.get("kind")),
            professions=_split(args.get("profession")),
            towns=_towns(_split(args.get("town"))),
        )
        pool = (
            service.positions().positions
            if everything
            else [p for p in service.open_positions() if publicity.shows(p)]
        )
        page = select(
            pool,
            wanted,
            current_platform().region,
            page=args["page"],
            per_page=args["per_page"],
        )
        lang = _lang(args)
        return {
            "today": publicity.today.isoformat(),
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
            "items": [
                position_document(p, publicity, lang, operator=everything) for p in page.items
            ],
        }


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def _towns(values: list[str]) -> list[str]:
    """The towns of a list's filter: AGS of the region's towns or ``other`` (422 naming the
    valid ones otherwise)."""
    region = current_platform().region
    known = {t.ags for t in region.towns} | {OTHER_TOWN}
    unknown = [v for v in values if v not in known]
    if unknown:
        choices = ", ".join(f"{t.ags} ({t.name})" for t in region.towns)
        raise InvalidQuery(
            f"{', '.join(unknown)} is not a town of {region.name}; give the official key (AGS) "
            f"of one of: {choices}, or {OTHER_TOWN}.",
            {"town": [f"unknown town {unknown[0]!r}"]},
        )
    return values


@blp.route("/positions/<int:position_id>")
class PositionById(MethodView):
    @blp.arguments(JobsPositionArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, JobsPositionSchema)
    @_errors(401, 403, 404, 410, 422)
    @blp.doc(security=PUBLIC_OR_OPERATOR)
    def get(self, args: dict[str, Any], position_id: int) -> dict[str, Any]:
        """Show a position

        An open position; one that has run out or was filled is gone (410), one that never
        was or whose company is not on the map is not found (404). Operators see any
        position with open=false.
        """
        service = _service()
        publicity, everything = _view(service, args)
        found = service.positions().by_id.get(min(position_id, MAX_ID))
        if found is None or (publicity.off_map(found) and not everything):
            raise NotFound(f"There is no open position {position_id}.")
        if not everything and not found.is_open(publicity.today):
            abort(
                410,
                message=f"The position {position_id} is no longer open; the employer's other "
                "positions are listed at /api/v1/jobs/companies/<company_id>/positions.",
            )
        return position_document(found, publicity, _lang(args), operator=everything)


@blp.route("/companies/<int:company_id>/positions")
class CompanyPositions(MethodView):
    @blp.arguments(JobsPositionArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, JobsCompanyPositionsSchema)
    @_errors(401, 403, 404, 422)
    @blp.doc(security=PUBLIC_OR_OPERATOR)
    def get(self, args: dict[str, Any], company_id: int) -> dict[str, Any]:
        """List a company's open positions

        Newest first; a company not on the map is not found (404). Operators see its closed
        positions too with open=false.
        """
        service = _service()
        publicity, everything = _view(service, args)
        company = _company(min(company_id, MAX_ID))
        if company is None:
            raise NotFound(f"There is no published company with id {company_id} on the map.")
        mine = (
            newest_first(service.positions().by_company.get(company_id, ()))
            if everything
            else service.positions_of(company_id)
        )
        lang = _lang(args)
        return {
            "today": publicity.today.isoformat(),
            "company": company,
            "total": len(mine),
            "items": [position_document(p, publicity, lang, operator=everything) for p in mine],
        }


# --- open data -----------------------------------------------------------------------------

_NOT_MODIFIED = {"description": "Not modified since the ETag sent in If-None-Match."}


def _open_data(fmt: str) -> Response:
    platform = current_platform()
    if not platform.settings.opendata.enabled:
        abort(404, message="Open data is switched off on this portal (opendata.enabled).")
    service = _service()
    publicity = Publicity.of(platform, service.today())
    shown = [p for p in service.open_positions() if publicity.shows(p)]
    licence = open_data_licence(platform.settings)
    index = platform.search_index()
    # the file changes with the positions, the day, the companies on the map and the licence
    base = platform.settings.portal.base_url
    stamp = f"{fmt}|{service.version()}|{index.version}|{licence}|{base}"
    etag = hashlib.sha256(stamp.encode()).hexdigest()[:20]
    headers = {
        "Cache-Control": f"public, max-age={platform.settings.opendata.cache_seconds}",
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.if_none_match:
        response = Response(status=304, headers=headers)
    else:
        records = [public_record(p, index, base) for p in shown]
        name = f"{platform.region.slug}-positions"
        file = export(fmt, records, licence, today=publicity.today, name=name)
        headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        response = Response(file.content, content_type=file.media_type, headers=headers)
    response.set_etag(etag)
    return response


@blp.route("/opendata/positions.csv")
class OpenDataCSV(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "One line per open position; the column license names the "
                "terms of use on every line.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
            "304": _NOT_MODIFIED,
            "404": {"description": "Open data is switched off on this portal."},
        }
    )
    def get(self) -> Response:
        """Download the open positions as CSV

        The open positions (none of a company off the map) without personal data: no apply
        e-mail address or phone number, nothing about matching. Cacheable (ETag).
        """
        return _open_data("csv")


@blp.route("/opendata/positions.json")
class OpenDataJSON(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "The positions under positions; the members license, "
                "license_url and attribution state the terms of use.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "304": _NOT_MODIFIED,
            "404": {"description": "Open data is switched off on this portal."},
        }
    )
    def get(self) -> Response:
        """Download the open positions as JSON

        The fields of the CSV file, with the licence beside them. Cacheable (ETag).
        """
        return _open_data("json")
