"""Search alerts: a job seeker subscribes to a search and is mailed what is new for it.

::

    subscribe ──> pending ──confirm──> active ──unsubscribe──> unsubscribed
                     │                                              │
                     └─ deleted after alerts.confirm_days           └─ subscribe again: pending

Double opt-in: ``subscribe`` stores a pending subscription and mails a confirmation link;
nothing else is mailed before that link is used. Confirming records the companies the search
finds at that moment as the baseline: they are not new. ``run`` (``regiokarte alerts run``,
from cron or a systemd timer) mails every active subscription the companies its search finds
now that were never mailed to it, plus the new items plugins contribute (hook
``alert_matches``: events, say), and records them as mailed in the transaction that queues
the mail. Queued mails are delivered after the commit through the platform's outbox; one that
fails stays queued for the next run. So a crash never loses a match, and a second run sends
nothing. Every mail carries an unsubscribe link.

A subscription stores its search as a canonical URL query string (``canonical_query``), which
the portal's search parses like any other. Matching uses the process's search index (the
portal's results for that query) as numpy masks; per subscription, only id sets are compared.
Links are random secrets of which only a SHA-256 hash is stored, as for editor links.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
import secrets
import smtplib
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

import attrs
import numpy as np
from attrs import field, frozen
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core.errors import ConfigError, Conflict, InvalidQuery, NotFound, ValidationError
from core.formatting import format_date, format_km, format_quantity
from core.i18n import register_catalog
from core.persistence.tables import (
    AlertItemRow,
    AlertMailRow,
    AlertSubscriptionRow,
    AlertTokenRow,
    utcnow,
)
from core.plugins.manager import callers_by_plugin
from core.portal.mail import Mail, link_base
from core.portal.submissions import _check_email
from core.search.filters import DynamicValue, FilterKind, Range
from core.search.query import SearchQuery
from core.search.search import matching_ids

if TYPE_CHECKING:
    from core.platform import Platform
    from core.search.index import SearchIndex

__all__ = [
    "CONFIRM",
    "CONFIRM_PATH",
    "MAX_QUERY_LENGTH",
    "UNSUBSCRIBE",
    "UNSUBSCRIBE_PATH",
    "AlertItem",
    "RunReport",
    "State",
    "StateChange",
    "Subscription",
    "canonical_query",
    "confirm",
    "deliver",
    "describe_query",
    "list_subscriptions",
    "matching_ids",
    "run",
    "search_query",
    "subscribe",
    "subscription_for",
    "unsubscribe",
]

log = logging.getLogger(__name__)
#: The alerts' texts (the search in words, the mails) in every language: the catalog ``alerts``.
_TEXTS = register_catalog("alerts", Path(__file__).resolve().parent / "locale")

#: Where the links in mails point, below the portal's address (the web app serves these).
CONFIRM_PATH = "/suche/abonnieren/bestaetigen/{token}"
UNSUBSCRIBE_PATH = "/suche/abbestellen/{token}"
PROFILE_PATH = "/unternehmen/{slug}"
SEARCH_PATH = "/"
#: URL parameters of a search page that do not change what it finds.
NOT_THE_SEARCH = ("page", "per_page", "zoom", "sort", "lang")
MAX_QUERY_LENGTH = 2000
#: Delivery attempts per queued mail; after that it waits for an operator.
MAX_ATTEMPTS = 5
CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"


class State(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands times back without their zone; they are stored in UTC
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


@frozen
class Subscription:
    """A subscribed search as the rest of the portal sees it (no secrets, no id sets)."""

    id: int
    email: str
    lang: str
    query: str
    state: State
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    confirmed_at: dt.datetime | None = None
    last_run_at: dt.datetime | None = None

    @classmethod
    def from_row(cls, row: AlertSubscriptionRow) -> Subscription:
        created = _aware(row.created_at)
        assert created is not None
        return cls(
            id=row.id,
            email=row.email,
            lang=row.lang,
            query=row.query,
            state=State(row.state),
            created_at=created,
            expires_at=_aware(row.expires_at),
            confirmed_at=_aware(row.confirmed_at),
            last_run_at=_aware(row.last_run_at),
        )


@frozen
class StateChange:
    """What ``confirm`` or ``unsubscribe`` did: the subscription, and whether it changed
    (False: it was in that state already; the links may be used twice)."""

    subscription: Subscription
    changed: bool


@frozen
class AlertItem:
    """Something new a plugin contributes to an alert mail (an event, say).

    ``id`` is stable and unique within the plugin (it is mailed once per subscription);
    ``url`` is absolute or a path of the portal; ``plugin`` is filled in by core.
    """

    id: str = field(converter=str)
    title: str
    url: str = ""
    date: dt.date | None = None
    plugin: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.id or len(self.id) > 200:
            raise ValueError(f"An alert item needs an id of 1 to 200 characters, not {self.id!r}.")


@frozen
class RunReport:
    """What one ``run`` did (or, with ``dry_run``, would do)."""

    subscriptions: int = 0
    mails: int = 0
    companies: int = 0
    items: int = 0
    sent: int = 0
    failed: int = 0
    purged: int = 0
    dry_run: bool = False


# --- the search of a subscription ------------------------------------------------------------


def _params(query: str | Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    if not isinstance(query, str):
        return {k: [str(v) for v in vs] for k, vs in query.items()}
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def _raw(params: Mapping[str, Sequence[str]], name: str) -> str:
    return next((v.strip() for v in params.get(name, ()) if v and v.strip()), "")


def canonical_query(platform: Platform, query: str | Mapping[str, Sequence[str]]) -> str:
    """The search ``query`` (a URL query string or parameters) in one canonical spelling.

    The platform's search parser checks it (``InvalidQuery`` names what is wrong); page, page
    size, zoom, order and language are left out, as they do not change what is found. Equal
    searches get equal strings, so one address subscribes to a search once.
    """
    params = {k: v for k, v in _params(query).items() if k not in NOT_THE_SEARCH}
    try:
        parsed = platform.parse_query(params)
    except InvalidQuery as exc:
        raise InvalidQuery(
            f"This search cannot be subscribed to: {exc.message}", exc.errors
        ) from None
    pairs: list[tuple[str, str]] = []
    for key, value in parsed.filters:
        spec = platform.filters[key]
        if isinstance(value, DynamicValue) and spec.dynamic is not None:
            # the argument as the user wrote it: its parsed form need not read back
            pairs.append((spec.dynamic.argument, _raw(params, spec.dynamic.argument)))
            if value.range != Range():
                pairs.append((key, spec.format_value(value.range)[0]))
        else:
            pairs.extend((key, v) for v in spec.format_value(value))
    if parsed.text:
        pairs.append(("q", parsed.text))
    if parsed.near is not None:
        for name in ("near", "near_postcode", "near_town"):
            if _raw(params, name):
                pairs.append((name, _raw(params, name)))
        if parsed.radius_km is not None:
            pairs.append(("radius_km", f"{parsed.radius_km:g}"))
    if parsed.bbox is not None:
        pairs.append(("bbox", parsed.bbox.as_text()))
    text = urlencode(sorted(pairs), safe=",")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery(
            f"This search is {len(text)} characters long; a subscribed search may have at most "
            f"{MAX_QUERY_LENGTH}. Choose fewer values.",
            {"query": ["too long"]},
        )
    return text


def search_query(platform: Platform, query: str, lang: str = "de") -> SearchQuery:
    """The ``SearchQuery`` of a subscription's canonical query string, in ``lang``."""
    return attrs.evolve(platform.parse_query(_params(query)), lang=lang, clusters=False)


