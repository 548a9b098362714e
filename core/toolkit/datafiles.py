"""A plugin's declarative data (questionnaire sections, code lists) read from a TOML file.

Questionnaire sections and code lists are data, not code: a plugin keeps them in a TOML file
inside its package (shipped as package data) and reads it once, at import, through
``read_data_file``. The accessors turn the file's tables into core's own objects (``Section``,
``Question``, ``Option``, ``Choice``, ``Vocabulary``), in the file's order, and refuse a
mistake with a ``ConfigError`` that names the file and the key, so a typo stops the start
instead of showing a broken form.

Every text a person reads is the key of a text in the plugin's message catalog,
``label = "kinds.krippe"`` (its German in ``locale/messages.toml`` beside the file, its
translations in ``locale/<lang>/LC_MESSAGES/<plugin>.po``); the accessors make it a ``Text``
of that catalog and refuse a key the catalog lacks. The table of languages of plugin API 1.0,
``label = { de = "...", en = "..." }``, is still read (deprecated: ``DeprecationWarning``).
"""

from __future__ import annotations

import functools
import tomllib
import warnings
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from core.classifications import Term, Vocabulary
from core.errors import ConfigError
from core.i18n import Text, register_catalog
from core.portal.questionnaire import Option, Question, Section
from core.search.filters import Choice

__all__ = ["DataFile", "read_data_file"]

#: The languages of a (deprecated) text table, in the order they are stored.
LANGUAGES = ("de", "en")
#: A plugin's catalog of texts, in its package beside its data files.
CATALOG_FILE = "locale/messages.toml"
#: Text fields of a question and a section: each is one table of languages in the file.
_QUESTION_TEXTS = ("label", "help", "example", "item_name")
_SECTION_TEXTS = ("title", "intro")
_QUESTION_FIELDS = frozenset(
    a.name for a in attrs.fields(Question) if not a.name.endswith(("_de", "_en"))
) - {"extra"} | set(_QUESTION_TEXTS)
_SECTION_FIELDS = frozenset(
    a.name for a in attrs.fields(Section) if not a.name.endswith(("_de", "_en"))
) - {"apply", "load", "publish", "check"} | set(_SECTION_TEXTS)
_ENTRY_FIELDS = frozenset({"value", "label", "group"})


def read_data_file(package: str | None, resource: str, *, domain: str | None = None) -> DataFile:
    """The TOML file ``resource`` of ``package`` (a plugin passes ``__package__``).

    Its texts are keys of the catalog ``domain``: the plugin's name, which is the package's
    last part without a ``regiokarte_`` prefix unless given (``plugins.housing``: housing,
    ``regiokarte_sportclubs``: sportclubs). A missing file or one that is not TOML is a
    ``ConfigError`` naming the file.
    """
    if not package:
        raise ConfigError(f"{resource}: read_data_file needs the package that holds the file.")
    name = f"{package.replace('.', '/')}/{resource}"
    try:
        text = resources.files(package).joinpath(resource).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{name} does not exist; a plugin's data files ship inside its package "
            "(package data in pyproject.toml)."
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name} is not valid TOML: {exc}.") from None
    if domain is None:
        domain = package.rpartition(".")[2].removeprefix("regiokarte_")
    return DataFile(name, data, package=package, domain=domain)


