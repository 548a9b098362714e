"""A label inside a message (``Text.message(..., field=<Text>)``) is written in the language
the message is shown in, whatever the current language is."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import Text, register_catalog, use_language

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar"])
def test_a_text_inside_a_message_speaks_the_message_language(lang: str) -> None:
    texts = register_catalog("childcare", ROOT / "plugins" / "childcare" / "locale")
    message = Text.message("childcare", "bad_value", value="'9'", field=texts("age"))
    wanted = texts.text("bad_value", lang, value="'9'", field=texts.text("age", lang))
    for current in ("de", "en", "tr", "ar"):
        with use_language(current):
            assert message(lang) == wanted
    assert texts.text("age", lang) in wanted
