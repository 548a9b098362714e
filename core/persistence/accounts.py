"""Operator and editor-link rows (``core_operators``, ``core_editor_tokens``) and ending their
logins (``core_web_sessions``, which the account rules and the login records both need); see
``core.portal.accounts`` for the rules. Functions take a session and never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from core.persistence.tables import EditorTokenRow, OperatorRow, WebSessionRow, utcnow

__all__ = [
    "add_operator",
    "add_token",
    "delete_tokens",
    "end_editor_sessions",
    "end_operator_sessions",
    "list_operator_rows",
    "operator_by_id",
    "operator_by_name",
    "revoke_tokens",
    "token_by_hash",
    "token_by_id",
    "token_rows",
    "tokens_follow_company",
]


def add_operator(session: Session, username: str, password_hash: str, role: str) -> OperatorRow:
    row = OperatorRow(
        username=username, password_hash=password_hash, role=role, active=True, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    return row


def operator_by_name(session: Session, username: str) -> OperatorRow | None:
    return session.scalar(select(OperatorRow).where(OperatorRow.username == username))


def operator_by_id(session: Session, operator_id: int) -> OperatorRow | None:
    return session.get(OperatorRow, operator_id)


def list_operator_rows(session: Session) -> list[OperatorRow]:
    return list(session.scalars(select(OperatorRow).order_by(OperatorRow.id)))


def add_token(
    session: Session,
    token_hash: str,
    *,
    submission_id: int | None,
    company_id: int | None,
    expires_at: dt.datetime,
) -> EditorTokenRow:
    row = EditorTokenRow(
        token_hash=token_hash,
        submission_id=submission_id,
        company_id=company_id,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row


def token_by_hash(session: Session, token_hash: str) -> EditorTokenRow | None:
    return session.scalar(select(EditorTokenRow).where(EditorTokenRow.token_hash == token_hash))


def token_by_id(session: Session, token_id: int) -> EditorTokenRow | None:
    return session.get(EditorTokenRow, token_id)


def _owner(submission_ids: Iterable[int], company_id: int | None) -> list[object]:
    conditions: list[object] = []
    ids = list(submission_ids)
    if ids:
        conditions.append(EditorTokenRow.submission_id.in_(ids))
    if company_id is not None:
        conditions.append(EditorTokenRow.company_id == company_id)
    return conditions


def token_rows(
    session: Session, submission_ids: Iterable[int], company_id: int | None
) -> list[EditorTokenRow]:
    conditions = _owner(submission_ids, company_id)
    if not conditions:
        return []
    return list(
        session.scalars(
            select(EditorTokenRow).where(or_(*conditions)).order_by(EditorTokenRow.id)  # type: ignore[arg-type]
        )
    )


def revoke_tokens(
    session: Session,
    *,
    token_id: int | None = None,
    submission_ids: Iterable[int] = (),
    company_id: int | None = None,
) -> int:
    conditions = _owner(submission_ids, company_id)
    if token_id is not None:
        conditions.append(EditorTokenRow.id == token_id)
    if not conditions:
        return 0
    result = session.execute(
        update(EditorTokenRow)
        .where(or_(*conditions), EditorTokenRow.revoked_at.is_(None))  # type: ignore[arg-type]
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def tokens_follow_company(session: Session, submission_id: int, company_id: int) -> None:
    """After a new company was approved, its submission's links open the company."""
    session.execute(
        update(EditorTokenRow)
        .where(EditorTokenRow.submission_id == submission_id)
        .values(company_id=company_id)
    )


def delete_tokens(session: Session, submission_ids: Iterable[int], company_id: int | None) -> int:
    conditions = _owner(submission_ids, company_id)
    if not conditions:
        return 0
    result = session.execute(delete(EditorTokenRow).where(or_(*conditions)))  # type: ignore[arg-type]
    return int(result.rowcount)  # type: ignore[attr-defined]


def end_operator_sessions(session: Session, operator_id: int) -> int:
    """End every login of the operator (all browsers); how many there were."""
    found = session.execute(delete(WebSessionRow).where(WebSessionRow.operator_id == operator_id))
    return int(getattr(found, "rowcount", 0) or 0)


def end_editor_sessions(session: Session, token_id: int) -> int:
    """End every login made with the editor link ``token_id``; how many there were."""
    found = session.execute(delete(WebSessionRow).where(WebSessionRow.editor_token_id == token_id))
    return int(getattr(found, "rowcount", 0) or 0)
