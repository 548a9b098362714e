"""Who may change what: operators with passwords, company editors with personal links.

* Operators and admins log in with a user name and a password, stored as an Argon2id hash
  (argon2-cffi). ``regiokarte accounts create NAME --role admin`` makes the first admin.
  A password (``PasswordPolicy``, OWASP ASVS 2.1) has 12 to 128 characters, is not one of the
  30,000 most common passwords (``core/data/common-passwords.txt``) and does not contain the
  user name; nothing else is asked of it (no composition rules).
* Failed logins are throttled per (user name, address), in the database, so every worker
  and server counts together (``LoginPolicy``, after OWASP's Authentication and Credential
  Stuffing cheat sheets): after ``max_failures`` in a row from one address, that address is
  locked for that name for a minute, then two, four, ... up to a maximum; while locked even
  the right password from that address is refused. Other addresses are not locked by it.
  A ceiling per user name counts failures from all addresses: above ``account_ceiling``,
  addresses that never logged in to that account successfully may try only once per
  ``slowdown`` (all together), which slows a distributed attack; addresses from which the
  operator logged in before (kept as hashes) are exempt, so a correct password from a known
  address always gets in. Names that do not exist are counted alike (they have no known
  addresses), so the answer never tells whether an account exists. Every attempt is in the
  audit log, without the password and without the name.
* A company editor holds a personal link: a random token of which only a SHA-256 hash is
  stored, with an expiry; it can be revoked. It opens the company's draft or, after
  publication, lets the company edit its profile and download or delete its data.
* The public needs no account.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import math
import secrets
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from attrs import frozen
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import ConfigError, Conflict, NotFound, ValidationError
from core.persistence import accounts as repo
from core.persistence.tables import (
    EditorTokenRow,
    KnownAddressRow,
    LoginFailureRow,
    OperatorRow,
    utcnow,
)
from core.portal import attempts
from core.portal.audit import log_action
from core.settings import AccountSettings

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "EditorToken",
    "LoginPolicy",
    "LoginResult",
    "Operator",
    "PasswordPolicy",
    "Role",
    "authenticate",
    "check_password",
    "common_passwords",
    "create_operator",
    "get_operator",
    "issue_token",
    "list_operators",
    "log_in",
    "resolve_token",
    "revoke_tokens",
    "set_active",
    "set_password",
    "token_by_id",
]

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the user name is unknown, so both cases take the same time.

    Made at the first login with an unknown name (that one answer takes a hash longer), not
    at import: hashing takes a tenth of a second and 64 MB that every web start would pay."""
    return _hasher.hash(secrets.token_urlsafe(16))


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


# --- passwords ----------------------------------------------------------------------------------


@functools.cache
def common_passwords() -> frozenset[str]:
    """The most common passwords (lower case), from ``core/data/common-passwords.txt``."""
    text = resources.files("core.data").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


@frozen
class PasswordPolicy:
    """What a new operator password must be (OWASP ASVS 2.1): long enough, not too long for
    the hash, not a common password and not the user name."""

    min_length: int = MIN_PASSWORD_LENGTH
    max_length: int = MAX_PASSWORD_LENGTH

    def __attrs_post_init__(self) -> None:
        if self.min_length < 8:
            raise ConfigError(
                f"accounts.min_password_length is {self.min_length}; use 8 or more (12 is "
                "recommended)."
            )
        if self.max_length < max(64, self.min_length):
            raise ConfigError(
                f"accounts.max_password_length is {self.max_length}; use at least 64 and at "
                "least accounts.min_password_length."
            )

    @classmethod
    def from_settings(cls, settings: AccountSettings) -> PasswordPolicy:
        return cls(settings.min_password_length, settings.max_password_length)

    def problems(self, password: str, username: str = "") -> list[str]:
        """Each rule the password breaks, as a sentence naming the rule (empty: it is fine)."""
        found = []
        length = len(password)
        if length < self.min_length:
            found.append(
                f"The password has {length} characters; use at least {self.min_length} "
                "(a few words in a row are easy to remember)."
            )
        if length > self.max_length:
            found.append(f"The password has {length} characters; use at most {self.max_length}.")
        folded = password.casefold()
        if folded in common_passwords():
            found.append(
                "The password is one of the most common passwords, which are tried first; "
                "choose another."
            )
        name = username.strip().casefold()
        if len(name) >= 3 and name in folded:
            found.append("The password contains the user name; choose one that does not.")
        return found


