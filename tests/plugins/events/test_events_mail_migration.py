"""Revision events_0004 moves the mails of the former ``events_outbox`` into core's mail queue
(SQLite or PostgreSQL, as REGIOKARTE_TEST_ENGINE says): waiting ones are delivered by the next
run, mails about a registration are still deleted with it, and the downgrade moves them back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from events_support import Clock, add_event, service, settings_overrides

from core import Platform, load_settings
from core.persistence.migrate import alembic_config, current_heads, upgrade
from plugins.events import tables as t

CREATED = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)
SENT = dt.datetime(2026, 10, 2, 9, 31, tzinfo=dt.UTC)


def _registration(connection: sa.Connection, event_id: int, n: int) -> int:
    values: dict[str, Any] = {
        "event_id": event_id,
        "status": "confirmed",
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "phone": "",
        "audience": "",
        "consent_at": CREATED,
        "consent_text": "Einverstanden.",
        "token_hash": f"{n:064x}",
        "created_at": CREATED,
    }
    return int(connection.execute(t.registrations.insert().values(values)).inserted_primary_key[0])


def _old_mail(
    connection: sa.Connection, registration_id: int | None, to: str, **values: Any
) -> None:
    row = {
        "registration_id": registration_id,
        "sender": "Veranstaltungen <v@example.org>",
        "recipient": to,
        "subject": f"Mail an {to}",
        "body": "Hallo\n",
        "created_at": CREATED,
        "sent_at": None,
        "attempts": 0,
        "last_error": "",
        **values,
    }
    columns = ", ".join(row)
    marks = ", ".join(f":{c}" for c in row)
    connection.execute(sa.text(f"INSERT INTO events_outbox ({columns}) VALUES ({marks})"), row)


def test_the_outbox_moves_into_core_queue_and_back(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    overrides = settings_overrides(new_database("mails"), outbox=tmp_path / "outbox")
    platform = Platform(load_settings(env={}, overrides=overrides))
    try:
        locations = [f for fs in platform.migration_folders().values() for f in fs]
        upgrade(platform.db, locations, ["core_0009", "events_0003"])
        assert "events_outbox" in sa.inspect(platform.db).get_table_names()
        svc = service(platform, Clock(dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC)))
        event = add_event(svc)
        with platform.db.begin() as connection:
            first = _registration(connection, event.id, 1)
            second = _registration(connection, event.id, 2)
            _old_mail(connection, first, "person1@example.org", sent_at=SENT, attempts=1)
            _old_mail(
                connection,
                second,
                "person2@example.org",
                attempts=2,
                last_error="OSError: connection refused",
            )
            _old_mail(connection, None, "kita@example.org", subject="Einladung")

        platform.upgrade_database()
        assert platform.database_is_current()
        assert "events_outbox" not in sa.inspect(platform.db).get_table_names()
        moved = {m.recipient: m for m in platform.queued_mail(plugin="events")}
        assert set(moved) == {"person1@example.org", "person2@example.org", "kita@example.org"}
        done, waiting, invitation = (
            moved[a] for a in ("person1@example.org", "person2@example.org", "kita@example.org")
        )
        assert (done.ref, done.sent_at, done.attempts) == (f"registration:{first}", SENT, 1)
        assert (waiting.ref, waiting.sent_at, waiting.attempts) == (
            f"registration:{second}",
            None,
            2,
        )
        assert waiting.last_error == "OSError: connection refused"
        assert (invitation.ref, invitation.subject) == ("", "Einladung")
        assert waiting.sender == "Veranstaltungen <v@example.org>"
        assert waiting.created_at == CREATED

        # the waiting mails go out with the next delivery, from the sender they were queued with
        assert svc.deliver() == (2, 0)
        sent = {m.to: m for m in platform.outbox.messages()}
        assert set(sent) == {"person2@example.org", "kita@example.org"}
        assert all(m.sent_at is not None for m in svc.outbox())

        # the downgrade moves them back, with the registration they are about
        config = alembic_config(locations)
        with platform.db.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "events_0003")
        assert "events_0003" in current_heads(platform.db)
        with platform.db.connect() as connection:
            back = connection.execute(
                sa.text(
                    "SELECT registration_id, recipient, attempts FROM events_outbox ORDER BY id"
                )
            ).all()
        assert [tuple(r) for r in back] == [
            (first, "person1@example.org", 1),
            (second, "person2@example.org", 3),
            (None, "kita@example.org", 1),
        ]
        assert platform.queued_mail(plugin="events") == []

        # up again; the purge after the event deletes the moved mails with their registrations
        # (and the invitation, which is about no registration, by its age)
        platform.upgrade_database()
        assert len(svc.outbox()) == 3
        svc.clock = Clock(event.ends_at + dt.timedelta(days=31))
        counts = svc.purge()
        assert (counts["registrations"], counts["mails"], counts["other_mails"]) == (2, 2, 1)
        assert svc.outbox() == []
    finally:
        platform.db.dispose()
