"""Telling the search index that data it reads has changed, inside the writer's transaction.

Every process keeps an in-memory snapshot of the companies and of the filter columns plugins
compute (``core.index``); it follows the database through two records: a generation (bumped:
every process rebuilds in full) and a change log (one company re-read). A plugin that writes
data its filter columns or its facets read calls one of these with the session of that write,
so the signal commits (or rolls back) with the data.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.persistence import companies as _companies

__all__ = ["reindex_all", "reindex_company"]


def reindex_all(session: Session) -> None:
    """Make every process rebuild its search index in full soon, once ``session`` commits
    (after an import that changes what a filter column reads for many companies)."""
    _companies.bump_generation(session)


def reindex_company(session: Session, company_id: int) -> None:
    """Make every process re-read the company ``company_id`` into its search index soon, once
    ``session`` commits (a plugin changed what its columns read for this one company)."""
    _companies.record_change(session, int(company_id))