def check_password(password: str, username: str = "", policy: PasswordPolicy | None = None) -> None:
    """Raise ValidationError naming every rule the password breaks (see ``PasswordPolicy``)."""
    found = (policy or PasswordPolicy()).problems(password, username)
    if found:
        raise ValidationError(" ".join(found), {"password": found})


def _policy(
    policy: PasswordPolicy | None, min_length: int | None, max_length: int | None
) -> PasswordPolicy:
    base = policy or PasswordPolicy()
    return PasswordPolicy(
        min_length if min_length is not None else base.min_length,
        max_length if max_length is not None else base.max_length,
    )


def create_operator(
    session: Session,
    username: str,
    password: str,
    role: Role = Role.OPERATOR,
    *,
    policy: PasswordPolicy | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> Operator:
    """Add an operator (or admin); the password must pass ``policy`` and is stored as an
    Argon2id hash."""
    username = username.strip()
    if not username or len(username) > 100:
        raise ValidationError(
            "A user name of 1 to 100 characters is required.",
            {"username": ["1 to 100 characters"]},
        )
    check_password(password, username, _policy(policy, min_length, max_length))
    if repo.operator_by_name(session, username) is not None:
        raise Conflict(
            f"The user name {username!r} is taken; choose another.", {"username": ["taken"]}
        )
    return _operator(repo.add_operator(session, username, _hasher.hash(password), Role(role)))


def set_password(
    session: Session,
    operator_id: int,
    password: str,
    *,
    policy: PasswordPolicy | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> None:
    """Give an operator a new password (checked against ``policy`` and the user name)."""
    row = repo.operator_by_id(session, operator_id)
    if row is None:
        raise NotFound(f"There is no operator {operator_id}.")
    check_password(password, row.username, _policy(policy, min_length, max_length))
    row.password_hash = _hasher.hash(password)
    # whoever is logged in with the old password is logged out everywhere
    repo.end_operator_sessions(session, operator_id)


def set_active(session: Session, username: str, active: bool) -> tuple[Operator, int]:
    """Deactivate an operator (no login, every current login ended) or allow logins again;
    the operator and how many logins were ended."""
    row = repo.operator_by_name(session, username.strip())
    if row is None:
        raise NotFound(f"There is no operator {username.strip()!r}.")
    row.active = active
    ended = 0
    if not active:
        ended = repo.end_operator_sessions(session, row.id)
    return _operator(row), ended


# --- logging in --------------------------------------------------------------------------------


def authenticate(session: Session, username: str, password: str) -> Operator | None:
    """The operator whose name and password these are, or None (same time either way).

    It does not count failures: the login page calls ``log_in``, which does.
    """
    row = repo.operator_by_name(session, username.strip())
    try:
        _hasher.verify(row.password_hash if row is not None else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    row.last_login_at = utcnow()
    return _operator(row)


@frozen
class LoginPolicy:
    """When failed logins lock a user name, and for how long (OWASP ASVS 2.2.1)."""

    max_failures: int = 5
    lockout: dt.timedelta = dt.timedelta(minutes=1)
    max_lockout: dt.timedelta = dt.timedelta(minutes=60)
    forget_after: dt.timedelta = dt.timedelta(hours=24)
    #: failures of one name from all addresses after which unknown addresses are slowed
    account_ceiling: int = 20
    #: then: one attempt per this long from all addresses the account does not know
    slowdown: dt.timedelta = dt.timedelta(seconds=30)

    def __attrs_post_init__(self) -> None:
        if self.max_failures < 1:
            raise ConfigError(
                f"accounts.max_failed_logins is {self.max_failures}; use 1 or more (5 is usual)."
            )
        if not dt.timedelta(0) < self.lockout <= self.max_lockout:
            raise ConfigError(
                "accounts.lockout_minutes must be at least 1 and at most "
                "accounts.max_lockout_minutes."
            )
        if self.forget_after <= dt.timedelta(0):
            raise ConfigError("accounts.failed_logins_forgotten_hours must be at least 1.")
        if self.account_ceiling < 1:
            raise ConfigError(
                f"accounts.account_failure_ceiling is {self.account_ceiling}; use 1 or more "
                "(20 is usual)."
            )
        if self.slowdown < dt.timedelta(seconds=1):
            raise ConfigError("accounts.slow_login_seconds must be at least 1.")

    @classmethod
    def from_settings(cls, settings: AccountSettings) -> LoginPolicy:
        return cls(
            max_failures=settings.max_failed_logins,
            lockout=dt.timedelta(minutes=settings.lockout_minutes),
            max_lockout=dt.timedelta(minutes=settings.max_lockout_minutes),
            forget_after=dt.timedelta(hours=settings.failed_logins_forgotten_hours),
            account_ceiling=settings.account_failure_ceiling,
            slowdown=dt.timedelta(seconds=settings.slow_login_seconds),
        )

    @property
    def per_address(self) -> attempts.AttemptPolicy:
        """The lock of one (user name, address)."""
        return attempts.AttemptPolicy(
            self.max_failures, self.lockout, self.max_lockout, self.forget_after
        )

    def lock_for(self, failures: int) -> dt.timedelta | None:
        """How long ``failures`` failed logins in a row lock the name (None: not at all)."""
        if failures < self.max_failures:
            return None
        # capped before doubling, so a long siege cannot overflow the timedelta
        doublings = min(failures - self.max_failures, 40)
        longer: dt.timedelta = self.lockout * (2**doublings)
        return min(longer, self.max_lockout)


@frozen
class LoginResult:
    """What a login attempt came to: the operator, or a refusal; ``locked_until`` says until
    when the name is locked (None: it is not, the user name or password is wrong)."""

    operator: Operator | None
    locked_until: dt.datetime | None = None
    #: from the attempt to the end of the lock
    retry_after: dt.timedelta = dt.timedelta(0)

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds to wait (rounded up; at least 1 while locked, else 0)."""
        if self.locked_until is None:
            return 0
        return max(1, math.ceil(self.retry_after.total_seconds()))

    @property
    def retry_after_minutes(self) -> int:
        """Whole minutes to wait (rounded up; at least 1 while locked, else 0)."""
        return math.ceil(self.retry_after_seconds / 60)


def _name_hash(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()


def _failures_row(session: Session, name_hash: str, now: dt.datetime) -> LoginFailureRow:
    """The name's failure row, locked against other workers until the transaction ends
    (a row for the name is made first, so two first attempts cannot both start at zero)."""
    stmt = select(LoginFailureRow).where(LoginFailureRow.name_hash == name_hash)
    row = session.scalar(stmt.with_for_update())
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.execute(
                insert(LoginFailureRow).values(
                    name_hash=name_hash, failures=0, last_failure_at=now, locked_until=None
                )
            )
    except IntegrityError:
        pass  # another worker made it in the meantime: lock that one
    row = session.scalar(stmt.with_for_update().execution_options(populate_existing=True))
    assert row is not None
    return row


def _login_scope(name_hash: str) -> str:
    """The scope of a name's (name, address) counts in ``core.portal.attempts``."""
    return f"login:{name_hash[:32]}"


def _address_hash(address: str) -> str:
    return hashlib.sha256(f"login-address\x00{address}".encode()).hexdigest()


def _familiar(session: Session, operator_id: int, address_hash: str) -> bool:
    return session.get(KnownAddressRow, (operator_id, address_hash)) is not None


def _remember_address(
    session: Session, operator_id: int, address_hash: str, now: dt.datetime
) -> None:
    row = session.get(KnownAddressRow, (operator_id, address_hash))
    if row is not None:
        row.last_login_at = now
        return
    try:
        with session.begin_nested():
            session.add(
                KnownAddressRow(
                    operator_id=operator_id, address_hash=address_hash, last_login_at=now
                )
            )
    except IntegrityError:
        pass  # the same address logged in twice at once: one row is enough


def log_in(
    session: Session,
    username: str,
    password: str,
    *,
    address: str = "",
    now: dt.datetime | None = None,
    policy: LoginPolicy | None = None,
) -> LoginResult:
    """Check a login from ``address`` (the client's IP address) and count it: the operator,
    or a refusal (with the wait, if any).

    While the (name, address) is locked, or while the name is above its ceiling and this
    unknown address must wait, the password is not even checked. Each attempt goes to the
    audit log as ``operator.login``, ``operator.login_failed``, ``operator.login_locked`` or
    ``operator.login_slowed``, with the operator as subject when the name exists (a hash of
    the name otherwise), never with the password or the address.
    """
    policy = policy or LoginPolicy()
    now = now if now is not None else utcnow()
    name_hash = _name_hash(username)
    scope = _login_scope(name_hash)
    place = attempts.address_key(address)
    place_hash = _address_hash(place)
    known = repo.operator_by_name(session, username.strip())
    subject = f"operator:{known.id}" if known is not None else f"login:{name_hash[:16]}"
    # the name's own row first: it serialises the attempts of one name across workers
    account = _failures_row(session, name_hash, now)
    if account.failures > 0 and _aware(account.last_failure_at) <= now - policy.forget_after:
        account.failures, account.locked_until = 0, None
    locked = attempts.locked_until(session, scope, place, now=now)
    if locked is not None:
        log_action(
            session,
            "public",
            "operator.login_locked",
            subject,
            {"locked_until": locked.isoformat()},
        )
        return LoginResult(None, locked, locked - now)
    familiar = known is not None and _familiar(session, known.id, place_hash)
    if not familiar and account.failures >= policy.account_ceiling:
        waiting = account.locked_until
        if waiting is not None and _aware(waiting) > now:
            until = _aware(waiting)
            log_action(
                session,
                "public",
                "operator.login_slowed",
                subject,
                {"failures": account.failures, "until": until.isoformat()},
            )
            return LoginResult(None, until, until - now)
        # this attempt takes the slot: the next unknown address waits
        account.locked_until = now + policy.slowdown
    operator = authenticate(session, username, password)
    if operator is not None:
        attempts.clear(session, scope, place)
        _remember_address(session, operator.id, place_hash, now)
        log_action(session, operator.actor, "operator.login", operator.actor)
        return LoginResult(operator)
    failures, lock = attempts.count_failure(session, scope, place, policy.per_address, now=now)
    account.failures += 1
    account.last_failure_at = now
    details: dict[str, object] = {"failures": failures, "account_failures": account.failures}
    if lock is not None:
        details["locked_until"] = lock.isoformat()
    log_action(session, "public", "operator.login_failed", subject, details)
    # counts nobody added to for a long time go (names typed once, long ago)
    session.execute(
        delete(LoginFailureRow).where(
            LoginFailureRow.last_failure_at < now - policy.forget_after - policy.max_lockout,
            LoginFailureRow.name_hash != name_hash,
        )
    )
    return LoginResult(None, lock, (lock - now) if lock is not None else dt.timedelta(0))


def unlock(session: Session, username: str) -> bool:
    """Forget the failed logins of ``username`` from every address (an operator's help after
    a lockout). Returns whether there was anything to forget."""
    name_hash = _name_hash(username)
    found = session.execute(delete(LoginFailureRow).where(LoginFailureRow.name_hash == name_hash))
    pairs = attempts.clear(session, _login_scope(name_hash))
    return bool(getattr(found, "rowcount", 0)) or pairs > 0


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
