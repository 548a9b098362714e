"""Figures for the operators' statistics dashboard, and privacy-friendly usage counts.

Two halves:

* ``collect(session, period, steps=...)`` computes what the dashboard shows from the
  database: the published profiles per town, WZ section, size class and month, how complete
  they are, the questionnaire funnel and the usage counts of a period.
* ``UsageCounter`` counts what job seekers use (searches, the filters and filter values in
  them, map layers, profile views) as aggregated counters per day, kind and key: no address,
  user agent, identifier or cookie, and no third party. Each process counts in memory and
  writes its counts in batches (every ``statistics.flush_seconds``, after
  ``statistics.flush_hits`` hits and when it ends) with an upsert that adds to what other
  processes wrote, so counting costs a search a dictionary increment. ``record_search``,
  ``record_layer`` and ``record_profile_view`` are what the web app calls.
"""

from __future__ import annotations

import atexit
import calendar
import datetime as dt
import enum
import logging
import os
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import field, frozen
from sqlalchemy import Text, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from core import classifications as vocab
from core.errors import ConfigError, ValidationError
from core.model import Status
from core.persistence.db import begin_write
from core.persistence.tables import (
    CompanyRow,
    ContactRow,
    LogoRow,
    SubmissionRow,
    UsageCountRow,
)
from core.search.filters import FilterKind

if TYPE_CHECKING:
    from core.platform import Platform
    from core.search.query import SearchQuery

__all__ = [
    "COMPLETENESS_BANDS",
    "DAY_GRAIN_LIMIT",
    "PROFILE_FIELDS",
    "Completeness",
    "Count",
    "Funnel",
    "Period",
    "Statistics",
    "UsageCounter",
    "UsageKind",
    "collect",
    "completeness",
    "counter_for",
    "funnel",
    "profiles_by_industry",
    "profiles_by_month",
    "profiles_by_size",
    "profiles_by_town",
    "published_count",
    "record_layer",
    "record_profile_view",
    "record_search",
    "top_profiles",
    "usage_series",
    "usage_totals",
    "write_counts",
]

log = logging.getLogger(__name__)

#: The profile fields whose share makes a profile's completeness (name, status and head count
#: are always there and do not count); ``location`` is the map point, ``contact`` a stored
#: contact person, e-mail or phone, ``logo`` a published logo.
PROFILE_FIELDS = (
    "description",
    "street",
    "postcode",
    "location",
    "industry",
    "industry_division",
    "professions",
    "family",
    "certificates",
    "offers",
    "benefits",
    "website",
    "contact",
    "logo",
)
#: Completeness bands in percent: [low, high) each, the last one includes 100.
COMPLETENESS_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 100))
#: Periods of up to this many days show usage per day, longer ones per month.
DAY_GRAIN_LIMIT = 62
#: Longest key a counter keeps (the column's size).
MAX_KEY = 200
#: Most distinct counters a process keeps while the database cannot be written.
MAX_PENDING = 20_000


class UsageKind(enum.StrEnum):
    """What a usage counter counts; its key says which one."""

    #: a search (list or map) through /api/v1/search; key ""
    SEARCH = "search"
    #: a filter used in a search: its key (and "q" for free text, "near" for a radius)
    FILTER = "filter"
    #: a value of a choice filter used in a search: "industry=C"
    FILTER_VALUE = "filter_value"
    #: features of a map layer asked for: the layer id
    LAYER = "layer"
    #: a published profile page shown: the company id
    PROFILE = "profile"


# --- values ---------------------------------------------------------------------------------


@frozen
class Count:
    """One bar of a figure: a key (a code, a town, a month, ...), its count and, where core
    knows it, a label (a company's name)."""

    key: str
    count: int
    label: str = ""


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _parse_day(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"{name} {text!r} is not a date; give it as YYYY-MM-DD, such as 2026-01-31.",
            {name: ["date YYYY-MM-DD expected"]},
        ) from None


