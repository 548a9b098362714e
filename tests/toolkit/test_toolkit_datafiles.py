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
    Option,
    Question,
    Section,
    Term,
    Vocabulary,
    choice_label,
    read_data_file,
)

ROOT = Path(__file__).resolve().parents[2]
_NAMES = itertools.count()

GOOD = """
[options]
sizes = [
  { value = "small", label = { de = "Klein", en = "Small" } },
  { value = "large", label = { de = "Groß", en = "Large" }, group = "big" },
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
title.de = "Läden"
title.en = "Shops"
intro.de = "Was Sie verkaufen."
intro.en = "What you sell."

[[section.questions]]
key = "has_shop"
label.de = "Haben Sie einen Laden?"
label.en = "Do you have a shop?"
answer = "bool"
required = true

[[section.questions]]
key = "size"
label = { de = "Wie groß?", en = "How big?" }
answer = "choice"
options = "sizes"
show_if = ["has_shop", true]

[[section.questions]]
key = "opening"
label = { de = "Öffnung", en = "Opening" }
answer = "choice"
options = [
  { value = "day", label = { de = "Tagsüber", en = "Daytime" } },
  { value = "night", label = { de = "Nachts", en = "At night" } },
]
help = { de = "Die üblichen Zeiten.", en = "The usual hours." }
example = { de = "Mo-Fr", en = "Mon-Fri" }

[[section.questions]]
key = "area_m2"
label = { de = "Fläche (m²)", en = "Area (m²)" }
answer = "number"
minimum = 0
maximum = 10_000
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], str]:
    """A fresh importable package holding ``data.toml`` with the given text; returns its name."""

    def make(text: str) -> str:
        name = f"datafile_sample_{next(_NAMES)}"
        folder = tmp_path / name
        folder.mkdir()
        (folder / "__init__.py").write_text("", encoding="utf-8")
        (folder / "data.toml").write_text(text, encoding="utf-8")
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.delitem(sys.modules, name, raising=False)
        return name

    return make


def test_a_section_becomes_cores_section(package: Callable[[str], str]) -> None:
    def apply(company: object, answers: object) -> object:
        return company

    data = read_data_file(package(GOOD), "data.toml")
    section = data.section(apply=apply)
    sizes = (Option("small", "Klein", "Small"), Option("large", "Groß", "Large", "big"))
    expected = Section(
        key="shops",
        plugin="shops",
        order=70,
        title_de="Läden",
        title_en="Shops",
        intro_de="Was Sie verkaufen.",
        intro_en="What you sell.",
        apply=apply,
        questions=(
            Question(
                key="has_shop",
                label_de="Haben Sie einen Laden?",
                label_en="Do you have a shop?",
                answer=AnswerType.BOOL,
                required=True,
            ),
            Question(
                key="size",
                label_de="Wie groß?",
                label_en="How big?",
                answer=AnswerType.CHOICE,
                options=sizes,
                show_if=("has_shop", True),
            ),
            Question(
                key="opening",
                label_de="Öffnung",
                label_en="Opening",
                answer=AnswerType.CHOICE,
                options=(
                    Option("day", "Tagsüber", "Daytime"),
                    Option("night", "Nachts", "At night"),
                ),
                help_de="Die üblichen Zeiten.",
                help_en="The usual hours.",
                example_de="Mo-Fr",
                example_en="Mon-Fri",
            ),
            Question(
                key="area_m2",
                label_de="Fläche (m²)",
                label_en="Area (m²)",
                answer=AnswerType.NUMBER,
                minimum=0,
                maximum=10_000,
            ),
        ),
    )
    assert section == expected
    assert section.apply is apply
    assert section.as_dict() == expected.as_dict()


def test_options_the_plugin_computes_fill_a_named_list(package: Callable[[str], str]) -> None:
    computed = (Option("1", "Eins", "One"), Option("2", "Zwei", "Two"))
    name = package(GOOD.replace('options = "sizes"', 'options = "counted"'))
    data = read_data_file(name, "data.toml")
    assert data.section(options={"counted": iter(computed)}).question("size").options == computed
    # without it the name is looked up in the file, and it is not there
    with pytest.raises(ConfigError, match=r"options.counted must be a non-empty list"):
        data.section()


def test_code_lists_become_options_choices_and_vocabularies(
    package: Callable[[str], str],
) -> None:
    data = read_data_file(package(GOOD), "data.toml")
    assert data.options("sizes") == (
        Option("small", "Klein", "Small"),
        Option("large", "Groß", "Large", "big"),
    )
    assert data.choices("sizes") == (
        Choice("small", "Klein", "Small"),
        Choice("large", "Groß", "Large", "big"),
    )
    sizes = data.vocabulary("sizes", "shop size")
    assert sizes == Vocabulary(
        "shop size", (Term("small", "Klein", "Small"), Term("large", "Groß", "Large", "big"))
    )
    assert sizes.label("large", "en") == "Large"
    assert data.table("section")["key"] == "shops"
    assert data.strings("aliases.size") == {"s": "small", "extra large": "large"}
    assert data.string_lists("keywords") == {"small": ("kiosk", "späti"), "large": ()}
    assert data.texts("texts") == {
        "de": {"title": "Läden in der Nähe", "count": "{n} Läden"},
        "en": {"title": "Shops nearby", "count": "{n} shops"},
    }
    assert [c.label("en") for c in data.choices("sizes")] == ["Small", "Large"]
    assert choice_label(data.choices("sizes"), "large", "de") == "Groß"
    # a code no longer in the list (stored before it left) still shows, as itself
    assert choice_label(data.choices("sizes"), "medium", "de") == "medium"


def test_tables_of_strings_are_checked(package: Callable[[str], str]) -> None:
    data = read_data_file(package(GOOD.replace('s = "small"', "s = 1")), "data.toml")
    with pytest.raises(ConfigError, match=r"data.toml: aliases.size.s must be a string"):
        data.strings("aliases.size")
    with pytest.raises(ConfigError, match=r"data.toml: aliases.size.s must be a list of strings"):
        data.string_lists("aliases.size")
    with pytest.raises(ConfigError, match=r"data.toml: aliases.colour must be a table"):
        data.strings("aliases.colour")
    with pytest.raises(ConfigError, match=r"data.toml: keywords.small must be \{ de = "):
        data.texts("keywords")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('answer = "bool"\nrequired = true', 'answer = "bool"\nrequird = true'),
            "section.questions[0] (has_shop) has unknown key(s) requird",
        ),
        (
            ('label = { de = "Wie groß?", en = "How big?" }', 'label = { de = "Wie groß?" }'),
            "section.questions[1] (size).label lacks the text in en",
        ),
        (
            ('label = { de = "Wie groß?", en = "How big?" }', 'label = "Wie groß?"'),
            'section.questions[1] (size).label must be { de = "...", en = "..." }',
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
        (('title.en = "Shops"', 'title.fr = "Boutiques"'), "section.title has unknown key(s) fr"),
        (('key = "shops"', 'key = "shops"\nkind = "x"'), "section has unknown key(s) kind"),
    ],
)
def test_a_mistake_names_the_file_and_the_key(
    package: Callable[[str], str], change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in GOOD
    name = package(GOOD.replace(old, new, 1))
    data = read_data_file(name, "data.toml")
    with pytest.raises(ConfigError) as caught:
        data.section()
    assert str(caught.value).startswith(f"{name}/data.toml")
    assert message in str(caught.value)


def test_a_file_that_is_not_toml_names_the_line(package: Callable[[str], str]) -> None:
    name = package(GOOD.replace('key = "shops"', 'key = "shops'))
    line = GOOD.split("\n").index('key = "shops"') + 1
    with pytest.raises(ConfigError, match=rf"{name}/data.toml is not valid TOML: .*line {line},"):
        read_data_file(name, "data.toml")


def test_a_missing_file_says_where_data_files_belong(package: Callable[[str], str]) -> None:
    name = package(GOOD)
    with pytest.raises(ConfigError, match=rf"{name}/other.toml does not exist.*package data"):
        read_data_file(name, "other.toml")


def test_a_missing_table_is_named(package: Callable[[str], str]) -> None:
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
