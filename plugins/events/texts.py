"""Texts of the events plugin: page strings (German first, English second), dates, mails."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plugins.events.model import Event

__all__ = ["STRINGS", "confirmation_mail", "format_when", "text"]

WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

STRINGS: dict[str, dict[str, str]] = {
    "de": {
        "calendar": "Veranstaltungen",
        "calendar_lead": (
            "Infoveranstaltungen, Jobmessen, Ausbildungsbörsen, Weiterbildungen, Netzwerktreffen "
            "und Tage der offenen Tür in {region}."
        ),
        "filters": "Veranstaltungen filtern",
        "kind": "Art",
        "audience": "Zielgruppe",
        "town": "Ort",
        "any": "alle",
        "date_from": "von (Datum)",
        "date_to": "bis (Datum)",
        "apply": "Filter anwenden",
        "reset": "Filter zurücksetzen",
        "count": "{n} Veranstaltungen",
        "count_one": "1 Veranstaltung",
        "none_found": "Keine kommenden Veranstaltungen für diese Auswahl.",
        "bad_filter": "Bitte prüfen Sie diese Angaben: {fields}. Ein Datum schreiben Sie als "
        "TT.MM.JJJJ, zum Beispiel 7.12.2026.",
        "subscribe": "Diese Auswahl als Kalender abonnieren (iCalendar)",
        "subscribe_hint": "Die Adresse in Ihrer Kalender-App als Abonnement eintragen.",
        "when": "Wann",
        "where": "Wo",
        "online": "Online",
        "organisers": "Veranstalter",
        "audiences": "Für",
        "description": "Beschreibung",
        "add_to_calendar": "In den Kalender übernehmen (.ics)",
        "registration": "Anmeldung",
        "no_registration": "Keine Anmeldung nötig.",
        "register_external": "Zur Anmeldung beim Veranstalter",
        "seats_left": "Noch {n} von {capacity} Plätzen frei.",
        "seats_unlimited": "Plätze ohne Begrenzung.",
        "fully_booked": "Ausgebucht; Anmeldungen kommen auf die Warteliste.",
        "fully_booked_closed": "Ausgebucht.",
        "registration_closed": "Die Anmeldung ist geschlossen.",
        "cancelled": "Abgesagt",
        "cancelled_note": "Diese Veranstaltung wurde abgesagt.",
        "name": "Name",
        "email": "E-Mail-Adresse",
        "phone": "Telefon (freiwillig)",
        "i_am": "Ich bin (freiwillig)",
        "consent": (
            "Ich willige ein, dass meine Angaben zur Organisation dieser Veranstaltung gespeichert "
            "und an den Veranstalter weitergegeben werden. Sie werden {days} Tage nach der "
            "Veranstaltung gelöscht. Ich kann die Anmeldung jederzeit über den Link in der "
            "Bestätigungsmail zurückziehen."
        ),
        "register": "Verbindlich anmelden",
        "register_waiting": "Auf die Warteliste setzen",
        "required": "Pflichtfeld",
        "form_errors": "Bitte prüfen Sie Ihre Angaben:",
        "registered": "Sie sind angemeldet",
        "registered_text": (
            "Wir haben Ihnen eine Bestätigung per E-Mail geschickt. Darin steht auch der Link, "
            "mit dem Sie sich wieder abmelden können."
        ),
        "waiting": "Sie stehen auf der Warteliste",
        "waiting_text": (
            "Sie stehen auf Platz {position} der Warteliste. Wird ein Platz frei, rücken Sie "
            "nach und bekommen eine E-Mail."
        ),
        "back_to_event": "Zurück zur Veranstaltung",
        "back_to_calendar": "Zurück zu allen Veranstaltungen",
        "cancel_title": "Anmeldung zurückziehen",
        "cancel_question": "Möchten Sie Ihre Anmeldung für „{title}“ ({when}) zurückziehen?",
        "cancel_button": "Anmeldung zurückziehen",
        "cancel_done": "Ihre Anmeldung ist zurückgezogen.",
        "cancel_invalid": "Dieser Abmelde-Link ist nicht gültig oder die Daten sind gelöscht.",
        "company_events": "Veranstaltungen",
        "company_event_item": "{kind} am {date}",
        "all_events": "Alle Veranstaltungen",
        "error": "Fehler",
        "too_many": "Zu viele Anmeldungen von dieser Adresse; bitte später erneut versuchen.",
        "form_expired": "Das Formular ist abgelaufen; bitte Seite neu laden und erneut senden.",
        "uhr": " Uhr",
        "results": "Ergebnisse",
        "event_map": "Karte des Veranstaltungsorts",
    },
    "en": {
        "calendar": "Events",
        "calendar_lead": (
            "Information events, job fairs, apprenticeship fairs, training courses, network "
            "meetings and open days in {region}."
        ),
        "filters": "Filter events",
        "kind": "Kind",
        "audience": "Audience",
        "town": "Town",
        "any": "all",
        "date_from": "from (date)",
        "date_to": "to (date)",
        "apply": "Apply filters",
        "reset": "Reset filters",
        "count": "{n} events",
        "count_one": "1 event",
        "none_found": "No upcoming events for this selection.",
        "bad_filter": "Please check: {fields}. Write a date as YYYY-MM-DD or DD.MM.YYYY, for "
        "example 2026-12-07.",
        "subscribe": "Subscribe to this selection (iCalendar)",
        "subscribe_hint": "Add the address to your calendar app as a subscription.",
        "when": "When",
        "where": "Where",
        "online": "Online",
        "organisers": "Organisers",
        "audiences": "For",
        "description": "Description",
        "add_to_calendar": "Add to calendar (.ics)",
        "registration": "Registration",
        "no_registration": "No registration needed.",
        "register_external": "Register with the organiser",
        "seats_left": "{n} of {capacity} places left.",
        "seats_unlimited": "No limit on places.",
        "fully_booked": "Fully booked; registrations go onto the waiting list.",
        "fully_booked_closed": "Fully booked.",
        "registration_closed": "Registration is closed.",
        "cancelled": "Cancelled",
        "cancelled_note": "This event has been cancelled.",
        "name": "Name",
        "email": "E-mail address",
        "phone": "Phone (optional)",
        "i_am": "I am (optional)",
        "consent": (
            "I agree that my details are stored to organise this event and passed on to the "
            "organiser. They are deleted {days} days after the event. I can withdraw my "
            "registration at any time with the link in the confirmation mail."
        ),
        "register": "Register",
        "register_waiting": "Join the waiting list",
        "required": "required",
        "form_errors": "Please check your entries:",
        "registered": "You are registered",
        "registered_text": (
            "We have sent you a confirmation by e-mail, with the link to withdraw your "
            "registration."
        ),
        "waiting": "You are on the waiting list",
        "waiting_text": (
            "You are number {position} on the waiting list. When a place becomes free you move "
            "up and get an e-mail."
        ),
        "back_to_event": "Back to the event",
        "back_to_calendar": "Back to all events",
        "cancel_title": "Withdraw registration",
        "cancel_question": "Do you want to withdraw your registration for “{title}” ({when})?",
        "cancel_button": "Withdraw registration",
        "cancel_done": "Your registration has been withdrawn.",
        "cancel_invalid": "This cancellation link is not valid or the data has been deleted.",
        "company_events": "Events",
        "company_event_item": "{kind} on {date}",
        "all_events": "All events",
        "error": "Error",
        "too_many": "Too many registrations from this address; please try again later.",
        "form_expired": "The form has expired; please reload the page and send it again.",
        "uhr": "",
        "results": "Results",
        "event_map": "Map of the venue",
    },
}


def text(key: str, lang: str, **values: Any) -> str:
    strings = STRINGS.get(lang, STRINGS["de"])
    template = strings[key] if key in strings else STRINGS["de"][key]
    return template.format(**values) if values else template


def format_date(value: dt.datetime, lang: str, weekday: bool = True) -> str:
    day = WEEKDAYS[lang if lang in WEEKDAYS else "de"][value.weekday()] + ", " if weekday else ""
    if lang == "en":
        return f"{day}{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
    return f"{day}{value:%d.%m.%Y}"


def format_when(event: Event, lang: str) -> str:
    """``Sonntag, 25.10.2026, 10:00–14:00 Uhr`` in the event's own time zone."""
    start, end = event.local_start, event.local_end
    uhr = text("uhr", lang)
    if start.date() == end.date():
        return f"{format_date(start, lang)}, {start:%H:%M}–{end:%H:%M}{uhr}"
    return (
        f"{format_date(start, lang)}, {start:%H:%M}{uhr} – "
        f"{format_date(end, lang)}, {end:%H:%M}{uhr}"
    )


