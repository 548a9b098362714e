"""The audit log repository: who changed what, without personal data.

An entry names the actor by role and number (``operator:3``, ``editor:17`` for an editor
token, ``cli``, ``system``), the action (``submission.approve``), the subject
(``submission:12``, ``company:5``) and details that hold field names and states, never values
a person entered. It survives the erasure of a company, since it holds nothing personal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from attrs import frozen
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.persistence.tables import AuditRow, utcnow

__all__ = ["AuditEntry", "log_action", "recent_entries"]


@frozen
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    subject: str
    details: Mapping[str, Any]


def log_action(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Record one action (in the caller's transaction)."""
    session.execute(
        insert(AuditRow).values(
            at=utcnow(), actor=actor, action=action, subject=subject, details=dict(details or {})
        )
    )


def recent_entries(
    session: Session, *, subject: str | None = None, limit: int = 200
) -> list[AuditEntry]:
    """The newest entries (of one subject, when given), newest first."""
    stmt = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if subject is not None:
        stmt = stmt.where(AuditRow.subject == subject)
    return [
        AuditEntry(r.id, r.at, r.actor, r.action, r.subject, dict(r.details or {}))
        for r in session.scalars(stmt)
    ]