def _range_text(low: float | None, high: float | None, unit: str, lang: str) -> str:
    def q(value: float) -> str:
        return format_quantity(value, unit, lang)

    if low is not None and high is not None:
        return q(low) if low == high else f"{q(low)} – {q(high)}"
    if low is not None:
        return _t("search.at_least", lang, value=q(low))
    return _t("search.at_most", lang, value=q(high or 0))


def describe_query(platform: Platform, query: str, lang: str) -> list[str]:
    """The search in words, one phrase per part (``Branche: Baugewerbe``), in ``lang``."""
    params = _params(query)
    parsed = platform.parse_query(params)
    out: list[str] = []
    for key, value in parsed.filters:
        spec = platform.filters[key]
        if isinstance(value, DynamicValue):
            text = _range_text(value.range.low, value.range.high, spec.unit, lang)
            where = _raw(params, spec.dynamic.argument) if spec.dynamic else ""
            label = spec.dynamic.label(lang) if spec.dynamic else ""
            bounds = "" if value.range == Range() else f"{text}, "
            out.append(f"{spec.label(lang)}: {bounds}{label}: {where}")
        elif spec.kind is FilterKind.BOOL:
            out.append(spec.label(lang))
        elif isinstance(value, Range):
            out.append(f"{spec.label(lang)}: {_range_text(value.low, value.high, spec.unit, lang)}")
        else:
            labels = {c.value: c.label(lang) for c in spec.choices}
            out.append(f"{spec.label(lang)}: {', '.join(labels.get(v, v) for v in value)}")
    if parsed.text:
        out.append(_t("search.words", lang, text=parsed.text))
    if parsed.near is not None:
        centre = next(
            (_raw(params, n) for n in ("near_town", "near_postcode", "near") if _raw(params, n)),
            "",
        )
        radius = format_km(parsed.radius_km, lang) if parsed.radius_km is not None else ""
        if radius:
            out.append(_t("search.radius", lang, radius=radius, centre=centre))
        else:
            out.append(_t("search.near", lang, centre=centre))
    if parsed.bbox is not None:
        out.append(_t("search.map_area", lang, bbox=parsed.bbox.as_text()))
    if not out:
        out.append(_t("search.everything", lang, region=platform.region.name))
    return out