@frozen
class DataFile:
    """A plugin's parsed data file; ``name`` (``plugins/housing/questionnaire.toml``) is
    what error messages call it, ``domain`` the catalog its text keys belong to, ``package``
    the package holding that catalog (``locale/messages.toml``)."""

    name: str
    data: Mapping[str, Any]
    package: str = ""
    domain: str = ""

    def text(self, value: Any, where: str) -> Text:
        """The text a file gives at ``where``: a catalog key (or a deprecated language table)."""
        if isinstance(value, str):
            keys = _catalog_keys(self.package, self.domain)
            if value not in keys:
                raise ConfigError(
                    f"{self.name}: {where} is {value!r}, which is no key of the catalog "
                    f"{self.domain!r} ({self.package.replace('.', '/')}/{CATALOG_FILE}); add "
                    f'it there as {value} = "<German text>".'
                )
            return Text.message(self.domain, value)
        de, en = self._language_table(value, where)
        warnings.warn(
            f"{self.name}: {where} gives its text as a table of languages, which is "
            "deprecated: give the key of a text of the plugin's catalog "
            f"({CATALOG_FILE}) instead (see docs/stability.md).",
            DeprecationWarning,
            stacklevel=4,
        )
        return Text.literal(de=de, en=en)

    def section(
        self,
        key: str = "section",
        *,
        options: Mapping[str, Iterable[Option]] | None = None,
        **changes: Any,
    ) -> Section:
        """The questionnaire section in table ``key``; ``changes`` add what is code
        (``apply=``) or override a field.

        A question's ``options`` is a list of entries, the name of a list under ``[options]``
        of the same file or the name of a list the plugin computes, given in ``options``.
        """
        computed = {name: tuple(entries) for name, entries in (options or {}).items()}
        table = self._table(key)
        where = key
        _refuse_unknown(self.name, where, table, _SECTION_FIELDS)
        values = {k: v for k, v in table.items() if k not in _SECTION_TEXTS and k != "questions"}
        for text in _SECTION_TEXTS:
            values.update(self._texts(table, text, where))
        questions = table.get("questions", [])
        if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
            raise ConfigError(
                f"{self.name}: {key}.questions must be a list of [[{key}.questions]]."
            )
        values["questions"] = tuple(
            self._question(q, f"{key}.questions[{i}]", computed) for i, q in enumerate(questions)
        )
        values.update(changes)
        try:
            return Section(**values)
        except (ConfigError, TypeError) as exc:
            raise ConfigError(f"{self.name}, {where}: {exc}") from None

    def options(self, key: str) -> tuple[Option, ...]:
        """The answer options of the list ``key`` under ``[options]``."""
        return tuple(
            Option(value, label, group=group) for value, label, group in self._entries(key)
        )

    def choices(self, key: str) -> tuple[Choice, ...]:
        """The filter choices of the list ``key`` under ``[options]``."""
        return tuple(
            Choice(value, label, group=group) for value, label, group in self._entries(key)
        )

    def vocabulary(self, key: str, name: str) -> Vocabulary:
        """The list ``key`` under ``[options]`` as a vocabulary; ``name`` is what its error
        messages call a code (``"course kind"``)."""
        return Vocabulary(
            name,
            tuple(Term(value, label, parent=group) for value, label, group in self._entries(key)),
        )

    def table(self, key: str) -> Mapping[str, Any]:
        """The table ``key`` (dotted for a nested one: ``aliases.kind``) as it stands in the
        file, for data of the plugin's own shape."""
        return self._table(key)

    def strings(self, key: str) -> dict[str, str]:
        """The table ``key`` (dotted for a nested one) whose every value is a string, in the
        file's order: aliases, descriptions."""
        table = self.table(key)
        for name, value in table.items():
            if not isinstance(value, str):
                raise ConfigError(f"{self.name}: {key}.{name} must be a string.")
        return dict(table)

    def string_lists(self, key: str) -> dict[str, tuple[str, ...]]:
        """The table ``key`` (dotted for a nested one) whose every value is a list of strings,
        in the file's order: keywords, examples."""
        table = self.table(key)
        for name, value in table.items():
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{self.name}: {key}.{name} must be a list of strings.")
        return {name: tuple(value) for name, value in table.items()}

    def texts(self, key: str) -> dict[str, dict[str, str]]:
        """The table ``key`` of texts (``name = { de = "...", en = "..." }``) per language:
        ``{"de": {name: text}, "en": {name: text}}``, for the texts of a page or a section.

        Plugin API 1.0's way to ship page texts in German and English only; a plugin's
        message catalog (``locale/messages.toml``, every language) replaces it."""
        table = self.table(key)
        out: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        for name, value in table.items():
            texts = self._language_table(value, f"{key}.{name}")
            for lang, text in zip(LANGUAGES, texts, strict=True):
                out[lang][name] = text
        return out

    def _table(self, key: str) -> Mapping[str, Any]:
        value: Any = self.data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if not isinstance(value, dict):
            found = "nothing" if value is None else type(value).__name__
            raise ConfigError(f"{self.name}: {key} must be a table, found {found}.")
        return value

    def _entries(self, key: str) -> list[tuple[str, Text, str | None]]:
        entries = self._table("options").get(key)
        return self._entries_at(entries, f"options.{key}")

    def _entries_at(self, entries: Any, where: str) -> list[tuple[str, Text, str | None]]:
        if not isinstance(entries, list) or not entries:
            raise ConfigError(
                f"{self.name}: {where} must be a non-empty list of "
                '{ value = "...", label = "<key of the catalog>" }.'
            )
        out = []
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            at = f"{where}[{i}]"
            if not isinstance(entry, dict):
                raise ConfigError(f"{self.name}: {at} must be a table with value and label.")
            _refuse_unknown(self.name, at, entry, _ENTRY_FIELDS)
            value, group = entry.get("value"), entry.get("group")
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{self.name}: {at} needs a value (a non-empty string).")
            if value in seen:
                raise ConfigError(f"{self.name}: {at} repeats the value {value!r}.")
            if group is not None and not isinstance(group, str):
                raise ConfigError(f"{self.name}: {at}.group must be a string.")
            seen.add(value)
            out.append((value, self.text(entry.get("label"), f"{at}.label"), group))
        return out

    def _question(
        self, data: Mapping[str, Any], where: str, computed: Mapping[str, tuple[Option, ...]]
    ) -> Question:
        shown = f"{where} ({data['key']})" if isinstance(data.get("key"), str) else where
        _refuse_unknown(self.name, shown, data, _QUESTION_FIELDS)
        values = {k: v for k, v in data.items() if k not in _QUESTION_TEXTS}
        for text in _QUESTION_TEXTS:
            values.update(self._texts(data, text, shown))
        if "items" in values:  # an ITEMS question's record questions: [[...questions.items]]
            items = values["items"]
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise ConfigError(f"{self.name}: {shown}.items must be a list of tables.")
            values["items"] = tuple(
                self._question(item, f"{shown}.items[{i}]", computed)
                for i, item in enumerate(items)
            )
        if isinstance(values.get("options"), str) and values["options"] in computed:
            values["options"] = computed[values["options"]]
        elif "options" in values:
            named = values["options"]
            entries = (
                self._entries(named)
                if isinstance(named, str)
                else self._entries_at(named, f"{shown}.options")
            )
            values["options"] = tuple(
                Option(value, label, group=group) for value, label, group in entries
            )
        try:
            return Question(**values)
        except (ConfigError, TypeError, ValueError) as exc:
            raise ConfigError(f"{self.name}, {shown}: {exc}") from None

    def _texts(self, data: Mapping[str, Any], field: str, where: str) -> dict[str, Text]:
        if field not in data:
            return {}
        return {field: self.text(data[field], f"{where}.{field}")}

    def _language_table(self, value: Any, where: str) -> tuple[str, str]:
        if not isinstance(value, dict):
            raise ConfigError(
                f"{self.name}: {where} must be the key of a text of the plugin's catalog "
                f'({CATALOG_FILE}), such as "kinds.krippe", or a table {{ de = "...", '
                'en = "..." }.'
            )
        _refuse_unknown(self.name, where, value, frozenset(LANGUAGES))
        missing = [lang for lang in LANGUAGES if not isinstance(value.get(lang), str)]
        if missing:
            raise ConfigError(
                f"{self.name}: {where} lacks the text in {', '.join(missing)} "
                "(every text is given in German and English)."
            )
        return value["de"], value["en"]


@functools.cache
def _catalog_keys(package: str, domain: str) -> frozenset[str]:
    """The keys of the catalog in ``package``, registered as ``domain`` so its texts resolve
    from the start (none when the package has no catalog)."""
    folder = Path(str(resources.files(package).joinpath(CATALOG_FILE))).parent
    if not (folder / "messages.toml").is_file():
        return frozenset()
    try:
        return frozenset(register_catalog(domain, folder).keys())
    except ValueError as exc:  # not TOML, a value that is no text, or the domain is taken
        raise ConfigError(str(exc)) from None


def _refuse_unknown(name: str, where: str, table: Mapping[str, Any], known: frozenset[str]) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"{name}: {where} has unknown key(s) {', '.join(unknown)}; "
            f"valid are {', '.join(sorted(known))}."
        )
