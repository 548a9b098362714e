"""The mail queue of core and the plugins: a mail is queued in the transaction that causes it
(a registration and its confirmation are written together or not at all) and delivered after
the commit through the platform's outbox (SMTP, or the folder outbox of development).

A mail that could not be delivered stays queued with the error; the next delivery tries it
again, up to ``MAX_ATTEMPTS`` times, then it waits for an operator. Each mail is claimed with
a conditional UPDATE before it is sent, so two processes delivering at once do not send it
twice. ``plugin`` and ``ref`` name the owner and what the mail is about (``registration:12``),
so the owner deletes its mails together with the record (erasure of personal data).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager

from attrs import frozen
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core.persistence.tables import MailQueueRow, utcnow

__all__ = ["MAX_ATTEMPTS", "QueuedMail", "deliver", "drop", "forget", "listed", "queue"]

log = logging.getLogger(__name__)

#: Delivery attempts per mail before it is left for an operator to look at.
MAX_ATTEMPTS = 5


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; they were written in UTC
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


@frozen
class QueuedMail:
    """A mail in the queue: waiting (``sent_at`` None), or delivered and kept until its owner
    deletes it."""

    id: int
    plugin: str
    ref: str
    sender: str
    recipient: str
    subject: str
    body: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    attempts: int
    last_error: str

    @classmethod
    def from_row(cls, row: MailQueueRow) -> QueuedMail:
        created = _aware(row.created_at)
        assert created is not None
        return cls(
            id=row.id,
            plugin=row.plugin,
            ref=row.ref,
            sender=row.sender,
            recipient=row.recipient,
            subject=row.subject,
            body=row.body,
            created_at=created,
            sent_at=_aware(row.sent_at),
            attempts=row.attempts,
            last_error=row.last_error,
        )


def queue(
    session: Session,
    to: str,
    subject: str,
    body: str,
    *,
    sender: str = "",
    plugin: str = "",
    ref: str = "",
) -> int:
    """Queue a mail within the caller's transaction; its id."""
    row = MailQueueRow(
        plugin=plugin,
        ref=ref,
        sender=sender,
        recipient=to,
        subject=subject[:300],
        body=body,
        created_at=utcnow(),
        attempts=0,
        last_error="",
    )
    session.add(row)
    session.flush()
    return row.id


#: Sends one mail (to, subject, body, sender) or raises OSError / smtplib.SMTPException.
Send = Callable[[str, str, str, str], None]


def deliver(
    session_for: Callable[[bool], AbstractContextManager[Session]], send: Send, *, limit: int = 200
) -> tuple[int, int]:
    """Send the waiting mails, oldest first; (sent, failed). ``session_for(write)`` opens a
    session that commits when its block ends (``Platform.session``)."""
    with session_for(False) as session:
        pending = session.execute(
            select(MailQueueRow.id, MailQueueRow.attempts)
            .where(MailQueueRow.sent_at.is_(None), MailQueueRow.attempts < MAX_ATTEMPTS)
            .order_by(MailQueueRow.id)
            .limit(limit)
        ).all()
    sent = failed = 0
    for mail_id, attempts in pending:
        with session_for(True) as session:
            claimed = session.execute(
                update(MailQueueRow)
                .where(
                    MailQueueRow.id == mail_id,
                    MailQueueRow.sent_at.is_(None),
                    MailQueueRow.attempts == attempts,
                )
                .values(attempts=attempts + 1)
            ).rowcount  # type: ignore[attr-defined]
            row = session.get(MailQueueRow, mail_id) if claimed else None
            mail = None if row is None else (row.recipient, row.subject, row.body, row.sender)
        if mail is None:
            continue  # another process has it, or its owner deleted it meanwhile
        try:
            send(*mail)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            log.warning("queued mail %s not delivered: %s", mail_id, exc)
            error = f"{type(exc).__name__}: {exc}"[:2000]
            with session_for(True) as session:
                session.execute(
                    update(MailQueueRow).where(MailQueueRow.id == mail_id).values(last_error=error)
                )
            continue
        sent += 1
        with session_for(True) as session:
            session.execute(
                update(MailQueueRow).where(MailQueueRow.id == mail_id).values(sent_at=utcnow())
            )
    return sent, failed


def listed(
    session: Session, *, plugin: str | None = None, to: str | None = None
) -> list[QueuedMail]:
    """The queue (oldest first), optionally of one owner (``""``: core) or to one address."""
    query = select(MailQueueRow).order_by(MailQueueRow.id)
    if plugin is not None:
        query = query.where(MailQueueRow.plugin == plugin)
    if to:
        query = query.where(MailQueueRow.recipient == to)
    return [QueuedMail.from_row(row) for row in session.scalars(query)]


def drop(
    session: Session,
    plugin: str,
    *,
    refs: Collection[str] | None = None,
    created_before: dt.datetime | None = None,
) -> int:
    """Delete ``plugin``'s mails (sent or waiting) about ``refs`` (``""``: about no record)
    and/or created before ``created_before``; how many."""
    if refs is not None and not refs:
        return 0
    statement = delete(MailQueueRow).where(MailQueueRow.plugin == plugin)
    if refs is not None:
        statement = statement.where(MailQueueRow.ref.in_(list(refs)))
    if created_before is not None:
        statement = statement.where(MailQueueRow.created_at < created_before)
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def forget(session: Session, address: str) -> int:
    """Delete every queued mail to ``address`` (erasure of a person's data); how many."""
    if not address:
        return 0
    # addresses are compared as the folder outbox does, whatever case they were typed in
    statement = delete(MailQueueRow).where(func.lower(MailQueueRow.recipient) == address.lower())
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]
