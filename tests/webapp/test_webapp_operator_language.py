"""An operator adds a language, or corrects a text, with one catalog file and one config line."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from click.testing import Result
from flask import Flask
from webapp_support import AppFactory

from core import catalog, register_catalog
from webapp.cli import cli

SOURCE = 'welcome = "Willkommen"\nsearch = "Suchen"\n'


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(cli, list(args))


def sample_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "langsample" / "locale"
    (folder / "en" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "messages.toml").write_text(SOURCE, encoding="utf-8")
    (folder / "en" / "LC_MESSAGES" / "langsample.po").write_text(
        'msgctxt "welcome"\nmsgid "Willkommen"\nmsgstr "Welcome"\n', encoding="utf-8"
    )
    register_catalog("langsample", folder)
    return folder


def test_the_template_lists_every_text_with_its_english_hint(
    make_app: AppFactory, tmp_path: Path
) -> None:
    sample_catalog(tmp_path)
    app = make_app()
    target = tmp_path / "uk.po"
    result = run(app, "translations", "template", "--lang", "uk", "--output", str(target))
    assert result.exit_code == 0, result.output
    with target.open("rb") as fh:
        template = {m.context: m for m in read_po(fh) if m.context}
    assert template["langsample:welcome"].id == "Willkommen"
    assert template["langsample:welcome"].string == ""
    assert "en: Welcome" in template["langsample:welcome"].user_comments
    # a text without an English translation shows the German as the hint
    assert "en: Suchen" in template["langsample:search"].user_comments
    assert all(":" in context for context in template)


def operator_folder(tmp_path: Path) -> Path:
    """What an operator writes: one Ukrainian catalog and one Turkish correction."""
    folder = tmp_path / "translations"
    folder.mkdir()
    (folder / "uk.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "portal:search_heading"\nmsgid "Arbeitgeber suchen"\n'
        'msgstr "Пошук роботодавців"\n\n'
        'msgctxt "portal:search_button"\nmsgid "Suchen"\nmsgstr "Шукати"\n',
        encoding="utf-8",
    )
    (folder / "tr.po").write_text(
        'msgctxt "portal:search_button"\nmsgid "Suchen"\nmsgstr "Şimdi ara"\n',
        encoding="utf-8",
    )
    return folder


def test_a_fourth_language_from_one_catalog_and_one_config_line(
    make_app: AppFactory, tmp_path: Path
) -> None:
    folder = operator_folder(tmp_path)
    app = make_app(
        portal={"languages": ["de", "en", "tr", "ar", "uk"], "translations": str(folder)}
    )
    client = app.test_client()

    page = client.get("/?lang=uk").get_data(as_text=True)
    assert '<html lang="uk" dir="ltr"' in page
    assert "Пошук роботодавців" in page and "Шукати" in page
    # what the catalog leaves out shows in English, not German
    portal = catalog("portal")
    assert portal.text("search_label", "en") in page
    assert portal.text("search_label", "de") not in page
    # the switcher offers it by its own name, and a Ukrainian browser gets it unasked
    assert "Українська" in client.get("/").get_data(as_text=True)
    negotiated = client.get("/", headers={"Accept-Language": "uk-UA,uk;q=0.9"})
    assert '<html lang="uk"' in negotiated.get_data(as_text=True)
    # the operator's correction wins over the shipped Turkish text
    assert "Şimdi ara" in client.get("/?lang=tr").get_data(as_text=True)


def test_without_the_config_line_the_language_is_not_offered(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(portal={"translations": str(operator_folder(tmp_path))})
    client = app.test_client()
    assert "Українська" not in client.get("/").get_data(as_text=True)
    page = client.get("/?lang=uk").get_data(as_text=True)
    assert '<html lang="de"' in page and "Шукати" not in page
