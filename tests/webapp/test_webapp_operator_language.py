"""An operator adds a language, or corrects a text, with one catalog file and one config line."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from click.testing import Result
from flask import Flask
from webapp_support import AppFactory

from core import register_catalog
from webapp.cli import cli

SOURCE = 'welcome = "Willkommen"\nsearch = "Suchen"\n'


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(cli, list(args))


def probe_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "probe" / "locale"
    (folder / "en" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "messages.toml").write_text(SOURCE, encoding="utf-8")
    (folder / "en" / "LC_MESSAGES" / "probe.po").write_text(
        'msgctxt "welcome"\nmsgid "Willkommen"\nmsgstr "Welcome"\n', encoding="utf-8"
    )
    register_catalog("probe", folder)
    return folder


def test_the_template_lists_every_text_with_its_english_hint(
    make_app: AppFactory, tmp_path: Path
) -> None:
    probe_catalog(tmp_path)
    app = make_app()
    target = tmp_path / "uk.po"
    result = run(app, "translations", "template", "--lang", "uk", "--output", str(target))
    assert result.exit_code == 0, result.output
    with target.open("rb") as fh:
        template = {m.context: m for m in read_po(fh) if m.context}
    assert template["probe:welcome"].id == "Willkommen"
    assert template["probe:welcome"].string == ""
    assert "en: Welcome" in template["probe:welcome"].user_comments
    # a text without an English translation shows the German as the hint
    assert "en: Suchen" in template["probe:search"].user_comments
    assert all(":" in context for context in template)
