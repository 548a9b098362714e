"""``regiokarte transit ...``: import a GTFS feed, show what is loaded, time the router."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click
from core import ImportProblem
from core import ImportReport
from core import PluginCommands
from core import import_aborted
from core import import_options
from core import pass_platform
from core import run_import

from plugins.transit.importer import feed_size
from plugins.transit.importer import identify
from plugins.transit.importer import import_feed

if TYPE_CHECKING:
    from core import Platform

__all__ = ["transit_group"]

transit_group = PluginCommands(
    "transit", "Bus und Bahn (public transport): GTFS timetable and travel times."
)


@transit_group.command("import")
@click.argument("feed", required=False, type=click.Path(dir_okay=False, path_type=Path))
@import_options("rows")
@pass_platform
def import_command(
    platform: Platform,
    feed: Path | None,
    allow_outside_region: bool,
    skip_invalid: bool,
    as_json: bool,
) -> None:
    """Import a GTFS zip (replaces the imported feed; all or nothing)."""
    from plugins.transit.hooks import service_for

    if feed is None:
        configured = service_for(platform).settings.gtfs
        if not configured:
            raise click.UsageError(
                "Name a GTFS zip, or set plugins.transit.gtfs in the configuration."
            )
        feed = Path(configured)
    if not feed.is_file():
        raise click.BadParameter(f"{feed} does not exist.", param_hint="FEED")
    problem = identify(feed)
    if problem:
        raise import_aborted(problem)
    platform.upgrade_database()
    try:
        total = feed_size(feed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None

    def run() -> ImportReport:
        with (
            click.progressbar(
                length=total, label="GTFS-Import", file=sys.stderr, show_percent=True
            ) as bar,
            platform.session(write=True) as session,
        ):
            report = import_feed(
                session,
                feed,
                region=platform.region,
                skip_invalid=skip_invalid,
                allow_outside_region=allow_outside_region,
                progress=bar.update,
            )
        # the new feed's service days decide whether the departure window still fits
        window = service_for(platform).window_warning(force=True)
        if window:
            report.warnings.append(ImportProblem("", window))
        return report

    run_import(run, as_json, "GTFS-Fahrplan", "GTFS feed")


@transit_group.command("info")
@pass_platform
def info_command(platform: Platform) -> None:
    """Show the loaded feed: service day, stops, timetable size, router time."""
    from plugins.transit.hooks import service_for
    from plugins.transit.service import Origin

    service = service_for(platform)
    state = service.state(force=True)
    if state is None:
        click.echo("Kein Fahrplan importiert (no timetable imported).")
        return
    table = state.timetable
    click.echo(
        f"Stichtag (service date): {state.date}; stops: {len(state.stops)}; "
        f"Abfahrt (departure): {service.settings.window_label}"
    )
    warning = service.window_warning()
    if warning:
        click.echo(f"Warnung (warning): {warning}")
    found, _ = service.stations()
    click.echo(f"Bahnhöfe (railway stations): {len(found.stations)} ({found.source})")
    if table is not None:
        click.echo(
            f"Zeitfenster (window) {table.start // 3600:02d}:{table.start % 3600 // 60:02d}-"
            f"{table.end // 3600:02d}:{table.end % 3600 // 60:02d}: {table.n_runs} runs, "
            f"{table.n_events} stop events, {table.n_patterns} patterns, "
            f"{len(table.fp_from)} footpaths"
        )
        lat, lon = float(state.stops.lat.mean()), float(state.stops.lon.mean())
        started = time.perf_counter()
        service.route_from(Origin(lat, lon, "centre"))
        click.echo(f"Router (centre of the stops): {(time.perf_counter() - started) * 1000:.0f} ms")
