"""The translation mechanism: gettext catalogs with German as the source language.

A throwaway catalog in a temporary folder goes through the real tool chain (``pybabel
extract``/``init``/``update``/``compile`` as ``make translations`` runs them) and is read the
way the portal reads it.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import attrs
import pytest
from babel.messages.pofile import read_po, write_po

from core import Text, catalog, register_catalog, translatable, use_language
from core.i18n import Catalog, configure_languages, language_direction, language_name

ROOT = Path(__file__).resolve().parents[2]
PYBABEL = str(Path(sys.executable).with_name("pybabel"))

SOURCE = """\
# a note for translators
greeting = "Hallo {name}"
search = "Suchen"

[vocab.ages]
u3 = "unter 3 Jahre"
"""


def pybabel(*args: str) -> None:
    subprocess.run([PYBABEL, "-q", *args], check=True, cwd=ROOT)


def make_translations(folder: Path, domain: str, languages: tuple[str, ...]) -> None:
    pot = folder / "messages.pot"
    pybabel("extract", "-F", str(ROOT / "babel.cfg"), "--no-location", "-o", str(pot),
            str(folder / "messages.toml"))  # fmt: skip
    for lang in languages:
        po = folder / lang / "LC_MESSAGES" / f"{domain}.po"
        verb = "update" if po.is_file() else "init"
        pybabel(verb, "-i", str(pot), "-d", str(folder), "-D", domain, "-l", lang)


def translate(folder: Path, domain: str, lang: str, texts: dict[str, str]) -> None:
    po = folder / lang / "LC_MESSAGES" / f"{domain}.po"
    with po.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    for message in cat:
        if message.context in texts:
            message.string = texts[message.context]
            message.flags.discard("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, cat)


@pytest.fixture
def domain(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, Path]:
    name = f"t{abs(hash(request.node.name)) % 10**8}"
    folder = tmp_path / "locale"
    folder.mkdir()
    (folder / "messages.toml").write_text(SOURCE, encoding="utf-8")
    make_translations(folder, name, ("en", "tr"))
    translate(folder, name, "en", {"greeting": "Hello {name}", "search": "Search",
                                   "vocab.ages.u3": "under 3"})  # fmt: skip
    translate(folder, name, "tr", {"greeting": "Merhaba {name}", "search": "Ara"})
    register_catalog(name, folder)
    yield name, folder
    configure_languages(["de", "en"], None)


def test_extraction_makes_one_entry_per_key_with_the_german_text(domain: tuple[str, Path]) -> None:
    name, folder = domain
    with (folder / "messages.pot").open("rb") as fh:
        pot = read_po(fh)
    entries = {m.context: m.id for m in pot if m.id}
    assert entries == {"greeting": "Hallo {name}", "search": "Suchen",
                       "vocab.ages.u3": "unter 3 Jahre"}  # fmt: skip


def test_texts_per_language_fall_back_to_english_then_german(domain: tuple[str, Path]) -> None:
    name, _ = domain
    texts = catalog(name)
    assert texts.text("greeting", "de", name="Ada") == "Hallo Ada"
    assert texts.text("greeting", "tr", name="Ada") == "Merhaba Ada"
    assert texts.text("greeting", "en", name="Ada") == "Hello Ada"
    # Turkish lacks the age: English stands in; a language without any catalog gets English
    assert texts.text("vocab.ages.u3", "tr") == "under 3"
    assert texts.texts("nl") == texts.texts("en")
    with pytest.raises(KeyError, match="add it to"):
        texts.text("no_such_key", "de")


def test_a_changed_german_text_hides_its_old_translation(domain: tuple[str, Path]) -> None:
    name, folder = domain
    source = (folder / "messages.toml").read_text(encoding="utf-8")
    (folder / "messages.toml").write_text(source.replace("Suchen", "Jetzt suchen"), "utf-8")
    make_translations(folder, name, ("en", "tr"))
    with (folder / "tr" / "LC_MESSAGES" / f"{name}.po").open("rb") as fh:
        po = {m.context: m for m in read_po(fh) if m.context}
    assert po["search"].fuzzy, "pybabel update marks the translation of a changed text fuzzy"
    fresh = Catalog(name, folder)
    # neither the fuzzy Turkish nor the English of the old text: the new German text shows
    assert fresh.text("search", "tr") == "Jetzt suchen"
    assert fresh.text("greeting", "tr", name="X") == "Merhaba X"


def test_compiled_catalogs_give_the_same_texts(domain: tuple[str, Path]) -> None:
    name, folder = domain
    before = {lang: Catalog(name, folder).texts(lang) for lang in ("de", "en", "tr")}
    for lang in ("en", "tr"):
        pybabel("compile", "-d", str(folder), "-D", name, "-l", lang)
        assert (folder / lang / "LC_MESSAGES" / f"{name}.mo").is_file()
    after = {lang: Catalog(name, folder).texts(lang) for lang in ("de", "en", "tr")}
    assert after == before


def test_operator_corrects_a_text_and_adds_a_language_in_one_file(
    domain: tuple[str, Path], tmp_path: Path
) -> None:
    name, _ = domain
    own = tmp_path / "operator"
    own.mkdir()
    (own / "tr.po").write_text(
        f'msgctxt "{name}:search"\nmsgid "Suchen"\nmsgstr "Arayın"\n', encoding="utf-8"
    )
    (own / "uk.po").write_text(
        f'msgctxt "{name}:search"\nmsgid "Suchen"\nmsgstr "Шукати"\n', encoding="utf-8"
    )
    configure_languages(["de", "en", "tr", "uk"], own)
    assert catalog(name).text("search", "tr") == "Arayın"
    assert catalog(name).text("search", "uk") == "Шукати"
    assert catalog(name).text("greeting", "uk", name="A") == "Hello A"
    configure_languages(["de", "en"], None)
    assert catalog(name).text("search", "tr") == "Ara"


def test_a_text_resolves_where_it_is_shown(domain: tuple[str, Path]) -> None:
    name, _ = domain
    label = catalog(name)("greeting", name="Ada")
    assert label("tr") == "Merhaba Ada"
    with use_language("en"):
        assert str(label) == "Hello Ada"
        assert f"{label}!" == "Hello Ada!"
    assert str(label) == "Hallo Ada"
    with pytest.raises(KeyError):
        catalog(name)("nothing")
    assert Text.plain("Marl")("ar") == "Marl"
    assert Text.literal(de="Ja", en="Yes")("tr") == "Yes"


@translatable("label", "help")
@attrs.frozen
class Thing:
    code: str
    label: Text
    help: Text = Text.plain("")


def test_deprecated_label_pairs_still_work_and_warn() -> None:
    with pytest.warns(DeprecationWarning, match="label=Text.message"):
        old = Thing("a", label_de="Eins", label_en="One")
    assert old.label("de") == "Eins"
    assert old.label("en") == "One"
    with pytest.warns(DeprecationWarning, match=r"Thing.label\('de'\)"):
        assert old.label_de == "Eins"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = Thing("a", "Marl")
        assert isinstance(new.label, Text)
        assert new.label("tr") == "Marl"
        assert new.help("en") == ""


def test_language_names_and_directions() -> None:
    assert [language_name(x) for x in ("de", "en", "tr", "ar")] == [
        "Deutsch", "English", "Türkçe", "العربية"]  # fmt: skip
    assert [language_direction(x) for x in ("de", "tr", "ar", "fa", "he")] == [
        "ltr", "ltr", "rtl", "rtl", "rtl"]  # fmt: skip
    assert language_name("qq") == "qq"
    assert language_direction("qq") == "ltr"
