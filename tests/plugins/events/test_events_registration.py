"""Registration: capacity under concurrency (SQLite and PostgreSQL), waiting list, consent,
confirmation mail in the outbox, cancellation, participant export, purge of personal data."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from events_support import Clock, add_event, add_organisation, make_events_platform, person, service
from sqlalchemy import func, select

from core import Conflict, ValidationError
from plugins.events import tables as t
from plugins.events.service import EventsService, NotAllowed, Principal

CONCURRENT = 50


def _concurrently(count: int, call: Callable[[int], Any]) -> list[Any]:
    """Run ``call(i)`` in ``count`` real threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except Exception as exc:  # noqa: BLE001 - the test looks at what each thread got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _check_capacity_under_load(svc: EventsService, capacity: int, waiting_list: bool) -> None:
    event = add_event(svc, capacity=capacity, waiting_list=waiting_list)
    results = _concurrently(
        CONCURRENT, lambda i: svc.register(event.id, person(i), base_url="http://localhost")
    )
    statuses = Counter(
        r.registration.status if not isinstance(r, Exception) else type(r).__name__ for r in results
    )
    if waiting_list:
        assert statuses == {"confirmed": capacity, "waiting": CONCURRENT - capacity}
        positions = sorted(r.position for r in results if r.registration.status == "waiting")
        assert positions == list(range(1, CONCURRENT - capacity + 1))
    else:
        assert statuses == {"confirmed": capacity, "Conflict": CONCURRENT - capacity}
    with svc.platform.session() as session:
        taken = session.scalar(select(t.events.c.taken).where(t.events.c.id == event.id))
        confirmed = session.scalar(
            select(func.count(t.registrations.c.id)).where(
                t.registrations.c.event_id == event.id, t.registrations.c.status == "confirmed"
            )
        )
        ids = session.scalars(
            select(t.registrations.c.id).where(t.registrations.c.event_id == event.id)
        )
        about = {f"registration:{i}" for i in ids}
    # every registration got its mail, in core's mail queue
    mails = [m for m in svc.outbox() if m.ref in about]
    assert len(mails) == len(about) == statuses["confirmed"] + statuses["waiting"]
    assert taken == confirmed == capacity
    assert svc.event(event.id).seats_left == 0


@pytest.mark.parametrize("waiting_list", [False, True])
def test_capacity_holds_for_50_concurrent_registrations_sqlite(
    svc: EventsService, waiting_list: bool
) -> None:
    _check_capacity_under_load(svc, capacity=7, waiting_list=waiting_list)


@pytest.mark.postgres
def test_capacity_holds_for_50_concurrent_registrations_postgres(
    pg_url: str, clock: Clock, tmp_path: Path
) -> None:
    platform = make_events_platform(pg_url, outbox=tmp_path / "outbox")
    try:
        svc = service(platform, clock)
        _check_capacity_under_load(svc, capacity=7, waiting_list=False)
        _check_capacity_under_load(svc, capacity=3, waiting_list=True)
    finally:
        platform.db.dispose()


def test_the_database_refuses_more_seats_than_capacity(svc: EventsService) -> None:
    # the check constraint backs the conditional UPDATE up
    from sqlalchemy.exc import IntegrityError

    event = add_event(svc, capacity=1)
    with pytest.raises(IntegrityError), svc.platform.session(write=True) as session:
        session.execute(t.events.update().where(t.events.c.id == event.id).values(taken=2))


def test_registration_needs_consent_and_a_mail_address(svc: EventsService) -> None:
    event = add_event(svc)
    with pytest.raises(ValidationError) as caught:
        svc.register(
            event.id,
            {"name": "", "email": "kein-mail", "consent": False},
            base_url="http://localhost",
        )
    assert set(caught.value.errors) == {"name", "email", "consent"}
    assert svc.outbox() == []


def test_confirmation_mail_and_cancellation_link(svc: EventsService) -> None:
    event = add_event(svc, capacity=1)
    first = svc.register(event.id, person(1), base_url="http://localhost/")
    second = svc.register(event.id, person(2), base_url="http://localhost/")
    assert (first.registration.status, second.registration.status) == ("confirmed", "waiting")
    assert second.position == 1
    mail = svc.outbox("person1@example.org")[0]
    assert mail.sender == "Arbeitgeberkarte <noreply@localhost>"  # core's mail.sender
    assert "Anmeldung bestätigt" in mail.subject
    assert "Sonntag, 25. Okt. 2026, 10:00–14:00 Uhr" in mail.body
    assert f"http://localhost/veranstaltungen/abmelden/{first.token}" in mail.body
    assert "Warteliste" in svc.outbox("person2@example.org")[0].subject
    with pytest.raises(Conflict):  # the same address twice
        svc.register(event.id, person(1), base_url="http://localhost/")

    cancelled_event, changed = svc.cancel(first.token, base_url="http://localhost/")
    assert changed and cancelled_event.taken == 1  # the waiting person moved up
    subjects = [m.subject for m in svc.outbox("person2@example.org")]
    assert any("Platz frei" in s for s in subjects)
    # cancelling twice changes nothing
    _, changed = svc.cancel(first.token, base_url="http://localhost/")
    assert not changed
    people = svc.participants(event.id, Principal(operator=True))
    assert [(p["email"], p["status"]) for p in people] == [
        ("person2@example.org", "confirmed"),
        ("person1@example.org", "cancelled"),
    ]


