"""Operator pages of the companies: a searchable list, one page per company, status changes.

A status change goes through ``Platform.save_company`` like every other write of a company,
so the search index of every process and the plugins (``company_changed``) follow; the
operator's decision is written to the audit log.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
from flask import Blueprint, request, session
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import NotFound, RegiokarteError
from core.model import Status
from core.persistence import companies as repo
from core.persistence import submissions as submission_repo
from core.persistence.tables import CompanyRow
from core.portal import audit
from webapp.admin.i18n import admin_language, translate
from webapp.admin.views import _go, _page, current_operator, operator_required
from webapp.questionnaire import flow as helpers

__all__ = ["PER_PAGE", "SORTS", "register"]

PER_PAGE = 50
#: sort key -> columns (the id last, so pages never overlap)
SORTS: dict[str, tuple[Any, ...]] = {
    "name": (func.lower(CompanyRow.name), CompanyRow.id),
    "town": (CompanyRow.town, func.lower(CompanyRow.name), CompanyRow.id),
    "status": (CompanyRow.status, func.lower(CompanyRow.name), CompanyRow.id),
    "updated": (CompanyRow.updated_at.desc(), CompanyRow.id.desc()),
    "id": (CompanyRow.id,),
}
NOTICE_KEY = "admin_notice"
#: What the list shows of each company.
LIST_COLUMNS = (
    CompanyRow.id,
    CompanyRow.name,
    CompanyRow.status,
    CompanyRow.town,
    CompanyRow.industry,
    CompanyRow.updated_at,
)


def _t(key: str, **values: Any) -> str:
    return translate(key, admin_language(), **values)


def _whole(text: str, default: int = 1) -> int:
    return int(text) if text.isdigit() and len(text) < 7 else default


def status_label(status: Status | str, lang: str) -> str:
    return translate(f"status_{Status(status).value}", lang)


def register(blp: Blueprint) -> None:
    """Add the company pages to the admin blueprint."""
    blp.add_url_rule("/unternehmen", view_func=companies, methods=["GET"])
    blp.add_url_rule("/unternehmen/<int:company_id>", view_func=company, methods=["GET"])
    blp.add_url_rule(
        "/unternehmen/<int:company_id>/status", view_func=company_status, methods=["POST"]
    )


@operator_required
def companies() -> Any:
    """The searchable, sortable list of every company, 50 to a page."""
    args = _list_args()
    with helpers.platform().session() as db:
        total, page, pages, rows = _list_page(db, args)
        towns = [
            t for t in db.scalars(select(CompanyRow.town).distinct().order_by(CompanyRow.town)) if t
        ]
    return _page(
        "companies.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        args={k: v for k, v in args.items() if v},
        towns=towns,
        statuses=list(Status),
        status_label=status_label,
        sorts=list(SORTS),
    )


def _list_args() -> dict[str, str]:
    """The list's query (name part, status, town, sort), each cut to what it may be."""
    status = request.args.get("status", "")
    sort = request.args.get("sort", "name")
    return {
        "q": request.args.get("q", "").strip()[:200],
        "status": status if status in {s.value for s in Status} else "",
        "town": request.args.get("town", "").strip()[:100],
        "sort": sort if sort in SORTS else "name",
    }


def _list_page(db: Session, args: dict[str, str]) -> tuple[int, int, int, list[Any]]:
    """(total, page, pages, rows of the page) for the list's query."""
    wanted = select(CompanyRow.id)
    if args["q"]:
        wanted = wanted.where(
            func.lower(CompanyRow.name).contains(args["q"].lower(), autoescape=True)
        )
    if args["status"]:
        wanted = wanted.where(CompanyRow.status == args["status"])
    if args["town"]:
        wanted = wanted.where(CompanyRow.town == args["town"])
    total = int(db.scalar(select(func.count()).select_from(wanted.subquery())) or 0)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(_whole(request.args.get("page", "1")), pages)
    rows = db.execute(
        select(*LIST_COLUMNS)
        .where(CompanyRow.id.in_(wanted))
        .order_by(*SORTS[args["sort"]])
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return total, page, pages, list(rows)


@operator_required
def company(company_id: int) -> Any:
    platform = helpers.platform()
    try:
        with platform.session() as db:
            found = repo.get_company(db, company_id)
            submission_ids = submission_repo.submission_ids_of_company(db, company_id)
    except NotFound:
        return _page("not_found.html", 404)
    return _page(
        "company.html",
        company=found,
        submission_ids=submission_ids,
        statuses=list(Status),
        status_label=status_label,
        notice=session.pop(NOTICE_KEY, None),
    )


@operator_required
def company_status(company_id: int) -> Any:
    platform = helpers.platform()
    operator = current_operator()
    assert operator is not None
    wanted = request.form.get("status", "")
    if wanted not in {s.value for s in Status}:
        session[NOTICE_KEY] = _t("status_invalid")
        return _go("admin.company", company_id=company_id)
    try:
        with platform.session() as db:
            found = repo.get_company(db, company_id, with_contact=True)
    except NotFound:
        return _page("not_found.html", 404)
    new = Status(wanted)
    old = found.status
    if new is old:
        session[NOTICE_KEY] = _t("status_unchanged", status=status_label(old, admin_language()))
        return _go("admin.company", company_id=company_id)
    try:
        platform.save_company(attrs.evolve(found, status=new))
    except RegiokarteError as exc:
        session[NOTICE_KEY] = exc.message
        return _go("admin.company", company_id=company_id)
    with platform.session(write=True) as db:
        audit.log_action(
            db,
            operator.actor,
            "company.status",
            f"company:{company_id}",
            {"from": old.value, "to": new.value},
        )
    session[NOTICE_KEY] = _t(
        "status_changed", name=found.name, status=status_label(new, admin_language())
    )
    return _go("admin.company", company_id=company_id)
