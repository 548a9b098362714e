"""``regiokarte events ...``: import, purge personal data, mail outbox, organisations."""

from __future__ import annotations

import sys
from functools import partial
from typing import TYPE_CHECKING

import click
from core import PluginCommands
from core import RegiokarteError
from core import csv_writer
from core import import_options
from core import pass_platform
from core import run_import

from plugins.events.hooks import service_for
from plugins.events.service import Principal

if TYPE_CHECKING:
    from core import Platform

__all__ = ["events_group"]

events_group = PluginCommands(
    "events", "Veranstaltungen (events): import, purge, mail outbox, organisations."
)


@events_group.command("import")
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["ics", "csv"]), help="Default: by name.")
@click.option(
    "--organiser",
    "organisers",
    multiple=True,
    help="Organisation (slug or id) of records that name none; repeatable.",
)
@import_options("events")
@pass_platform
def import_command(
    platform: Platform,
    source: str,
    fmt: str | None,
    organisers: tuple[str, ...],
    allow_outside_region: bool,
    skip_invalid: bool,
    as_json: bool,
) -> None:
    """Import events from an iCalendar/CSV file or an http(s) feed (all or nothing)."""
    platform.upgrade_database()
    service = service_for(platform)
    run_import(
        partial(
            service.import_source,
            source,
            fmt=fmt,
            default_organisers=organisers,
            allow_outside_region=allow_outside_region,
            skip_invalid=skip_invalid,
        ),
        as_json,
        "Veranstaltungen",
        "events",
    )


@events_group.command("purge")
@pass_platform
def purge_command(platform: Platform) -> None:
    """Delete participants' data of events that ended purge_after_days ago (run daily)."""
    service = service_for(platform)
    counts = service.purge()
    click.echo(
        f"Gelöscht (deleted): {counts['registrations']} Anmeldungen (registrations) von "
        f"{counts['events']} Veranstaltungen (events), {counts['mails']} + "
        f"{counts['other_mails']} E-Mails (mails); Frist (delay) "
        f"{service.settings.purge_after_days} Tage (days)."
    )


@events_group.command("send-mail")
@pass_platform
def send_mail_command(platform: Platform) -> None:
    """Deliver mails still queued (after a failed attempt) through the portal's outbox."""
    sent, failed = service_for(platform).deliver()
    click.echo(f"Gesendet (sent): {sent}; fehlgeschlagen (failed): {failed}.")


@events_group.command("outbox")
@click.option("--to", "recipient", help="Only mails to this address.")
@pass_platform
def outbox_command(platform: Platform, recipient: str | None) -> None:
    """Show the mail outbox (in development: the mails that would have been sent)."""
    for mail in service_for(platform).outbox(recipient):
        state = f"sent {mail.sent_at:%Y-%m-%d %H:%M}" if mail.sent_at else "queued"
        click.echo(f"#{mail.id} [{state}] to {mail.recipient}: {mail.subject}")


@events_group.command("add-organisation")
@click.option("--name", required=True)
@click.option(
    "--type",
    "kind",
    required=True,
    help="jobcenter, employment_agency, chamber, school, municipality, association or company",
)
@click.option("--postcode", default="")
@click.option("--street", default="")
@click.option("--town", default="")
@click.option("--email", default="")
@click.option("--phone", default="")
@click.option("--website", default="")
@click.option("--description", default="")
@click.option("--company-id", type=int, default=None, help="The company profile it is.")
@pass_platform
def add_organisation_command(platform: Platform, **values: object) -> None:
    """Add an organisation (actor) of the region."""
    platform.upgrade_database()
    data = dict(values)
    data["type"] = data.pop("kind")
    try:
        organisation = service_for(platform).add_organisation(data)
    except RegiokarteError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{organisation.id} {organisation.slug}")


@events_group.command("token")
@click.argument("organisation_id", type=int)
@pass_platform
def token_command(platform: Platform, organisation_id: int) -> None:
    """Issue an API token for an organisation (verifies it; replaces its old token)."""
    try:
        click.echo(service_for(platform).issue_token(organisation_id))
    except RegiokarteError as exc:
        raise click.ClickException(exc.message) from None


@events_group.command("participants")
@click.argument("event_id", type=int)
@pass_platform
def participants_command(platform: Platform, event_id: int) -> None:
    """Print an event's participant list as CSV (';'-separated)."""
    try:
        people = service_for(platform).participants(event_id, Principal(operator=True))
    except RegiokarteError as exc:
        raise click.ClickException(exc.message) from None
    writer = csv_writer(sys.stdout, delimiter=";")
    writer.writerow(["status", "name", "email", "phone", "audience", "registered_at"])
    for p in people:
        writer.writerow(
            [
                p["status"],
                p["name"],
                p["email"],
                p["phone"],
                p["audience"],
                p["registered_at"].isoformat(),
            ]
        )
