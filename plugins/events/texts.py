"""Texts of the events plugin: its catalog (``locale/``, domain ``events``), dates and mails."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

from babel import Locale
from babel import UnknownLocaleError
from babel.dates import format_date as babel_date
from babel.dates import format_skeleton
from core import catalog
from core import format_date as format_day
from core import language_name

from plugins.events.model import Event

__all__ = [
    "DOMAIN",
    "cancellation_mail",
    "confirmation_mail",
    "format_date",
    "format_time",
    "format_when",
    "invitation_mail",
    "promotion_mail",
    "text",
]

#: The plugin's catalog domain (``plugins/events/locale/``).
DOMAIN = "events"
#: The languages of a mail whose reader's language is unknown (a promotion from the waiting
#: list, an invitation): German, then English.
BOTH = ("de", "en")


def text(key: str, lang: str, **values: Any) -> str:
    """The catalog text ``key`` in ``lang`` with ``{values}`` filled in."""
    return catalog(DOMAIN).text(key, lang, **values)


@functools.cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_date(value: dt.datetime, lang: str, weekday: bool = True) -> str:
    """The day of ``value`` as the portal writes days (core's ``format_date``), after its
    weekday by default: ``Sonntag, 25. Okt. 2026``."""
    day = format_day(value.date(), lang)
    if not weekday:
        return day
    name = babel_date(value.date(), "EEEE", locale=_locale(lang))
    return text("weekday_date", lang, weekday=name, date=day)


def format_clock(value: dt.datetime, lang: str) -> str:
    """The clock time of ``value`` (24-hour clock in every configured language)."""
    return format_skeleton("Hm", value, locale=_locale(lang))


def format_time(value: dt.datetime, lang: str) -> str:
    """``10:00 Uhr`` / ``10:00``: a clock time as the language says it."""
    return text("time", lang, time=format_clock(value, lang))


def format_when(event: Event, lang: str) -> str:
    """``Sonntag, 25. Okt. 2026, 10:00–14:00 Uhr`` in the event's own time zone."""
    start, end = event.local_start, event.local_end
    if start.date() == end.date():
        times = {"start": format_clock(start, lang), "end": format_clock(end, lang)}
        span = text("time_span", lang, **times)
        return f"{format_date(start, lang)}, {span}"
    return (
        f"{format_date(start, lang)}, {format_time(start, lang)} – "
        f"{format_date(end, lang)}, {format_time(end, lang)}"
    )


def _where(event: Event, lang: str) -> str:
    parts = [event.place.one_line()] if event.in_person else []
    if event.online_url:
        parts.append(f"{text('online', lang)}: {event.online_url}")
    return "; ".join(p for p in parts if p)


def _event_lines(event: Event, lang: str) -> list[str]:
    """The event as a mail names it: title, when, where."""
    return [line for line in (event.title, format_when(event, lang), _where(event, lang)) if line]


def _languages(lang: str) -> tuple[str, ...]:
    """The reader's language first, then German (a copy someone at hand can read)."""
    return (lang,) if lang == "de" else (lang, "de")


def _join(blocks: dict[str, str]) -> str:
    """The mail body: one block per language, each after the name of its language."""
    parts = []
    for number, (lang, block) in enumerate(blocks.items()):
        if number:
            parts.append(f"\n---- {language_name(lang)} ----\n\n")
        parts.append(block)
    return "".join(parts)


def _paragraphs(*paragraphs: Sequence[str] | str) -> str:
    out = []
    for paragraph in paragraphs:
        lines = [paragraph] if isinstance(paragraph, str) else list(paragraph)
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def confirmation_mail(
    event: Event,
    *,
    name: str,
    status: str,
    position: int | None,
    cancel_url: str,
    event_url: str,
    purge_days: int,
    lang: str = "de",
) -> tuple[str, str]:
    """Subject and body of the mail after a registration: in the language the person
    registered in (then German)."""
    organisers = ", ".join(o.name for o in event.organisers) or "-"
    waiting = status == "waiting"
    key = "mail.waiting" if waiting else "mail.confirmed"
    subject = text(f"{key}_subject", lang, title=event.title)
    blocks = {}
    for code in _languages(lang):
        details = [*_event_lines(event, code), text("mail.organisers", code, names=organisers)]
        blocks[code] = _paragraphs(
            text("mail.greeting", code, name=name),
            text(key, code, position=position) if waiting else text(key, code),
            [*details, event_url],
            text("mail.withdraw", code, url=cancel_url),
            text("mail.purge", code, days=purge_days),
        )
    return subject, _join(blocks)


def promotion_mail(event: Event, *, name: str, event_url: str) -> tuple[str, str]:
    """Subject and body of the mail to someone who moved up from the waiting list (German,
    then English: the language they registered in is not kept)."""
    subject = text("mail.promoted_subject", BOTH[0], title=event.title)
    blocks = {
        code: _paragraphs(
            text("mail.greeting", code, name=name),
            text("mail.promoted", code),
            [*_event_lines(event, code), event_url],
            text("mail.withdraw_first_mail", code),
        )
        for code in BOTH
    }
    return subject, _join(blocks)


def cancellation_mail(
    event: Event, *, name: str, event_url: str, lang: str = "de"
) -> tuple[str, str]:
    """Subject and body of the mail confirming a withdrawn registration."""
    subject = text("mail.cancelled_subject", lang, title=event.title)
    blocks = {
        code: _paragraphs(
            text("mail.greeting", code, name=name),
            [
                text("mail.cancelled", code, title=event.title, when=format_when(event, code)),
                event_url,
            ],
        )
        for code in _languages(lang)
    }
    return subject, _join(blocks)


def invitation_mail(event: Event, *, inviter: str, event_url: str) -> tuple[str, str]:
    """Subject and body of the mail to an organisation invited to co-organise an event."""
    subject = text("mail.invitation_subject", BOTH[0], title=event.title)
    blocks = {
        code: _paragraphs(
            text("mail.greeting_plain", code),
            text("mail.invitation", code, inviter=inviter),
            [*_event_lines(event, code), event_url],
            text("mail.invitation_how", code),
        )
        for code in BOTH
    }
    return subject, _join(blocks)
