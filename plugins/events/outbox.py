"""The events mail queue: mails are queued in ``events_outbox`` inside the transaction that
causes them (a registration and its confirmation are written together or not at all), and
delivered after the commit through a ``MailTransport``.

The transport is core's outbox (``platform.send_mail``): SMTP when ``mail.smtp_host``
is set, else the folder outbox of development and tests. A mail that could not be delivered
stays queued; ``regiokarte events send-mail`` tries again, ``regiokarte events outbox`` lists
the queue. Queued mails about a registration are deleted with it (purge).
"""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol

from attrs import frozen
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugins.events import tables as t
from plugins.events.repository import aware
from plugins.events.repository import utcnow

if TYPE_CHECKING:
    from core import Platform

__all__ = [
    "CoreOutbox",
    "Mail",
    "MailTransport",
    "deliver_pending",
    "messages",
    "queue_mail",
]

#: Delivery attempts per mail before it is left for an operator to look at.
MAX_ATTEMPTS = 5


@frozen
class Mail:
    """One plain-text mail."""

    sender: str
    recipient: str
    subject: str
    body: str


class MailTransport(Protocol):
    """Delivers one mail or raises (``OSError``, ``smtplib.SMTPException``)."""

    def send(self, mail: Mail) -> None: ...


class CoreOutbox:
    """Delivery through core's outbox (``platform.send_mail``: SMTP or the development
    folder), from ``sender`` when given (else ``mail.sender``)."""

    def __init__(self, platform: Platform, sender: str = "") -> None:
        self.platform = platform
        self.sender = sender

    def send(self, mail: Mail) -> None:
        self.platform.send_mail(mail.recipient, mail.subject, mail.body, sender=self.sender)

    def forget(self, address: str) -> int:
        """Delete kept copies of mails to ``address`` (the folder outbox keeps them)."""
        return self.platform.forget_mail(address)


def queue_mail(session: Session, mail: Mail, *, registration_id: int | None = None) -> int:
    """Put ``mail`` into the outbox within the caller's transaction; its id."""
    new_id = session.execute(
        insert(t.outbox).values(
            registration_id=registration_id,
            sender=mail.sender,
            recipient=mail.recipient,
            subject=mail.subject,
            body=mail.body,
            created_at=utcnow(),
            attempts=0,
            last_error="",
        )
    ).inserted_primary_key[0]
    return int(new_id)


def deliver_pending(
    platform: Platform, transport: MailTransport, *, limit: int = 200
) -> tuple[int, int]:
    """Send queued mails through ``transport``; (sent, failed).

    Each mail is claimed with a conditional UPDATE before it is sent, so two processes
    delivering at once do not send it twice.
    """
    with platform.session() as session:
        rows = session.execute(
            select(t.outbox)
            .where(t.outbox.c.sent_at.is_(None), t.outbox.c.attempts < MAX_ATTEMPTS)
            .order_by(t.outbox.c.id)
            .limit(limit)
        ).all()
    sent = failed = 0
    for row in rows:
        with platform.session(write=True) as session:
            claimed = session.execute(
                update(t.outbox)
                .where(
                    t.outbox.c.id == row.id,
                    t.outbox.c.sent_at.is_(None),
                    t.outbox.c.attempts == row.attempts,
                )
                .values(attempts=row.attempts + 1)
            ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            continue
        mail = Mail(row.sender, row.recipient, row.subject, row.body)
        try:
            transport.send(mail)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            with platform.session(write=True) as session:
                session.execute(
                    update(t.outbox)
                    .where(t.outbox.c.id == row.id)
                    .values(last_error=f"{type(exc).__name__}: {exc}"[:2000])
                )
            continue
        sent += 1
        with platform.session(write=True) as session:
            session.execute(
                update(t.outbox).where(t.outbox.c.id == row.id).values(sent_at=utcnow())
            )
    return sent, failed


def messages(session: Session, recipient: str | None = None) -> list[dict[str, Any]]:
    """Mails in the outbox (newest last), optionally only those to ``recipient``."""
    query = select(t.outbox).order_by(t.outbox.c.id)
    if recipient:
        query = query.where(t.outbox.c.recipient == recipient)
    return [
        {
            "id": row.id,
            "registration_id": row.registration_id,
            "sender": row.sender,
            "recipient": row.recipient,
            "subject": row.subject,
            "body": row.body,
            "created_at": aware(row.created_at),
            "sent_at": aware(row.sent_at),
            "attempts": row.attempts,
            "last_error": row.last_error,
        }
        for row in session.execute(query)
    ]


def purge_unlinked(session: Session, before: dt.datetime) -> int:
    """Delete mails not tied to a registration that are older than ``before``."""
    result = session.execute(
        delete(t.outbox).where(t.outbox.c.registration_id.is_(None), t.outbox.c.created_at < before)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
