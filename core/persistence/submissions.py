"""Rows of the questionnaire: submissions, consents and logos. Functions take a session and
never commit; ``core.portal.submissions`` holds the rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from core.persistence.tables import ConsentRow, LogoRow, SubmissionRow, utcnow

__all__ = [
    "add_consent",
    "add_submission",
    "company_logo",
    "consent_rows",
    "consents_follow_company",
    "contact_consented",
    "delete_for",
    "draft_logo",
    "latest_for_company",
    "list_submissions",
    "logo_rows",
    "publish_logo",
    "remove_draft_logo",
    "set_draft_logo",
    "submission_ids_of_company",
    "submission_row",
]


def add_submission(
    session: Session,
    *,
    email: str,
    lang: str,
    answers: dict[str, Any],
    step: str,
    company_id: int | None = None,
) -> SubmissionRow:
    now = utcnow()
    row = SubmissionRow(
        company_id=company_id,
        status="draft",
        email=email,
        lang=lang,
        answers=answers,
        step=step,
        message="",
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def submission_row(
    session: Session, submission_id: int, *, lock: bool = False
) -> SubmissionRow | None:
    if lock:
        return session.get(SubmissionRow, submission_id, with_for_update=True)
    return session.get(SubmissionRow, submission_id)


def latest_for_company(session: Session, company_id: int) -> SubmissionRow | None:
    return session.scalar(
        select(SubmissionRow)
        .where(SubmissionRow.company_id == company_id)
        .order_by(SubmissionRow.id.desc())
        .limit(1)
    )


def submission_ids_of_company(session: Session, company_id: int) -> list[int]:
    return list(
        session.scalars(select(SubmissionRow.id).where(SubmissionRow.company_id == company_id))
    )


def list_submissions(
    session: Session, statuses: Sequence[str] | None = None, *, limit: int = 500
) -> list[SubmissionRow]:
    """Oldest submitted first (the queue order), then by id."""
    stmt = select(SubmissionRow).order_by(
        func.coalesce(SubmissionRow.submitted_at, SubmissionRow.updated_at), SubmissionRow.id
    )
    if statuses:
        stmt = stmt.where(SubmissionRow.status.in_(list(statuses)))
    return list(session.scalars(stmt.limit(limit)))


# --- consents ----------------------------------------------------------------------------------


def add_consent(
    session: Session,
    *,
    kind: str,
    version: str,
    given: bool,
    submission_id: int | None,
    company_id: int | None,
) -> None:
    session.add(
        ConsentRow(
            kind=kind,
            version=version,
            given=given,
            submission_id=submission_id,
            company_id=company_id,
            at=utcnow(),
        )
    )
    session.flush()


def consents_follow_company(session: Session, submission_id: int, company_id: int) -> None:
    session.execute(
        update(ConsentRow)
        .where(ConsentRow.submission_id == submission_id)
        .values(company_id=company_id)
    )


def _owned(model: Any, submission_ids: Iterable[int], company_id: int | None) -> list[Any]:
    conditions = []
    ids = list(submission_ids)
    if ids:
        conditions.append(model.submission_id.in_(ids))
    if company_id is not None:
        conditions.append(model.company_id == company_id)
    return conditions


def consent_rows(
    session: Session, submission_ids: Iterable[int], company_id: int | None
) -> list[ConsentRow]:
    conditions = _owned(ConsentRow, submission_ids, company_id)
    if not conditions:
        return []
    return list(session.scalars(select(ConsentRow).where(or_(*conditions)).order_by(ConsentRow.id)))


def contact_consented(session: Session, company_ids: Iterable[int]) -> set[int]:
    """Those companies whose latest ``publish_contact`` consent is given."""
    ids = list(company_ids)
    if not ids:
        return set()
    rows = session.execute(
        select(ConsentRow.company_id, ConsentRow.given)
        .where(ConsentRow.kind == "publish_contact", ConsentRow.company_id.in_(ids))
        .order_by(ConsentRow.id)
    )
    latest: dict[int, bool] = {}
    for company_id, given in rows:
        if company_id is not None:
            latest[int(company_id)] = bool(given)
    return {c for c, given in latest.items() if given}


# --- logos -------------------------------------------------------------------------------------


def set_draft_logo(
    session: Session, submission_id: int, *, data: bytes, width: int, height: int, sha256: str
) -> None:
    session.execute(delete(LogoRow).where(LogoRow.submission_id == submission_id))
    session.add(
        LogoRow(
            submission_id=submission_id,
            company_id=None,
            mimetype="image/png",
            width=width,
            height=height,
            sha256=sha256,
            data=data,
            created_at=utcnow(),
        )
    )
    session.flush()


def remove_draft_logo(session: Session, submission_id: int) -> None:
    session.execute(delete(LogoRow).where(LogoRow.submission_id == submission_id))


def draft_logo(session: Session, submission_id: int) -> LogoRow | None:
    return session.scalar(select(LogoRow).where(LogoRow.submission_id == submission_id))


def company_logo(session: Session, company_id: int) -> LogoRow | None:
    return session.scalar(
        select(LogoRow).where(LogoRow.company_id == company_id, LogoRow.submission_id.is_(None))
    )


def publish_logo(session: Session, submission_id: int, company_id: int) -> None:
    """The submission's logo (if it has one) becomes the company's published logo."""
    draft = draft_logo(session, submission_id)
    if draft is None:
        return
    session.execute(
        delete(LogoRow).where(LogoRow.company_id == company_id, LogoRow.submission_id.is_(None))
    )
    session.add(
        LogoRow(
            submission_id=None,
            company_id=company_id,
            mimetype=draft.mimetype,
            width=draft.width,
            height=draft.height,
            sha256=draft.sha256,
            data=draft.data,
            created_at=utcnow(),
        )
    )
    session.flush()


def logo_rows(
    session: Session, submission_ids: Iterable[int], company_id: int | None
) -> list[LogoRow]:
    conditions = _owned(LogoRow, submission_ids, company_id)
    if not conditions:
        return []
    return list(session.scalars(select(LogoRow).where(or_(*conditions)).order_by(LogoRow.id)))


def delete_for(
    session: Session, submission_ids: Iterable[int], company_id: int | None
) -> dict[str, int]:
    """Delete submissions, consents and logos of a company / its submissions; counts per table."""
    ids = list(submission_ids)
    counts: dict[str, int] = {}
    for name, model in (("consents", ConsentRow), ("logos", LogoRow)):
        conditions = _owned(model, ids, company_id)
        if conditions:
            result = session.execute(delete(model).where(or_(*conditions)))
            counts[name] = int(result.rowcount)  # type: ignore[attr-defined]
    conditions = []
    if ids:
        conditions.append(SubmissionRow.id.in_(ids))
    if company_id is not None:
        conditions.append(SubmissionRow.company_id == company_id)
    if conditions:
        result = session.execute(delete(SubmissionRow).where(or_(*conditions)))
        counts["submissions"] = int(result.rowcount)  # type: ignore[attr-defined]
    return counts
