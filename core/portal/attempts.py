"""Failed attempts counted in the database, with a lock that doubles: for logins per (user
name, address) and for every check of a shared secret (the operator token) per address
(``Platform.check_secret`` / ``guard_secret``).

Each (scope, key) has a row: the failures in a row, the last one's time and the end of its
lock. ``max_failures`` failures lock the key for ``lockout``, each further one doubles the
lock up to ``max_lockout``; a success deletes the row; failures are forgotten
``forget_after`` the last one. Rows live in the database, so every worker and server counts
together. Keys are stored as SHA-256 hashes: no address or user name is readable there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math

from attrs import frozen
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import ConfigError, TooManyAttempts
from core.persistence.tables import FailedAttemptRow, utcnow

__all__ = [
    "TOKEN_POLICY",
    "AttemptPolicy",
    "address_key",
    "clear",
    "refusal",
    "status",
    "count_failure",
    "locked_until",
]


@frozen
class AttemptPolicy:
    """When failures lock a key, and for how long."""

    max_failures: int = 10
    lockout: dt.timedelta = dt.timedelta(minutes=1)
    max_lockout: dt.timedelta = dt.timedelta(minutes=60)
    forget_after: dt.timedelta = dt.timedelta(hours=24)

    def __attrs_post_init__(self) -> None:
        if self.max_failures < 1:
            raise ConfigError(f"max_failures is {self.max_failures}; use 1 or more.")
        if not dt.timedelta(0) < self.lockout <= self.max_lockout:
            raise ConfigError("The first lock must be longer than 0 and at most the longest.")

    def lock_for(self, failures: int) -> dt.timedelta | None:
        """How long ``failures`` failures in a row lock the key (None: not at all)."""
        if failures < self.max_failures:
            return None
        # capped before doubling, so a long siege cannot overflow the timedelta
        doublings = min(failures - self.max_failures, 40)
        longer: dt.timedelta = self.lockout * (2**doublings)
        return min(longer, self.max_lockout)


#: Checks of shared secrets (the operator token on the API and on plugin forms): ten wrong
#: tokens from one address lock it for a minute, doubling up to an hour.
TOKEN_POLICY = AttemptPolicy()


def address_key(address: str | None) -> str:
    """The address a limit counts: IPv6 addresses by their /64 network (one subscriber gets
    a whole /64 and can pick any address in it), IPv4 addresses as they are."""
    text = (address or "").strip()
    try:
        parsed = ipaddress.ip_address(text)
    except ValueError:
        return text
    if parsed.version == 6:
        mapped = parsed.ipv4_mapped
        if mapped is not None:
            return str(mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _hash(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def status(session: Session, scope: str, key: str) -> tuple[int, dt.datetime | None]:
    """(failures in a row, end of the lock or None) of the key, read only."""
    row = session.get(FailedAttemptRow, (scope, _hash(scope, key)))
    if row is None:
        return 0, None
    return row.failures, _aware(row.locked_until) if row.locked_until is not None else None


def locked_until(
    session: Session, scope: str, key: str, *, now: dt.datetime | None = None
) -> dt.datetime | None:
    """The end of the key's lock, or None when it is not locked."""
    now = now if now is not None else utcnow()
    _, until = status(session, scope, key)
    return until if until is not None and until > now else None


def _row(session: Session, scope: str, key_hash: str, now: dt.datetime) -> FailedAttemptRow:
    """The key's row, locked against other workers until the transaction ends (made first,
    so two first failures cannot both start at zero)."""
    stmt = select(FailedAttemptRow).where(
        FailedAttemptRow.scope == scope, FailedAttemptRow.key_hash == key_hash
    )
    row = session.scalar(stmt.with_for_update())
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.execute(
                insert(FailedAttemptRow).values(
                    scope=scope, key_hash=key_hash, failures=0, last_failure_at=now
                )
            )
    except IntegrityError:
        pass  # another worker made it in the meantime: lock that one
    row = session.scalar(stmt.with_for_update().execution_options(populate_existing=True))
    assert row is not None
    return row


def count_failure(
    session: Session,
    scope: str,
    key: str,
    policy: AttemptPolicy,
    *,
    now: dt.datetime | None = None,
) -> tuple[int, dt.datetime | None]:
    """Count one failure of the key; (failures in a row, end of the lock it causes or None)."""
    now = now if now is not None else utcnow()
    row = _row(session, scope, _hash(scope, key), now)
    stale = row.failures > 0 and _aware(row.last_failure_at) <= now - policy.forget_after
    row.failures = (0 if stale else row.failures) + 1
    row.last_failure_at = now
    lock = policy.lock_for(row.failures)
    row.locked_until = now + lock if lock is not None else None
    # rows nobody added to for a long time go (of every scope: most keys fail once)
    session.execute(
        delete(FailedAttemptRow).where(
            FailedAttemptRow.last_failure_at < now - policy.forget_after - policy.max_lockout,
            FailedAttemptRow.key_hash != row.key_hash,
        )
    )
    return row.failures, row.locked_until


def clear(session: Session, scope: str, key: str | None = None) -> int:
    """Forget the key's failures (after a success), or those of every key in ``scope``;
    how many rows went."""
    stmt = delete(FailedAttemptRow).where(FailedAttemptRow.scope == scope)
    if key is not None:
        stmt = stmt.where(FailedAttemptRow.key_hash == _hash(scope, key))
    found = session.execute(stmt)
    return int(getattr(found, "rowcount", 0) or 0)


def refusal(until: dt.datetime, now: dt.datetime | None = None) -> TooManyAttempts:
    """The error for an address locked until ``until``; the web layer answers 429 with
    Retry-After."""
    now = now if now is not None else utcnow()
    retry_after_seconds = max(1, math.ceil((until - now).total_seconds()))
    return TooManyAttempts(
        "Too many wrong tokens were sent from this address; try again in "
        f"{retry_after_seconds} seconds.",
        retry_after_seconds,
    )
