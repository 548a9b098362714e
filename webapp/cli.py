"""The ``regiokarte`` command line: a Flask CLI group, so plugins can add subcommands."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from core.errors import ImportError_, NotFound, RegiokarteError
from core.model import Status

if TYPE_CHECKING:
    from core.platform import Platform

# Each command imports the parts of core it uses when it runs, so that `regiokarte --help`
# and short commands start quickly; these lists are checked against their modules in the tests.
STATUSES = [s.value for s in Status]
#: core.io.importing.FORMATS
COMPANY_FORMATS = ("csv", "geojson")
#: core.portal.accounts.Role
ROLES = ("operator", "admin")


def _platform() -> Platform:
    platform: Platform = current_app.extensions["regiokarte"]
    return platform


def _create_app() -> Flask:
    from webapp.app import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def cli() -> None:
    """regiokarte: the employer map of a region."""


@cli.command("init")
def init_command() -> None:
    """Create the database or upgrade it to the newest schema."""
    platform = _platform()
    platform.upgrade_database()
    click.echo(f"Database ready: {platform.db.url.render_as_string(hide_password=True)}")


@cli.command("demo")
@click.option(
    "--companies",
    "count",
    type=click.IntRange(1, 2_000_000),
    default=5000,
    show_default=True,
    help="How many fictitious companies to create.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same data)."
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Add no companies when the database already has some (the plugins' demo data is "
    "refreshed all the same).",
)
@click.option(
    "--operator",
    "operator_name",
    default="",
    help="Also create this admin account with a generated password, printed once (only when "
    "the account does not exist yet).",
)
def demo_command(count: int, seed: int, if_empty: bool, operator_name: str) -> None:
    """Fill the database with deterministic, clearly fictitious demo data: companies, and
    each enabled plugin's records (Kitas, homes, courses, events, a timetable)."""
    from core.plugins.manager import results_by_plugin

    platform = _platform()
    platform.upgrade_database()
    _demo_companies(platform, count, seed, if_empty)
    today = dt.date.today()
    for plugin, line in results_by_plugin(
        platform.pm, "create_demo_data", platform=platform, seed=seed, today=today
    ):
        if line:
            click.echo(f"Demo {plugin}: {line}")
    if operator_name:
        _demo_operator(platform, operator_name)


def _demo_companies(platform: Platform, count: int, seed: int, if_empty: bool) -> None:
    from core.io.demo import demo_rows
    from core.persistence import companies as repo

    with platform.session(write=True) as session:
        existing = repo.count_companies(session)
        if if_empty and existing:
            click.echo(f"The database already holds {existing} companies; no demo companies added.")
            return
        started = time.perf_counter()
        with click.progressbar(
            demo_rows(platform.region, count, seed),
            length=count,
            label="Demo-Unternehmen",
            file=sys.stderr,
        ) as rows:
            inserted = repo.bulk_insert_rows(session, rows)
    click.echo(
        f"Added {inserted} demo companies (seed {seed}) in {time.perf_counter() - started:.1f} s."
    )


def _demo_operator(platform: Platform, username: str) -> None:
    """Create the demo's admin once; its generated password is shown this one time only."""
    from core.persistence import accounts as accounts_repo
    from core.portal import accounts, audit

    with platform.session(write=True) as session:
        if accounts_repo.operator_by_name(session, username) is not None:
            click.echo(
                f"Demo login: the account {username!r} exists (password shown when it was made; "
                f"set a new one with: regiokarte accounts set-password {username})."
            )
            return
        password = secrets.token_urlsafe(12)
        policy = accounts.PasswordPolicy.from_settings(platform.settings.accounts)
        operator = accounts.create_operator(
            session, username, password, accounts.Role.ADMIN, policy=policy
        )
        audit.log_action(
            session, "cli", "operator.create", operator.actor, {"role": "admin", "demo": True}
        )
    click.echo(
        f"Demo login (shown only now): /admin/anmelden, user {username!r}, password {password}"
    )


