"""A plugin's command group declared once, the file import's argument and options, and one
import run with its report or its refusal, driven through click as ``regiokarte`` does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
from click.testing import CliRunner

from core import (
    ImportError_,
    ImportRecord,
    ImportReport,
    Platform,
    PluginCommands,
    file_import_options,
    import_options,
    pass_platform,
    run_import,
)

shops = PluginCommands("shops", "Läden (shops): import, count.")


class ShopFileRefused(ImportError_):
    """A file with invalid shops; carries the report of every record, as importers do."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.file_name}: invalid shops")
        self.report = report


def read_shops(file: Path, fmt: str | None, source: str | None) -> ImportReport:
    """A small real importer: one shop a line, ``name;town``; a line without a town is bad."""
    lines = file.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise ImportError_(f"{file.name} is empty.", {"line 1": ["no shop", "no town"]})
    report = ImportReport(file.name, fmt or file.suffix.lstrip("."), source=source or file.stem)
    report.read = len(lines)
    for number, line in enumerate(lines, 1):
        name, _, town = line.partition(";")
        problems = [] if town else ["town missing"]
        report.add(
            ImportRecord(
                f"line {number}", "invalid" if problems else "created", name, problems=problems
            )
        )
    if report.invalid:
        raise ShopFileRefused(report)
    report.written = True
    return report


def _error_lines(error: ImportError_) -> str:
    return "\n".join(f"{where}: {m}" for where, ms in error.errors.items() for m in ms)


@shops.command("import")
@file_import_options(
    ("txt", "csv"), format_help="txt or csv; default: from the name.", source_help="Shop chain."
)
@click.option("--lines", is_flag=True, help="Name each problem on its own line.")
@import_options("shops")
@pass_platform
def import_command(
    platform: Platform,
    file: Path,
    fmt: str | None,
    source: str | None,
    lines: bool,
    allow_outside_region: bool,
    skip_invalid: bool,
    as_json: bool,
) -> None:
    """Import shops from FILE."""
    describe = _error_lines if lines else None
    run_import(lambda: read_shops(file, fmt, source), as_json, "Läden", "shops", describe=describe)


@shops.command("region")
@pass_platform
def region_command(platform: Platform) -> None:
    """Print the region."""
    click.echo(platform.region.name)


def test_the_group_holds_its_commands_bound_to_the_platform(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform()
    group = shops(platform)
    assert isinstance(group, click.Group) and group.name == "shops"
    assert sorted(group.commands) == ["import", "region"]
    runner = CliRunner()
    assert runner.invoke(group, ["region"]).output == f"{platform.region.name}\n"
    assert "Läden (shops): import, count." in runner.invoke(group, ["--help"]).output
    # a second platform gets a group of its own
    other = make_platform()
    assert shops(other) is not group and shops(other).context_settings["obj"] is other


def test_the_file_argument_and_the_format_and_source_options(
    make_platform: Callable[..., Platform], tmp_path: Path
) -> None:
    group = shops(make_platform())
    runner = CliRunner()
    usage = runner.invoke(group, ["import", "--help"]).output
    assert "Usage: shops import [OPTIONS] FILE" in usage
    options = [line.split()[0] for line in usage.splitlines() if line.startswith("  --")]
    # the file's options first, the command's own next, the shared import options last
    assert options == [
        "--format",
        "--source",
        "--lines",
        "--allow-outside-region",
        "--skip-invalid",
        "--json",
        "--help",
    ]
    assert "txt or csv; default: from the name." in usage and "Shop chain." in usage
    missing = runner.invoke(group, ["import", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    folder = runner.invoke(group, ["import", str(tmp_path)])
    assert folder.exit_code == 2 and "is a directory" in folder.output
    file = tmp_path / "ruhr.txt"
    file.write_text("Bäckerei Nord;Marl\n", encoding="utf-8")
    wrong = runner.invoke(group, ["import", str(file), "--format", "xls"])
    assert wrong.exit_code == 2 and "'xls' is not one of 'txt', 'csv'" in wrong.output
    chosen = runner.invoke(group, ["import", str(file), "--format", "csv", "--source", "kette"])
    assert chosen.exit_code == 0, chosen.output
    assert chosen.output.startswith(
        "Import Läden (shops) ruhr.txt [csv, Quelle/source kette]: 1 gelesen (read)"
    )


def test_run_import_prints_the_report_as_text_or_json(
    make_platform: Callable[..., Platform], tmp_path: Path
) -> None:
    group = shops(make_platform())
    file = tmp_path / "ruhr.txt"
    file.write_text("Bäckerei Nord;Marl\nKiosk Süd;Dorsten\n", encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(group, ["import", str(file)])
    expected = read_shops(file, None, None)
    assert text.exit_code == 0
    assert text.output == expected.format_text("Läden", "shops") + "\n"
    assert "2 neu (created)" in text.output
    as_json = runner.invoke(group, ["import", str(file), "--json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.output) == json.loads(
        json.dumps(expected.as_dict(), ensure_ascii=False, default=str)
    )


def test_a_refused_file_prints_every_record_and_says_nothing_changed(
    make_platform: Callable[..., Platform], tmp_path: Path
) -> None:
    file = tmp_path / "ruhr.txt"
    file.write_text("Bäckerei Nord;Marl\nKiosk ohne Ort\n", encoding="utf-8")
    result = CliRunner().invoke(shops(make_platform()), ["import", str(file)])
    assert result.exit_code == 1
    printed, refusal = result.output.rsplit("\n", 2)[:2]
    assert "line 2: 'Kiosk ohne Ort' FEHLER (invalid)" in printed
    assert "      - town missing" in printed and "1 FEHLER (invalid)" in printed
    assert (
        refusal == "Error: Import abgebrochen, nichts geändert / import aborted, nothing changed."
    )
    as_json = CliRunner().invoke(shops(make_platform()), ["import", str(file), "--json"])
    report = json.loads(as_json.output[: as_json.output.rindex("}") + 1])
    assert as_json.exit_code == 1 and report["invalid"] == 1 and report["written"] is False


def test_an_error_without_a_report_is_the_refusal_message(
    make_platform: Callable[..., Platform], tmp_path: Path
) -> None:
    empty = tmp_path / "leer.txt"
    empty.write_text("", encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(shops(make_platform()), ["import", str(empty)])
    assert plain.exit_code == 1
    assert plain.output == (
        "Error: leer.txt is empty. (Import abgebrochen, nichts geändert / import aborted, "
        "nothing changed)\n"
    )
    described = runner.invoke(shops(make_platform()), ["import", str(empty), "--lines"])
    assert described.exit_code == 1
    assert described.output == (
        "Error: line 1: no shop\nline 1: no town (Import abgebrochen, nichts geändert / "
        "import aborted, nothing changed)\n"
    )
