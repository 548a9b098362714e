"""/api/v1/companies: published profiles for everyone; writes and drafts for operators.

Writes go through ``Platform.save_company`` / ``delete_company`` so plugins are told.
"""

from __future__ import annotations

import math
from typing import Any

import marshmallow as ma
from flask import Response, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from core.errors import Conflict, NotFound, ValidationError
from core.model import Company, Status
from core.persistence import companies as repo
from webapp.api.schemas import (
    DEPENDENCIES,
    MAX_ID,
    CompanyInputSchema,
    CompanyListArgsSchema,
    CompanyListSchema,
    CompanyPatchSchema,
    CompanySchema,
    ErrorSchema,
    LanguageArgsSchema,
    company_rules,
    response_links,
)
from webapp.context import current_platform, is_operator, require_operator

__all__ = ["blp"]

SECURITY = "operatorToken"
PUBLIC_OR_OPERATOR = [{}, {SECURITY: []}]
OPERATOR = [{SECURITY: []}]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Fields the API shows but nobody writes.
DERIVED = ("id", "size", "created_at", "updated_at")
#: A created company's id leads to reading, changing and deleting it.
_ONE = "/api/v1/companies/{company_id}"
ONE_COMPANY_LINKS = response_links(
    201, [(_ONE, "get"), (_ONE, "patch"), (_ONE, "delete")], "company_id", "$response.body#/id"
)


def _checked_id(company_id: int) -> int:
    # larger numbers exist in no database; SQLite would raise OverflowError on them
    if company_id > MAX_ID:
        raise NotFound(f"There is no company with id {company_id}.")
    return company_id


def _company(data: dict[str, Any]) -> Company:
    """A Company from a merged request body (the Company.from_dict shape)."""
    if (data.get("lat") is None) != (data.get("lon") is None):
        raise ValidationError(
            "Give lat and lon together (or neither).",
            {"lat": ["give lat and lon together"], "lon": ["give lat and lon together"]},
        )
    if "contact" in data and data["contact"] is None:
        data["contact"] = {}
    return Company.from_dict(data)


def _document(company: Company, operator: bool) -> dict[str, Any]:
    document = company.to_dict(with_contact=operator)
    if not operator:
        # data of a disabled plugin stays in the database (enabling it again brings it back),
        # but the public sees only what enabled plugins (and core) stand behind
        enabled = {plugin.name for plugin in current_platform().plugins}
        document["extensions"] = {
            name: data for name, data in document["extensions"].items() if name in enabled
        }
    return document


blp = Blueprint(
    "companies",
    __name__,
    url_prefix="/api/v1",
    description="Company profiles. Writes need the operator token.",
)


@blp.before_request
def _operators_write() -> None:
    # before the body is parsed: an anonymous write is 401/403, not a 422 about its body
    if request.method in WRITE_METHODS:
        require_operator()


