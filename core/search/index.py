"""The in-memory columnar search index: one row per published company, numpy columns.

The database is the source of truth. A ``SearchIndex`` is an immutable snapshot built from an
``IndexSource`` (the searchable fields of many companies, column by column); changes produce a
new snapshot (``patched``) so a search never sees a half-applied change.

A filter whose column function raises does not stop the index: the snapshot leaves its column
out and records why in ``SearchIndex.unavailable`` (logged with the traceback); the filter is
then unavailable until a later build succeeds. With ``strict=True`` (the setting
``plugins.strict``, for tests and CI) the exception propagates instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import numpy as np
from attrs import define, field

from core import classifications as vocab
from core.model import Company
from core.search.badges import Badge, HitBadge, badge_column
from core.search.filters import Choice, FilterKind, FilterRegistry, FilterSpec
from core.search.geo import mercator_xy
from core.search.textindex import TextIndex, fold, fold_many, label_words

__all__ = ["IndexSource", "SearchIndex", "failure_reason"]

log = logging.getLogger(__name__)


def failure_reason(exc: BaseException) -> str:
    """How a plugin's failure is shown to API clients: the exception's type and message."""
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@define
class IndexSource:
    """The searchable fields of a set of companies, one list or array per field.

    Filter ``column`` functions read from it; the helpers turn per-company values into the
    column shapes the index wants. ``context`` carries what plugin columns may need besides
    the companies (for example a ``session_factory`` to read their own tables). ``today`` is
    the day the index is built for: a column that depends on the date (open positions,
    current offers) reads it here, never from the system clock, and the engine rebuilds
    every column when the portal's day changes.
    """

    ids: np.ndarray
    names: list[str]
    slugs: list[str]
    descriptions: list[str]
    towns: list[str]
    ags: list[str]
    postcodes: list[str]
    lat: np.ndarray
    lon: np.ndarray
    industry: list[str]
    industry_division: list[str | None]
    professions: list[tuple[str, ...]]
    employees: np.ndarray
    family: list[tuple[str, ...]]
    offers: list[tuple[str, ...]]
    benefits: list[tuple[str, ...]]
    certificates: list[tuple[str, ...]]
    is_demo: np.ndarray
    extensions: list[dict[str, Any]]
    context: dict[str, Any] = field(factory=dict)
    today: dt.date = field(factory=dt.date.today)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_companies(
        cls,
        companies: Iterable[Company],
        context: dict[str, Any] | None = None,
        today: dt.date | None = None,
    ) -> IndexSource:
        """Columns from Company values (companies without a location are left out)."""
        rows = [c for c in companies if c.location is not None]
        return cls(
            ids=np.fromiter((c.id or 0 for c in rows), dtype=np.int64, count=len(rows)),
            names=[c.name for c in rows],
            slugs=[c.slug for c in rows],
            descriptions=[c.description for c in rows],
            towns=[c.address.town for c in rows],
            ags=[c.address.ags for c in rows],
            postcodes=[c.address.postcode for c in rows],
            lat=np.fromiter((c.location.lat for c in rows), dtype=np.float64, count=len(rows)),  # type: ignore[union-attr]
            lon=np.fromiter((c.location.lon for c in rows), dtype=np.float64, count=len(rows)),  # type: ignore[union-attr]
            industry=[c.industry for c in rows],
            industry_division=[c.industry_division for c in rows],
            professions=[c.professions for c in rows],
            employees=np.fromiter((c.employees for c in rows), dtype=np.int64, count=len(rows)),
            family=[c.family for c in rows],
            offers=[c.offers for c in rows],
            benefits=[c.benefits for c in rows],
            certificates=[c.certificates for c in rows],
            is_demo=np.fromiter((c.is_demo for c in rows), dtype=bool, count=len(rows)),
            extensions=[c.extensions for c in rows],
            context=dict(context or {}),
            today=today or dt.date.today(),
        )

    # --- helpers for column functions -------------------------------------------------------

    @staticmethod
    def choice_column(values: Sequence[str | None], choices: Sequence[Choice]) -> np.ndarray:
        """int16 codes: the position of each value among ``choices``, -1 when absent."""
        position: dict[str | None, int] = {c.value: i for i, c in enumerate(choices)}
        position[None] = -1
        return np.fromiter(
            map(position.get, values, itertools.repeat(-1)), dtype=np.int16, count=len(values)
        )

    @staticmethod
    def multichoice_column(
        values: Sequence[Iterable[str]], choices: Sequence[Choice]
    ) -> np.ndarray:
        """bool matrix (n, k): whether row i has choice j."""
        position = {c.value: i for i, c in enumerate(choices)}
        items = list(map(tuple, values))  # a tuple stays itself; other iterables are read once
        lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
        # all items in one flat pass (C-level map), their rows by repeating each row number
        cols = np.fromiter(
            map(position.get, itertools.chain.from_iterable(items), itertools.repeat(-1)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        rows = np.repeat(np.arange(len(items), dtype=np.int64), lengths)
        known = cols >= 0
        out = np.zeros((len(values), len(choices)), dtype=bool)
        out[rows[known], cols[known]] = True
        return out

    def extension(self, plugin: str, key: str, default: Any = None) -> list[Any]:
        """Per company: ``extensions[plugin][key]`` or ``default``."""
        return [(e.get(plugin) or {}).get(key, default) for e in self.extensions]

    def documents(self) -> list[str]:
        """The free text each company is found by: name, description and town name.

        Labels of coded fields (industry, professions) are matched through their filter
        columns instead (``FilterSpec.searchable``), which keeps the text index small.
        """
        return [
            f"{n} {d} {t}"
            for n, d, t in zip(self.names, self.descriptions, self.towns, strict=True)
        ]


def _empty_like(column: np.ndarray, n: int) -> np.ndarray:
    return np.zeros((n, *column.shape[1:]), dtype=column.dtype)


class SearchIndex:
    """An immutable snapshot of the searchable data, as numpy columns."""

    def __init__(
        self,
        source: IndexSource,
        registry: FilterRegistry,
        version: int = 0,
        *,
        strict: bool = False,
        languages: Sequence[str] = ("de", "en"),
        badges: Sequence[Badge] = (),
    ) -> None:
        self.version = version
        self.registry = registry
        self.strict = strict
        #: the day the columns were computed for (``IndexSource.today``)
        self.day = source.today
        #: filter key -> why its column is missing from this snapshot (a plugin's failure)
        self.unavailable: dict[str, str] = {}
        n = len(source)
        self.ids = source.ids.astype(np.int64, copy=True)
        self.lat = source.lat.astype(np.float64, copy=True)
        self.lon = source.lon.astype(np.float64, copy=True)
        self.mx, self.my = mercator_xy(self.lat, self.lon)
        self.alive = np.ones(n, dtype=bool)
        self.names = list(source.names)
        self.slugs = list(source.slugs)
        self.towns = list(source.towns)
        self.industries = list(source.industry)
        self.sizes = _size_classes(source.employees)
        self.is_demo = source.is_demo.astype(bool, copy=True)
        self.sort_names = fold_many(source.names)
        self.columns: dict[str, np.ndarray] = {}
        for spec in registry.indexed():
            try:
                self.columns[spec.key] = _checked_column(spec, source, n)
            except Exception as exc:
                self._column_failed(spec, exc)
        self.badges: dict[str, Badge] = {b.key: b for b in badges}
        #: badge key -> count per row (a badge whose column failed is left out)
        self.badge_counts: dict[str, np.ndarray] = {}
        for badge in badges:
            try:
                self.badge_counts[badge.key] = badge_column(badge, source)
            except Exception as exc:
                self._badge_failed(badge, exc)
        self.text = TextIndex(source.documents())
        self.label_words = _label_words(registry, languages)
        self.row_of = {int(i): r for r, i in enumerate(self.ids)}
        self._order_names()
        self._reset_dynamic_cache()

    def _column_failed(self, spec: FilterSpec, exc: Exception) -> None:
        """Take the filter out of this snapshot (or re-raise in strict mode)."""
        if self.strict:
            raise exc
        log.error(
            "filter %r of plugin %r is unavailable: its column function failed",
            spec.key,
            spec.plugin,
            exc_info=exc,
        )
        self.unavailable[spec.key] = failure_reason(exc)
        self.columns.pop(spec.key, None)

    def _badge_failed(self, badge: Badge, exc: Exception) -> None:
        """Leave the badge out of this snapshot (or re-raise in strict mode)."""
        if self.strict:
            raise exc
        log.error(
            "badge %r of plugin %r is left out: its column function failed",
            badge.key,
            badge.plugin,
            exc_info=exc,
        )
        self.badge_counts.pop(badge.key, None)

    def hit_badges(self, row: int, lang: str) -> tuple[HitBadge, ...]:
        """The badges of the company in ``row`` with a count above 0, texts in ``lang``."""
        out = []
        for key, counts in self.badge_counts.items():
            count = int(counts[row])
            if count > 0:
                out.append(HitBadge(key, count, self.badges[key].text(count, lang)))
        return tuple(out)

    def _reset_dynamic_cache(self) -> None:
        self._dynamic_cache: OrderedDict[tuple[str, Hashable], np.ndarray] = OrderedDict()
        self._dynamic_lock = threading.Lock()

    def dynamic_column(self, spec: FilterSpec, argument: Hashable) -> np.ndarray:
        """The column of a dynamic filter for ``argument``, computed once per snapshot (LRU)."""
        assert spec.dynamic is not None
        cache_key = (spec.key, argument)
        with self._dynamic_lock:
            column = self._dynamic_cache.get(cache_key)
            if column is not None:
                self._dynamic_cache.move_to_end(cache_key)
                return column
        # computed outside the lock: a slow provider must not block cached answers
        column = np.asarray(spec.dynamic.compute(self, argument))
        n = len(self.ids)
        if column.shape != (n,) or not np.issubdtype(column.dtype, np.floating):
            raise TypeError(
                f"The dynamic column of filter {spec.key!r} (plugin {spec.plugin}) returned an "
                f"array of shape {column.shape} and type {column.dtype}; it needs floats of "
                f"shape ({n},) with NaN for unknown."
            )
        column.setflags(write=False)
        with self._dynamic_lock:
            self._dynamic_cache[cache_key] = column
            while len(self._dynamic_cache) > max(1, spec.dynamic.cache_size):
                self._dynamic_cache.popitem(last=False)
        return column

    def _order_names(self) -> None:
        # stable sort by folded name, then id, so equal names keep a fixed order
        names = (
            np.array(self.sort_names, dtype=str) if self.sort_names else np.zeros(0, dtype="<U1")
        )
        self.name_order = np.lexsort((self.ids, names)) if len(self.ids) else np.zeros(0, np.int64)
        self.name_rank = np.empty_like(self.name_order)
        self.name_rank[self.name_order] = np.arange(len(self.name_order))

    def text_mask(self, text: str) -> np.ndarray | None:
        """Rows matching every word of ``text`` in their own text or a searchable label."""
        query_words = label_words(text)
        if not query_words:
            return None
        mask = self.alive.copy()
        for word in query_words:
            word_mask = self.text.match_word(word)
            for key, labels in self.label_words.items():
                hits = [i for i, label in enumerate(labels) if word in label]
                if hits and key in self.columns:
                    spec, column = self.registry[key], self.columns[key]
                    if spec.kind is FilterKind.CHOICE:
                        wanted = np.zeros(len(spec.choices) + 1, dtype=bool)
                        wanted[np.asarray(hits) + 1] = True
                        word_mask |= wanted[column.astype(np.int64) + 1]
                    else:
                        word_mask |= column[:, hits].any(axis=1)
            mask &= word_mask
        return mask

    @property
    def size(self) -> int:
        """Number of companies the index answers for."""
        return int(np.count_nonzero(self.alive))

    def patched(self, source: IndexSource, removed: Iterable[int], version: int) -> SearchIndex:
        """A new snapshot with ``source``'s companies added or replaced and ``removed`` dropped."""
        new = object.__new__(SearchIndex)
        new.__dict__.update(self.__dict__)
        new.version = version
        new.row_of = dict(self.row_of)
        changed = {int(i): pos for pos, i in enumerate(source.ids)}
        appended = [i for i in changed if i not in new.row_of]
        n_old, n_new = len(self.ids), len(self.ids) + len(appended)
        for offset, company_id in enumerate(appended):
            new.row_of[company_id] = n_old + offset

        def grown(array: np.ndarray) -> np.ndarray:
            return (
                np.concatenate([array, _empty_like(array, n_new - n_old)])
                if n_new > n_old
                else array.copy()
            )

        new.ids = grown(self.ids)
        new.lat, new.lon = grown(self.lat), grown(self.lon)
        new.mx, new.my = grown(self.mx), grown(self.my)
        new.alive = grown(self.alive)
        new.is_demo = grown(self.is_demo)
        new.names, new.slugs = list(self.names), list(self.slugs)
        new.towns, new.industries, new.sizes = (
            list(self.towns),
            list(self.industries),
            list(self.sizes),
        )
        new.sort_names = list(self.sort_names)
        for lst in (new.names, new.slugs, new.towns, new.industries, new.sizes, new.sort_names):
            lst.extend([""] * (n_new - n_old))
        new.columns = {key: grown(col) for key, col in self.columns.items()}
        new.badge_counts = {key: grown(col) for key, col in self.badge_counts.items()}
        new.unavailable = dict(self.unavailable)

        for company_id in removed:
            row = new.row_of.get(int(company_id))
            if row is not None and int(company_id) not in changed:
                new.alive[row] = False
        if len(source):
            rows = np.fromiter(
                (new.row_of[int(i)] for i in source.ids), dtype=np.int64, count=len(source)
            )
            new.ids[rows] = source.ids
            new.lat[rows], new.lon[rows] = source.lat, source.lon
            new.mx[rows], new.my[rows] = mercator_xy(source.lat, source.lon)
            new.alive[rows] = True
            new.is_demo[rows] = source.is_demo
            for pos, row in enumerate(rows):
                new.names[row], new.slugs[row] = source.names[pos], source.slugs[pos]
                new.towns[row], new.industries[row] = source.towns[pos], source.industry[pos]
                new.sizes[row] = vocab.size_class_for(int(source.employees[pos]))
                new.sort_names[row] = fold(source.names[pos])
            for spec in self.registry.indexed():
                if spec.key not in new.columns:
                    continue  # unavailable since the last full build
                try:
                    values = _checked_column(spec, source, len(source))
                    new.columns[spec.key] = _assigned(new.columns[spec.key], rows, values)
                except Exception as exc:
                    new._column_failed(spec, exc)
            for key in list(new.badge_counts):
                badge = self.badges[key]
                try:
                    new.badge_counts[key][rows] = badge_column(badge, source)
                except Exception as exc:
                    new._badge_failed(badge, exc)
            documents = source.documents()
            new.text = self.text.with_documents(
                n_new, {int(r): documents[p] for p, r in enumerate(rows)}
            )
        else:
            new.text = self.text.with_documents(n_new, {})
        new._order_names()
        new._reset_dynamic_cache()
        return new


