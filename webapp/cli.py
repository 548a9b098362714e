"""The ``regiokarte`` command line: a Flask CLI group, so plugins can add subcommands."""

from __future__ import annotations

import sys
import time

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from core.demo import demo_rows
from core.errors import RegiokarteError
from core.persistence import companies as repo
from core.platform import Platform


def _platform() -> Platform:
    platform: Platform = current_app.extensions["regiokarte"]
    return platform


def _create_app() -> Flask:
    from webapp.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def cli() -> None:
    """regiokarte: the employer map of a region."""


@cli.command("init")
def init_command() -> None:
    """Create the database or upgrade it to the newest schema."""
    platform = _platform()
    platform.upgrade_database()
    click.echo(f"Database ready: {platform.db.url.render_as_string(hide_password=True)}")


@cli.command("demo")
@click.option("--companies", "count", type=click.IntRange(1, 2_000_000), default=5000,
              show_default=True, help="How many fictitious companies to create.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same data).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has companies.")
def demo_command(count: int, seed: int, if_empty: bool) -> None:
    """Fill the database with deterministic, clearly fictitious demo companies."""
    platform = _platform()
    platform.upgrade_database()
    with platform.session(write=True) as session:
        existing = repo.count_companies(session)
        if if_empty and existing:
            click.echo(f"The database already holds {existing} companies; no demo data added.")
            return
        started = time.perf_counter()
        with click.progressbar(demo_rows(platform.region, count, seed), length=count,
                               label="Demo-Unternehmen", file=sys.stderr) as rows:
            inserted = repo.bulk_insert_rows(session, rows)
    click.echo(f"Added {inserted} demo companies (seed {seed}) in {time.perf_counter() - started:.1f} s.")


@cli.command("plugins")
@click.option("--verbose", "-v", is_flag=True, help="Show hooks and settings too.")
def plugins_command(verbose: bool) -> None:
    """List the enabled plugins, their versions and hooks."""
    platform = _platform()
    for plugin in platform.plugins:
        m = plugin.manifest
        click.echo(f"{m.name:<12} {m.version:<8} {m.title_de} / {m.title_en} ({plugin.origin})")
        if verbose:
            click.echo(f"    hooks: {', '.join(plugin.hook_names(platform.pm)) or '-'}")
            for key, value in plugin.settings_dict().items():
                click.echo(f"    {key} = {value!r}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Run the development server (use gunicorn in production)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _platform().engine.refresh(force=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def main() -> None:
    """Console-script entry point: errors of the configuration end the program with status 2."""
    try:
        cli.main(prog_name="regiokarte")
    except RegiokarteError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