@cli.group("import")
def import_group() -> None:
    """Import data from files (all or nothing)."""


@import_group.command("companies")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(COMPANY_FORMATS),
    help="File format; default: from the extension (.csv, .geojson, .json).",
)
@click.option(
    "--new-ids",
    is_flag=True,
    help="Give every company a new id instead of keeping the ids in the file.",
)
@click.option(
    "--default-status",
    type=click.Choice(STATUSES),
    default=Status.PUBLISHED.value,
    show_default=True,
    help="Status of rows whose status is empty.",
)
@click.option(
    "--geocode",
    is_flag=True,
    help="Fill missing coordinates, town and municipality key from the postcode.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid rows and list the others as left out (default: any bad row aborts "
    "the import).",
)
@click.option(
    "--allow-outside-region",
    is_flag=True,
    help="Import companies lying mostly outside the configured region (default: refused).",
)
def import_companies_command(
    file: Path,
    fmt: str | None,
    new_ids: bool,
    default_status: str,
    geocode: bool,
    skip_invalid: bool,
    allow_outside_region: bool,
) -> None:
    """Import companies from a CSV or GeoJSON FILE (see docs/import-format.md).

    Every row is checked first; if any is bad, nothing is imported and every bad row is listed
    with its line number and the reason (exit status 1). Companies lying mostly outside the
    configured region are refused the same way, naming their distance.
    """
    from core.io import importing

    platform = _platform()
    platform.upgrade_database()
    started = time.perf_counter()
    warnings: list[str] = []
    try:
        records = importing.read_records(file, fmt)
        with click.progressbar(
            length=2 * len(records), label=f"Importing {file.name}", file=sys.stderr
        ) as bar:
            ids = importing.import_records(
                platform,
                records,
                name=file.name,
                keep_ids=not new_ids,
                default_status=Status(default_status),
                geocode=geocode,
                progress=bar.update,
                allow_outside_region=allow_outside_region,
                skip_invalid=skip_invalid,
                warn=warnings.append,
            )
    except ImportError_ as exc:
        _report_bad_rows(exc)
        raise click.exceptions.Exit(1) from None
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(
        f"Imported {len(ids)} companies from {file.name} in {time.perf_counter() - started:.1f} s."
    )


def _report_bad_rows(exc: ImportError_) -> None:
    rows = {k: v for k, v in exc.errors.items() if k not in ("file", "format", "region")}
    if not rows:
        click.echo(f"Error: {exc.message}", err=True)
        return
    for where, messages in rows.items():
        click.echo(f"{where}: {'; '.join(messages)}", err=True)
    count = len(rows)
    click.echo(
        f"Error: {count} bad row{'s' if count != 1 else ''}; nothing was imported. Fix them, "
        "or import the rest with --skip-invalid.",
        err=True,
    )


@cli.group("export")
def export_group() -> None:
    """Export data to files."""