def test_no_registration_after_the_start(svc: EventsService, clock: Clock) -> None:
    event = add_event(svc)
    clock.set(event.starts_at + dt.timedelta(minutes=1))
    with pytest.raises(Conflict, match="begun"):
        svc.register(event.id, person(1), base_url="http://localhost")


def test_participants_only_for_the_organisers(svc: EventsService) -> None:
    ihk = add_organisation(svc)
    school = add_organisation(svc, name="Berufskolleg Marl", type="school")
    event = add_event(svc, organisers=[ihk.slug])
    svc.register(event.id, person(1), base_url="http://localhost")
    assert len(svc.participants(event.id, Principal(organisation=ihk))) == 1
    with pytest.raises(NotAllowed):
        svc.participants(event.id, Principal(organisation=school))


def test_purge_deletes_personal_data_after_the_delay(svc: EventsService, clock: Clock) -> None:
    early = add_event(svc, start="2026-10-10T10:00", end="2026-10-10T12:00", title="Früh")
    late = add_event(svc, start="2026-12-10T10:00", end="2026-12-10T12:00", title="Spät")
    for n, event in enumerate((early, late)):
        svc.register(event.id, person(n), base_url="http://localhost")
    clock.set(early.ends_at + dt.timedelta(days=29))
    assert svc.purge()["registrations"] == 0  # 30 days have not passed
    clock.set(early.ends_at + dt.timedelta(days=31))
    counts = svc.purge()
    assert counts["registrations"] == 1 and counts["mails"] == 1
    with svc.platform.session() as session:
        emails = list(session.scalars(select(t.registrations.c.email)))
    mails = [m.recipient for m in svc.platform.queued_mail()]
    assert emails == ["person1@example.org"] and mails == ["person1@example.org"]
    assert svc.event(early.id).taken == 1  # the count stays, the person is gone


def test_purge_command(svc: EventsService, clock: Clock) -> None:
    from click.testing import CliRunner

    from plugins.events.cli import events_group

    event = add_event(svc)
    svc.register(event.id, person(1), base_url="http://localhost")
    clock.set(event.ends_at + dt.timedelta(days=40))
    result = CliRunner().invoke(events_group(svc.platform), ["purge"])
    assert result.exit_code == 0, result.output
    assert "1 Anmeldungen" in result.output


def test_mails_go_through_core_queue_and_failures_stay_queued(
    svc: EventsService, clock: Clock
) -> None:
    from click.testing import CliRunner

    from plugins.events.cli import events_group

    event = add_event(svc)
    svc.register(event.id, person(1), base_url="http://localhost")
    # development: core's folder outbox keeps the delivered mail
    kept = svc.platform.outbox.messages()
    assert [m.to for m in kept] == ["person1@example.org"]
    assert "Anmeldung bestätigt" in kept[0].subject
    (delivered,) = svc.outbox()
    assert delivered.sent_at is not None and delivered.attempts == 1
    assert delivered.plugin == "events" and delivered.ref.startswith("registration:")

    # the outbox cannot be written (a file stands where its folder belongs): delivery fails
    folder = Path(svc.platform.settings.mail.outbox_folder)
    aside = folder.with_name("outbox-aside")
    folder.rename(aside)
    folder.write_text("not a folder")
    svc.register(event.id, person(2), base_url="http://localhost")  # the registration stands
    (queued,) = svc.outbox("person2@example.org")
    assert queued.sent_at is None and queued.attempts == 1
    assert "FileExistsError" in queued.last_error
    listing = CliRunner().invoke(events_group(svc.platform), ["outbox"])
    assert f"#{queued.id} [queued] to person2@example.org" in listing.output

    folder.unlink()
    aside.rename(folder)
    result = CliRunner().invoke(events_group(svc.platform), ["send-mail"])
    assert result.exit_code == 0 and "Gesendet (sent): 1" in result.output
    (again,) = svc.outbox("person2@example.org")
    assert again.sent_at is not None and again.attempts == 2
    assert [m.to for m in svc.platform.outbox.messages()].count("person2@example.org") == 1
    # nothing waits any more: a second run sends nothing twice
    assert svc.deliver() == (0, 0)
    # the purge also deletes the copies the folder outbox kept
    clock.set(event.ends_at + dt.timedelta(days=31))
    assert svc.purge()["kept_copies"] == 2
    assert svc.platform.outbox.messages() == []
    assert svc.outbox() == []


@pytest.mark.parametrize(
    ("settings", "key"),
    [({"timezone": "Mars/Olympus"}, "timezone"), ({"mail_sender": "nobody"}, "mail_sender")],
)
def test_bad_settings_name_the_key(
    new_database: Callable[[str], str], tmp_path: Path, settings: dict[str, Any], key: str
) -> None:
    from events_support import settings_overrides

    from core import Platform, PluginError, load_settings

    overrides = settings_overrides(new_database("x"), outbox=tmp_path / "outbox", **settings)
    with pytest.raises(PluginError, match=f"plugins.events.{key}"):
        Platform(load_settings(env={}, overrides=overrides))