@blp.route("/companies")
class Companies(MethodView):
    @blp.arguments(CompanyListArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, CompanyListSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Wrong operator token.")
    @blp.alt_response(
        403,
        schema=ErrorSchema,
        description="Unpublished companies asked for without operator token.",
    )
    @blp.doc(security=PUBLIC_OR_OPERATOR)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List companies

        The public sees published companies; operators see every status (or the one
        given in status=) and contact data. Ordered by id.
        """
        platform = current_platform()
        operator = is_operator()
        status = args.get("status")
        if not operator and status not in (None, Status.PUBLISHED.value):
            abort(
                403,
                message=f"status={status} is for operators; the public sees "
                "published companies only.",
            )
        wanted = Status(status) if status else (None if operator else Status.PUBLISHED)
        per_page = args.get("per_page") or platform.settings.search.per_page
        page = args["page"]
        with platform.session() as session:
            total = repo.count_companies(session, status=wanted)
            items = repo.list_companies(
                session,
                status=wanted,
                offset=(page - 1) * per_page,
                limit=per_page,
                with_contact=operator,
            )
        return {
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": max(1, math.ceil(total / per_page)),
            "items": [_document(c, operator) for c in items],
        }

    @blp.arguments(CompanyInputSchema)
    @blp.response(201, CompanySchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Missing or wrong operator token.")
    @blp.alt_response(403, schema=ErrorSchema, description="Writes are disabled.")
    @blp.alt_response(409, schema=ErrorSchema, description="The slug is taken.")
    @blp.doc(security=OPERATOR)
    @blp.doc(**ONE_COMPANY_LINKS)
    @blp.doc(**{DEPENDENCIES: company_rules()})
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Create a company

        The slug is made from the name when left out. Plugins are told of the new company.
        Rules between fields (also in `x-dependencies`): lat and lon are given together
        (or both null); an industry_division belongs to the section in industry.
        """
        platform = current_platform()
        if body.get("slug"):
            with platform.session() as session:
                try:
                    repo.get_company_by_slug(session, body["slug"])
                except NotFound:
                    pass
                else:
                    raise Conflict(
                        f"The slug {body['slug']!r} is taken; choose another or leave it out.",
                        {"slug": ["already taken"]},
                    )
        saved = platform.save_company(_company(dict(body)))
        location = url_for(".CompanyById", company_id=saved.id)
        return _document(saved, True), 201, {"Location": location}


@blp.route("/companies/<int:company_id>")
class CompanyById(MethodView):
    @blp.arguments(LanguageArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, CompanySchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Wrong operator token.")
    @blp.alt_response(403, schema=ErrorSchema, description="Operator access is disabled.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such (published) company.")
    @blp.doc(security=PUBLIC_OR_OPERATOR)
    def get(self, _args: dict[str, Any], company_id: int) -> dict[str, Any]:
        """Show a company

        The public sees published companies only (404 otherwise); operators see every
        company with its contact data.
        """
        platform = current_platform()
        operator = is_operator()
        with platform.session() as session:
            company = repo.get_company(
                session,
                _checked_id(company_id),
                public_only=not operator,
                with_contact=operator,
            )
        return _document(company, operator)

    @blp.arguments(CompanyPatchSchema(partial=True))
    @blp.response(200, CompanySchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Missing or wrong operator token.")
    @blp.alt_response(403, schema=ErrorSchema, description="Writes are disabled.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such company.")
    @blp.alt_response(409, schema=ErrorSchema, description="The slug is taken.")
    @blp.doc(security=OPERATOR)
    @blp.doc(**{DEPENDENCIES: company_rules(patch=True)})
    def patch(self, body: dict[str, Any], company_id: int) -> dict[str, Any]:
        """Change a company

        Only the fields given change (within contact too); "contact": null removes the
        contact data. The changed company keeps the rules of POST (`x-dependencies`): lat
        and lon together, an industry_division of the section in industry; a change of
        either gives the other along (the stored one may not fit).
        """
        platform = current_platform()
        with platform.session() as session:
            existing = repo.get_company(session, _checked_id(company_id), with_contact=True)
        data = {k: v for k, v in existing.to_dict(with_contact=True).items() if k not in DERIVED}
        contact = body.get("contact")
        data.update(body)
        if contact:  # the contact fields given change, the others stay
            data["contact"] = {**existing.to_dict(with_contact=True)["contact"], **contact}
        data["id"] = existing.id
        return _document(platform.save_company(_company(data)), True)

    @blp.response(204)
    @blp.alt_response(401, schema=ErrorSchema, description="Missing or wrong operator token.")
    @blp.alt_response(403, schema=ErrorSchema, description="Writes are disabled.")
    @blp.alt_response(404, schema=ErrorSchema, description="No such company.")
    @blp.doc(security=OPERATOR)
    def delete(self, company_id: int) -> Response:
        """Delete a company

        Its contact data goes with it; plugins are told.
        """
        current_platform().delete_company(_checked_id(company_id))
        return Response(status=204)
