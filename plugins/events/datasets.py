"""Events as a dataset of the operators' admin area: search, edit, delete, import, export.

Writes follow the plugin's own rules: an edit is checked like an API or import record
(``EventsService.validate``), seats already taken bound the capacity, and the companies that
organise a changed event get a change record so their search column follows. Registrations
are personal data and stay out of the dataset: a row shows only how many seats are taken and
how many people wait.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from core import Conflict
from core import Dataset
from core import DatasetField
from core import DatasetImport
from core import ExportFile
from core import ImportError_
from core import Sentence
from core import Text
from core import ValidationError
from core import checked_record
from core import edited_values
from core import export_file
from core import record_id
from core import table_dataset
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.events import ical
from plugins.events import importer
from plugins.events import repository as repo
from plugins.events import tables as t
from plugins.events import vocab
from plugins.events.model import MAX_DESCRIPTION
from plugins.events.model import MAX_TITLE
from plugins.events.model import Event
from plugins.events.texts import DOMAIN
from plugins.events.texts import text

if TYPE_CHECKING:
    from core import Platform

    from plugins.events.service import EventsService

__all__ = ["EVENTS_DATASET", "events_dataset"]

EVENTS_DATASET = "events.events"
IMPORT_FORMATS = ("ics", "csv")
EXPORT_FORMATS = ("csv", "ics")
#: How far ahead an import expands recurring events (as ``regiokarte events import`` does).
HORIZON = dt.timedelta(days=366)


def _choices(choices: tuple[Any, ...]) -> tuple[tuple[str, Text], ...]:
    # the labels stay Texts: the admin page shows them in its language
    return tuple((c.value, c.label) for c in choices)


def _label(name: str, **values: Any) -> Text:
    """The admin area's name of the field ``name`` (catalog ``admin.fields.<name>``)."""
    return Text.message(DOMAIN, f"admin.fields.{name}", **values)


FIELDS = (
    DatasetField("id", _label("id"), editable=False, listed=True),
    DatasetField("title", _label("title"), required=True, listed=True, max_length=MAX_TITLE),
    DatasetField(
        "kind", _label("kind"), kind="choice", choices=_choices(vocab.KINDS), required=True
    ),
    DatasetField(
        "start",
        _label("start"),
        kind="datetime",
        required=True,
        listed=True,
    ),
    DatasetField("end", _label("end"), kind="datetime"),
    DatasetField(
        "status",
        _label("status"),
        kind="choice",
        choices=tuple(
            (code, Text.message(DOMAIN, f"admin.choices.status_{code}"))
            for code in ("scheduled", "cancelled")
        ),
        listed=True,
    ),
    DatasetField("description", _label("description"), kind="textarea", max_length=MAX_DESCRIPTION),
    DatasetField(
        "audiences",
        _label("audiences", codes=", ".join(vocab.values(vocab.AUDIENCES))),
        max_length=200,
    ),
    DatasetField("place_name", _label("place_name"), max_length=200),
    DatasetField("street", _label("street"), max_length=200),
    DatasetField("postcode", _label("postcode"), max_length=5),
    DatasetField("town", _label("town"), listed=True, max_length=100),
    DatasetField("lat", _label("lat"), kind="number"),
    DatasetField("lon", _label("lon"), kind="number"),
    DatasetField("online_url", _label("online_url"), kind="url"),
    DatasetField(
        "registration",
        _label("registration"),
        kind="choice",
        choices=tuple(
            (code, Text.message(DOMAIN, f"admin.choices.registration_{code}"))
            for code in ("none", "external", "portal")
        ),
    ),
    DatasetField("registration_url", _label("registration_url"), kind="url"),
    DatasetField("capacity", _label("capacity"), kind="integer"),
    DatasetField("waiting_list", _label("waiting_list"), kind="bool"),
    DatasetField(
        "organisers",
        _label("organisers"),
        max_length=1000,
    ),
    DatasetField("taken", _label("taken"), kind="integer", editable=False),
    DatasetField("waiting", _label("waiting"), kind="integer", editable=False),
    DatasetField("uid", _label("uid"), editable=False, max_length=255),
    DatasetField("timezone", _label("timezone"), editable=False),
    DatasetField("source", _label("source"), editable=False, max_length=200),
    DatasetField("created_at", _label("created_at"), kind="datetime", editable=False),
    DatasetField("updated_at", _label("updated_at"), kind="datetime", editable=False),
)
_BY_NAME = {f.name: f for f in FIELDS}
#: Columns of the plugin's CSV import, in its order: the CSV export writes exactly these.
CSV_COLUMNS = importer.CSV_COLUMNS
assert set(CSV_COLUMNS) <= set(_BY_NAME)