# --- id sets ---------------------------------------------------------------------------------


def _pack(ids: np.ndarray) -> bytes:
    """Sorted ids as zlib-compressed differences (small numbers compress well)."""
    if ids.size == 0:
        return b""
    deltas = np.diff(np.asarray(ids, dtype=np.int64), prepend=np.int64(0))
    return zlib.compress(deltas.astype("<i8").tobytes())


def _unpack(data: bytes | None) -> np.ndarray:
    if not data:
        return np.empty(0, dtype=np.int64)
    deltas = np.frombuffer(zlib.decompress(data), dtype="<i8")
    return np.cumsum(deltas, dtype=np.int64)


# --- links and mails -------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue(
    session: Session, subscription_id: int, purpose: str, expires_at: dt.datetime | None
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AlertTokenRow(
            subscription_id=subscription_id,
            purpose=purpose,
            token_hash=_hash(token),
            created_at=utcnow(),
            expires_at=expires_at,
        )
    )
    return token


def _base_url(platform: Platform, fallback: str) -> str:
    """portal.base_url, else ``fallback`` on this computer (``core.portal.mail.link_base``)."""
    return link_base(platform.settings.portal.base_url, fallback)


def _url(platform: Platform, base: str, path: str, lang: str, query: str = "") -> str:
    # a mailed link names its language unless it is the portal's first one (what a browser
    # without lang= gets when it asks for none of the portal's languages)
    extra = "" if lang == _languages(platform)[0] else urlencode({"lang": lang})
    joined = "&".join(p for p in (query, extra) if p)
    return base + path + (f"?{joined}" if joined else "")


def _languages(platform: Platform) -> list[str]:
    return list(platform.settings.portal.languages) or ["de"]


def _t(key: str, lang: str, **values: object) -> str:
    """The alerts' text ``key`` in ``lang`` (``locale/messages.toml`` beside this module)."""
    return _TEXTS.text(key, lang, **values)


def _summary(platform: Platform, row: AlertSubscriptionRow, base: str) -> str:
    lines = [f"- {p}" for p in describe_query(platform, row.query, row.lang)]
    search = _url(platform, base, SEARCH_PATH, row.lang, row.query)
    return "\n".join(lines) + f"\n\n{search}"


def _confirmation_mail(
    platform: Platform, row: AlertSubscriptionRow, token: str, base: str
) -> tuple[str, str]:
    title = platform.settings.portal.title
    days = platform.settings.alerts.confirm_days
    link = _url(platform, base, CONFIRM_PATH.format(token=token), row.lang)
    summary = _summary(platform, row, base)
    subject = _t("confirm.subject", row.lang, title=title)
    body = _t("confirm.body", row.lang, title=title, summary=summary, days=days, link=link)
    return subject, body


def _active_mail(
    platform: Platform, row: AlertSubscriptionRow, token: str, base: str
) -> tuple[str, str]:
    title = platform.settings.portal.title
    link = _url(platform, base, UNSUBSCRIBE_PATH.format(token=token), row.lang)
    summary = _summary(platform, row, base)
    subject = _t("active.subject", row.lang, title=title)
    body = _t("active.body", row.lang, title=title, summary=summary, link=link)
    return subject, body


