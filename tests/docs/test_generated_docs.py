"""The generated documentation matches the code it is generated from."""

from pathlib import Path

from core.docs import in_tree_plugin_settings
from core.settings import describe_settings, settings_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_reference_is_current():
    on_disk = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    expected = settings_markdown(in_tree_plugin_settings())
    assert on_disk == expected, "run `python -m core.docs` and commit docs/"


def test_every_setting_has_help_text():
    missing = [key for key, _, _, text in describe_settings() if not text.strip()]
    assert missing == []


def test_every_in_tree_plugin_setting_has_help_text():
    plugins = in_tree_plugin_settings()
    assert {"childcare", "events", "housing", "jobs", "training", "transit"} <= {
        name for name, _, _ in plugins
    }
    missing = [
        key
        for name, _, cls in plugins
        for key, _, _, text in describe_settings(cls, f"plugins.{name}.")
        if not text.strip()
    ]
    assert missing == []
