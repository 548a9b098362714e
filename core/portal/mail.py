"""Outgoing e-mail: through an SMTP server, or into a folder (development and tests).

``make_outbox(settings.mail)`` picks the kind: with ``mail.smtp_host`` set, mails go to that
server; without it they are written as ``.eml`` files into ``mail.outbox_folder``, where an
operator page lists them. Mails are plain text (no HTML, no tracking).

Links in mails point to ``portal.base_url`` (``link_base``), never to the address a request
named in its ``Host`` header: anyone can send any header, and a mail with a link to a foreign
host, sent to an address of the sender's choosing, is a phishing tool. Without the setting,
links are made only for requests to this computer (``localhost``, loopback addresses: a
development server); any other request gets a ``ConfigError`` naming the setting.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import ipaddress
import os
import re
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from attrs import frozen

from core.errors import ConfigError, NotFound

__all__ = [
    "FolderOutbox",
    "Mail",
    "Outbox",
    "SentMail",
    "SmtpOutbox",
    "is_loopback_host",
    "link_base",
    "make_outbox",
]


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a name or address, without port) means this computer."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def link_base(configured: str, request_base: str = "") -> str:
    """The address links in mails start with (no trailing slash).

    ``configured`` (``portal.base_url``, or a plugin's own setting) when set; otherwise
    ``request_base`` (the address of the request that causes the mail) only when it names
    this computer. Anything else raises ConfigError: the Host header is chosen by the client.
    """
    if configured.strip():
        return configured.strip().rstrip("/")
    parts = urlsplit(request_base)
    if parts.scheme in ("http", "https") and is_loopback_host(parts.hostname or ""):
        return f"{parts.scheme}://{parts.netloc}".rstrip("/")
    raise ConfigError(
        "No mail with links is sent: portal.base_url is empty, and links are never made from "
        "the address a request names (its Host header) unless that is this computer "
        "(localhost). Set the portal's public address, e.g. "
        "REGIOKARTE_PORTAL__BASE_URL=https://karte.example.org."
    )


@frozen
class Mail:
    """A plain-text e-mail to one recipient."""

    to: str
    subject: str
    body: str


@frozen
class SentMail:
    """A mail as the folder outbox keeps it."""

    id: str
    to: str
    subject: str
    body: str
    sent_at: dt.datetime


class Outbox(Protocol):
    """Sends mails."""

    kind: str

    def send(self, mail: Mail) -> None:
        """Send ``mail`` (or keep it, for a folder outbox)."""
        ...


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain="regiokarte.invalid")
    message.set_content(mail.body)
    return message


class SmtpOutbox:
    """Sends through an SMTP server (STARTTLS unless switched off, login when a user is set)."""

    kind = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        user: str = "",
        password: str = "",
        starttls: bool = True,
        timeout: float = 20.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls = user, password, starttls
        self.timeout = timeout

    def send(self, mail: Mail) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(_message(mail, self.sender))


_ID = re.compile(r"[0-9]{8}T[0-9]{12}-[0-9a-f]{32}")


class FolderOutbox:
    """Keeps every mail as an ``.eml`` file in a folder, newest listed first."""

    kind = "folder"

    def __init__(self, folder: str | os.PathLike[str], sender: str) -> None:
        self.folder = Path(folder)
        self.sender = sender

    def send(self, mail: Mail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        name = f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex}"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_bytes(bytes(_message(mail, self.sender)))
        os.replace(temporary, self.folder / f"{name}.eml")

    def _read(self, path: Path) -> SentMail:
        message = BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain",))
        return SentMail(
            id=path.stem,
            to=str(message["To"]),
            subject=str(message["Subject"]),
            body=body.get_content() if body is not None else "",
            sent_at=parsedate_to_datetime(str(message["Date"])),
        )

    def messages(self, limit: int = 200) -> list[SentMail]:
        """The newest ``limit`` mails, newest first."""
        if not self.folder.is_dir():
            return []
        paths = sorted(self.folder.glob("*.eml"), reverse=True)[:limit]
        return [self._read(p) for p in paths]

    def get(self, mail_id: str) -> SentMail:
        path = self.folder / f"{mail_id}.eml"
        if not _ID.fullmatch(mail_id) or not path.is_file():
            raise NotFound(f"There is no mail {mail_id!r} in the outbox.")
        return self._read(path)

    def forget(self, address: str) -> int:
        """Delete every kept mail to ``address`` (a company's data is being erased)."""
        if not address or not self.folder.is_dir():
            return 0
        removed = 0
        for path in self.folder.glob("*.eml"):
            if self._read(path).to.casefold() == address.casefold():
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def make_outbox(
    *,
    smtp_host: str,
    smtp_port: int,
    smtp_user: str,
    smtp_password: str,
    smtp_starttls: bool,
    sender: str,
    outbox_folder: str,
) -> SmtpOutbox | FolderOutbox:
    """SMTP when a host is configured, else the folder outbox."""
    if smtp_host:
        return SmtpOutbox(
            smtp_host,
            smtp_port,
            sender,
            user=smtp_user,
            password=smtp_password,
            starttls=smtp_starttls,
        )
    return FolderOutbox(outbox_folder, sender)
