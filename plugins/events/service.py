"""The events service of one process: settings, clock, the calendar snapshot, and the use
cases (create, list, register, cancel, export, purge) that the API, pages and commands share.

Reads of the public calendar answer from an in-memory snapshot of all events, reloaded when
the plugin's change counter moves (checked at most every ``search.refresh_interval``
seconds), like the search index follows the companies. Seat counts on an event page come from
the database.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from zoneinfo import ZoneInfo

from attrs import define
from attrs import field
from attrs import frozen
from core import Address
from core import ConfigError
from core import Conflict
from core import InvalidQuery
from core import Location
from core import NotFound
from core import PluginSnapshot
from core import RegiokarteError
from core import Sentence
from core import ValidationError
from core import parse_date
from core import reindex_company
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import ProgrammingError

from plugins.events import ical
from plugins.events import importer
from plugins.events import invitations
from plugins.events import registrations
from plugins.events import repository as repo
from plugins.events import tables as t
from plugins.events import texts
from plugins.events import vocab
from plugins.events.model import Event
from plugins.events.model import EventInput
from plugins.events.model import Organisation
from plugins.events.model import check_email
from plugins.events.model import place_from
from plugins.events.settings import EventsSettings

if TYPE_CHECKING:
    from core import IndexSource
    from core import Platform
    from core import QueuedMail
    from sqlalchemy.orm import Session

__all__ = ["CalendarQuery", "EventsService", "NotAllowed", "Principal"]

log = logging.getLogger(__name__)


def said(key: str, **values: Any) -> Sentence:
    """The message ``key`` of the plugin's catalog in every language (the API shows the
    English, a page its own language)."""
    return Sentence.message(texts.DOMAIN, key, **values)


def _about(registration_id: int) -> str:
    """What a mail about a registration is filed under in core's mail queue."""
    return f"registration:{registration_id}"


class NotAllowed(RegiokarteError, PermissionError):
    """The caller may not do this (the web layer answers 403)."""


@frozen
class Principal:
    """Who calls a write operation: the operator, or a verified organisation."""

    operator: bool = False
    organisation: Organisation | None = None

    def may_edit(self, event: Event) -> bool:
        if self.operator:
            return True
        return self.organisation is not None and self.organisation.id in event.organiser_ids


@frozen
class CalendarQuery:
    """A filter of the public calendar: kinds, audiences, towns (AGS), local date range."""

    kinds: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    organisation: int | None = None

    def params(self) -> list[tuple[str, str]]:
        """The query as URL parameters (for feed links and pages)."""
        out = [("kind", k) for k in self.kinds]
        out += [("audience", a) for a in self.audiences]
        out += [("town", a) for a in self.towns]
        if self.date_from:
            out.append(("from", self.date_from.isoformat()))
        if self.date_to:
            out.append(("to", self.date_to.isoformat()))
        if self.organisation:
            out.append(("organisation", str(self.organisation)))
        return out


@define
class _Snapshot:
    generation: int
    events: list[Event]
    organisations: list[Organisation]
    by_company: dict[int, list[int]] = field(factory=dict)


