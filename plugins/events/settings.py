"""The events plugin's settings (``[plugins.events]``), validated when the platform starts."""

from __future__ import annotations

import re
from email.utils import parseaddr
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from attrs import define
from core import range_problems
from core import setting

__all__ = ["EventsSettings"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


@define
class EventsSettings:
    """Time zone, registration defaults, data retention and the mail sender.

    Mails go out through core's outbox (``[mail]``: SMTP, or the folder outbox in
    development), so the SMTP server is configured there, once for the whole portal.
    """

    timezone: str = setting(
        "Europe/Berlin", "IANA time zone of the region; event times are entered and shown in it."
    )
    default_capacity: int = setting(
        30,
        "Seats of an event with registration through the portal when its organiser gives no "
        "capacity; 0: unlimited.",
    )
    waiting_list: bool = setting(
        True, "Whether registrations beyond the capacity go onto a waiting list."
    )
    max_capacity: int = setting(5000, "Largest capacity an organiser may set for one event.")
    purge_after_days: int = setting(
        30,
        "Days after an event's end when 'regiokarte events purge' deletes the participants' "
        "personal data (and the mails sent to them).",
    )
    mail_sender: str = setting(
        "",
        "From address of confirmation and cancellation mails (e.g. 'Veranstaltungen "
        "<veranstaltungen@example.org>'); empty: the portal's mail.sender.",
    )
    base_url: str = setting(
        "",
        "Public address of the portal for links in mails (https://...); empty: "
        "portal.base_url, else (development) the address of a request to this computer.",
    )
    actors_layer: bool = setting(
        True, "Offer the map layer 'Beratung & Anlaufstellen' (the organisations)."
    )
    registrations_per_hour: int = setting(
        20,
        "Most registrations one client address may send per hour through the web form "
        "and the API together (counted where limits.storage_uri says); 0: no limit.",
    )

    def problems(self) -> list[str]:
        """Every invalid setting as ``key: what is wrong`` (empty when all are valid)."""
        out = []
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            out.append(
                f"timezone: {self.timezone!r} is not an IANA time zone such as Europe/Berlin"
            )
        limits = {
            "default_capacity": (0, self.max_capacity),
            "max_capacity": (1, 1_000_000),
            "purge_after_days": (0, 3650),
            "registrations_per_hour": (0, 100_000),
        }
        out.extend(range_problems(self, limits))
        if self.mail_sender and not _EMAIL.fullmatch(parseaddr(self.mail_sender)[1]):
            out.append(f"mail_sender: {self.mail_sender!r} is not an e-mail address")
        if self.base_url and not self.base_url.startswith(("http://", "https://")):
            out.append(f"base_url: must start with https:// (or http://), not {self.base_url!r}")
        return out

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
