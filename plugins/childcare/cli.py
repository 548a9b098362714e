"""``regiokarte childcare ...``: import Kita files, list the data sets, remove one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from core import ImportReport
from core import PluginCommands
from core import file_import_options
from core import import_options
from core import pass_platform
from core import run_import

from plugins.childcare import repository as repo
from plugins.childcare.importers import FORMATS
from plugins.childcare.importers import import_file

if TYPE_CHECKING:
    from core import Platform

__all__ = ["childcare_group"]

childcare_group = PluginCommands(
    "childcare", "Kinderbetreuung (childcare): import Kitas, list the data sets."
)


@childcare_group.command("import")
@file_import_options(
    FORMATS,
    format_help="File format; default: from the file name (.geojson, .csv, .osm, .osm.pbf).",
    source_help="Name of the data set the file holds (re-imports of the same set update it); "
    "default: 'osm' for OSM files, else the file name without suffix.",
)
@click.option(
    "--keep-missing",
    is_flag=True,
    help="Keep Kitas of the data set that the file no longer has (default: remove them).",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Import only records whose FIELD (a column or dotted path) has VALUE, e.g. "
    "--where type=KITA; FIELD!=VALUE excludes; repeat to combine. Adds to the setting "
    "plugins.childcare.where.",
)
@import_options("Kitas", dry_run=True)
@pass_platform
def import_command(
    platform: Platform,
    file: Path,
    fmt: str | None,
    source: str | None,
    keep_missing: bool,
    skip_invalid: bool,
    where: tuple[str, ...],
    allow_outside_region: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import Kitas from GeoJSON, JSON records, CSV or an OpenStreetMap extract (all or
    nothing)."""
    from plugins.childcare.hooks import service_for

    service = service_for(platform)
    platform.upgrade_database()

    def run() -> ImportReport:
        with platform.session(write=True) as session:
            return import_file(
                session,
                file,
                mapping=service.settings.columns,
                locate=platform.locate,
                fmt=fmt,
                source=source,
                prune=not keep_missing,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                region=platform.region,
                allow_outside_region=allow_outside_region,
                conversions=service.settings.conversions(),
                where=[*service.settings.where, *where],
            )

    run_import(run, as_json, "Kitas", "Kitas")


@childcare_group.command("sources")
@pass_platform
def sources_command(platform: Platform) -> None:
    """List the Kita data sets and how many Kitas each holds."""
    platform.upgrade_database()
    with platform.session() as session:
        found = repo.sources(session)
    if not found:
        click.echo("Keine Kitas importiert (no Kitas imported).")
    for name, count in found.items():
        click.echo(f"{name}\t{count}")


@childcare_group.command("remove")
@click.argument("source")
@pass_platform
def remove_command(platform: Platform, source: str) -> None:
    """Remove every Kita of a data set."""
    platform.upgrade_database()
    with platform.session(write=True) as session:
        ids = [k.id for k in repo.load_kitas(session) if k.source == source and k.id]
        removed = repo.delete_kitas(session, ids)
    click.echo(f"{removed} Kitas entfernt / removed ({source}).")
