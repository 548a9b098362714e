"""The operators' review list (``/admin/stellen/zuordnung``): employers of imported positions
that no company could be matched to for sure.

Positions are shown per employer (its normalised name and postcode, as the matching compares
them), uncertain matches (with the companies proposed) first, then employers no company was
found for. For each employer the operator confirms a proposed company, picks another one by a
search of the portal's companies, or decides that none of them is the employer ("no
company"); the decision holds for every position of that employer on the list and is the
operator's from then on (``manual``: a later import or ``jobs match`` keeps it). Each
decision is written in one transaction with its audit entry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import flask
from core import Company
from core import NotFound
from core import Status
from webapp.kit import admin_blueprint
from webapp.kit import admin_language
from webapp.kit import admin_page
from webapp.kit import current_platform
from webapp.kit import language_args
from webapp.kit import log_operator_action

from plugins.jobs.employers import employers
from plugins.jobs.repository import PositionRepository
from plugins.jobs.texts import text

__all__ = ["GROUPS_PER_PAGE", "blp"]

blp = admin_blueprint("jobs_admin", __name__, "/admin/stellen")

#: Employers per page of the list.
GROUPS_PER_PAGE = 25
#: Companies a search of the list shows.
FOUND_LIMIT = 10
_NOTICE = "jobs_review_notice"


def _texts(lang: str) -> Any:
    """``jt(key, **values)``: the review list's text ``key`` in ``lang``; with ``count`` the
    singular (``<key>_one``) for one."""

    def jt(key: str, **values: Any) -> str:
        if values.get("count") == 1:
            key = f"{key}_one"
        return text(f"review.{key}", lang, **values)

    return jt


def _companies(ids: Sequence[int]) -> dict[int, Company]:
    platform = current_platform()
    found = {}
    for company_id in ids:
        try:
            found[company_id] = platform.company(company_id)
        except NotFound:
            continue  # deleted since it was proposed
    return found


def _search(words: str) -> list[Company]:
    """Companies of the portal for the operator's search: a number is a company's id, other
    words search the published companies as the portal's search does."""
    words = words.strip()[:200]
    if not words:
        return []
    platform = current_platform()
    number = words.lstrip("#")
    if number.isdigit() and len(number) < 10:
        return list(_companies([int(number)]).values())
    found = platform.search(platform.parse_query({"q": [words], "per_page": [str(FOUND_LIMIT)]}))
    return list(_companies([hit.id for hit in found.items[:FOUND_LIMIT]]).values())


def _whole(value: str, default: int = 1) -> int:
    return int(value) if value.isdigit() and len(value) < 7 else default


@blp.get("/zuordnung")
def review_list() -> Any:
    """The employers waiting for a decision, a page at a time."""
    lang = admin_language()
    with current_platform().session() as db:
        waiting = employers(PositionRepository(db).review_list())
    pages = max(1, math.ceil(len(waiting) / GROUPS_PER_PAGE))
    page = min(_whole(flask.request.args.get("page", "1")), pages)
    shown = waiting[(page - 1) * GROUPS_PER_PAGE : page * GROUPS_PER_PAGE]
    chosen = flask.request.args.get("arbeitgeber", "")
    words = flask.request.args.get("firma", "")
    found = _search(words) if chosen and words else []
    candidates = _companies([c for e in shown for c in e.candidates])
    return admin_page(
        "jobs/review.html",
        jt=_texts(lang),
        employers=shown,
        total=len(waiting),
        positions=sum(len(e.positions) for e in waiting),
        page=page,
        pages=pages,
        candidates=candidates,
        chosen=chosen,
        words=words,
        found=found,
        published=Status.PUBLISHED,
        notice=flask.session.pop(_NOTICE, None),
    )


def _decide(company_id: int | None) -> tuple[int, int]:
    """Give the positions the form names the company ``company_id`` (None: no company);
    positions decided meanwhile are left as they are. Returns (changed, left alone)."""
    ids = [_whole(v, 0) for v in flask.request.form.getlist("position")]
    changed = left = 0
    with current_platform().session(write=True) as db:
        repo = PositionRepository(db)
        for position_id in ids:
            try:
                position = repo.get(position_id)
            except NotFound:
                left += 1
                continue
            if position.match not in ("review", "unmatched"):
                left += 1  # another operator (or an import) decided meanwhile
                continue
            decided = position.evolve(company_id=company_id, match="manual", match_candidates=())
            repo.update(decided, bump=False)
            changed += 1
            log_operator_action(
                db,
                "jobs.match" if company_id is not None else "jobs.no_company",
                f"jobs.positions:{position_id}",
                {"company_id": company_id, "was": position.match},
            )
        if changed:
            repo.changed()
    return changed, left


def _back(notice: str) -> Any:
    flask.session[_NOTICE] = notice
    args = language_args(admin_language())
    page = flask.request.form.get("page", "")
    if page.isdigit() and page != "1":
        args["page"] = page
    return flask.redirect(flask.url_for(".review_list", **args), code=303)


@blp.post("/zuordnung/zuordnen")
def assign() -> Any:
    """Give the employer's positions a company: a proposed one or one found by a search."""
    lang = admin_language()
    jt = _texts(lang)
    company_id = _whole(flask.request.form.get("company", ""), 0)
    companies = _companies([company_id]) if company_id else {}
    if company_id not in companies:
        return _back(jt("no_such_company", id=flask.request.form.get("company", "")))
    changed, left = _decide(company_id)
    name = companies[company_id].name
    notice = jt("assigned", count=changed, company=name)
    return _back(notice + (" " + jt("left_alone", count=left) if left else ""))


@blp.post("/zuordnung/kein-unternehmen")
def no_company() -> Any:
    """None of the portal's companies is the employer: its positions leave the list."""
    jt = _texts(admin_language())
    changed, left = _decide(None)
    notice = jt("no_company_done", count=changed)
    return _back(notice + (" " + jt("left_alone", count=left) if left else ""))