def _assigned(column: np.ndarray, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``column`` with ``values`` in ``rows``. A range column of several values per company
    (n, m) widens when the patch brings more values per company; NaN fills the gaps."""
    if column.ndim == 2 and column.dtype.kind == "f":
        width = max(column.shape[1], values.shape[1])
        if column.shape[1] < width:
            wider = np.full((column.shape[0], width), np.nan, dtype=column.dtype)
            wider[:, : column.shape[1]] = column
            column = wider
        padded = np.full((len(rows), width), np.nan, dtype=column.dtype)
        padded[:, : values.shape[1]] = values
        values = padded
    column[rows] = values
    return column


def _size_classes(employees: np.ndarray) -> list[str]:
    """The size class code of each head count (classified once per distinct count)."""
    counts, inverse = np.unique(np.asarray(employees, dtype=np.int64), return_inverse=True)
    codes = [vocab.size_class_for(int(c)) for c in counts]
    return list(map(codes.__getitem__, inverse.ravel().tolist()))


def _label_words(registry: FilterRegistry, languages: Sequence[str]) -> dict[str, list[str]]:
    """Per searchable filter: the folded label of each choice in every language, so a word
    of any language the portal offers finds the choice ("bäckerei", "bakery", "fırın")."""
    return {
        spec.key: [
            " ".join(label_words(" ".join(c.label(lang) for lang in languages)))
            for c in spec.choices
        ]
        for spec in registry.indexed()
        if spec.searchable and spec.kind in (FilterKind.CHOICE, FilterKind.MULTICHOICE)
    }


def _checked_column(spec: FilterSpec, source: IndexSource, n: int) -> np.ndarray:
    assert spec.column is not None
    column = np.asarray(spec.column(source))
    expected: dict[FilterKind, Callable[[np.ndarray], bool]] = {
        FilterKind.CHOICE: lambda c: c.shape == (n,) and np.issubdtype(c.dtype, np.integer),
        FilterKind.MULTICHOICE: lambda c: c.shape == (n, len(spec.choices)) and c.dtype == bool,
        FilterKind.RANGE: lambda c: (
            c.ndim in (1, 2) and c.shape[0] == n and np.issubdtype(c.dtype, np.floating)
        ),
        FilterKind.BOOL: lambda c: c.shape == (n,) and c.dtype == bool,
    }
    if not expected[spec.kind](column):
        raise TypeError(
            f"The column function of filter {spec.key!r} (plugin {spec.plugin}) returned an array "
            f"of shape {column.shape} and type {column.dtype}; a {spec.kind.value} filter needs "
            + {
                FilterKind.CHOICE: f"integers of shape ({n},)",
                FilterKind.MULTICHOICE: f"booleans of shape ({n}, {len(spec.choices)})",
                FilterKind.RANGE: f"floats of shape ({n},) or ({n}, m) with NaN for unknown",
                FilterKind.BOOL: f"booleans of shape ({n},)",
            }[spec.kind]
            + "."
        )
    return column
