"""The generated documentation matches the code it is generated from."""

from pathlib import Path

from core.settings import describe_settings, settings_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_reference_is_current():
    on_disk = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert on_disk == settings_markdown(), "run `python -m core.docs` and commit docs/"


def test_every_setting_has_help_text():
    missing = [key for key, _, _, text in describe_settings() if not text.strip()]
    assert missing == []
