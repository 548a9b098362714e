"""The search engine of one process: an index snapshot that follows the database.

Every process keeps its own ``SearchIndex``. Before answering, the engine checks (at most every
``refresh_interval`` seconds) the database's change log and index generation: a few changed
companies are patched into a new snapshot, a new generation (bulk import) rebuilds it in full.
So a change committed by any process is findable within about ``refresh_interval`` plus the
patch time everywhere.

Filter columns may depend on the day (a position open until Friday): the snapshot is built
for the portal's day (``today``, asked at every search), and the first search of a new day
rebuilds it in full, so what expired yesterday is gone without a manual rebuild.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from core.errors import ConfigError
from core.persistence import companies as repo
from core.persistence.tables import ChangeRow
from core.search.badges import Badge
from core.search.filters import FilterRegistry
from core.search.index import SearchIndex
from core.search.query import SearchQuery, SearchResult
from core.search.search import MapOptions, search
from core.search.source import load_index_source

__all__ = ["SearchEngine"]

log = logging.getLogger(__name__)


def _missing_table(exc: Exception) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


#: Changes with sequence numbers up to this far below the newest seen are read again, because
#: on PostgreSQL a transaction that took a lower number may commit after a higher one.
LOOKBACK = 1000
#: Above this many rows answered outside the text index, a patch becomes a full rebuild.
MAX_PENDING_TEXT = 5000


class SearchEngine:
    """Holds the current index snapshot of this process and answers searches from it."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        registry: FilterRegistry,
        *,
        options: MapOptions | None = None,
        refresh_interval: float = 0.5,
        context: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        strict: bool = False,
        languages: Sequence[str] = ("de", "en"),
        today: Callable[[], dt.date] = dt.date.today,
        badges: Sequence[Badge] = (),
    ) -> None:
        #: the per-company counts the hits carry (``register_badges``)
        self.badges = tuple(badges)
        self._session_factory = session_factory
        #: the portal's day; a snapshot of another day is rebuilt before it answers
        self._today = today
        #: the languages whose choice labels the text search finds
        self.languages = tuple(languages)
        self.registry = registry
        self.options = options or MapOptions()
        self.refresh_interval = refresh_interval
        self._context = context or {}
        self._clock = clock
        #: re-raise errors of plugin column functions instead of marking filters unavailable
        self.strict = strict
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()
        self._last_check = float("-inf")
        self._generation = -1
        self._seq = 0
        self._applied: set[int] = set()
        self.stats: dict[str, float] = {
            "full_builds": 0,
            "new_day_builds": 0,
            "patches": 0,
            "failed_refreshes": 0,
            "last_build_seconds": 0.0,
        }

    @property
    def index(self) -> SearchIndex:
        """The current snapshot, refreshed first if the check interval has passed."""
        self.refresh()
        assert self._index is not None
        return self._index

    def search(self, query: SearchQuery) -> SearchResult:
        return search(self.index, query, self.options)

    def unavailable_filters(self) -> dict[str, str]:
        """Filters the current snapshot lacks because their plugin failed (key -> reason);
        answers without touching the database (empty before the first build)."""
        index = self._index
        return dict(index.unavailable) if index is not None else {}

    def refresh(self, *, force: bool = False) -> None:
        """Follow the database: patch or rebuild the snapshot if anything changed."""
        now = self._clock()
        day = self._today()
        current = self._index
        new_day = current is not None and current.day != day
        if not force and not new_day and current is not None:
            if now - self._last_check < self.refresh_interval:
                return
        # a thread that finds another one refreshing keeps using the current snapshot, unless
        # that snapshot belongs to another day (what expired must not be answered)
        if not self._lock.acquire(blocking=current is None or force or new_day):
            return
        try:
            current = self._index
            new_day = current is not None and current.day != day
            if (
                not force
                and not new_day
                and current is not None
                and now - self._last_check < self.refresh_interval
            ):
                return
            self._last_check = now
            try:
                with self._session_factory() as session:
                    generation = repo.current_generation(session)
                    if current is None or generation != self._generation or new_day:
                        self._rebuild(session, generation, day)
                        if new_day and self._index is not current:
                            self.stats["new_day_builds"] += 1
                    else:
                        self._patch(session)
            except (OperationalError, ProgrammingError) as exc:
                if _missing_table(exc):
                    raise ConfigError(
                        "The database has no regiokarte tables yet; run 'regiokarte init' first."
                    ) from None
                if self._index is None:
                    if force and isinstance(exc, OperationalError):
                        # a warm-up (gunicorn --preload, serve) while the database is down: start
                        # anyway; requests answer 503 until the first build succeeds
                        log.warning("search index not built, database unavailable: %s", exc)
                        self.stats["failed_refreshes"] += 1
                        return
                    raise
                # the database is away: keep answering from the last snapshot, try again later
                log.warning("search index not refreshed, database unavailable: %s", exc)
                self.stats["failed_refreshes"] += 1
        finally:
            self._lock.release()

    def _rebuild(self, session: Session, generation: int, day: dt.date) -> None:
        started = time.perf_counter()
        seq = int(session.scalar(select(func.max(ChangeRow.seq))) or 0)
        source = load_index_source(session, context=self._context, today=day)
        self._index = SearchIndex(
            source,
            self.registry,
            version=seq,
            strict=self.strict,
            languages=self.languages,
            badges=self.badges,
        )
        self._generation = generation
        self._seq = seq
        self._applied = set()
        self.stats["full_builds"] += 1
        self.stats["last_build_seconds"] = time.perf_counter() - started

    def _patch(self, session: Session) -> None:
        assert self._index is not None
        changes = [
            (s, c)
            for s, c in repo.read_changes(session, max(0, self._seq - LOOKBACK))
            if s > self._seq or s not in self._applied
        ]
        if not changes:
            return
        ids = {c for _, c in changes}
        # the changed companies' columns for the snapshot's own day (a new day rebuilds)
        source = load_index_source(session, ids, context=self._context, today=self._index.day)
        removed = ids - {int(i) for i in source.ids}
        patched = self._index.patched(
            source, removed, version=max(self._seq, *(s for s, _ in changes))
        )
        self._seq = patched.version
        self._applied = {
            s for s in self._applied | {s for s, _ in changes} if s > self._seq - LOOKBACK
        }
        if patched.text.pending > MAX_PENDING_TEXT:
            self._rebuild(session, self._generation, self._index.day)
            return
        self._index = patched
        self.stats["patches"] += 1
