"""``regiokarte jobs ...``: import positions, fetch them from the Jobsuche, match employers.

``import`` reads a file of the own CSV/JSON format or a saved answer of the Jobsuche of the
Bundesagentur für Arbeit; ``fetch-ba`` asks the Jobsuche itself (only when the setting
``ba_fetch`` is on), keeps its answer in ``ba_folder`` and imports it as the complete feed of
the source ``ba``; ``match`` matches the employers of unmatched positions again (after new
companies were published).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click
from core import PluginCommands
from core import import_options
from core import pass_platform
from core import run_import

from plugins.jobs.formats import FORMATS
from plugins.jobs.vocabulary import KINDS

if TYPE_CHECKING:
    from core import Platform

__all__ = ["jobs_group"]

jobs_group = PluginCommands(
    "jobs", "Offene Stellen (open positions): import, fetch from the Jobsuche, match."
)


@jobs_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="csv or json (own format), ba (an answer of the Jobsuche); default: from the file.",
)
@click.option(
    "--kind",
    "default_kind",
    type=click.Choice(KINDS.codes),
    help="Kind of the Jobsuche positions whose page and title name none (default: full_time).",
)
@click.option(
    "--full",
    is_flag=True,
    help="The file is the complete feed of its source: close the source's open positions it "
    "no longer lists.",
)
@import_options("positions", dry_run=True)
@pass_platform
def import_command(
    platform: Platform,
    file: Path,
    fmt: str | None,
    default_kind: str | None,
    full: bool,
    allow_outside_region: bool,
    skip_invalid: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import positions from FILE: every record is checked and reported; all or nothing."""
    from plugins.jobs.importer import import_file

    platform.upgrade_database()
    run_import(
        partial(
            import_file,
            platform,
            file,
            fmt=fmt,
            default_kind=default_kind,
            full=full,
            dry_run=dry_run,
            allow_outside_region=allow_outside_region,
            skip_invalid=skip_invalid,
        ),
        as_json,
        "Stellen",
        "positions",
    )


@jobs_group.command("fetch-ba")
@click.option(
    "--allow-outside-region",
    is_flag=True,
    help="Import positions lying mostly outside the configured region (default: refused).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_platform
def fetch_ba_command(platform: Platform, allow_outside_region: bool, as_json: bool) -> None:
    """Fetch the positions of the region from the Jobsuche of the Bundesagentur für Arbeit,
    keep the answer and import it (setting ba_fetch; meant for a daily scheduled run)."""
    from plugins.jobs.fetch import fetch_ba

    platform.upgrade_database()
    run_import(
        partial(fetch_ba, platform, allow_outside_region=allow_outside_region),
        as_json,
        "Stellen der Jobsuche",
        "Jobsuche positions",
    )


@jobs_group.command("match")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@pass_platform
def match_command(platform: Platform, dry_run: bool) -> None:
    """Match the employers of positions without a company (unmatched or for review) to the
    published companies again; decisions of operators stay."""
    from plugins.jobs.importer import rematch

    platform.upgrade_database()
    counts = rematch(platform, dry_run=dry_run)
    click.echo(
        f"Stellen ohne Unternehmen (positions without a company): {counts['checked']}; "
        f"jetzt zugeordnet (now matched) {counts['matched']}, zur Prüfung (for review) "
        f"{counts['review']}, ohne Treffer (unmatched) {counts['unmatched']}"
        + (" (Probelauf, nichts geändert / dry run, nothing changed)." if dry_run else ".")
    )
