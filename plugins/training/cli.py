"""``regiokarte training ...``: import courses, add demo data, show what is loaded."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click
from core import PluginCommands
from core import file_import_options
from core import import_options
from core import pass_platform
from core import run_import

from plugins.training.formats import FORMATS

if TYPE_CHECKING:
    from core import Platform

__all__ = ["training_group"]

training_group = PluginCommands(
    "training", "Aus- und Weiterbildung (apprenticeships and further training): courses."
)


@training_group.command("import")
@file_import_options(
    FORMATS,
    format_help="csv or json (own format), ba (Weiterbildungssuche); default: from the file.",
    source_help="Name of the data source; importing again with it updates its courses "
    "(default: 'import', or 'ba').",
)
@import_options("courses")
@pass_platform
def import_command(
    platform: Platform,
    file: Path,
    fmt: str | None,
    source: str | None,
    allow_outside_region: bool,
    skip_invalid: bool,
    as_json: bool,
) -> None:
    """Import courses from FILE: every record is reported; all or nothing."""
    from plugins.training.importer import import_file

    platform.upgrade_database()
    run_import(
        partial(
            import_file,
            platform,
            file,
            fmt=fmt,
            source=source,
            allow_outside_region=allow_outside_region,
            skip_invalid=skip_invalid,
        ),
        as_json,
        "Kurse",
        "courses",
    )


@training_group.command("demo")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--courses",
    type=click.IntRange(0, 5000),
    default=60,
    show_default=True,
    help="How many fictitious courses to add (or update).",
)
@pass_platform
def demo_command(platform: Platform, seed: int, courses: int) -> None:
    """Add training answers to the demo companies and fictitious courses (deterministic)."""
    from plugins.training.demo import add_demo_training

    platform.upgrade_database()
    result = add_demo_training(platform, seed=seed, courses=courses)
    click.echo(
        f"Demo: {result.companies} Demo-Unternehmen mit Ausbildungsangaben (companies with "
        f"training answers), {result.courses} fiktive Kurse (fictitious courses), "
        f"seed {seed}."
    )


@training_group.command("info")
@pass_platform
def info_command(platform: Platform) -> None:
    """Show how many courses are loaded and current, and the latest imports."""
    from plugins.training import repository as repo
    from plugins.training.hooks import service_for

    service = service_for(platform)
    index = service.index(force=True)
    today = service.today()
    current = int(index.current(today).sum())
    click.echo(
        f"Kurse (courses): {len(index)}, aktuell am (current on) {today.isoformat()}: {current}"
    )
    with platform.session() as session:
        for entry in repo.list_imports(session, limit=5):
            click.echo(
                f"  {entry['imported_at']}  {entry['file_name']} [{entry['format']}, "
                f"{entry['source']}]: {entry['created']} neu, {entry['updated']} aktualisiert"
            )