def _date(value: dt.date | None, lang: str) -> str:
    if value is None:
        return ""
    return f"{format_date(value, lang)}: "


def _alert_mail(
    platform: Platform,
    row: AlertSubscriptionRow,
    index: SearchIndex,
    new_ids: np.ndarray,
    items: Sequence[AlertItem],
    token: str,
    base: str,
) -> tuple[str, str]:
    lang = row.lang
    title = platform.settings.portal.title
    listed = platform.settings.alerts.max_listed
    rows = np.flatnonzero(np.isin(index.ids, new_ids) & index.alive)
    rows = rows[np.argsort(index.name_rank[rows], kind="stable")]
    count = len(new_ids) + len(items)
    subject = _t(
        "news.subject_one" if count == 1 else "news.subject_many", lang, title=title, count=count
    )
    parts = [
        _t("news.greeting", lang),
        _t("news.your_search", lang) + "\n" + _summary(platform, row, base),
    ]
    if len(new_ids):
        lines = [_t("news.companies", lang, count=len(new_ids))]
        for r in rows[:listed]:
            town = f", {index.towns[r]}" if index.towns[r] else ""
            profile = _url(platform, base, PROFILE_PATH.format(slug=index.slugs[r]), lang)
            lines.append(f"- {index.names[r]}{town}\n  {profile}")
        if len(new_ids) > listed:
            more = len(new_ids) - listed
            lines.append(_t("news.more", lang, count=more))
        parts.append("\n".join(lines))
    by_plugin: dict[str, list[AlertItem]] = {}
    for item in items:
        by_plugin.setdefault(item.plugin, []).append(item)
    for plugin, found in by_plugin.items():
        try:
            heading = platform.plugin(plugin).manifest.title(lang)
        except NotFound:
            heading = plugin
        lines = [f"{heading} ({len(found)}):"]
        for item in found:
            own = item.url and "://" not in item.url
            url = _url(platform, base, item.url, lang) if own else item.url
            lines.append(f"- {_date(item.date, lang)}{item.title}" + (f"\n  {url}" if url else ""))
        parts.append("\n".join(lines))
    unsubscribe_link = _url(platform, base, UNSUBSCRIBE_PATH.format(token=token), lang)
    parts.append(_t("news.unsubscribe", lang) + "\n" + unsubscribe_link)
    parts.append(_t("news.regards", lang, title=title))
    return subject, "\n\n".join(parts) + "\n"


def _queue(session: Session, row: AlertSubscriptionRow, subject: str, body: str) -> None:
    session.add(
        AlertMailRow(
            subscription_id=row.id,
            recipient=row.email,
            subject=subject[:300],
            body=body,
            created_at=utcnow(),
            attempts=0,
            last_error="",
        )
    )


def deliver(platform: Platform, *, subscription_id: int | None = None) -> tuple[int, int]:
    """Send queued alert mails through the platform's outbox; (sent, failed).

    Each mail is claimed with a conditional UPDATE before it is sent, so two processes
    delivering at once do not send it twice; one that fails stays queued (up to
    ``MAX_ATTEMPTS`` tries).
    """
    query = select(AlertMailRow.id, AlertMailRow.attempts).where(
        AlertMailRow.sent_at.is_(None), AlertMailRow.attempts < MAX_ATTEMPTS
    )
    if subscription_id is not None:
        query = query.where(AlertMailRow.subscription_id == subscription_id)
    with platform.session() as session:
        pending = session.execute(query.order_by(AlertMailRow.id)).all()
    sent = failed = 0
    for mail_id, attempts in pending:
        with platform.session(write=True) as session:
            claimed = session.execute(
                update(AlertMailRow)
                .where(
                    AlertMailRow.id == mail_id,
                    AlertMailRow.sent_at.is_(None),
                    AlertMailRow.attempts == attempts,
                )
                .values(attempts=attempts + 1)
            ).rowcount  # type: ignore[attr-defined]
            row = session.get(AlertMailRow, mail_id) if claimed else None
            mail = (
                None if row is None else Mail(to=row.recipient, subject=row.subject, body=row.body)
            )
        if mail is None:
            continue
        try:
            platform.outbox.send(mail)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            log.warning("alert mail %s not delivered: %s", mail_id, exc)
            with platform.session(write=True) as session:
                session.execute(
                    update(AlertMailRow)
                    .where(AlertMailRow.id == mail_id)
                    .values(last_error=f"{type(exc).__name__}: {exc}"[:2000])
                )
            continue
        sent += 1
        with platform.session(write=True) as session:
            session.execute(
                update(AlertMailRow).where(AlertMailRow.id == mail_id).values(sent_at=utcnow())
            )
    return sent, failed