@frozen
class Period:
    """The days a figure covers, both ends included."""

    start: dt.date
    end: dt.date = field()

    @end.validator
    def _check_end(self, _: Any, value: dt.date) -> None:
        if value < self.start:
            raise ValidationError(
                f"The period ends ({value.isoformat()}) before it starts "
                f"({self.start.isoformat()}); give the earlier date first.",
                {"end": ["before the start"]},
            )

    @classmethod
    def last_months(cls, today: dt.date, months: int = 12) -> Period:
        """The last ``months`` calendar months up to ``today`` (the current one included)."""
        first = today.replace(day=1)
        return cls(_add_months(first, -(months - 1)), today)

    @classmethod
    def parse(cls, start: str | None, end: str | None, *, today: dt.date) -> Period:
        """The period of two ISO dates as a form sends them; blank ones take the defaults
        (the last twelve months up to ``today``)."""
        default = cls.last_months(today)
        first = _parse_day(start, "start") if start and start.strip() else default.start
        last = _parse_day(end, "end") if end and end.strip() else default.end
        if not (start and start.strip()) and first > last:
            first = last.replace(day=1)
        return cls(first, last)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def grain(self) -> str:
        """``day`` for short periods, else ``month``: how usage over time is counted."""
        return "day" if self.days <= DAY_GRAIN_LIMIT else "month"

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM."""
        out = []
        month = self.start.replace(day=1)
        while month <= self.end:
            out.append(month.strftime("%Y-%m"))
            month = _add_months(month, 1)
        return out

    def buckets(self) -> list[str]:
        """The keys of a series over the period: days (YYYY-MM-DD) or months (YYYY-MM)."""
        if self.grain == "month":
            return self.months()
        return [(self.start + dt.timedelta(days=i)).isoformat() for i in range(self.days)]

    def bucket(self, day: dt.date) -> str:
        return day.isoformat() if self.grain == "day" else day.strftime("%Y-%m")

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as UTC instants: its first moment and the first moment after it."""
        start = dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        return start, end


@frozen
class Completeness:
    """How many of the ``PROFILE_FIELDS`` the published profiles fill."""

    profiles: int
    #: mean share of filled fields, 0..1 (0 without profiles)
    mean: float
    #: profiles per band of ``COMPLETENESS_BANDS`` (keys "0-20", ..., "80-100")
    bands: tuple[Count, ...]
    #: per field: how many profiles fill it
    fields: tuple[Count, ...]


@frozen
class Funnel:
    """The questionnaires for new profiles started in a period, and how far they got."""

    started: int
    #: per questionnaire step (section key): questionnaires with that step saved
    steps: tuple[Count, ...]
    submitted: int
    approved: int


@frozen
class Statistics:
    """Every figure of the dashboard for one period."""

    period: Period
    published: int
    by_town: tuple[Count, ...]
    by_industry: tuple[Count, ...]
    by_size: tuple[Count, ...]
    by_month: tuple[Count, ...]
    completeness: Completeness
    funnel: Funnel
    searches: tuple[Count, ...]
    filters: tuple[Count, ...]
    filter_values: tuple[Count, ...]
    layers: tuple[Count, ...]
    #: the most viewed profiles
    profiles: tuple[Count, ...]
    #: views of every profile page in the period
    profile_views: int


# --- figures from the database --------------------------------------------------------------


def _published() -> Any:
    return CompanyRow.status == Status.PUBLISHED.value


