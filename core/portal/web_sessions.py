"""Server-side records of web logins: who a browser's session cookie stands for.

A login (an operator's password, a company editor's personal link) makes a record and hands
the browser a random secret of 256 bits; only the secret's SHA-256 hash is stored. Each
request finds its record by that hash, so the cookie proves nothing by itself: a cookie that
names an operator or editor link by number, or that was signed with a leaked or guessed key,
finds no record and opens nothing.

Ending a record ends the login at once, in every worker and server: logout ends every login
of that operator, as do a new password and deactivation (``end_operator_sessions``); a company
editor's logout ends that browser's login, and revoking an editor link makes its logins
worthless. Records expire after ``accounts.session_hours``; expired ones are deleted when the
next login is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.persistence.accounts import end_editor_sessions, end_operator_sessions
from core.persistence.tables import WebSessionRow, utcnow
from core.portal.accounts import EditorToken, Operator, get_operator, token_by_id

__all__ = [
    "MAX_SECRET_LENGTH",
    "editor_of",
    "end_editor_sessions",
    "end_operator_sessions",
    "end_session",
    "operator_of",
    "start_editor_session",
    "start_operator_session",
]

#: Longest cookie value looked up (the secrets made here have 43 characters).
MAX_SECRET_LENGTH = 100


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _start(
    session: Session,
    *,
    operator_id: int | None,
    editor_token_id: int | None,
    lifetime: dt.timedelta,
    now: dt.datetime | None,
) -> str:
    now = now if now is not None else utcnow()
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
    secret = secrets.token_urlsafe(32)
    session.add(
        WebSessionRow(
            token_hash=_hash(secret),
            operator_id=operator_id,
            editor_token_id=editor_token_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return secret


def start_operator_session(
    session: Session, operator_id: int, lifetime: dt.timedelta, *, now: dt.datetime | None = None
) -> str:
    """A new login of the operator; the secret for the browser's cookie."""
    return _start(
        session, operator_id=operator_id, editor_token_id=None, lifetime=lifetime, now=now
    )


def start_editor_session(
    session: Session, token_id: int, lifetime: dt.timedelta, *, now: dt.datetime | None = None
) -> str:
    """A new login through the editor link ``token_id``; the secret for the browser's cookie."""
    return _start(session, operator_id=None, editor_token_id=token_id, lifetime=lifetime, now=now)


def _record(session: Session, secret: object, now: dt.datetime | None) -> WebSessionRow | None:
    if not isinstance(secret, str) or not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    row = session.scalar(select(WebSessionRow).where(WebSessionRow.token_hash == _hash(secret)))
    now = now if now is not None else utcnow()
    if row is None or _aware(row.expires_at) <= now:
        return None
    return row


def operator_of(
    session: Session, secret: object, *, now: dt.datetime | None = None
) -> Operator | None:
    """The active operator whose login ``secret`` is, or None (unknown, ended, expired,
    deactivated)."""
    row = _record(session, secret, now)
    if row is None or row.operator_id is None:
        return None
    try:
        return get_operator(session, row.operator_id)
    except NotFound:  # deleted or deactivated
        return None


def editor_of(
    session: Session, secret: object, *, now: dt.datetime | None = None
) -> EditorToken | None:
    """The still valid editor link whose login ``secret`` is, or None."""
    row = _record(session, secret, now)
    if row is None or row.editor_token_id is None:
        return None
    try:
        return token_by_id(session, row.editor_token_id)
    except NotFound:  # revoked or expired
        return None


def end_session(session: Session, secret: object) -> bool:
    """End the one login ``secret`` stands for; whether there was one."""
    if not isinstance(secret, str) or not secret or len(secret) > MAX_SECRET_LENGTH:
        return False
    found = session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _hash(secret)))
    return bool(getattr(found, "rowcount", 0))
