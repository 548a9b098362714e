"""The section a company profile shows: its upcoming events ("Tag der offenen Tür am ...")."""

from __future__ import annotations

from core import Company
from core import ProfileSection
from markupsafe import escape

from plugins.events.service import EventsService
from plugins.events.texts import format_date
from plugins.events.texts import format_time
from plugins.events.texts import text

__all__ = ["profile_section"]

#: Most events a profile lists.
LIMIT = 5


def profile_section(service: EventsService, company: Company, lang: str) -> ProfileSection | None:
    """None when the company has no upcoming event (the page then shows nothing of events)."""
    events = service.company_events(company.id) if company.id is not None else []
    if not events:
        return None
    items = []
    # the portal's first language is the one a link without ``lang`` shows
    languages = service.platform.settings.portal.languages
    suffix = "" if languages and lang == languages[0] else f"?lang={lang}"
    for event in events[:LIMIT]:
        start = event.local_start
        date = f"{format_date(start, lang)}, {format_time(start, lang)}"
        label = text("company_event_item", lang, kind=event.kind_label(lang), date=date)
        cancelled = (
            f" <strong>({escape(text('cancelled', lang))})</strong>"
            if event.status == "cancelled"
            else ""
        )
        items.append(
            f'<li><a href="{escape(service.event_path(event) + suffix)}">{escape(label)}</a>: '
            f"{escape(event.title)}{cancelled}</li>"
        )
    html = (
        f'<ul class="events-list-compact">{"".join(items)}</ul>'
        f'<p><a href="/veranstaltungen{suffix}">{escape(text("all_events", lang))}</a></p>'
    )
    return ProfileSection.from_parts("events", text("company_events", lang), [html], order=60)
