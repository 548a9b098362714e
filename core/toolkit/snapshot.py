"""Plugin data kept in memory that follows the database: one change counter per plugin.

A plugin that answers from memory (arrays, trees, an index of its rows) records each write with
``bump_plugin_version`` in the writing transaction; every process's ``PluginSnapshot`` compares
the counter at most every ``search.refresh_interval`` seconds and reloads when it moved. The
counters live in one table of core's (``core_plugin_state``). A write committed by this process
(a command, a request of this worker) is seen at once: its snapshots reload on their next use.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import event, insert, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.persistence.tables import PluginStateRow
from core.toolkit.reindex import reindex_all

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.platform import Platform

__all__ = ["PluginSnapshot", "bump_plugin_version", "plugin_version"]

log = logging.getLogger(__name__)

T = TypeVar("T")
#: the version of the stand-in value used while the tables are missing
_NONE: Any = object()
#: writes of this process per (engine, plugin), counted when their transaction committed
_committed_here: Counter[tuple[int, str]] = Counter()
_PENDING = "regiokarte.plugins_changed"


def bump_plugin_version(session: Session, plugin: str, *, reindex: bool = True) -> None:
    """Record in ``session``'s transaction that ``plugin``'s data changed: every process's
    snapshot of it reloads. With ``reindex`` (the default) every company search index also
    rebuilds, for plugins whose company filters read that data."""
    moved = session.execute(
        update(PluginStateRow)
        .where(PluginStateRow.plugin == plugin)
        .values(version=PluginStateRow.version + 1)
    )
    if moved.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(PluginStateRow).values(plugin=plugin, version=1))
    if reindex:
        reindex_all(session)
    pending = session.info.setdefault(_PENDING, set())
    if not pending:
        event.listen(session, "after_commit", _count_committed, once=True)
    pending.add((id(session.get_bind()), plugin))


def _count_committed(session: Session) -> None:
    for key in session.info.pop(_PENDING, ()):
        _committed_here[key] += 1


def plugin_version(session: Session, plugin: str) -> int:
    """``plugin``'s change counter (0 before its first write)."""
    query = select(PluginStateRow.version).where(PluginStateRow.plugin == plugin)
    return int(session.scalar(query) or 0)


class PluginSnapshot(Generic[T]):
    """A value loaded from the database, reloaded when the plugin's data changed.

    ``load(session, version)`` reads the value (in the same transaction that read the
    version); ``empty()`` stands in while the plugin's tables do not exist yet ('regiokarte
    init' has not run). ``version(session)`` replaces the plugin's change counter where the
    data carries its own mark (the newest import, say). ``get()`` asks the database at most
    every ``search.refresh_interval`` seconds; ``get(force=True)`` asks now (after a write of
    this process). When the database cannot be read, the loaded value is kept.
    """

    def __init__(
        self,
        platform: Platform,
        plugin: str,
        load: Callable[[Session, Any], T],
        empty: Callable[[], T],
        *,
        version: Callable[[Session], Hashable] | None = None,
    ) -> None:
        self.platform = platform
        self.plugin = plugin
        self._load = load
        self._empty = empty
        self._version = version or (lambda session: plugin_version(session, plugin))
        self._lock = threading.Lock()
        # (value, the version it was loaded at; _NONE while only the stand-in is there)
        self._current: tuple[T, Any] | None = None
        self._checked = float("-inf")
        # this process's writes through the platform's engine are seen at once
        self._here = (id(platform.db), plugin)
        self._seen_here = -1  # _committed_here[_here] when the counter was last compared
        #: how often the value was loaded, and how long the last load took
        self.stats: dict[str, float] = {"loads": 0}

    @property
    def version(self) -> Any:
        """The version the current value was loaded at (None before the first load)."""
        current = self._current
        return None if current is None or current[1] is _NONE else current[1]

    def _fresh(self, force: bool) -> bool:
        interval = self.platform.settings.search.refresh_interval
        return (
            not force
            and self._current is not None
            and self._seen_here == _committed_here[self._here]
            and time.monotonic() - self._checked < interval
        )

    def get(self, *, force: bool = False) -> T:
        """The value; reloaded first when the plugin's data changed since it was loaded."""
        current = self._current
        if current is not None and self._fresh(force):
            return current[0]
        with self._lock:
            if self._current is not None and self._fresh(force):
                return self._current[0]
            self._checked = time.monotonic()
            self._seen_here = _committed_here[self._here]
            try:
                self._current = self._refresh(self._current)
            except (OperationalError, ProgrammingError) as exc:
                if self._current is not None and self._current[1] is not _NONE:
                    log.warning("%s data not refreshed, database unavailable: %s", self.plugin, exc)
                else:
                    # the plugin was enabled but 'regiokarte init' has not run yet
                    log.warning("the %s tables are missing; run 'regiokarte init'", self.plugin)
                    self._current = (self._empty(), _NONE)
            return self._current[0]

    def _refresh(self, current: tuple[T, Any] | None) -> tuple[T, Any]:
        with self.platform.session() as session:
            version = self._version(session)
            if current is not None and current[1] is not _NONE and version == current[1]:
                return current
            started = time.perf_counter()
            value = self._load(session, version)
        self.stats["loads"] += 1
        self.stats["last_load_seconds"] = time.perf_counter() - started
        return value, version