# --- subscribe, confirm, unsubscribe ---------------------------------------------------------


def _check_enabled(platform: Platform) -> None:
    if not platform.settings.alerts.enabled:
        raise NotFound("Search alerts are switched off on this portal (alerts.enabled).")


def subscribe(
    platform: Platform,
    *,
    email: str,
    query: str | Mapping[str, Sequence[str]],
    lang: str,
    consent: bool,
    base_url: str = "",
    now: dt.datetime | None = None,
) -> Subscription:
    """Subscribe ``email`` to a search: a pending subscription and a mailed confirmation link.

    The same address and search again give no second subscription: a pending (or cancelled)
    one gets a new confirmation link, an active one a mail saying so with an unsubscribe link.
    ``base_url`` is the portal's address for the links while ``portal.base_url`` is empty.
    """
    _check_enabled(platform)
    settings = platform.settings.alerts
    address = _check_email(email).strip().lower()
    if consent is not True:
        raise ValidationError(
            "Agree to the processing of your address for the alert to subscribe.",
            {"consent": ["consent required"]},
        )
    canonical = canonical_query(platform, query)
    lang = lang if lang in _languages(platform) else _languages(platform)[0]
    base = _base_url(platform, base_url)
    now = now or utcnow()
    expires = now + dt.timedelta(days=settings.confirm_days)
    query_hash = _hash(canonical)
    with platform.session(write=True) as session:
        row = session.scalar(
            select(AlertSubscriptionRow)
            .where(
                AlertSubscriptionRow.email == address,
                AlertSubscriptionRow.query_hash == query_hash,
            )
            .with_for_update()
        )
        if row is None or row.state == State.UNSUBSCRIBED:
            held = session.scalar(
                select(func.count())
                .select_from(AlertSubscriptionRow)
                .where(
                    AlertSubscriptionRow.email == address,
                    AlertSubscriptionRow.state != State.UNSUBSCRIBED.value,
                )
            )
            if (held or 0) >= settings.max_per_address:
                raise Conflict(
                    f"This address holds {held} search alerts already, the most one address may "
                    "hold; unsubscribe from one first (link at the end of every alert mail).",
                    {"email": ["too many subscriptions"]},
                )
        if row is None:
            row = AlertSubscriptionRow(
                email=address,
                lang=lang,
                query=canonical,
                query_hash=query_hash,
                state=State.PENDING.value,
                base_url=base,
                seen=b"",
                created_at=now,
            )
            session.add(row)
            session.flush()
        if row.state == State.ACTIVE:
            token = _issue(session, row.id, UNSUBSCRIBE, None)
            subject, body = _active_mail(platform, row, token, base)
        else:
            row.state = State.PENDING.value
            row.lang = lang
            row.base_url = base
            row.expires_at = expires
            row.confirmed_at = row.unsubscribed_at = row.last_run_at = None
            row.seen = b""
            token = _issue(session, row.id, CONFIRM, expires)
            subject, body = _confirmation_mail(platform, row, token, base)
        _queue(session, row, subject, body)
        subscription = Subscription.from_row(row)
    deliver(platform, subscription_id=subscription.id)
    return subscription


def _token_row(
    session: Session, token: str, purpose: str
) -> tuple[AlertTokenRow, AlertSubscriptionRow]:
    found = None
    if token and len(token) <= 200:
        found = session.scalar(
            select(AlertTokenRow).where(
                AlertTokenRow.token_hash == _hash(token), AlertTokenRow.purpose == purpose
            )
        )
    if found is None:
        raise NotFound(
            "This link is not valid (any more). Subscribe to the search again for a new one."
        )
    row = session.get(AlertSubscriptionRow, found.subscription_id, with_for_update=True)
    assert row is not None  # tokens go with their subscription (ON DELETE CASCADE)
    return found, row


