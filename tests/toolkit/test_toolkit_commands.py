"""The plugin toolkit's command helpers: a group bound to its platform, the shared import
options, the report and the refusal, run through click as the ``regiokarte`` command does."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
from attrs import asdict, define
from click.testing import CliRunner

from core import (
    ImportError_,
    Platform,
    command_group,
    echo_report,
    import_aborted,
    import_options,
    pass_platform,
)


@define
class Report:
    imported: int
    note: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format_text(self) -> str:
        return f"{self.imported} Läden importiert (shops imported). {self.note}"


@click.command("import")
@click.argument("count", type=int)
@import_options("shops", dry_run=True)
@pass_platform
def import_command(
    platform: Platform,
    count: int,
    allow_outside_region: bool,
    skip_invalid: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import COUNT shops."""
    try:
        if count < 0:
            raise ImportError_("COUNT must not be negative.")
    except ImportError_ as exc:
        raise import_aborted(exc.message) from None
    flags = f"outside={allow_outside_region} skip={skip_invalid} dry={dry_run}"
    echo_report(Report(count, f"{platform.region.name}: {flags}"), as_json)


@click.command("where")
@pass_platform
def where_command(platform: Platform) -> None:
    """Print the region."""
    click.echo(platform.region.name)


def shops(platform: Platform) -> click.Group:
    return command_group("shops", "Läden (shops).", platform, [import_command, where_command])


def test_commands_get_their_groups_platform(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform()
    runner = CliRunner()
    result = runner.invoke(shops(platform), ["where"])
    assert result.exit_code == 0 and result.output == f"{platform.region.name}\n"
    help_text = runner.invoke(shops(platform), ["--help"]).output
    assert "Läden (shops)." in help_text and "import" in help_text and "where" in help_text


def test_the_shared_import_options_and_the_report(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform()
    runner = CliRunner()
    text = runner.invoke(shops(platform), ["import", "3", "--skip-invalid"])
    assert text.exit_code == 0
    assert text.output == (
        f"3 Läden importiert (shops imported). {platform.region.name}: "
        "outside=False skip=True dry=False\n"
    )
    as_json = runner.invoke(
        shops(platform), ["import", "2", "--json", "--dry-run", "--allow-outside-region"]
    )
    assert json.loads(as_json.output) == {
        "imported": 2,
        "note": f"{platform.region.name}: outside=True skip=False dry=True",
    }
    options = " ".join(runner.invoke(shops(platform), ["import", "--help"]).output.split())
    assert "Import shops lying mostly outside the configured region" in options
    assert "Import the valid shops and report the others" in options


def test_a_refused_import_says_that_nothing_changed(
    make_platform: Callable[..., Platform],
) -> None:
    result = CliRunner().invoke(shops(make_platform()), ["import", "--", "-1"])
    assert result.exit_code == 1
    assert " ".join(result.output.split()) == (
        "Error: COUNT must not be negative. (Import abgebrochen, nichts geändert / import "
        "aborted, nothing changed)"
    )
    assert str(import_aborted()) == (
        "Import abgebrochen, nichts geändert / import aborted, nothing changed."
    )
