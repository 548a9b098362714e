"""Every catalog of the tree is complete in every language it ships: nothing missing, fuzzy,
stale (a translation of an older German text) or with other placeholders than the German."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():  # scripts/ is no package: load the tool the Makefile runs
    spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts/translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_catalog_is_complete_in_every_language() -> None:
    problems = _tool().problems()
    assert problems == [], "\n".join(problems[:50])


def test_the_check_sees_a_missing_and_a_stale_translation(tmp_path: Path, monkeypatch) -> None:
    tool = _tool()
    folder = tmp_path / "locale"
    (folder / "en" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "messages.toml").write_text('a = "Eins"\nb = "Zwei {n}"\n', encoding="utf-8")
    (folder / "en" / "LC_MESSAGES" / "probe.po").write_text(
        'msgctxt "a"\nmsgid "Eins (alt)"\nmsgstr "One"\n\n'
        'msgctxt "b"\nmsgid "Zwei {n}"\nmsgstr "Two"\n\n'
        'msgctxt "gone"\nmsgid "Weg"\nmsgstr "Gone"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(tool, "domains", lambda: {"probe": folder})
    monkeypatch.setattr(tool, "languages", lambda domain: ("en", "tr"))
    assert sorted(tool.problems()) == [
        "probe/en: a translates an older German text",
        "probe/en: b has other placeholders than the German",
        "probe/en: gone is stale (no longer in the source)",
        f"probe/tr: no catalog {folder / 'tr/LC_MESSAGES/probe.po'}",
    ]