def _local(value: dt.datetime, event: Event) -> str:
    """Local time as a form shows it (2026-10-25T10:00), seconds only when there are any."""
    local = value.astimezone(event.zone).replace(tzinfo=None)
    return local.isoformat(timespec="seconds" if local.second else "minutes")


def event_row(event: Event) -> dict[str, Any]:
    """An event as a dataset row: local times, lists as codes or slugs separated by "; "."""
    return {
        **_values(event),
        "id": str(event.id),
        "start": _local(event.starts_at, event),
        "end": _local(event.ends_at, event),
        "audiences": "; ".join(event.audiences),
        "organisers": "; ".join(o.slug for o in event.organisers),
        "taken": event.taken,
        "waiting": event.waiting,
        "timezone": event.timezone,
        "created_at": event.created_at.isoformat() if event.created_at else None,
        "updated_at": event.updated_at.isoformat() if event.updated_at else None,
    }


def _values(event: Event) -> dict[str, Any]:
    """The event as ``EventInput`` values (times aware, so nothing shifts on the way)."""
    return {
        "uid": event.uid,
        "title": event.title,
        "kind": event.kind,
        "start": event.starts_at,
        "end": event.ends_at,
        "description": event.description,
        "audiences": list(event.audiences),
        "place_name": event.place.name,
        "street": event.place.street,
        "postcode": event.place.postcode,
        "town": event.place.town,
        "lat": event.place.lat,
        "lon": event.place.lon,
        "online_url": event.online_url,
        "registration": event.registration,
        "registration_url": event.registration_url,
        "capacity": event.capacity,
        "waiting_list": event.waiting_list,
        "organisers": [o.slug for o in event.organisers],
        "status": event.status,
        "source": event.source,
    }


# --- reading ---------------------------------------------------------------------------------


#: The names of an event's organisers, searched with its title, place and town.
_ORGANISER_NAMES = (
    select(func.aggregate_strings(t.organisations.c.name, " "))
    .join(t.organisers, t.organisations.c.id == t.organisers.c.organisation_id)
    .where(t.organisers.c.event_id == t.events.c.id)
    .scalar_subquery()
)


# --- writing ---------------------------------------------------------------------------------


def _explained(exc: ValidationError) -> dict[str, list[str]]:
    """The model's short messages ("required", "one of a, b") as problem and fix."""
    out: dict[str, list[str]] = {}
    for name, messages in (exc.errors or {"event": [exc.message]}).items():
        key = "town" if name == "place" else name if name in _BY_NAME else "event"
        for message in messages:
            if isinstance(message, Sentence):  # says it in the page's language already
                pass
            elif message == "required":
                message = "required; fill it in"
            elif message.startswith("one of "):
                message = f"use {message}"
            out.setdefault(key, []).append(message)
    return out