@export_group.command("companies")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(COMPANY_FORMATS),
    help="File format; default: from the extension of --output, else csv.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (replaced only when the export is complete); default: standard output.",
)
@click.option("--status", type=click.Choice(STATUSES), help="Only companies with this status.")
@click.option("--no-contact", is_flag=True, help="Leave out personal contact data.")
def export_companies_command(
    fmt: str | None, output: Path | None, status: str | None, no_contact: bool
) -> None:
    """Export companies as CSV or GeoJSON, in the format 'regiokarte import companies' reads."""
    from core.io import exporting, importing
    from core.persistence import companies as repo

    platform = _platform()
    if fmt is None:
        fmt = importing.detect_format(output) if output and output.suffix else "csv"
    wanted = Status(status) if status else None
    if output is None:
        exporting.export_companies(
            platform, sys.stdout, fmt, status=wanted, with_contact=not no_contact
        )
        return
    with platform.session() as session:
        total = repo.count_companies(session, status=wanted)
    with (
        _replacing(output) as stream,
        click.progressbar(
            length=total, label=f"Exporting to {output.name}", file=sys.stderr
        ) as bar,
    ):
        count = exporting.export_companies(
            platform, stream, fmt, status=wanted, with_contact=not no_contact, progress=bar.update
        )
    click.echo(f"Exported {count} companies to {output}.")


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` only if the block ends normally."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a consistent backup of the whole database to FILE (see docs/backup.md)."""
    from core.io.backup import create_backup

    manifest = create_backup(_platform(), file)
    total = sum(manifest.row_counts.values())
    click.echo(f"Backed up {total} rows in {len(manifest.tables)} tables to {file}.")


@cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Drop everything in the database first (else it must be empty)."
)
def restore_command(file: Path, replace: bool) -> None:
    """Restore a backup FILE into the database, all or nothing (see docs/backup.md)."""
    from core.io.backup import restore_backup

    manifest = restore_backup(_platform(), file, replace=replace)
    total = sum(manifest.row_counts.values())
    click.echo(
        f"Restored {total} rows in {len(manifest.tables)} tables from {file} "
        f"(made {manifest.created} on {manifest.engine})."
    )


@cli.group("accounts")
def accounts_group() -> None:
    """Operator accounts (password login) and company editors' personal links."""


@accounts_group.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="operator",
    show_default=True,
    help="admin for the first account.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (scripts) instead of asking twice.",
)
def accounts_create_command(username: str, role: str, password_stdin: bool) -> None:
    """Create an operator (or the first admin) who logs in at /admin/anmelden."""
    from core.portal import accounts, audit

    platform = _platform()
    platform.upgrade_database()
    policy = accounts.PasswordPolicy.from_settings(platform.settings.accounts)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(
            f"Password ({policy.min_length} to {policy.max_length} characters, not a common "
            "password, not containing the user name)",
            hide_input=True,
            confirmation_prompt=True,
        )
    with platform.session(write=True) as session:
        operator = accounts.create_operator(
            session, username, password, accounts.Role(role), policy=policy
        )
        audit.log_action(session, "cli", "operator.create", operator.actor, {"role": role})
    click.echo(f"Created {operator.role} {operator.username!r} (id {operator.id}).")


@accounts_group.command("set-password")
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (scripts) instead of asking twice.",
)
def accounts_set_password_command(username: str, password_stdin: bool) -> None:
    """Give an operator a new password; a lockout after failed logins ends with it."""
    from core.persistence import accounts as accounts_repo
    from core.portal import accounts, audit

    platform = _platform()
    policy = accounts.PasswordPolicy.from_settings(platform.settings.accounts)
    with platform.session() as session:
        row = accounts_repo.operator_by_name(session, username.strip())
    if row is None:
        raise click.ClickException(
            f"There is no operator {username!r}; 'regiokarte accounts list' shows them."
        )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(
            f"New password ({policy.min_length} to {policy.max_length} characters, not a "
            "common password, not containing the user name)",
            hide_input=True,
            confirmation_prompt=True,
        )
    with platform.session(write=True) as session:
        # ends every login of the operator too (core.portal.web_sessions)
        accounts.set_password(session, row.id, password, policy=policy)
        accounts.unlock(session, username)
        audit.log_action(session, "cli", "operator.password", f"operator:{row.id}")
    click.echo(
        f"New password set for {username!r}; failed logins are forgotten and every login "
        "with the old password has ended."
    )


@accounts_group.command("deactivate")
@click.argument("username")
def accounts_deactivate_command(username: str) -> None:
    """Stop an operator from logging in and end all their logins at once."""
    from core.portal import accounts, audit

    with _platform().session(write=True) as session:
        try:
            operator, ended = accounts.set_active(session, username, False)
        except NotFound:
            raise click.ClickException(
                f"There is no operator {username!r}; 'regiokarte accounts list' shows them."
            ) from None
        audit.log_action(session, "cli", "operator.deactivate", operator.actor, {"ended": ended})
    click.echo(
        f"Deactivated {operator.username!r}: {ended} login(s) ended. "
        f"'regiokarte accounts activate {operator.username}' allows logins again."
    )


@accounts_group.command("activate")
@click.argument("username")
def accounts_activate_command(username: str) -> None:
    """Allow a deactivated operator to log in again (with their password)."""
    from core.portal import accounts, audit

    with _platform().session(write=True) as session:
        try:
            operator, _ = accounts.set_active(session, username, True)
        except NotFound:
            raise click.ClickException(
                f"There is no operator {username!r}; 'regiokarte accounts list' shows them."
            ) from None
        audit.log_action(session, "cli", "operator.activate", operator.actor)
    click.echo(f"Activated {operator.username!r}: they can log in again.")


@accounts_group.command("list")
def accounts_list_command() -> None:
    """List operators and admins."""
    from core.portal import accounts

    with _platform().session() as session:
        for operator in accounts.list_operators(session):
            state = "" if operator.active else " (inactive)"
            click.echo(f"{operator.id:>4}  {operator.role:<8} {operator.username}{state}")


@accounts_group.command("invite")
@click.argument("company_id", type=int)
@click.argument("email")
def accounts_invite_command(company_id: int, email: str) -> None:
    """Mail a company in the directory a personal link to complete its profile
    (links point to portal.base_url)."""
    from core.portal import submissions

    platform = _platform()
    base = platform.settings.portal.base_url.rstrip("/")
    if not base:
        raise click.UsageError("Set portal.base_url first: the mail needs the portal's address.")
    links = submissions.Links(editor=lambda token: f"{base}/fragebogen/link/{token}")
    submissions.invite(platform, company_id, email, links=links)
    click.echo(f"Sent a personal link for company {company_id} to {email}.")


@accounts_group.command("revoke-links")
@click.argument("company_id", type=int)
def accounts_revoke_command(company_id: int) -> None:
    """Withdraw every personal link of a company (a new one can be sent with invite)."""
    from core.portal import accounts, audit

    with _platform().session(write=True) as session:
        count = accounts.revoke_tokens(session, company_id=company_id)
        audit.log_action(session, "cli", "links.revoke", f"company:{company_id}", {"count": count})
    click.echo(f"Revoked {count} link(s) of company {company_id}.")


@cli.group("alerts")
def alerts_group() -> None:
    """Search alerts: job seekers' subscribed searches (double opt-in)."""


@alerts_group.command("run")
@click.option("--dry-run", is_flag=True, help="Count the mails a run would send; change nothing.")
def alerts_run_command(dry_run: bool) -> None:
    """Mail every confirmed subscription what is new for its search (for cron or a timer)."""
    from core.portal import alerts

    report = alerts.run(_platform(), dry_run=dry_run)
    if dry_run:
        click.echo(
            f"Would send {report.mails} mails ({report.companies} companies, {report.items} "
            f"other items) to {report.subscriptions} subscriptions."
        )
        return
    click.echo(
        f"Sent {report.sent} mails ({report.mails} new: {report.companies} companies, "
        f"{report.items} other items; {report.subscriptions} subscriptions checked"
        + (f"; {report.failed} failed, kept for the next run" if report.failed else "")
        + (f"; {report.purged} unconfirmed deleted" if report.purged else "")
        + ")."
    )


@alerts_group.command("list")
def alerts_list_command() -> None:
    """List subscriptions: id, state, language, address and search."""
    from core.portal import alerts

    for item in alerts.list_subscriptions(_platform()):
        click.echo(f"{item.id:>5}  {item.state:<12} {item.lang}  {item.email}  ?{item.query}")


@cli.command("plugins")
@click.option("--verbose", "-v", is_flag=True, help="Show hooks and settings too.")
def plugins_command(verbose: bool) -> None:
    """List the enabled plugins, their versions and hooks."""
    platform = _platform()
    for plugin in platform.plugins:
        m = plugin.manifest
        click.echo(
            f"{m.name:<12} {m.version:<8} {m.title('de')} / {m.title('en')} ({plugin.origin})"
        )
        if verbose:
            click.echo(f"    hooks: {', '.join(plugin.hook_names(platform.pm)) or '-'}")
            # what the plugin added, so a missing filter or layer shows at a glance
            parts = {
                "filters": [f.key for f in platform.filters if f.plugin == m.name],
                "layers": [a.id for a in platform.layers.values() if a.plugin == m.name],
                "sections": [s.key for s in platform.questionnaire.sections if s.plugin == m.name],
            }
            for part, names in parts.items():
                if names:
                    click.echo(f"    {part}: {', '.join(names)}")
            for key, value in plugin.settings_dict().items():
                click.echo(f"    {key} = {value!r}")


@cli.command("new-plugin", with_appcontext=False)
@click.argument("name")
@click.option(
    "--path",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder in which the plugin's project folder regiokarte-NAME is created.",
)
@click.option("--title", help="Human-readable name (default: from NAME).")
def new_plugin_command(name: str, parent: Path, title: str | None) -> None:
    """Create a pip-installable plugin package NAME (see docs/plugin-tutorial.md).

    It has a manifest and settings, a map layer with a CSV importer, a filter, a questionnaire
    section, a migration branch, tests and a README; its tests pass right away.
    """
    from core.plugins.scaffold import create_plugin

    target = create_plugin(name, parent, title=title)
    click.echo(f"Created the plugin {name!r} in {target}. Next:")
    click.echo(f"  cd {target} && pip install -e . && pytest")
    click.echo(f'  add "{name}" to plugins.enabled in the configuration, then: regiokarte init')


@cli.group("translations")
def translations_group() -> None:
    """The operator's own translations (docs/translations.md)."""


@translations_group.command("template")
@click.option("--lang", "lang", required=True, help="Language code of the catalog, e.g. uk.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: the standard output).",
)
def translations_template_command(lang: str, output: Path | None) -> None:
    """Write one .po catalog of every text of the portal and its enabled plugins.

    Each entry: msgctxt ``domain:key``, msgid the German text, an empty msgstr to fill in, and
    the English text (and the present translation, if any) as a note. Put the filled file into
    the folder ``[portal] translations`` names and add the language to ``[portal] languages``.
    """
    from babel.messages.catalog import Catalog as PoCatalog
    from babel.messages.pofile import write_po

    from core.i18n import catalogs

    _platform()  # the enabled plugins' catalogs are registered as they load
    template = PoCatalog(locale=None, project="regiokarte", fuzzy=False)
    template.header_comment = (
        f"# regiokarte: the operator's catalog for the language {lang!r}.\n"
        "# Fill in every msgstr; an empty one keeps the shipped text (or English)."
    )
    for domain, found in sorted(catalogs().items()):
        english, present = found.texts("en"), found.translated(lang)
        for key, german in sorted(found.source.items()):
            notes = [f"en: {english[key]}"]
            if key in present:
                notes.append(f"{lang}: {present[key]}")
            template.add(german, "", context=f"{domain}:{key}", user_comments=notes)
    buffer = io.BytesIO()
    write_po(buffer, template, width=100)
    with _replacing(output) if output else contextlib.nullcontext(sys.stdout) as out:
        out.write(buffer.getvalue().decode("utf-8"))


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Run the development server (production: gunicorn 'webapp.wsgi:app', see README)."""
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _platform().engine.refresh(force=True)
    click.echo(f"Serving on http://{host}:{port}/ (API docs: /api/docs); Ctrl+C stops.")
    # app.run() would refuse: Flask ignores it inside a 'flask'-style CLI command
    run_simple(host, port, app, threaded=True, use_reloader=False)


def main() -> None:
    """Console-script entry point: errors of the configuration end the program with status 2."""
    try:
        cli.main(prog_name="regiokarte")
    except RegiokarteError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