def _check_confirmable(token: AlertTokenRow, row: AlertSubscriptionRow, now: dt.datetime) -> None:
    if row.state == State.UNSUBSCRIBED:
        raise Conflict(
            "This search alert was cancelled; subscribe to the search again to receive it.",
            {"token": ["cancelled"]},
        )
    expires = _aware(token.expires_at)
    if row.state == State.PENDING and expires is not None and expires <= now:
        raise NotFound(
            "This confirmation link has expired; subscribe to the search again for a new one.",
            {"token": ["expired"]},
        )


def subscription_for(
    platform: Platform, token: str, purpose: str, *, now: dt.datetime | None = None
) -> Subscription:
    """The subscription a confirmation (``purpose="confirm"``) or unsubscribe link opens,
    without changing anything; NotFound (or Conflict) as ``confirm``/``unsubscribe`` would."""
    with platform.session() as session:
        found, row = _token_row(session, token, purpose)
        if purpose == CONFIRM:
            _check_confirmable(found, row, now or utcnow())
        return Subscription.from_row(row)


def confirm(platform: Platform, token: str, *, now: dt.datetime | None = None) -> StateChange:
    """Activate the subscription of a confirmation link; what the search finds now becomes
    its baseline. A second use changes nothing; NotFound for an unknown or expired link."""
    now = now or utcnow()
    index = platform.engine.index
    with platform.session(write=True) as session:
        found, row = _token_row(session, token, CONFIRM)
        _check_confirmable(found, row, now)
        if row.state == State.ACTIVE:
            return StateChange(Subscription.from_row(row), False)
        baseline = matching_ids(index, search_query(platform, row.query, row.lang))
        row.seen = _pack(baseline)
        row.state = State.ACTIVE.value
        row.confirmed_at = row.last_run_at = now
        row.expires_at = None
        found.used_at = now
        return StateChange(Subscription.from_row(row), True)


def unsubscribe(platform: Platform, token: str, *, now: dt.datetime | None = None) -> StateChange:
    """End the subscription of an unsubscribe link (any link of its mails); its mailed ids
    and unsent mails are deleted. A second use changes nothing; NotFound for an unknown link."""
    now = now or utcnow()
    with platform.session(write=True) as session:
        found, row = _token_row(session, token, UNSUBSCRIBE)
        found.used_at = found.used_at or now
        if row.state == State.UNSUBSCRIBED:
            return StateChange(Subscription.from_row(row), False)
        row.state = State.UNSUBSCRIBED.value
        row.unsubscribed_at = now
        row.seen = b""
        session.execute(delete(AlertItemRow).where(AlertItemRow.subscription_id == row.id))
        session.execute(
            delete(AlertMailRow).where(
                AlertMailRow.subscription_id == row.id, AlertMailRow.sent_at.is_(None)
            )
        )
        return StateChange(Subscription.from_row(row), True)


def list_subscriptions(platform: Platform, state: State | None = None) -> list[Subscription]:
    """Every subscription (or those in ``state``), oldest first."""
    query = select(AlertSubscriptionRow).order_by(AlertSubscriptionRow.id)
    if state is not None:
        query = query.where(AlertSubscriptionRow.state == state.value)
    with platform.session() as session:
        return [Subscription.from_row(r) for r in session.scalars(query)]


# --- the run -----------------------------------------------------------------------------------


def _plugin_items(platform: Platform, query: SearchQuery, since: dt.datetime) -> list[AlertItem]:
    """The items plugins contribute (hook ``alert_matches``); a plugin that fails is left out
    of this run (logged) and asked again the next time."""
    items: list[AlertItem] = []
    for plugin, caller in callers_by_plugin(platform.pm, "alert_matches"):
        try:
            found = caller(platform=platform, query=query, since=since)
            items.extend(attrs.evolve(i, plugin=plugin) for result in found for i in result or ())
        except Exception as exc:
            if platform.strict:
                raise
            log.error("alert items of plugin %r left out", plugin, exc_info=exc)
    return items