class EventsService:
    """Per process: the events plugin's state and use cases."""

    def __init__(self, platform: Platform, settings: EventsSettings) -> None:
        self.platform = platform
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        #: The current time (aware); tests replace it to travel in time.
        self.clock: Callable[[], dt.datetime] = repo.utcnow
        self._snapshot = PluginSnapshot(
            platform, "events", self._load, lambda: _Snapshot(-1, [], [])
        )

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    @property
    def sender(self) -> str:
        if self.settings.mail_sender:
            return self.settings.mail_sender
        mail = getattr(self.platform.settings, "mail", None)
        return str(getattr(mail, "sender", "")) or "veranstaltungen@localhost"

    def base(self, request_base: str) -> str:
        """The portal address for links: the setting, core's portal.base_url, the request's."""
        configured = self.settings.base_url or getattr(
            self.platform.settings.portal, "base_url", ""
        )
        return (configured or request_base).rstrip("/")

    def _invitation_base(self, request_base: str) -> str:
        """The address for the link in an invitation: as ``mail_base``, but without a
        trustworthy address the link is left as a path (the event is saved all the same)."""
        try:
            return self.mail_base(request_base)
        except ConfigError:
            return ""

    def mail_base(self, request_base: str) -> str:
        """The portal address for links in mails: the setting or core's portal.base_url; the
        request's only when it is this computer (ConfigError otherwise: the Host header is the
        client's choice, and a mail could carry a link to any host to any address)."""
        return self.platform.link_base(request_base, configured=self.settings.base_url)

    # --- snapshot ------------------------------------------------------------------------

    def _load(self, session: Session, generation: int) -> _Snapshot:
        events = repo.all_events(session)
        organisations = repo.list_organisations(session)
        by_company: dict[int, list[int]] = {}
        for event in events:
            for organisation in event.organisers:
                if organisation.company_id is not None:
                    by_company.setdefault(organisation.company_id, []).append(event.id or 0)
        return _Snapshot(generation, events, organisations, by_company)

    def snapshot(self, *, force: bool = False) -> _Snapshot:
        """All events and organisations, reloaded when they changed (checked at intervals)."""
        return self._snapshot.get(force=force)

    # --- reading -------------------------------------------------------------------------

    def parse_query(self, args: dict[str, Any]) -> CalendarQuery:
        """A CalendarQuery from lists of raw values (``kind``, ``audience``, ``town``, ``from``,
        ``to``, ``organisation``); InvalidQuery names what is wrong."""
        errors: dict[str, list[str]] = {}

        def flat(key: str) -> list[str]:
            raw = args.get(key) or []
            raw = [raw] if isinstance(raw, str) else raw
            return [p.strip() for v in raw for p in str(v).split(",") if p.strip()]

        kinds = flat("kind")
        bad = [k for k in kinds if k not in vocab.values(vocab.KINDS)]
        if bad:
            errors["kind"] = [f"unknown {bad}; use {', '.join(vocab.values(vocab.KINDS))}"]
        audiences = flat("audience")
        bad = [a for a in audiences if a not in vocab.values(vocab.AUDIENCES)]
        if bad:
            errors["audience"] = [f"unknown {bad}; use {', '.join(vocab.values(vocab.AUDIENCES))}"]
        towns = []
        for name in flat("town"):
            try:
                towns.append(self.platform.region.find_town(name).ags)
            except NotFound as exc:
                errors.setdefault("town", []).append(exc.message)
        dates: dict[str, dt.date | None] = {"from": None, "to": None}
        for key in dates:
            values = flat(key)
            if values:
                try:
                    dates[key] = parse_date(values[0])
                except ValueError as exc:
                    errors[key] = [str(exc)]
        organisation = None
        if flat("organisation"):
            ref = flat("organisation")[0]
            found = [o for o in self.snapshot().organisations if ref in (str(o.id), o.slug)]
            if not found:
                errors["organisation"] = [f"no organisation {ref!r}"]
            else:
                organisation = found[0].id
        if errors:
            summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
            raise InvalidQuery(f"The calendar filter is invalid: {summary}.", errors)
        return CalendarQuery(
            kinds=tuple(dict.fromkeys(kinds)),
            audiences=tuple(dict.fromkeys(audiences)),
            towns=tuple(dict.fromkeys(towns)),
            date_from=dates["from"],
            date_to=dates["to"],
            organisation=organisation,
        )

    def upcoming(self, query: CalendarQuery = CalendarQuery()) -> list[Event]:
        """Events that have not ended, matching ``query``, soonest first."""
        now = self.now()
        low = high = None
        if query.date_from:
            low = dt.datetime.combine(query.date_from, dt.time(), self.zone)
        if query.date_to:
            high = dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time(), self.zone)
        out = []
        for event in self.snapshot().events:
            if event.ends_at <= now:
                continue
            if query.kinds and event.kind not in query.kinds:
                continue
            if query.audiences and not set(query.audiences) & set(event.audiences):
                continue
            if query.towns and event.place.ags not in query.towns:
                continue
            # the date range keeps events that overlap it
            if low is not None and event.ends_at <= low:
                continue
            if high is not None and event.starts_at >= high:
                continue
            if query.organisation and query.organisation not in event.organiser_ids:
                continue
            out.append(event)
        out.sort(key=lambda e: (e.starts_at, e.id or 0))
        return out

    def event(self, event_id: int) -> Event:
        """An event with fresh seat counts (from the database)."""
        with self.platform.session() as session:
            return repo.get_event(session, event_id)

    def organisations(self) -> list[Organisation]:
        return list(self.snapshot().organisations)

    def company_events(self, company_id: int) -> list[Event]:
        """Upcoming events organised by the organisation that is this company."""
        snap = self.snapshot()
        wanted = set(snap.by_company.get(company_id, ()))
        if not wanted:
            return []
        now = self.now()
        return [e for e in snap.events if e.id in wanted and e.ends_at > now]

    def company_kinds_column(self, source: IndexSource) -> list[tuple[str, ...]]:
        """Per company of ``source``: kinds of its upcoming events (for the search filter)."""
        try:
            snap = self.snapshot(force=True)
        except (OperationalError, ProgrammingError):
            return [() for _ in range(len(source))]
        now = self.now()
        by_id = {e.id: e for e in snap.events if e.ends_at > now and e.status == "scheduled"}
        out = []
        for company_id in source.ids.tolist():
            kinds = {by_id[i].kind for i in snap.by_company.get(int(company_id), ()) if i in by_id}
            out.append(tuple(sorted(kinds)))
        return out

    # --- writing -------------------------------------------------------------------------

    def _locate(self, address: Address) -> Location | None:
        try:
            return self.platform.locate(address)
        except LookupError:
            return None

    def validate(
        self, session: Any, data: dict[str, Any], *, default_organisers: Sequence[str] = ()
    ) -> Event:
        """An ``Event`` from raw values (API, form, import record), checked."""
        values = dict(data)
        if not values.get("organisers"):
            refs = list(default_organisers)
            name = str(values.get("organiser_name") or "").casefold()
            if name:
                refs = [
                    o.slug for o in repo.list_organisations(session) if o.name.casefold() == name
                ] or refs
            values["organisers"] = refs
        settings = self.settings
        return EventInput(values).validate(
            region=self.platform.region,
            zone=self.zone,
            default_capacity=settings.default_capacity,
            max_capacity=settings.max_capacity,
            waiting_list=settings.waiting_list,
            organisers=lambda refs: repo.resolve_organisers(session, refs),
            locate=self._locate,
            uid_factory=lambda: f"{secrets.token_hex(12)}@regiokarte",
        )

    def companies_touched(self, session: Any, organiser_ids: Iterable[int]) -> None:
        ids = list(organiser_ids)
        if not ids:
            return
        rows = session.execute(
            select(t.organisations.c.company_id).where(
                t.organisations.c.id.in_(ids), t.organisations.c.company_id.is_not(None)
            )
        )
        for (company_id,) in rows:
            # the company's search column (kinds of its events) follows through the change log
            reindex_company(session, int(company_id))

    def save_event(
        self,
        data: dict[str, Any],
        principal: Principal,
        *,
        event_id: int | None = None,
        base_url: str = "",
    ) -> tuple[Event, bool]:
        """Create (or with ``event_id`` replace) an event; organisations organise their own
        and invite the other organisations they name (the operator names organisers)."""
        with self.platform.session(write=True) as session:
            before: tuple[int, ...] = ()
            if event_id is not None:
                old = repo.get_event(session, event_id)
                if not principal.may_edit(old):
                    raise NotAllowed(
                        f"Event {event_id} is not organised by your organisation; only its "
                        "organisers and the operator may change it."
                    )
                before = old.organiser_ids
            event = self.validate(session, data)
            invited: list[int] = []
            if principal.organisation is not None and not principal.operator:
                own = principal.organisation.id
                assert own is not None
                # an organisation keeps the organisers an event has (they leave, or the first
                # organiser removes them, on their own route) and only invites others: they
                # organise once they accepted
                kept = before or (own,)
                invited = [o for o in dict.fromkeys(event.organiser_ids) if o not in kept]
                event.organiser_ids = kept
                event.source = f"organisation:{principal.organisation.slug}"
            if event_id is not None:
                event.id = event_id
            elif repo.event_by_uid(session, event.uid) is not None:
                raise Conflict(
                    f"An event with the uid {event.uid!r} exists already; change it with PUT.",
                    {"uid": ["exists already"]},
                )
            saved, created = repo.save_event(session, event)
            for organisation_id in invited:
                self._invite(session, saved, organisation_id, principal, base_url, again=False)
            self.companies_touched(session, {*before, *saved.organiser_ids})
        self.deliver_if(invited)
        self.snapshot(force=True)
        return saved, created

    # --- co-organisers -------------------------------------------------------------------

    def _invite(
        self,
        session: Any,
        event: Event,
        organisation_id: int,
        principal: Principal,
        base_url: str,
        *,
        again: bool,
    ) -> invitations.Invitation | None:
        """Invite one organisation (and mail it, when it has an address)."""
        assert event.id is not None
        inviter = principal.organisation
        invitation, new = invitations.invite(
            session,
            event.id,
            organisation_id,
            invited_by=None if inviter is None else inviter.id,
            now=self.now(),
            again=again,
        )
        if invitation is None or not new:
            return invitation
        invited = repo.get_organisation(session, organisation_id)
        if invited.email:
            subject, body = texts.invitation_mail(
                event,
                inviter=inviter.name if inviter is not None else self.platform.region.name,
                event_url=self.event_url(self._invitation_base(base_url), event),
            )
            self._queue(session, invited.email, subject, body)
        return invitation

    def deliver_if(self, queued: Sequence[Any]) -> None:
        if queued:
            self.deliver()

    def invite(
        self, event_id: int, ref: str, principal: Principal, *, base_url: str = ""
    ) -> invitations.Invitation:
        """Invite the organisation ``ref`` (id or slug) to co-organise (an organiser asks)."""
        with self.platform.session(write=True) as session:
            event = repo.get_event(session, event_id)
            if not principal.may_edit(event):
                raise NotAllowed(
                    f"Event {event_id} is not organised by your organisation; only its "
                    "organisers and the operator invite co-organisers."
                )
            found, unknown = repo.resolve_organisers(session, [ref])
            if unknown:
                raise NotFound(f"There is no organisation {ref!r}; give its id or slug.")
            invitation = self._invite(session, event, found[0], principal, base_url, again=True)
            if invitation is None:
                raise Conflict(
                    f"Organisation {ref!r} organises event {event_id} already.",
                    {"organisation": ["organises already"]},
                )
        self.deliver()
        return invitation

    def invitations_of_event(
        self, event_id: int, principal: Principal
    ) -> list[invitations.Invitation]:
        with self.platform.session() as session:
            event = repo.get_event(session, event_id)
            if not principal.may_edit(event):
                raise NotAllowed(
                    f"Event {event_id} is not organised by your organisation; only its "
                    "organisers and the operator see its invitations."
                )
            return invitations.for_event(session, event_id)

    def invitations_received(self, principal: Principal) -> list[invitations.Invitation]:
        """The calling organisation's invitations (the operator's: none of its own)."""
        if principal.organisation is None or principal.organisation.id is None:
            return []
        with self.platform.session() as session:
            return invitations.for_organisation(session, principal.organisation.id)

    def answer_invitation(self, invitation_id: int, principal: Principal, *, accept: bool) -> Event:
        """The invited organisation accepts (and organises from now on) or declines."""
        with self.platform.session(write=True) as session:
            invitation = invitations.get(session, invitation_id)
            own = principal.organisation.id if principal.organisation is not None else None
            if own != invitation.organisation_id:
                raise NotAllowed(
                    f"Invitation {invitation_id} is addressed to another organisation; only "
                    "the invited organisation accepts or declines it."
                )
            if accept:
                invitations.accept(session, invitation)
                self.companies_touched(session, [invitation.organisation_id])
            else:
                invitations.decline(session, invitation, now=self.now())
            event = repo.get_event(session, invitation.event_id)
        self.snapshot(force=True)
        return event

    def invitation(self, invitation_id: int) -> invitations.Invitation:
        with self.platform.session() as session:
            return invitations.get(session, invitation_id)

    def withdraw_invitation(self, invitation_id: int, principal: Principal) -> None:
        """An organiser of the event (or the operator) takes an invitation back."""
        with self.platform.session(write=True) as session:
            invitation = invitations.get(session, invitation_id)
            event = repo.get_event(session, invitation.event_id)
            if not principal.may_edit(event):
                raise NotAllowed(
                    f"Invitation {invitation_id} belongs to an event your organisation does "
                    "not organise; the invited organisation declines it instead."
                )
            invitations.withdraw(session, invitation_id)

    def remove_organiser(self, event_id: int, organisation_id: int, principal: Principal) -> Event:
        """An organisation leaves an event, or its first organiser (or the operator) removes
        a co-organiser; the last organiser cannot leave."""
        with self.platform.session(write=True) as session:
            event = repo.get_event(session, event_id)
            own = principal.organisation.id if principal.organisation is not None else None
            lead = event.organiser_ids[0] if event.organiser_ids else None
            if not (principal.operator or own == organisation_id or (own and own == lead)):
                raise NotAllowed(
                    f"Only organisation {organisation_id} itself, the first organiser of event "
                    f"{event_id} and the operator take it off the event."
                )
            invitations.remove_organiser(session, event_id, organisation_id)
            self.companies_touched(session, [organisation_id])
            event = repo.get_event(session, event_id)
        self.snapshot(force=True)
        return event

    def delete_event(self, event_id: int) -> None:
        with self.platform.session(write=True) as session:
            old = repo.get_event(session, event_id)
            repo.delete_event(session, event_id)
            self.companies_touched(session, old.organiser_ids)
        self.snapshot(force=True)

    def add_organisation(self, data: dict[str, Any]) -> Organisation:
        errors: dict[str, list[str]] = {}

        def fail(key: str, message: str) -> None:
            errors.setdefault(key, []).append(message)

        name = str(data.get("name") or "").strip()
        if not name:
            fail("name", "required")
        kind = str(data.get("type") or "")
        if kind not in vocab.values(vocab.ORGANISATION_TYPES):
            fail("type", f"one of {', '.join(vocab.values(vocab.ORGANISATION_TYPES))}")
        email = str(data.get("email") or "").strip()
        if email and not check_email(email):
            fail("email", "not an e-mail address")
        place = place_from(data, self.platform.region, self._locate, fail)
        company_id = data.get("company_id")
        if errors:
            summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())
            raise ValidationError(f"The organisation is invalid: {summary}.", errors)
        organisation = Organisation(
            name=name[:200],
            type=kind,
            slug=str(data.get("slug") or ""),
            description=str(data.get("description") or "")[:5000],
            place=place,
            email=email,
            phone=str(data.get("phone") or "")[:50],
            website=str(data.get("website") or "")[:500],
            company_id=int(company_id) if company_id not in (None, "") else None,
            verified=bool(data.get("verified", False)),
            show_on_map=bool(data.get("show_on_map", True)),
        )
        with self.platform.session(write=True) as session:
            saved = repo.add_organisation(session, organisation)
        self.snapshot(force=True)
        return saved

    def forget_company(self, company_id: int) -> None:
        """Unlink organisations from a company profile that was deleted."""
        try:
            with self.platform.session(write=True) as session:
                changed = session.execute(
                    t.organisations.update()
                    .where(t.organisations.c.company_id == company_id)
                    .values(company_id=None)
                ).rowcount  # type: ignore[attr-defined]
                if changed:
                    repo.bump_generation(session)
        except (OperationalError, ProgrammingError):
            return  # tables not created yet
        self.snapshot(force=True)

    def issue_token(self, organisation_id: int) -> str:
        """A new API token for an organisation (which thereby counts as verified)."""
        token = f"org_{secrets.token_urlsafe(32)}"
        with self.platform.session(write=True) as session:
            repo.get_organisation(session, organisation_id)
            repo.set_organisation_token(session, organisation_id, registrations.token_hash(token))
            session.execute(
                t.organisations.update()
                .where(t.organisations.c.id == organisation_id)
                .values(verified=True)
            )
            repo.bump_generation(session)
        self.snapshot(force=True)
        return token

    def principal(self, token: str) -> Principal | None:
        """The operator or the verified organisation whose token this is (None: nobody)."""
        expected = self.platform.settings.portal.operator_token
        if expected and hmac.compare_digest(token.encode(), expected.encode()):
            return Principal(operator=True)
        with self.platform.session() as session:
            organisation = repo.organisation_by_token(session, registrations.token_hash(token))
        if organisation is None or not organisation.verified:
            return None
        return Principal(organisation=organisation)

    # --- import --------------------------------------------------------------------------

    def import_source(
        self,
        source: str,
        *,
        fmt: str | None = None,
        data: bytes | None = None,
        default_organisers: Sequence[str] = (),
        allow_outside_region: bool = False,
        skip_invalid: bool = False,
    ) -> importer.ImportReport:
        """Import an iCalendar or CSV file or feed, all or nothing (``EventImportError``);
        events lying mostly outside the region are refused unless ``allow_outside_region``."""
        if data is None:
            name, data = importer.read_source(source)
        else:
            name = source
        fmt = importer.detect_format(name, data, fmt)
        now = self.now()
        records = importer.read_records(
            name, data, fmt, zone=self.zone, horizon=(now, now + dt.timedelta(days=366))
        )
        touched: set[int] = set()
        with self.platform.session(write=True) as session:

            def save(event: Event) -> tuple[Event, bool]:
                saved, created = repo.save_event(session, event)
                touched.update(saved.organiser_ids)
                return saved, created

            report = importer.import_records(
                session,
                records,
                source=name,
                fmt=fmt,
                validate=lambda values: self.validate(
                    session, values, default_organisers=default_organisers
                ),
                save=save,
                region=self.platform.region,
                allow_outside_region=allow_outside_region,
                skip_invalid=skip_invalid,
            )
            self.companies_touched(session, touched)
        self.snapshot(force=True)
        return report

    # --- registration --------------------------------------------------------------------

    def consent_text(self, lang: str = "de") -> str:
        return texts.text("consent", lang, days=self.settings.purge_after_days)

    def register(
        self,
        event_id: int,
        data: dict[str, Any],
        *,
        base_url: str,
        lang: str = "de",
    ) -> registrations.Outcome:
        """Register a person (with consent) and queue the confirmation mail; ValidationError
        for bad input, Conflict when there is no place and no waiting list."""
        errors: dict[str, list[str]] = {}
        name = str(data.get("name") or "").strip()
        email = str(data.get("email") or "").strip()
        phone = str(data.get("phone") or "").strip()
        audience = str(data.get("audience") or "").strip()
        # every field is checked, so a form names all its problems at once; the messages are
        # the catalog's (a Sentence: the API says the English, a page its own language)
        if not name or len(name) > 200:
            errors["name"] = [said("errors.name")]
        if not check_email(email):
            errors["email"] = [said("errors.email")]
        if len(phone) > 50:
            errors["phone"] = [said("errors.phone")]
        if audience and audience not in vocab.values(vocab.AUDIENCES):
            errors["audience"] = [said("errors.audience")]
        if data.get("consent") not in (True, "true", "on", "1", "yes", 1):
            errors["consent"] = [said("errors.consent")]
        if errors:
            summary = " ".join(m for v in errors.values() for m in v)
            raise ValidationError(f"The registration is invalid. {summary}", errors)
        base = self.mail_base(base_url)
        with self.platform.session(write=True) as session:
            outcome = registrations.register(
                session,
                event_id,
                name=name,
                email=email,
                phone=phone,
                audience=audience,
                consent_text=self.consent_text(lang),
                now=self.now(),
            )
            event = repo.get_event(session, event_id)
            subject, body = texts.confirmation_mail(
                event,
                name=name,
                status=outcome.registration.status,
                position=outcome.position,
                cancel_url=self.cancel_url(base, outcome.token),
                event_url=self.event_url(base, event),
                purge_days=self.settings.purge_after_days,
                lang=lang,
            )
            self._queue(session, email, subject, body, outcome.registration.id)
        self.deliver()
        return outcome

    def cancel(self, token: str, *, base_url: str, lang: str = "de") -> tuple[Event, bool]:
        """Withdraw the registration of a cancellation token; (event, whether it was active).
        The confirmation mail is in ``lang`` (then German)."""
        base = self.mail_base(base_url)
        with self.platform.session(write=True) as session:
            before, event_id = registrations.find(session, token)
            cancelled, promoted = registrations.cancel(session, token, now=self.now())
            event = repo.get_event(session, event_id)
            changed = before.status != "cancelled"
            if changed:
                subject, body = texts.cancellation_mail(
                    event, name=cancelled.name, event_url=self.event_url(base, event), lang=lang
                )
                self._queue(session, cancelled.email, subject, body, cancelled.id)
            if promoted is not None:
                # the promoted person keeps the link from their first mail
                subject, body = texts.promotion_mail(
                    event, name=promoted.name, event_url=self.event_url(base, event)
                )
                self._queue(session, promoted.email, subject, body, promoted.id)
        self.deliver()
        return event, changed

    def registration_for(self, token: str) -> tuple[Event, str]:
        """The event and status of a cancellation token (NotFound when unknown)."""
        with self.platform.session() as session:
            registration, event_id = registrations.find(session, token)
            return repo.get_event(session, event_id), registration.status

    def participants(self, event_id: int, principal: Principal) -> list[dict[str, Any]]:
        with self.platform.session() as session:
            event = repo.get_event(session, event_id)
            if not principal.may_edit(event):
                raise NotAllowed(
                    f"Event {event_id} is not organised by your organisation; only its "
                    "organisers and the operator see its participants."
                )
            return registrations.participants(session, event_id)

    def purge(self) -> dict[str, int]:
        """Delete participants' personal data of events that ended ``purge_after_days`` ago."""
        cutoff = self.now() - dt.timedelta(days=self.settings.purge_after_days)
        with self.platform.session(write=True) as session:
            addresses = registrations.addresses_to_purge(session, cutoff)
            refs = [_about(i) for i in registrations.ids_to_purge(session, cutoff)]
            mails = self.platform.drop_mail(session, "events", refs=refs)
            counts = registrations.purge(session, cutoff) | {"mails": mails}
            counts["other_mails"] = self.platform.drop_mail(
                session, "events", refs=[""], created_before=cutoff
            )
            # companies whose events are over leave the search filter
            rows = session.execute(
                select(t.organisations.c.company_id).where(
                    t.organisations.c.company_id.is_not(None)
                )
            )
            for (company_id,) in rows:
                reindex_company(session, int(company_id))
        # copies kept by the development folder outbox go too
        counts["kept_copies"] = sum(self.platform.forget_mail(a) for a in addresses)
        return counts

    def _queue(
        self, session: Session, to: str, subject: str, body: str, registration: int | None = None
    ) -> None:
        """Queue a mail in core's mail queue, within the transaction that causes it."""
        about = "" if registration is None else _about(registration)
        self.platform.queue_mail(
            session, to, subject, body, sender=self.sender, plugin="events", ref=about
        )

    def deliver(self) -> tuple[int, int]:
        """Send the queued mails through core's mail queue (a failed one stays queued)."""
        try:
            return self.platform.deliver_mail()
        except Exception:  # noqa: BLE001 - a mail problem must not undo a registration
            log.exception("mail delivery failed; the mails stay queued")
            return 0, 0

    def outbox(self, recipient: str | None = None) -> list[QueuedMail]:
        """This plugin's mails in core's mail queue, optionally only those to ``recipient``."""
        return self.platform.queued_mail(plugin="events", to=recipient)

    # --- links and calendars -------------------------------------------------------------

    @staticmethod
    def event_path(event: Event) -> str:
        return (
            f"/veranstaltungen/{event.id}-{event.slug}"
            if event.slug
            else f"/veranstaltungen/{event.id}"
        )

    def event_url(self, base: str, event: Event) -> str:
        return base.rstrip("/") + self.event_path(event)

    @staticmethod
    def cancel_url(base: str, token: str) -> str:
        return f"{base.rstrip('/')}/veranstaltungen/abmelden/{token}"

    def calendar(self, events: Iterable[Event], *, name: str, base_url: str, lang: str) -> bytes:
        base = self.base(base_url)
        return ical.calendar_bytes(
            events,
            name=name,
            url_of=lambda e: self.event_url(base, e),
            lang=lang,
            now=self.now(),
        )
