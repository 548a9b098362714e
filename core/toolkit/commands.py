"""Command-line helpers for plugins: a command group bound to the platform, the options every
import command shares, and one way to print an import's report or its refusal.

A plugin declares its commands at module level (click style) and takes the platform with
``@pass_platform``; ``command_group`` puts them into the group ``register_commands`` returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    # only for annotations: the platform imports the toolkit, and core's parts import no circle
    from core.platform import Platform

__all__ = ["command_group", "echo_report", "import_aborted", "import_options", "pass_platform"]

F = TypeVar("F", bound=Callable[..., Any])


def pass_platform(function: F) -> F:
    """Pass the platform of the command's group as the command function's first argument
    (put it innermost, just above the function)."""
    # the group carries the platform as its context object, which its commands' contexts inherit
    return click.pass_obj(function)  # type: ignore[return-value]


def command_group(
    name: str, help_text: str, platform: Platform, commands: Iterable[click.Command]
) -> click.Group:
    """The group ``regiokarte <name>`` with ``commands``, bound to ``platform`` (the commands
    take it with ``@pass_platform``)."""
    group = click.Group(name, help=help_text, context_settings={"obj": platform})
    for command in commands:
        group.add_command(command)
    return group


def import_options(what: str, *, dry_run: bool = False) -> Callable[[F], F]:
    """The options every import command has: ``--allow-outside-region``, ``--skip-invalid``,
    ``--dry-run`` (when ``dry_run``) and ``--json``; ``what`` names the records ("Kitas")."""
    options = [
        click.option(
            "--allow-outside-region",
            is_flag=True,
            help=f"Import {what} lying mostly outside the configured region (default: refused).",
        ),
        click.option(
            "--skip-invalid",
            is_flag=True,
            help=f"Import the valid {what} and report the others (default: any invalid record "
            "aborts the import).",
        ),
        *(
            [click.option("--dry-run", is_flag=True, help="Check and count, change nothing.")]
            if dry_run
            else []
        ),
        click.option("--json", "as_json", is_flag=True, help="Print the report as JSON."),
    ]

    def decorate(function: F) -> F:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def echo_report(report: Any, as_json: bool, *, text: str | None = None) -> None:
    """Print an import report: as JSON (``report.as_dict()``) or as text (``text``, by
    default ``report.format_text()``)."""
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(report.format_text() if text is None else text)


def import_aborted(message: str = "") -> click.ClickException:
    """The refusal of an import that changed nothing (exit status 1, the text on stderr)."""
    aborted = "Import abgebrochen, nichts geändert / import aborted, nothing changed"
    return click.ClickException(f"{message} ({aborted})" if message else f"{aborted}.")