def _purge_expired(platform: Platform, now: dt.datetime) -> int:
    with platform.session(write=True) as session:
        result = session.execute(
            delete(AlertSubscriptionRow).where(
                AlertSubscriptionRow.state == State.PENDING.value,
                AlertSubscriptionRow.expires_at < now,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def run(platform: Platform, now: dt.datetime | None = None, *, dry_run: bool = False) -> RunReport:
    """Mail every active subscription what is new for its search, then deliver the queue.

    Per subscription, in one transaction: the companies its search finds now minus those
    ever mailed to it (or in its baseline), plus plugin items not mailed before; if there are
    any, the mail is queued and they are recorded as mailed. ``dry_run`` counts the mails a
    run would queue and changes nothing. Unconfirmed subscriptions past their link's expiry
    are deleted.
    """
    if not platform.settings.alerts.enabled:
        return RunReport(dry_run=dry_run)
    now = now or utcnow()
    purged = 0 if dry_run else _purge_expired(platform, now)
    platform.engine.refresh(force=True)
    index = platform.engine.index
    with platform.session() as session:
        active = [
            (r.id, r.query, r.lang, _aware(r.confirmed_at) or now)
            for r in session.execute(
                select(
                    AlertSubscriptionRow.id,
                    AlertSubscriptionRow.query,
                    AlertSubscriptionRow.lang,
                    AlertSubscriptionRow.confirmed_at,
                )
                .where(AlertSubscriptionRow.state == State.ACTIVE.value)
                .order_by(AlertSubscriptionRow.id)
            )
        ]
    matches: dict[str, np.ndarray] = {}
    mails = companies = item_count = 0
    for subscription_id, query_text, lang, since in active:
        try:
            query = search_query(platform, query_text, lang)
            if query_text not in matches:
                matches[query_text] = matching_ids(index, query)
            items = _plugin_items(platform, query, since)
        except (InvalidQuery, ConfigError) as exc:
            # a filter of a plugin that was switched off since, say: try again next time
            log.warning("search alert %s skipped: %s", subscription_id, exc)
            continue
        try:
            new_count, new_items = _record(
                platform, subscription_id, index, matches[query_text], items, now, dry_run=dry_run
            )
        except ConfigError as exc:
            # no trustworthy address for its links (portal.base_url empty and the address
            # stored at subscription not this computer): this one waits, the others go out
            log.warning("search alert %s skipped: %s", subscription_id, exc)
            continue
        if new_count or new_items:
            mails += 1
            companies += new_count
            item_count += new_items
    sent = failed = 0
    if not dry_run:
        sent, failed = deliver(platform)
    return RunReport(
        subscriptions=len(active),
        mails=mails,
        companies=companies,
        items=item_count,
        sent=sent,
        failed=failed,
        purged=purged,
        dry_run=dry_run,
    )


def _record(
    platform: Platform,
    subscription_id: int,
    index: SearchIndex,
    found: np.ndarray,
    items: Iterable[AlertItem],
    now: dt.datetime,
    *,
    dry_run: bool,
) -> tuple[int, int]:
    """Queue one subscription's mail and record what it lists (one transaction); the number
    of new companies and items."""
    with platform.session(write=not dry_run) as session:
        row = session.get(AlertSubscriptionRow, subscription_id, with_for_update=not dry_run)
        if row is None or row.state != State.ACTIVE:
            return 0, 0
        seen = _unpack(row.seen)
        new_ids = np.setdiff1d(found, seen, assume_unique=True)
        mailed = {
            (str(plugin), str(item_id))
            for plugin, item_id in session.execute(
                select(AlertItemRow.plugin, AlertItemRow.item_id).where(
                    AlertItemRow.subscription_id == subscription_id
                )
            )
        }
        new_items = list(
            {(i.plugin, i.id): i for i in items if (i.plugin, i.id) not in mailed}.values()
        )
        if dry_run:
            session.rollback()
            return int(new_ids.size), len(new_items)
        if new_ids.size or new_items:
            base = _base_url(platform, row.base_url)
            token = _issue(session, row.id, UNSUBSCRIBE, None)
            subject, body = _alert_mail(platform, row, index, new_ids, new_items, token, base)
            _queue(session, row, subject, body)
            row.seen = _pack(np.union1d(seen, new_ids))
            session.add_all(
                AlertItemRow(subscription_id=row.id, plugin=i.plugin, item_id=i.id, notified_at=now)
                for i in new_items
            )
        row.last_run_at = now
        return int(new_ids.size), len(new_items)