def update(
    service: EventsService, session: Session, event_id: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Check and store the submitted fields; the event is checked again as a whole."""
    existing = repo.get_event(session, record_id(event_id, "event"))
    # a time sent back as shown keeps the aware one (a local time in the repeated autumn hour
    # is ambiguous); texts longer than a field takes are refused here: the plugin would cut
    # them silently
    parsed, problems = edited_values(
        FIELDS, event_row(existing), values, "an event", lists=("audiences", "organisers")
    )
    data = {**_values(existing), **parsed}
    old_point = (existing.place.lat, existing.place.lon)
    moved = data["postcode"] and data["postcode"] != existing.place.postcode
    if moved and (data["lat"], data["lon"]) == old_point:
        data["lat"] = data["lon"] = None  # a new postcode means a new place
    what = f"Event {existing.id} ({existing.title!r}) was not changed"
    event = checked_record(
        lambda: service.validate(session, data), problems, what, explain=_explained
    )
    event.id = existing.id
    try:
        saved, _ = repo.save_event(session, event)
    except Conflict as exc:
        raise ValidationError(f"{what}: {exc.message}", exc.errors) from None
    service.companies_touched(session, {*existing.organiser_ids, *saved.organiser_ids})
    return event_row(saved)


def delete(service: EventsService, session: Session, event_id: str) -> None:
    """Delete an event with its registrations (as the API's DELETE does)."""
    existing = repo.get_event(session, record_id(event_id, "event"))
    repo.delete_event(session, int(existing.id or 0))
    service.companies_touched(session, existing.organiser_ids)


def _stored(session: Session) -> dict[int, tuple[Any, ...]]:
    e = t.events
    # the source names the file last imported: a record a new file leaves as it was is unchanged
    columns = [c for c in e.c if c.name not in ("created_at", "updated_at", "source")]
    organisers: dict[int, list[int]] = {}
    for event_id, organisation in session.execute(
        select(t.organisers.c.event_id, t.organisers.c.organisation_id).order_by(
            t.organisers.c.event_id, t.organisers.c.position
        )
    ):
        organisers.setdefault(int(event_id), []).append(int(organisation))
    return {
        int(row.id): (*row, tuple(organisers.get(int(row.id), ())))
        for row in session.execute(select(*columns))
    }


def import_events(
    service: EventsService,
    session: Session,
    path: Path,
    fmt: str,
    *,
    allow_outside_region: bool = False,
) -> DatasetImport:
    """Import an iCalendar or CSV file in the caller's session, as the CLI import does.

    Every record is checked first; one invalid record rejects the file (``EventImportError``
    names each) and nothing is written. Events are matched by uid; an event the file leaves
    as it was is counted as unchanged.
    """
    # a path, never a feed address: the admin area uploads files
    name, data = importer.read_source(str(path.resolve()))
    fmt = importer.detect_format(name, data, fmt or None)
    now = service.now()
    records = importer.read_records(
        name, data, fmt, zone=service.zone, horizon=(now, now + HORIZON)
    )
    before = _stored(session)
    touched: set[int] = set()

    def save(event: Event) -> tuple[Event, bool]:
        try:
            saved, created = repo.save_event(session, event)
        except Conflict as exc:
            raise ImportError_(
                f"{name}: the event {event.uid!r} ({event.title!r}): {exc.message} Nothing "
                "was imported.",
                {event.uid: [exc.message]},
            ) from None
        touched.update(saved.organiser_ids)
        return saved, created

    # the importer's own checks and writes, in the admin area's session (the CLI's
    # EventsService.import_source opens a session of its own)
    report = importer.import_records(
        session,
        records,
        source=name,
        fmt=fmt,
        validate=lambda values: service.validate(session, values),
        save=save,
        region=service.platform.region,
        allow_outside_region=allow_outside_region,
    )
    service.companies_touched(session, touched)
    after = _stored(session)
    updated = [
        r.record_id for r in report.records if r.outcome == "updated" and r.record_id is not None
    ]
    changed = sum(1 for i in updated if before.get(i) != after.get(i))
    return DatasetImport(
        created=report.created,
        updated=changed,
        unchanged=len(updated) - changed,
        messages=tuple(report.notes),
    )


def export_events(
    service: EventsService, platform: Platform, session: Session, fmt: str
) -> ExportFile:
    """Every event, past ones included, as CSV (the import's columns) or iCalendar."""
    events = repo.all_events(session)
    if fmt == "ics":
        base = service.base("")

        def url_of(event: Event) -> str:
            # the URL is what the plugin's iCalendar import reads back: the online address of
            # an online event, the organiser's registration link; else the event's page (only
            # with a configured portal address: a calendar needs an absolute URL)
            if event.online_url and not event.in_person:
                return event.online_url
            if event.registration == "external":
                return event.registration_url
            return service.event_url(base, event) if base else ""

        content = ical.calendar_bytes(
            events,
            name=text("feed_name", "de", region=platform.region.name),
            url_of=url_of,
            lang="de",
            now=service.now(),
        )
        return ExportFile(content, "text/calendar; charset=utf-8", "events.ics")
    # local times with their offset: exact whatever time zone the import assumes
    rows = [
        {**_values(e), "start": e.local_start.isoformat(), "end": e.local_end.isoformat()}
        for e in events
    ]
    return export_file(fmt, rows, CSV_COLUMNS, name="events", what="events", formats=EXPORT_FORMATS)


def events_dataset(platform: Platform) -> Dataset:
    """The plugin's events for the admin area (organisations and registrations stay out)."""
    from plugins.events.hooks import service_for

    service = service_for(platform)
    e = t.events.c
    return table_dataset(
        EVENTS_DATASET,
        t.events,
        record="event",
        search_columns=(e.title, e.place_name, e.town, _ORGANISER_NAMES),
        order_by=(e.starts_at, e.id),
        load=lambda session, number: event_row(repo.get_event(session, number)),
        label=Text.message(DOMAIN, "admin.dataset"),
        fields=FIELDS,
        update=partial(update, service),
        delete=partial(delete, service),
        import_file=partial(import_events, service),
        import_region_checked=True,
        import_formats=IMPORT_FORMATS,
        export=partial(export_events, service, platform),
        export_formats=EXPORT_FORMATS,
        # what the service does after each of its writes: the calendar snapshot reloads now
        # (pages, feeds, layers, profiles); other processes follow the generation counter
        changed=lambda: service.snapshot(force=True),
        help=Text.message(DOMAIN, "admin.help"),
    )
