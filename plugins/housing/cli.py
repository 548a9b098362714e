"""``regiokarte housing ...``: import offer files, show what is stored, purge old offers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click
from core import ImportError_
from core import ImportReport
from core import PluginCommands
from core import file_import_options
from core import import_options
from core import pass_platform
from core import read_bounded
from core import run_import
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from plugins.housing import repository as repo
from plugins.housing import tables as t
from plugins.housing.formats import FORMATS
from plugins.housing.importer import check_file
from plugins.housing.importer import import_offers

if TYPE_CHECKING:
    from core import Platform

__all__ = ["housing_group"]

housing_group = PluginCommands("housing", "Wohnen (housing offers): import, overview, purge.")


@housing_group.command("import")
@file_import_options(
    FORMATS,
    format_help="Default: from the file.",
    source_help="Who the offers come from (default: file name).",
    source_default="",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Delete the source's offers not in the file (not with --skip-invalid).",
)
@import_options("offers", dry_run=True)
@pass_platform
def import_command(
    platform: Platform,
    file: Path,
    fmt: str | None,
    source: str,
    replace: bool,
    allow_outside_region: bool,
    skip_invalid: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import a CSV, JSON or OpenImmo XML file (all or nothing)."""
    from plugins.housing.hooks import service_for

    service = service_for(platform)
    kwargs = {
        "file_name": file.name,
        "fmt": fmt,
        "source": source or file.stem,
        "replace": replace,
        "today": service.today(),
        "lifetime_days": service.settings.default_lifetime_days,
        "locate": service.locate,
        "max_bytes": service.settings.max_import_bytes,
        "region": platform.region,
        "allow_outside_region": allow_outside_region,
        "skip_invalid": skip_invalid,
    }
    # one byte more than the limit tells that it is too large, without reading it all
    data = read_bounded(file, max_bytes=service.settings.max_import_bytes + 1)

    def run() -> ImportReport:
        if dry_run:
            return check_file(data, **kwargs).report  # type: ignore[arg-type]
        platform.upgrade_database()
        with platform.session(write=True) as session:
            return import_offers(session, data, **kwargs)  # type: ignore[arg-type]

    run_import(run, as_json, "Wohnungsangebote", "housing offers", describe=_error_lines)


def _error_lines(error: ImportError_) -> str:
    """The refusal names each bad value where it is, one a line."""
    lines = [f"{position}: {m}" for position, ms in error.errors.items() for m in ms]
    return "\n".join(lines or [error.message])


@housing_group.command("info")
@pass_platform
def info_command(platform: Platform) -> None:
    """Count the stored offers: shown now and expired."""
    from plugins.housing.hooks import service_for

    today = service_for(platform).today()
    with platform.session() as session:
        total = session.scalar(select(func.count()).select_from(t.offers)) or 0
        active = (
            session.scalar(
                select(func.count()).select_from(t.offers).where(t.offers.c.expires_on >= today)
            )
            or 0
        )
    click.echo(
        f"{active} Angebote sichtbar (offers shown), {total - active} abgelaufen "
        f"(expired), Stand (as of) {today.isoformat()}."
    )


@housing_group.command("purge")
@click.option("--days", default=90, show_default=True, help="Delete offers expired this long ago.")
@pass_platform
def purge_command(platform: Platform, days: int) -> None:
    """Delete offers that expired more than --days days ago."""
    from plugins.housing.hooks import service_for

    before = service_for(platform).today() - dt.timedelta(days=days)
    with platform.session(write=True) as session:
        removed = session.execute(delete(t.offers).where(t.offers.c.expires_on < before))
        count = int(removed.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            repo.touch(session)
    click.echo(f"{count} abgelaufene Angebote gelöscht (expired offers deleted).")
