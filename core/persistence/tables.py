"""SQLAlchemy tables of the core (``core_*``); plugins own tables named ``<plugin>_*``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "AlertItemRow",
    "AlertMailRow",
    "AlertSubscriptionRow",
    "AlertTokenRow",
    "AuditRow",
    "Base",
    "ChangeRow",
    "CompanyRow",
    "ConsentRow",
    "ContactRow",
    "EditorTokenRow",
    "FailedAttemptRow",
    "KnownAddressRow",
    "IndexStateRow",
    "PluginStateRow",
    "LoginFailureRow",
    "LogoRow",
    "MailQueueRow",
    "OperatorRow",
    "SubmissionRow",
    "UsageCountRow",
    "WebSessionRow",
]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the core tables."""


class CompanyRow(Base):
    __tablename__ = "core_companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(5), default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    ags: Mapped[str] = mapped_column(String(8), default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    industry: Mapped[str] = mapped_column(String(1), default="")
    industry_division: Mapped[str | None] = mapped_column(String(2), nullable=True)
    professions: Mapped[list[str]] = mapped_column(JSON, default=list)
    employees: Mapped[int] = mapped_column(Integer, default=1)
    family: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    offers: Mapped[list[str]] = mapped_column(JSON, default=list)
    benefits: Mapped[list[str]] = mapped_column(JSON, default=list)
    website: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    extensions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ContactRow(Base):
    """Personal contact data, kept apart from the public profile (GDPR)."""

    __tablename__ = "core_company_contacts"

    company_id: Mapped[int] = mapped_column(
        ForeignKey("core_companies.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class ChangeRow(Base):
    """One row per write to a company; search indexes in every process follow this log."""

    __tablename__ = "core_changes"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    company_id: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndexStateRow(Base):
    """A generation counter: bumped by bulk writes so every index rebuilds in full."""

    __tablename__ = "core_index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)


class PluginStateRow(Base):
    """One change counter per plugin: bumped by every write of the plugin's data, so each
    process reloads its snapshot of that data (``core.toolkit.snapshot``)."""

    __tablename__ = "core_plugin_state"

    plugin: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


Index("ix_core_companies_status_id", CompanyRow.status, CompanyRow.id)


# --- the questionnaire (revision core_0002) --------------------------------------------------


class SubmissionRow(Base):
    """A company's answers to the questionnaire, from the first step to the operator's decision.

    A new company exists only here until an operator approves it; an edit of a published
    company (``company_id`` set) waits here while the published version stays visible.
    """

    __tablename__ = "core_submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    lang: Mapped[str] = mapped_column(String(2), default="de")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    step: Mapped[str] = mapped_column(String(60), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class EditorTokenRow(Base):
    """A company editor's personal link: only a hash of the secret is stored."""

    __tablename__ = "core_editor_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    company_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OperatorRow(Base):
    """An operator or admin who logs in with a password (stored as an Argon2 hash)."""

    __tablename__ = "core_operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="operator")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )


class ConsentRow(Base):
    """One consent given (or withdrawn) with the version of its text and the time."""

    __tablename__ = "core_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    company_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    given: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LogoRow(Base):
    """A company logo, re-encoded as PNG: a draft one per submission, a published one per
    company."""

    __tablename__ = "core_logos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    company_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    mimetype: Mapped[str] = mapped_column(String(40), default="image/png")
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditRow(Base):
    """Who changed what, without personal data (see ``core.portal.audit``)."""

    __tablename__ = "core_audit"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(60), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# --- usage counts for the statistics dashboard (revision core_0003) ---------------------------


class UsageCountRow(Base):
    """How often something was used on one day (a search, a filter, a layer, a profile view).

    Aggregated counters only: no address, user agent, identifier or cookie is ever stored.
    """

    __tablename__ = "core_usage_counts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


# --- failed operator logins and lockout (revision core_0005) ----------------------------------


class LoginFailureRow(Base):
    """Failed logins in a row for one user name, how long it is locked (``core.portal.accounts``).

    Keyed by a SHA-256 hash of the name as typed (case-folded): names that exist nowhere are
    counted too, and a password typed into the name field is not stored readable.
    """

    __tablename__ = "core_login_failures"

    name_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


# --- server-side records of web logins (revision core_0006) -----------------------------------


class WebSessionRow(Base):
    """One login of a browser: an operator's or a company editor's (``core.portal.web_sessions``).

    The browser's cookie holds a random secret; only its SHA-256 hash is stored, so the table
    gives nobody a way in. Deleting the row ends the login (logout, new password,
    deactivation), whatever the cookie still says.
    """

    __tablename__ = "core_web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_operators.id", ondelete="CASCADE"), nullable=True, index=True
    )
    editor_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_editor_tokens.id", ondelete="CASCADE"), nullable=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