def _where(event: Event, lang: str) -> str:
    parts = [event.place.one_line()] if event.in_person else []
    if event.online_url:
        parts.append(f"{text('online', lang)}: {event.online_url}")
    return "; ".join(p for p in parts if p)


def confirmation_mail(
    event: Event,
    *,
    name: str,
    status: str,
    position: int | None,
    cancel_url: str,
    event_url: str,
    purge_days: int,
) -> tuple[str, str]:
    """Subject and body (German, then English) of the mail after a registration."""
    when_de, when_en = format_when(event, "de"), format_when(event, "en")
    organisers = ", ".join(o.name for o in event.organisers) or "-"
    if status == "waiting":
        subject = f"Warteliste (waiting list): {event.title}"
        state_de = f"Sie stehen auf Platz {position} der Warteliste für:"
        state_en = f"You are number {position} on the waiting list for:"
    else:
        subject = f"Anmeldung bestätigt (registration confirmed): {event.title}"
        state_de = "Ihre Anmeldung ist bestätigt für:"
        state_en = "Your registration is confirmed for:"
    body = f"""Guten Tag {name},

{state_de}

{event.title}
{when_de}
{_where(event, "de")}
Veranstalter: {organisers}
{event_url}

Abmelden (falls Sie nicht kommen können): {cancel_url}

Ihre Angaben werden {purge_days} Tage nach der Veranstaltung gelöscht.

---- English ----

Hello {name},

{state_en}

{event.title}
{when_en}
{_where(event, "en")}
Organisers: {organisers}

Withdraw your registration (if you cannot come): {cancel_url}

Your details are deleted {purge_days} days after the event.
"""
    return subject, body


