"""A plugin's declarative data read from a TOML file in its package: questionnaire sections and
code lists become core's own objects, and every mistake names the file and the key."""

from __future__ import annotations

import fnmatch
import itertools
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from core import (
    AnswerType,
    Choice,
    ConfigError,
    Term,
    Text,
    Vocabulary,
    choice_label,
    read_data_file,
)

ROOT = Path(__file__).resolve().parents[2]
_NAMES = itertools.count()

GOOD = """
[options]
sizes = [
  { value = "small", label = "sizes.small" },
  { value = "large", label = "sizes.large", group = "big" },
]

[aliases.size]
s = "small"
"extra large" = "large"

[keywords]
small = ["kiosk", "späti"]
large = []

[texts]
title = { de = "Läden in der Nähe", en = "Shops nearby" }
count = { de = "{n} Läden", en = "{n} shops" }

[section]
key = "shops"
plugin = "shops"
order = 70
title = "section.title"
intro = "section.intro"

[[section.questions]]
key = "has_shop"
label = "has_shop.label"
answer = "bool"
required = true

[[section.questions]]
key = "size"
label = "size.label"
answer = "choice"
options = "sizes"
show_if = ["has_shop", true]

[[section.questions]]
key = "opening"
label = "opening.label"
answer = "choice"
options = [
  { value = "day", label = "opening.day" },
  { value = "night", label = "opening.night" },
]
help = "opening.help"
example = "opening.example"

[[section.questions]]
key = "area_m2"
label = "area_m2.label"
answer = "number"
minimum = 0
maximum = 10_000
"""

#: the plugin's catalog (locale/messages.toml): the German of every key GOOD names
CATALOG = """
[sizes]
small = "Klein"
large = "Groß"

[section]
title = "Läden"
intro = "Was Sie verkaufen."

[has_shop]
label = "Haben Sie einen Laden?"

[size]
label = "Wie groß?"

[opening]
label = "Öffnung"
day = "Tagsüber"
night = "Nachts"
help = "Die üblichen Zeiten."
example = "Mo-Fr"

[area_m2]
label = "Fläche (m²)"
"""

#: plugin API 1.0's form of the same texts: a table of languages in place of each key
OLD_TEXTS = {
    '"sizes.small"': '{ de = "Klein", en = "Small" }',
    '"sizes.large"': '{ de = "Groß", en = "Large" }',
    '"section.title"': '{ de = "Läden", en = "Shops" }',
    '"has_shop.label"': '{ de = "Haben Sie einen Laden?", en = "Do you have a shop?" }',
}


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """A fresh importable package holding ``data.toml`` with the given text and the catalog
    ``locale/messages.toml``; returns its name (which is also the catalog's domain)."""

    def make(text: str, catalog: str = CATALOG) -> str:
        name = f"datafile_sample_{next(_NAMES)}"
        folder = tmp_path / name
        (folder / "locale").mkdir(parents=True)
        (folder / "__init__.py").write_text("", encoding="utf-8")
        (folder / "data.toml").write_text(text, encoding="utf-8")
        (folder / "locale" / "messages.toml").write_text(catalog, encoding="utf-8")
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.delitem(sys.modules, name, raising=False)
        return name

    return make


def test_a_section_becomes_cores_section(package: Callable[..., str]) -> None:
    def apply(company: object, answers: object) -> object:
        return company

    name = package(GOOD)
    data = read_data_file(name, "data.toml")
    section = data.section(apply=apply)
    assert data.domain == name
    assert (section.key, section.plugin, section.order, section.apply) == (
        "shops",
        "shops",
        70,
        apply,
    )
    # every text is the catalog's text of its key (German here: the catalog has no .po yet)
    assert (section.title("de"), section.intro("de")) == ("Läden", "Was Sie verkaufen.")
    has_shop, size, opening, area = section.questions
    assert (has_shop.key, has_shop.label("de"), has_shop.answer, has_shop.required) == (
        "has_shop",
        "Haben Sie einen Laden?",
        AnswerType.BOOL,
        True,
    )
    assert (size.label("de"), size.answer, size.show_if) == (
        "Wie groß?",
        AnswerType.CHOICE,
        ("has_shop", True),
    )
    assert [(o.value, o.label("de"), o.group) for o in size.options] == [
        ("small", "Klein", None),
        ("large", "Groß", "big"),
    ]
    assert [(o.value, o.label("de")) for o in opening.options] == [
        ("day", "Tagsüber"),
        ("night", "Nachts"),
    ]
    assert (opening.help("de"), opening.example("de")) == ("Die üblichen Zeiten.", "Mo-Fr")
    assert (area.label("de"), area.answer, area.minimum, area.maximum) == (
        "Fläche (m²)",
        AnswerType.NUMBER,
        0,
        10_000,
    )


