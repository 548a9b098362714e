"""``regiokarte housing ...``: import offer files, show what is stored, purge old offers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click
from core import ImportError_
from core import command_group
from core import echo_report
from core import import_aborted
from core import import_options
from core import pass_platform
from core import read_bounded
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


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file.")
@click.option("--source", default="", help="Who the offers come from (default: file name).")
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
    try:
        if dry_run:
            report = check_file(data, **kwargs).report  # type: ignore[arg-type]
        else:
            platform.upgrade_database()
            with platform.session(write=True) as session:
                report = import_offers(session, data, **kwargs)  # type: ignore[arg-type]
    except ImportError_ as exc:
        lines = [f"{position}: {m}" for position, ms in exc.errors.items() for m in ms]
        raise import_aborted("\n".join(lines or [exc.message])) from None
    echo_report(report, as_json, text=report.format_text("Wohnungsangebote", "housing offers"))


@click.command("info")
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


@click.command("purge")
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


def housing_group(platform: Platform) -> click.Group:
    """The ``housing`` command group, bound to ``platform``."""
    return command_group(
        "housing",
        "Wohnen (housing offers): import, overview, purge.",
        platform,
        [import_command, info_command, purge_command],
    )