def _by_count(counts: Mapping[str, int]) -> tuple[Count, ...]:
    """Largest first, equal counts by key."""
    return tuple(Count(k, n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _aware(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC: SQLite hands back naive datetimes (stored as UTC), PostgreSQL ones in
    the connection's time zone."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def published_count(session: Session) -> int:
    """How many profiles are published now."""
    return int(session.scalar(select(func.count()).where(_published())) or 0)


def profiles_by_town(session: Session) -> tuple[Count, ...]:
    """Published profiles per town (key "" for profiles without a town), most first."""
    rows = session.execute(
        select(CompanyRow.town, func.count()).where(_published()).group_by(CompanyRow.town)
    ).all()
    return _by_count({str(town or ""): int(n) for town, n in rows})


def profiles_by_industry(session: Session) -> tuple[Count, ...]:
    """Published profiles per WZ 2008 section letter ("" without one), most first."""
    rows = session.execute(
        select(CompanyRow.industry, func.count()).where(_published()).group_by(CompanyRow.industry)
    ).all()
    return _by_count({str(code or ""): int(n) for code, n in rows})


def profiles_by_size(session: Session) -> tuple[Count, ...]:
    """Published profiles per EU size class, in the vocabulary's order (every class shown)."""
    rows = session.execute(
        select(CompanyRow.employees, func.count())
        .where(_published())
        .group_by(CompanyRow.employees)
    ).all()
    counts: Counter[str] = Counter()
    for employees, n in rows:
        counts[vocab.size_class_for(max(0, int(employees or 0)))] += int(n)
    return tuple(Count(code, counts[code]) for code in vocab.size_classes().codes)


def _month_of(session: Session, column: Any) -> Any:
    """SQL for ``column``'s month in UTC as YYYY-MM."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)  # SQLite keeps UTC as text


def profiles_by_month(session: Session, period: Period) -> tuple[Count, ...]:
    """Published profiles created in each month of ``period`` (every month shown)."""
    start, end = period.bounds()
    month = _month_of(session, CompanyRow.created_at)
    rows = session.execute(
        select(month, func.count())
        .where(_published(), CompanyRow.created_at >= start, CompanyRow.created_at < end)
        .group_by(month)
    )
    counts = {str(key): int(n) for key, n in rows}
    return tuple(Count(key, counts.get(key, 0)) for key in period.months())


def _json_filled(column: Any) -> Any:
    # JSON lists are written by json.dumps: an empty one is "[]"
    return and_(column.is_not(None), cast(column, Text).not_in(("[]", "null", "")))


def _field_conditions() -> dict[str, Any]:
    """When a company row fills each of ``PROFILE_FIELDS``, as SQL conditions."""
    has_contact = (
        select(ContactRow.company_id)
        .where(
            ContactRow.company_id == CompanyRow.id,
            or_(ContactRow.name != "", ContactRow.email != "", ContactRow.phone != ""),
        )
        .exists()
    )
    has_logo = (
        select(LogoRow.id)
        .where(LogoRow.company_id == CompanyRow.id, LogoRow.submission_id.is_(None))
        .exists()
    )
    return {
        "description": CompanyRow.description != "",
        "street": CompanyRow.street != "",
        "postcode": CompanyRow.postcode != "",
        "location": CompanyRow.lat.is_not(None),
        "industry": CompanyRow.industry != "",
        "industry_division": and_(
            CompanyRow.industry_division.is_not(None), CompanyRow.industry_division != ""
        ),
        "professions": _json_filled(CompanyRow.professions),
        "family": _json_filled(CompanyRow.family),
        "certificates": _json_filled(CompanyRow.certificates),
        "offers": _json_filled(CompanyRow.offers),
        "benefits": _json_filled(CompanyRow.benefits),
        "website": CompanyRow.website != "",
        "contact": has_contact,
        "logo": has_logo,
    }


def _band(share: float) -> str:
    percent = share * 100
    for low, high in COMPLETENESS_BANDS:
        if percent < high:
            return f"{low}-{high}"
    low, high = COMPLETENESS_BANDS[-1]
    return f"{low}-{high}"


def completeness(session: Session) -> Completeness:
    """The completeness of the published profiles: mean, bands and filled count per field."""
    conditions = _field_conditions()
    if tuple(conditions) != PROFILE_FIELDS:
        raise AssertionError("every profile field needs its condition")
    # one row per combination of filled fields: a few dozen rows, not one per profile
    flags = [
        case((condition, 1), else_=0).label(f"f_{i}")
        for i, condition in enumerate(conditions.values())
    ]
    filled: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    total = 0.0
    profiles = 0
    for *row, count in session.execute(
        select(*flags, func.count()).where(_published()).group_by(*flags)
    ):
        n = int(count)
        present = [name for name, flag in zip(PROFILE_FIELDS, row, strict=True) if int(flag)]
        for name in present:
            filled[name] += n
        share = len(present) / len(PROFILE_FIELDS)
        bands[_band(share)] += n
        total += share * n
        profiles += n
    return Completeness(
        profiles=profiles,
        mean=total / profiles if profiles else 0.0,
        bands=tuple(Count(f"{lo}-{hi}", bands[f"{lo}-{hi}"]) for lo, hi in COMPLETENESS_BANDS),
        fields=tuple(Count(name, filled[name]) for name in PROFILE_FIELDS),
    )


def funnel(session: Session, period: Period, steps: Sequence[str]) -> Funnel:
    """The questionnaires for new profiles started in ``period``: how many saved each of
    ``steps`` (the questionnaire's section keys, in order), were submitted, approved.

    A submission that edits a published profile is left out: its company existed before it
    was started (a new company is created when its submission is approved).
    """
    start, end = period.bounds()
    rows = session.execute(
        select(
            SubmissionRow.company_id,
            SubmissionRow.status,
            SubmissionRow.answers,
            SubmissionRow.created_at,
            SubmissionRow.submitted_at,
        ).where(SubmissionRow.created_at >= start, SubmissionRow.created_at < end)
    ).all()
    company_ids = {r.company_id for r in rows if r.company_id is not None}
    created: dict[int, dt.datetime] = {}
    for chunk in _chunks(sorted(company_ids), 500):
        for company_id, at in session.execute(
            select(CompanyRow.id, CompanyRow.created_at).where(CompanyRow.id.in_(chunk))
        ):
            created[int(company_id)] = _aware(at)
    started = submitted = approved = 0
    reached: Counter[str] = Counter()
    for row in rows:
        company_created = created.get(row.company_id) if row.company_id is not None else None
        if company_created is not None and company_created <= _aware(row.created_at):
            continue  # an edit of a profile that existed before
        started += 1
        answers = row.answers or {}
        for key in steps:
            if key in answers:
                reached[key] += 1
        if row.submitted_at is not None:
            submitted += 1
        if row.status == "approved":
            approved += 1
    return Funnel(
        started=started,
        steps=tuple(Count(key, reached[key]) for key in steps),
        submitted=submitted,
        approved=approved,
    )


def _chunks(values: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _usage(period: Period, kind: UsageKind) -> Any:
    return (
        select(UsageCountRow.key, func.sum(UsageCountRow.count))
        .where(
            UsageCountRow.kind == kind.value,
            UsageCountRow.day >= period.start,
            UsageCountRow.day <= period.end,
        )
        .group_by(UsageCountRow.key)
    )


def usage_totals(
    session: Session, period: Period, kind: UsageKind, *, limit: int | None = None
) -> tuple[Count, ...]:
    """The counts of ``kind`` in ``period`` per key, most first (the first ``limit``)."""
    counts = {str(k): int(n) for k, n in session.execute(_usage(period, kind))}
    found = _by_count(counts)
    return found[:limit] if limit is not None else found


def usage_series(session: Session, period: Period, kind: UsageKind) -> tuple[Count, ...]:
    """The counts of ``kind`` per day or month of ``period`` (``Period.grain``), every one
    shown."""
    rows = session.execute(
        select(UsageCountRow.day, func.sum(UsageCountRow.count))
        .where(
            UsageCountRow.kind == kind.value,
            UsageCountRow.day >= period.start,
            UsageCountRow.day <= period.end,
        )
        .group_by(UsageCountRow.day)
    ).all()
    counts: Counter[str] = Counter()
    for day, n in rows:
        if isinstance(day, str):  # a driver without a date type
            day = dt.date.fromisoformat(day[:10])
        counts[period.bucket(day)] += int(n)
    return tuple(Count(key, counts[key]) for key in period.buckets())


def top_profiles(session: Session, period: Period, limit: int = 10) -> tuple[Count, ...]:
    """The most viewed profiles of ``period``: key the company id, label its current name
    ("" when the company is gone)."""
    top = usage_totals(session, period, UsageKind.PROFILE, limit=limit)
    ids = [int(c.key) for c in top if c.key.isdigit()]
    names = {
        str(i): str(name)
        for i, name in session.execute(
            select(CompanyRow.id, CompanyRow.name).where(CompanyRow.id.in_(ids))
        )
    }
    return tuple(Count(c.key, c.count, names.get(c.key, "")) for c in top)


def collect(session: Session, period: Period, *, steps: Sequence[str]) -> Statistics:
    """Every figure of the dashboard for ``period``; ``steps`` are the questionnaire's
    section keys (``platform.questionnaire.keys``)."""
    return Statistics(
        period=period,
        published=published_count(session),
        by_town=profiles_by_town(session),
        by_industry=profiles_by_industry(session),
        by_size=profiles_by_size(session),
        by_month=profiles_by_month(session, period),
        completeness=completeness(session),
        funnel=funnel(session, period, steps),
        searches=usage_series(session, period, UsageKind.SEARCH),
        filters=usage_totals(session, period, UsageKind.FILTER),
        filter_values=usage_totals(session, period, UsageKind.FILTER_VALUE, limit=20),
        layers=usage_totals(session, period, UsageKind.LAYER),
        profiles=top_profiles(session, period),
        profile_views=sum(c.count for c in usage_totals(session, period, UsageKind.PROFILE)),
    )


# --- counting -------------------------------------------------------------------------------

CounterKey = tuple[dt.date, str, str]


def write_counts(session: Session, counts: Mapping[CounterKey, int]) -> int:
    """Add ``counts`` to the stored ones (an upsert, so processes that write the same counter
    at once both count); the number of counters written. The caller commits."""
    if not counts:
        return 0
    rows = [
        {"day": day, "kind": kind, "key": key, "count": n}
        for (day, kind, key), n in sorted(counts.items())  # one lock order for every writer
        if n
    ]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        for chunk in _row_chunks(rows):
            pg_stmt = pg_insert(UsageCountRow).values(chunk)
            session.execute(
                pg_stmt.on_conflict_do_update(
                    index_elements=["day", "kind", "key"],
                    set_={"count": UsageCountRow.count + pg_stmt.excluded["count"]},
                )
            )
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        for chunk in _row_chunks(rows):
            lite_stmt = sqlite_insert(UsageCountRow).values(chunk)
            session.execute(
                lite_stmt.on_conflict_do_update(
                    index_elements=["day", "kind", "key"],
                    set_={"count": UsageCountRow.count + lite_stmt.excluded["count"]},
                )
            )
    else:
        raise ConfigError(
            f"Usage counts cannot be written to a {dialect} database; regiokarte runs on "
            "SQLite and PostgreSQL."
        )
    return len(rows)


def _row_chunks(rows: list[dict[str, Any]], size: int = 500) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class UsageCounter:
    """Counts per day, kind and key in memory and writes them in batches.

    ``count`` is cheap (a lock and a dictionary increment); once ``flush_seconds`` have passed
    or ``flush_hits`` hits were counted, a short-lived thread writes the counts, so no request
    waits for the database. ``flush`` writes at once (at exit too). A process forked from one
    with a counter starts with no counts of its own.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        *,
        enabled: bool = True,
        flush_seconds: float = 30.0,
        flush_hits: int = 1000,
        today: Callable[[], dt.date] = _utc_today,
    ) -> None:
        self.session_factory = session_factory
        self.enabled = enabled
        self.flush_seconds = flush_seconds
        self.flush_hits = max(1, flush_hits)
        self._today = today
        self._lock = threading.Lock()
        self._pending: Counter[CounterKey] = Counter()
        self._hits = 0
        self._last_flush = time.monotonic()
        self._flushing = False
        self._pid = os.getpid()
        _LIVE.add(self)

    def count(self, kind: UsageKind | str, key: str = "") -> None:
        """Count one use of ``kind``/``key`` today."""
        self.add(((kind, key),))

    def add(self, uses: Iterable[tuple[UsageKind | str, str]]) -> None:
        """Count each (kind, key) of ``uses`` once today (one lock for all)."""
        if not self.enabled:
            return
        if self._pid != os.getpid():
            self._forked()
        today = self._today()
        with self._lock:
            for kind, key in uses:
                self._pending[(today, str(kind), key[:MAX_KEY])] += 1
                self._hits += 1
            due = not self._flushing and (
                self._hits >= self.flush_hits
                or time.monotonic() - self._last_flush >= self.flush_seconds
            )
            if due:
                self._flushing = True
        if due:
            threading.Thread(
                target=self._flush_in_background, name="regiokarte-usage", daemon=True
            ).start()

    def _forked(self) -> None:
        # the parent's counts are the parent's to write
        self._lock = threading.Lock()
        self._pending = Counter()
        self._hits = 0
        self._flushing = False
        self._last_flush = time.monotonic()
        self._pid = os.getpid()

    def pending(self) -> dict[CounterKey, int]:
        """The counts not yet written."""
        with self._lock:
            return dict(self._pending)

    def flush(self) -> int:
        """Write the counts now; the number of counters written. When the database cannot
        be written, the counts are kept for the next try and the error is raised."""
        with self._lock:
            batch, self._pending = self._pending, Counter()
            self._hits = 0
            self._last_flush = time.monotonic()
        if not batch:
            return 0
        try:
            session = self.session_factory()
            try:
                begin_write(session)
                written = write_counts(session, batch)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        except Exception:
            with self._lock:
                batch.update(self._pending)
                if len(batch) > MAX_PENDING:
                    log.warning(
                        "usage counts dropped: %d counters could not be written", len(batch)
                    )
                    batch = Counter()
                self._pending = batch
            raise
        return written

    def _flush_in_background(self) -> None:
        try:
            self.flush()
        except Exception as exc:  # noqa: BLE001 - a counter must never take a request down
            log.warning("usage counts could not be written yet: %s", exc)
        finally:
            with self._lock:
                self._flushing = False


_LIVE: weakref.WeakSet[UsageCounter] = weakref.WeakSet()
_COUNTERS: weakref.WeakKeyDictionary[Platform, UsageCounter] = weakref.WeakKeyDictionary()
_COUNTERS_LOCK = threading.Lock()


@atexit.register
def _flush_at_exit() -> None:
    for counter in list(_LIVE):
        if not counter.enabled or not counter.pending():
            continue
        try:
            counter.flush()
        except Exception as exc:  # noqa: BLE001 - the process ends either way
            log.warning("usage counts lost at exit: %s", exc)


def counter_for(platform: Platform) -> UsageCounter:
    """The usage counter of ``platform`` (made on first use from ``statistics.*``)."""
    found = _COUNTERS.get(platform)
    if found is not None:
        return found
    with _COUNTERS_LOCK:
        found = _COUNTERS.get(platform)
        if found is None:
            settings = platform.settings.statistics
            found = UsageCounter(
                platform.session_factory,
                enabled=settings.usage_counting,
                flush_seconds=settings.flush_seconds,
                flush_hits=settings.flush_hits,
            )
            _COUNTERS[platform] = found
        return found


def record_search(platform: Platform, query: SearchQuery) -> None:
    """Count a search: the search, each filter in it and each value of its choice filters
    (never the free text itself)."""
    counter = counter_for(platform)
    if not counter.enabled:
        return
    uses: list[tuple[UsageKind | str, str]] = [(UsageKind.SEARCH, "")]
    if query.text:
        uses.append((UsageKind.FILTER, "q"))
    if query.near is not None:
        uses.append((UsageKind.FILTER, "near"))
    filters = platform.filters
    for key, value in query.filters:
        uses.append((UsageKind.FILTER, key))
        if key in filters and filters[key].kind in (FilterKind.CHOICE, FilterKind.MULTICHOICE):
            uses.extend((UsageKind.FILTER_VALUE, f"{key}={code}") for code in value)
    counter.add(uses)


def record_layer(platform: Platform, layer_id: str) -> None:
    """Count a request for the features of a map layer."""
    counter_for(platform).count(UsageKind.LAYER, layer_id)


def record_profile_view(platform: Platform, company_id: int) -> None:
    """Count a view of a published profile page."""
    counter_for(platform).count(UsageKind.PROFILE, str(company_id))