def promotion_mail(event: Event, *, name: str, cancel_url: str, event_url: str) -> tuple[str, str]:
    """Subject and body of the mail to someone who moved up from the waiting list."""
    subject = f"Platz frei – Sie sind angemeldet (a place for you): {event.title}"
    body = f"""Guten Tag {name},

ein Platz ist frei geworden: Sie sind jetzt verbindlich angemeldet für

{event.title}
{format_when(event, "de")}
{_where(event, "de")}
{event_url}

Abmelden: {cancel_url}

---- English ----

Hello {name}, a place became free: you are now registered for {event.title},
{format_when(event, "en")}. Withdraw: {cancel_url}
"""
    return subject, body


def cancellation_mail(event: Event, *, name: str, event_url: str) -> tuple[str, str]:
    subject = f"Abmeldung bestätigt (registration withdrawn): {event.title}"
    body = f"""Guten Tag {name},

Ihre Anmeldung für „{event.title}“ ({format_when(event, "de")}) ist zurückgezogen.
{event_url}

---- English ----

Hello {name}, your registration for “{event.title}” ({format_when(event, "en")}) has been
withdrawn.
"""
    return subject, body


def invitation_mail(event: Event, *, inviter: str, event_url: str) -> tuple[str, str]:
    """Subject and body of the mail to an organisation invited to co-organise an event."""
    subject = f"Einladung als Mitveranstalter (invitation to co-organise): {event.title}"
    body = f"""Guten Tag,

{inviter} lädt Ihre Organisation ein, diese Veranstaltung mit zu veranstalten:

{event.title}
{format_when(event, "de")}
{_where(event, "de")}
{event_url}

Ihre Organisation wird erst Mitveranstalter, wenn Sie die Einladung annehmen (API:
GET /api/v1/events/invitations, dann POST /api/v1/events/invitations/<id>/accept oder
/decline mit dem API-Schlüssel Ihrer Organisation). Bis dahin erscheint sie nicht bei der
Veranstaltung. Sie können später jederzeit wieder austreten.

---- English ----

{inviter} invites your organisation to co-organise “{event.title}”
({format_when(event, "en")}). Your organisation becomes a co-organiser only when you accept
(GET /api/v1/events/invitations, then POST /api/v1/events/invitations/<id>/accept or /decline
with your organisation's API token); you can leave again at any time.
"""
    return subject, body
