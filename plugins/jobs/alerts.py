"""New positions for search alerts (hook ``alert_matches``).

A subscribed search gets the open positions that appeared after it was confirmed at the
companies it finds (its towns, area and every company filter, as ``platform.matching_ids``
answers), narrowed by the jobs filters it names: kind, profession (Berufshauptgruppe) and
start. A position *appears* when it is stored or, if later, on the day it is published; an
expired, filled or unmatched position never counts. Core mails each position once per
subscription.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from core import AlertItem
from core import Range
from core import as_utc

from plugins.jobs.columns import start_offset
from plugins.jobs.facts import PAGES_PREFIX
from plugins.jobs.facts import employer_of
from plugins.jobs.facts import kind_label
from plugins.jobs.facts import starts
from plugins.jobs.model import Position
from plugins.jobs.texts import text

if TYPE_CHECKING:
    from core import Platform
    from core import SearchQuery

    from plugins.jobs.service import JobsService

__all__ = ["KIND_FILTER", "PROFESSION_FILTER", "START_FILTER", "alert_matches", "is_new", "wanted"]

#: The jobs filters of the company search that also narrow which positions are mailed.
KIND_FILTER = "jobs_kind"
PROFESSION_FILTER = "jobs_profession"
START_FILTER = "jobs_start"


def is_new(position: Position, since: dt.datetime) -> bool:
    """Whether ``position`` appeared after ``since``: stored after it, or published on a
    later day (it was not public before)."""
    created = as_utc(position.created_at)
    return (created is not None and created > since) or position.published > since.date()


def wanted(position: Position, query: SearchQuery, today: dt.date) -> bool:
    """Whether ``position`` fits the jobs filters of ``query`` (those it names)."""
    values: dict[str, Any] = query.filter_values
    kinds = values.get(KIND_FILTER)
    if kinds and position.kind not in kinds:
        return False
    groups = values.get(PROFESSION_FILTER)
    if groups and position.profession_group not in groups:
        return False
    start = values.get(START_FILTER)
    if isinstance(start, Range):
        # the filter counts days from today, as the search does ("ab sofort" is 0)
        days = start_offset(position, today)
        if (start.low is not None and days < start.low) or (
            start.high is not None and days > start.high
        ):
            return False
    return True


def _title(position: Position, employer: str, lang: str, today: dt.date) -> str:
    kind = kind_label(position, lang)
    start = starts(position, today, lang)
    return text(
        "alerts.item", lang, title=position.title, employer=employer, kind=kind, start=start
    )


def alert_matches(service: JobsService, query: SearchQuery, since: dt.datetime) -> list[AlertItem]:
    """Open positions that appeared after ``since`` at the companies ``query`` finds and
    fit its jobs filters, oldest first."""
    platform: Platform = service.platform
    today = service.today()
    fresh = [
        p
        for p in service.open_positions()
        if p.company_id is not None and is_new(p, since) and wanted(p, query, today)
    ]
    if not fresh:
        return []
    found = platform.matching_ids(query)
    ids = np.fromiter((p.company_id for p in fresh), dtype=np.int64, count=len(fresh))
    index = platform.search_index()
    return [
        AlertItem(
            id=str(position.id),
            title=_title(position, employer_of(position, index).name, query.lang, today),
            # core adds the portal's address and the subscriber's language
            url=f"{PAGES_PREFIX}/{position.id}",
        )
        for position, hit in zip(fresh, np.isin(ids, found), strict=True)
        if hit
    ]
