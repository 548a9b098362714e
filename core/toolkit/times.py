"""Times as the database keeps them: aware UTC (SQLite hands stored times back without a zone;
they were written as UTC)."""

from __future__ import annotations

import datetime as dt

__all__ = ["as_utc", "utcnow"]


def utcnow() -> dt.datetime:
    """Now, aware UTC: the time to store in a ``DateTime(timezone=True)`` column."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as aware UTC: a naive one (SQLite) is taken as UTC, an aware one is
    converted; None stays None."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
