"""Command-line helpers for plugins: a command group bound to the platform, the options every
import command shares, and one way to run an import and print its report or its refusal.

A plugin declares its group once (``PluginCommands``), its commands at module level with
``@group.command(...)`` (click style), and takes the platform with ``@pass_platform``; calling
the group with the platform makes the ``click.Group`` that ``register_commands`` returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from core.errors import ImportError_
from core.toolkit.imports import ImportReport

if TYPE_CHECKING:
    # only for annotations: the platform imports the toolkit, and core's parts import no circle
    from core.platform import Platform

__all__ = [
    "PluginCommands",
    "command_group",
    "echo_report",
    "file_import_options",
    "import_aborted",
    "import_options",
    "pass_platform",
    "run_import",
]

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


class PluginCommands:
    """The commands of ``regiokarte <name>``, declared at module level: ``commands =
    PluginCommands("shops", "Läden (shops).")``, then ``@commands.command("import")`` on each
    command function; ``commands(platform)`` is the group bound to ``platform``, what
    ``register_commands`` returns (``list_hook("shops.cli:commands")``)."""

    def __init__(self, name: str, help_text: str) -> None:
        self.name = name
        self.help_text = help_text
        self.commands: list[click.Command] = []

    def command(self, name: str) -> Callable[[Callable[..., Any]], click.Command]:
        """``@click.command(name)`` that also puts the command into this group."""

        def decorate(function: Callable[..., Any]) -> click.Command:
            command = click.command(name)(function)
            self.commands.append(command)
            return command

        return decorate

    def __call__(self, platform: Platform) -> click.Group:
        return command_group(self.name, self.help_text, platform, self.commands)


def file_import_options(
    formats: Sequence[str], *, format_help: str, source_help: str, source_default: str | None = None
) -> Callable[[F], F]:
    """The argument and options of an import that reads one file: ``FILE`` (an existing file,
    passed as ``file: Path``), ``--format`` (one of ``formats``, passed as ``fmt``, ``None``
    when not given) and ``--source`` (the name of the data set, ``source_default`` when not
    given)."""
    decorators = [
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--format", "fmt", type=click.Choice(formats), help=format_help),
        click.option("--source", default=source_default, help=source_help),
    ]

    def decorate(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return decorate


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


def run_import(
    run: Callable[[], ImportReport],
    as_json: bool,
    what_de: str,
    what_en: str,
    *,
    describe: Callable[[ImportError_], str] | None = None,
) -> ImportReport:
    """Run an import (``run``, all or nothing) and print its report, the records named
    ``what_de``/``what_en`` in the text form; its ``ImportError_`` becomes the command's
    refusal: the error's report when it carries one (an ``ImportReport`` as ``report``: every
    record of a refused file), else its message (or ``describe(error)``)."""
    try:
        report = run()
    except ImportError_ as exc:
        refused = getattr(exc, "report", None)
        if isinstance(refused, ImportReport):
            echo_report(refused, as_json, text=refused.format_text(what_de, what_en))
            raise import_aborted() from None
        raise import_aborted(describe(exc) if describe else exc.message) from None
    echo_report(report, as_json, text=report.format_text(what_de, what_en))
    return report


def import_aborted(message: str = "") -> click.ClickException:
    """The refusal of an import that changed nothing (exit status 1, the text on stderr)."""
    aborted = "Import abgebrochen, nichts geändert / import aborted, nothing changed"
    return click.ClickException(f"{message} ({aborted})" if message else f"{aborted}.")