# --- login throttling per address, token attempt limits (revision core_0007) ----------------


class FailedAttemptRow(Base):
    """Failed attempts in a row of one key in one scope, and its lock (``core.portal.attempts``):
    a login per (user name, address), a token check per address. Keyed by a hash."""

    __tablename__ = "core_failed_attempts"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class KnownAddressRow(Base):
    """An address (hashed) from which an operator logged in successfully: failures from
    other addresses never keep a correct password from it (``core.portal.accounts.log_in``)."""

    __tablename__ = "core_login_addresses"

    operator_id: Mapped[int] = mapped_column(
        ForeignKey("core_operators.id", ondelete="CASCADE"), primary_key=True
    )
    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_login_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# --- search alerts with double opt-in (revision core_0004) -------------------------------------


class AlertSubscriptionRow(Base):
    """A subscribed search: address, language, canonical query string and state
    (``core.portal.alerts``). ``seen`` holds every company id mailed (or in the baseline) as a
    zlib-compressed array of sorted 64-bit integers, so a run compares whole id sets."""

    __tablename__ = "core_alert_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    lang: Mapped[str] = mapped_column(String(2), default="de")
    query: Mapped[str] = mapped_column(Text, default="")
    #: sha256 of ``query``: one subscription per address and search
    query_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    #: the portal's address when it was subscribed (links, while portal.base_url is empty)
    base_url: Mapped[str] = mapped_column(String(500), default="")
    seen: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )


Index(
    "ix_core_alert_subscriptions_email_query",
    AlertSubscriptionRow.email,
    AlertSubscriptionRow.query_hash,
    unique=True,
)


class AlertTokenRow(Base):
    """A confirmation or unsubscribe link of a subscription: only a hash of the secret."""

    __tablename__ = "core_alert_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("core_alert_subscriptions.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AlertItemRow(Base):
    """A plugin's item (an event, say) mailed to a subscription, so it is mailed once."""

    __tablename__ = "core_alert_items"

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("core_alert_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    plugin: Mapped[str] = mapped_column(String(60), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    notified_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AlertMailRow(Base):
    """A mail of the alerts, queued in the transaction that decides it and delivered after."""

    __tablename__ = "core_alert_mails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("core_alert_subscriptions.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


Index("ix_core_alert_mails_pending", AlertMailRow.sent_at, AlertMailRow.id)


# --- background jobs: long imports outside the request (revision core_0008) -------------------


class JobRow(Base):
    """A long piece of work (an import) running outside the request that started it
    (``core.io.jobs``); every worker reads its state from here."""

    __tablename__ = "core_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(20), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- the mail queue of core and the plugins (revision core_0010) ------------------------------


class MailQueueRow(Base):
    """A mail queued in the transaction that causes it and delivered after the commit
    (``core.portal.mailqueue``); ``plugin`` and ``ref`` say whose it is and what it is about,
    so the owner can delete it with the record (a registration, say)."""

    __tablename__ = "core_mail_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plugin: Mapped[str] = mapped_column(String(60), default="")
    ref: Mapped[str] = mapped_column(String(200), default="")
    sender: Mapped[str] = mapped_column(String(320), default="")
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


Index("ix_core_mail_queue_pending", MailQueueRow.sent_at, MailQueueRow.id)
Index("ix_core_mail_queue_owner", MailQueueRow.plugin, MailQueueRow.ref)
