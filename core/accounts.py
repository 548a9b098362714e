"""Who may change what: operators with passwords, company editors with personal links.

* Operators and admins log in with a user name and a password, stored as an Argon2id hash
  (argon2-cffi). ``regiokarte accounts create NAME --role admin`` makes the first admin.
* A company editor holds a personal link: a random token of which only a SHA-256 hash is
  stored, with an expiry; it can be revoked. It opens the company's draft or, after
  publication, lets the company edit its profile and download or delete its data.
* The public needs no account.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from attrs import frozen
from sqlalchemy.orm import Session

from core.errors import Conflict, NotFound, ValidationError
from core.persistence import accounts as repo
from core.persistence.tables import EditorTokenRow, OperatorRow, utcnow

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "EditorToken",
    "Operator",
    "Role",
    "authenticate",
    "create_operator",
    "get_operator",
    "issue_token",
    "list_operators",
    "resolve_token",
    "revoke_tokens",
    "set_password",
    "token_by_id",
]

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# checked against when the user name is unknown, so both cases take the same time
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class Role(enum.StrEnum):
    OPERATOR = "operator"
    ADMIN = "admin"


@frozen
class Operator:
    id: int
    username: str
    role: Role
    active: bool

    @property
    def actor(self) -> str:
        """How the audit log names this operator (a number: user names can be personal)."""
        return f"operator:{self.id}"


@frozen
class EditorToken:
    """A valid editor link and what it opens."""

    id: int
    submission_id: int | None
    company_id: int | None
    expires_at: dt.datetime

    @property
    def actor(self) -> str:
        return f"editor:{self.id}"


def _operator(row: OperatorRow) -> Operator:
    return Operator(row.id, row.username, Role(row.role), row.active)


def _check_password(password: str, min_length: int) -> None:
    if len(password) < min_length:
        raise ValidationError(
            f"The password has {len(password)} characters; use at least {min_length}.",
            {"password": [f"at least {min_length} characters"]},
        )


def create_operator(
    session: Session,
    username: str,
    password: str,
    role: Role = Role.OPERATOR,
    *,
    min_length: int = MIN_PASSWORD_LENGTH,
) -> Operator:
    """Add an operator (or admin); the password is stored as an Argon2id hash."""
    username = username.strip()
    if not username or len(username) > 100:
        raise ValidationError(
            "A user name of 1 to 100 characters is required.",
            {"username": ["1 to 100 characters"]},
        )
    _check_password(password, min_length)
    if repo.operator_by_name(session, username) is not None:
        raise Conflict(
            f"The user name {username!r} is taken; choose another.", {"username": ["taken"]}
        )
    return _operator(repo.add_operator(session, username, _hasher.hash(password), Role(role)))


def set_password(
    session: Session, operator_id: int, password: str, *, min_length: int = MIN_PASSWORD_LENGTH
) -> None:
    _check_password(password, min_length)
    row = repo.operator_by_id(session, operator_id)
    if row is None:
        raise NotFound(f"There is no operator {operator_id}.")
    row.password_hash = _hasher.hash(password)


def authenticate(session: Session, username: str, password: str) -> Operator | None:
    """The operator whose name and password these are, or None (same time either way)."""
    row = repo.operator_by_name(session, username.strip())
    try:
        _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    row.last_login_at = utcnow()
    return _operator(row)


def get_operator(session: Session, operator_id: int) -> Operator:
    row = repo.operator_by_id(session, operator_id)
    if row is None or not row.active:
        raise NotFound(f"There is no active operator {operator_id}.")
    return _operator(row)


def list_operators(session: Session) -> list[Operator]:
    return [_operator(r) for r in repo.list_operator_rows(session)]


# --- editor links ------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    session: Session,
    *,
    submission_id: int | None = None,
    company_id: int | None = None,
    lifetime: dt.timedelta = dt.timedelta(days=30),
) -> str:
    """A new personal link secret for a submission or company; only its hash is stored."""
    if submission_id is None and company_id is None:
        raise ValueError("A token opens a submission or a company.")
    token = secrets.token_urlsafe(32)
    repo.add_token(
        session,
        _hash(token),
        submission_id=submission_id,
        company_id=company_id,
        expires_at=utcnow() + lifetime,
    )
    return token


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _valid(row: EditorTokenRow | None) -> EditorToken:
    if row is None or row.revoked_at is not None:
        raise NotFound("This link is not valid (any more). Ask for a new one.")
    if _aware(row.expires_at) <= utcnow():
        raise NotFound("This link has expired. Ask for a new one.")
    return EditorToken(row.id, row.submission_id, row.company_id, _aware(row.expires_at))


def resolve_token(session: Session, token: str) -> EditorToken:
    """The editor link ``token`` stands for; NotFound when it is unknown, expired or revoked."""
    if not token or len(token) > 200:
        raise NotFound("This link is not valid.")
    row = repo.token_by_hash(session, _hash(token))
    found = _valid(row)
    assert row is not None
    row.last_used_at = utcnow()
    return found


def token_by_id(session: Session, token_id: int) -> EditorToken:
    """A still valid token by its id (a web session keeps the id, never the secret)."""
    return _valid(repo.token_by_id(session, token_id))


def revoke_tokens(
    session: Session,
    *,
    token_id: int | None = None,
    submission_id: int | None = None,
    company_id: int | None = None,
) -> int:
    """Revoke one token, or every token of a submission or company; how many were revoked."""
    return repo.revoke_tokens(
        session,
        token_id=token_id,
        submission_ids=[submission_id] if submission_id is not None else [],
        company_id=company_id,
    )