def test_options_the_plugin_computes_fill_a_named_list(package: Callable[..., str]) -> None:
    name = package(GOOD.replace('options = "sizes"', 'options = "counted"'))
    data = read_data_file(name, "data.toml")
    computed = tuple(reversed(data.options("sizes")))  # what the plugin's code made
    assert data.section(options={"counted": iter(computed)}).question("size").options == computed
    # without it the name is looked up in the file, and it is not there
    with pytest.raises(ConfigError, match=r"options.counted must be a non-empty list"):
        data.section()


#: an English catalog of the sample plugin, as ``make translations`` and a translator make it
ENGLISH = """
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

msgctxt "sizes.small"
msgid "Klein"
msgstr "Small"

msgctxt "sizes.large"
msgid "Groß"
msgstr "Large"
"""


def test_code_lists_become_options_choices_and_vocabularies(
    package: Callable[..., str], tmp_path: Path
) -> None:
    name = package(GOOD)
    english = tmp_path / name / "locale" / "en" / "LC_MESSAGES" / f"{name}.po"
    english.parent.mkdir(parents=True)
    english.write_text(ENGLISH, encoding="utf-8")
    data = read_data_file(name, "data.toml")
    small, large = Text.message(name, "sizes.small"), Text.message(name, "sizes.large")
    assert data.choices("sizes") == (Choice("small", small), Choice("large", large, group="big"))
    sizes = data.vocabulary("sizes", "shop size")
    assert sizes == Vocabulary(
        "shop size", (Term("small", small), Term("large", large, parent="big"))
    )
    assert [(o.value, o.label("de"), o.group) for o in data.options("sizes")] == [
        ("small", "Klein", None),
        ("large", "Groß", "big"),
    ]
    # the labels come from the plugin's catalog in every language it has; Turkish falls back
    # to English while the catalog has no Turkish
    assert [sizes.label("large", lang) for lang in ("de", "en", "tr")] == ["Groß", "Large", "Large"]
    assert [c.label("en") for c in data.choices("sizes")] == ["Small", "Large"]
    assert choice_label(data.choices("sizes"), "large", "de") == "Groß"
    # a code no longer in the list (stored before it left) still shows, as itself
    assert choice_label(data.choices("sizes"), "medium", "de") == "medium"
    assert data.table("section")["key"] == "shops"
    assert data.strings("aliases.size") == {"s": "small", "extra large": "large"}
    assert data.string_lists("keywords") == {"small": ("kiosk", "späti"), "large": ()}
    assert data.texts("texts") == {
        "de": {"title": "Läden in der Nähe", "count": "{n} Läden"},
        "en": {"title": "Shops nearby", "count": "{n} shops"},
    }


def test_tables_of_languages_still_work_and_warn(package: Callable[..., str]) -> None:
    """Plugin API 1.0's ``label = { de = "...", en = "..." }`` is read, deprecated."""
    text = GOOD
    for key, table in OLD_TEXTS.items():
        text = text.replace(key, table)
    data = read_data_file(package(text), "data.toml")
    with pytest.warns(
        DeprecationWarning, match=r"options.sizes\[0\].label gives its text as a table"
    ):
        choices = data.choices("sizes")
    assert [(c.label("de"), c.label("en")) for c in choices] == [
        ("Klein", "Small"),
        ("Groß", "Large"),
    ]
    with pytest.warns(DeprecationWarning, match=r"section.title gives its text as a table"):
        section = data.section()
    assert (section.title("de"), section.title("en")) == ("Läden", "Shops")
    assert section.question("has_shop").label("en") == "Do you have a shop?"
    assert section.question("size").label("de") == "Wie groß?"  # a key beside tables


def test_tables_of_strings_are_checked(package: Callable[..., str]) -> None:
    data = read_data_file(package(GOOD.replace('s = "small"', "s = 1")), "data.toml")
    with pytest.raises(ConfigError, match=r"data.toml: aliases.size.s must be a string"):
        data.strings("aliases.size")
    with pytest.raises(ConfigError, match=r"data.toml: aliases.size.s must be a list of strings"):
        data.string_lists("aliases.size")
    with pytest.raises(ConfigError, match=r"data.toml: aliases.colour must be a table"):
        data.strings("aliases.colour")
    with pytest.raises(ConfigError, match=r"data.toml: keywords.small must be the key of a text"):
        data.texts("keywords")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('answer = "bool"\nrequired = true', 'answer = "bool"\nrequird = true'),
            "section.questions[0] (has_shop) has unknown key(s) requird",
        ),
        (
            ('label = "size.label"', 'label = "size.lable"'),
            "section.questions[1] (size).label is 'size.lable', which is no key of the catalog",
        ),
        (
            ('label = "size.label"', "label = 3"),
            "section.questions[1] (size).label must be the key of a text of the plugin's catalog",
        ),
        (
            ('label = "size.label"', 'label = { de = "Wie groß?" }'),
            "section.questions[1] (size).label lacks the text in en",
        ),
        (('options = "sizes"', 'options = "colours"'), "options.colours must be a non-empty list"),
        (
            ('{ value = "large",', '{ value = "small",'),
            "options.sizes[1] repeats the value 'small'",
        ),
        (('answer = "number"', 'answer = "numeric"'), "section.questions[3] (area_m2):"),
        (
            ('show_if = ["has_shop", true]', 'show_if = ["has_shops", true]'),
            "section: Question 'size' of section 'shops' depends on 'has_shops'",
        ),
        (
            ('title = "section.title"', 'title = { de = "Läden", fr = "Boutiques" }'),
            "section.title has unknown key(s) fr",
        ),
        (('key = "shops"', 'key = "shops"\nkind = "x"'), "section has unknown key(s) kind"),
    ],
)
def test_a_mistake_names_the_file_and_the_key(
    package: Callable[..., str], change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in GOOD
    name = package(GOOD.replace(old, new, 1))
    data = read_data_file(name, "data.toml")
    with pytest.raises(ConfigError) as caught:
        data.section()
    assert str(caught.value).startswith(f"{name}/data.toml")
    assert message in str(caught.value)


def test_a_file_that_is_not_toml_names_the_line(package: Callable[..., str]) -> None:
    name = package(GOOD.replace('key = "shops"', 'key = "shops'))
    line = GOOD.split("\n").index('key = "shops"') + 1
    with pytest.raises(ConfigError, match=rf"{name}/data.toml is not valid TOML: .*line {line},"):
        read_data_file(name, "data.toml")


def test_a_missing_file_says_where_data_files_belong(package: Callable[..., str]) -> None:
    name = package(GOOD)
    with pytest.raises(ConfigError, match=rf"{name}/other.toml does not exist.*package data"):
        read_data_file(name, "other.toml")


def test_a_missing_table_is_named(package: Callable[..., str]) -> None:
    data = read_data_file(package(GOOD), "data.toml")
    with pytest.raises(ConfigError, match=r"data.toml: form must be a table, found nothing"):
        data.section("form")


def test_the_plugins_data_files_ship_with_the_package() -> None:
    """Every TOML file in a plugin package is package data of the distribution."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    files = sorted((ROOT / "plugins").glob("*/*.toml"))
    assert files
    for file in files:
        assert any(fnmatch.fnmatch(file.name, p) for p in patterns), file
