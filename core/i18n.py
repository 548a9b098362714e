"""Translations: GNU gettext catalogs, one domain per package, German as the source language.

A *domain* is a folder ``locale/`` inside the package that owns the texts (``core``, the
portal, each plugin). It holds:

* ``messages.toml``: the German source texts, ``key = "Text"``; nested tables flatten to
  dotted keys (``[vocab.ages]`` + ``u3 = "..."`` is the key ``vocab.ages.u3``). A comment
  line right above a key is a note for translators. Placeholders are ``{name}``
  (``str.format``) and stay verbatim in every translation.
* ``messages.pot``: the template ``make translations`` extracts from ``messages.toml``.
* ``<lang>/LC_MESSAGES/<domain>.po`` per language, compiled to ``.mo`` at install time. In
  an entry ``msgctxt`` is the key, ``msgid`` the German text and ``msgstr`` the translation:
  when the German text changes, ``pybabel update`` marks the entry fuzzy, and a translation
  of an older German text is never shown (it counts as missing until reviewed).

A text missing in a language falls back to English, then to German. An operator corrects or
adds translations without touching code: ``[portal] translations = "<folder>"`` names a
folder of ``<lang>.po`` files (one per language, ``msgctxt`` = ``domain:key``; ``regiokarte
translations template`` writes the template) or of ``<lang>/LC_MESSAGES/<domain>.po`` files;
their entries win over the shipped ones.

Core never imports Flask: the web layer sets the language of a request with
:func:`use_language`, and a :class:`Text` (a label in the public API) resolves late, in the
language current where it is shown.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import re
import string
import threading
import tomllib
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

__all__ = [
    "SOURCE_LANGUAGE",
    "Catalog",
    "Text",
    "catalog",
    "catalogs",
    "configure_languages",
    "current_language",
    "extract_messages",
    "language_direction",
    "language_name",
    "register_catalog",
    "translatable",
    "use_language",
]

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "de"
FALLBACK_LANGUAGE = "en"
_SOURCE_FILE = "messages.toml"

_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "regiokarte_language", default=SOURCE_LANGUAGE
)
_overlay: dict[str, Path | None] = {"folder": None}
_configured: list[str] = [SOURCE_LANGUAGE, FALLBACK_LANGUAGE]


# --- the language of the moment ------------------------------------------------------------------


def current_language() -> str:
    """The language texts resolve to now (set per request by the web layer; German else)."""
    return _language.get()


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[str]:
    """Resolve texts in ``lang`` inside the ``with`` block (and in nothing it spawns later)."""
    token = _language.set(lang)
    try:
        yield lang
    finally:
        _language.reset(token)


def set_language(lang: str) -> None:
    """Make ``lang`` the current language of this context (the web layer, once per request)."""
    _language.set(lang)


def configure_languages(languages: Sequence[str], overlay: Path | str | None = None) -> None:
    """The languages the product offers, and the operator's folder of corrections (if any)."""
    _configured[:] = list(dict.fromkeys(languages)) or [SOURCE_LANGUAGE]
    folder = Path(overlay) if overlay else None
    if folder != _overlay["folder"]:
        _overlay["folder"] = folder
        for each in _CATALOGS.values():
            each.forget()


def configured_languages() -> tuple[str, ...]:
    return tuple(_configured)


@functools.cache
def _locale(lang: str) -> Locale | None:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def language_direction(lang: str) -> str:
    """``"rtl"`` for a language written right to left (Arabic, Hebrew, Persian), else ``"ltr"``."""
    locale = _locale(lang)
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"


def language_name(lang: str) -> str:
    """The language's name in itself ("Deutsch", "Türkçe", "العربية"); the code if unknown."""
    locale = _locale(lang)
    name = locale.get_display_name(locale) if locale is not None else None
    if not name:
        return lang
    return name[:1].upper() + name[1:]


# --- catalogs ------------------------------------------------------------------------------------


def _flatten(table: Mapping[str, Any], prefix: str, into: dict[str, str], where: Path) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{name}.", into, where)
        elif isinstance(value, str):
            into[name] = value
        else:
            raise ValueError(
                f"{where}: {name} is {type(value).__name__}; a source text must be a string "
                '(key = "Text").'
            )


def read_source(path: Path) -> dict[str, str]:
    """The German texts of a ``messages.toml``, dotted keys."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}.") from None
    texts: dict[str, str] = {}
    _flatten(data, "", texts, path)
    return texts


def _fields(text: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return {"<malformed>"}


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a text."""
    return _fields(text)


def _read_catalog_file(path: Path, locale: str | None = None) -> BabelCatalog | None:
    try:
        if path.suffix == ".mo":
            with path.open("rb") as fh:
                return read_mo(fh)
        with path.open("rb") as fh:
            return read_po(fh, locale=locale, abort_invalid=False)
    except Exception as exc:  # a broken file must not take the portal down
        log.error("Translation file %s cannot be read (%s); its texts are left out.", path, exc)
        return None


def _entries(babel_catalog: BabelCatalog | None) -> dict[str, tuple[str, str]]:
    """``context -> (msgid, msgstr)`` of the usable (translated, not fuzzy) entries."""
    out: dict[str, tuple[str, str]] = {}
    if babel_catalog is None:
        return out
    for message in babel_catalog:
        if not message.id or message.context is None or message.fuzzy:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        raw = message.string
        msgstr = raw if isinstance(raw, str) else (raw[0] if raw else "")
        if msgstr:
            out[message.context] = (msgid, msgstr)
    return out


@functools.cache
def _overlay_file(folder: Path, lang: str) -> dict[str, dict[str, tuple[str, str]]]:
    """An operator's one-file catalog of a language: ``domain -> key -> (German, text)``."""
    by_domain: dict[str, dict[str, tuple[str, str]]] = {}
    path = folder / f"{lang}.po"
    if not path.is_file():
        return by_domain
    for context, entry in _entries(_read_catalog_file(path, lang)).items():
        domain, sep, key = context.partition(":")
        if sep:
            by_domain.setdefault(domain, {})[key] = entry
    return by_domain


class Catalog:
    """The texts of one domain in every language it has."""

    def __init__(self, domain: str, directory: Path) -> None:
        self.domain = domain
        self.directory = directory
        self._lock = threading.RLock()
        self._source: dict[str, str] | None = None
        self._texts: dict[str, dict[str, str]] = {}

    def __repr__(self) -> str:
        return f"<Catalog {self.domain} at {self.directory}>"

    def forget(self) -> None:
        """Read the files again on next use (after ``make translations`` or a config change)."""
        with self._lock:
            self._source = None
            self._texts = {}

    @property
    def source(self) -> dict[str, str]:
        """The German source texts, key -> text."""
        if self._source is None:
            path = self.directory / _SOURCE_FILE
            if not path.is_file():
                raise FileNotFoundError(
                    f"The catalog {self.domain!r} has no {path}: write the German texts there."
                )
            self._source = read_source(path)
        return self._source

    def keys(self) -> frozenset[str]:
        return frozenset(self.source)

    def po_file(self, lang: str) -> Path:
        return self.directory / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def languages(self) -> tuple[str, ...]:
        """The source language and every language with a shipped catalog file."""
        found = sorted(
            p.name
            for p in self.directory.iterdir()
            if p.is_dir() and (p / "LC_MESSAGES" / f"{self.domain}.po").is_file()
        )
        return (SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE])

    def _shipped(self, lang: str) -> dict[str, tuple[str, str]]:
        po = self.po_file(lang)
        mo = po.with_suffix(".mo")
        if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
            return _entries(_read_catalog_file(mo))
        if po.is_file():
            return _entries(_read_catalog_file(po, lang))
        return {}

    def _operator(self, lang: str) -> dict[str, tuple[str, str]]:
        folder = _overlay["folder"]
        if folder is None:
            return {}
        entries = dict(_overlay_file(folder, lang).get(self.domain, {}))
        own = folder / lang / "LC_MESSAGES" / f"{self.domain}.po"
        if own.is_file():
            entries.update(_entries(_read_catalog_file(own, lang)))
        return entries

    def _build(self, lang: str) -> dict[str, str]:
        source = self.source
        if lang == SOURCE_LANGUAGE:
            found: dict[str, str] = {}
            for key, (msgid, text) in self._operator(lang).items():
                if source.get(key) == msgid:
                    found[key] = text
            return {**source, **found}
        fallback = self._language_texts(FALLBACK_LANGUAGE) if lang != FALLBACK_LANGUAGE else source
        texts = dict(fallback)
        for entries in (self._shipped(lang), self._operator(lang)):
            for key, (msgid, text) in entries.items():
                if source.get(key) == msgid:
                    texts[key] = text
        return texts

    def _language_texts(self, lang: str) -> dict[str, str]:
        texts = self._texts.get(lang)
        if texts is None:
            with self._lock:
                texts = self._texts.get(lang)
                if texts is None:
                    texts = self._texts[lang] = self._build(lang)
        return texts

    def texts(self, lang: str | None = None) -> dict[str, str]:
        """Every text of the domain in ``lang`` (missing ones in English, then German)."""
        return self._language_texts(lang or current_language())

    def translated(self, lang: str) -> dict[str, str]:
        """Only the texts that ``lang``'s own catalog (or the operator's) really translates."""
        source = self.source
        out: dict[str, str] = {}
        for entries in (self._shipped(lang), self._operator(lang)):
            for key, (msgid, text) in entries.items():
                if source.get(key) == msgid:
                    out[key] = text
        return out

    def text(self, key: str, lang: str | None = None, /, **values: Any) -> str:
        """The text ``key`` in ``lang`` (default: the current language), ``{values}`` filled."""
        texts = self._language_texts(lang or current_language())
        try:
            found = texts[key]
        except KeyError:
            raise KeyError(
                f"The catalog {self.domain!r} has no text {key!r}: add it to "
                f"{self.directory / _SOURCE_FILE}."
            ) from None
        return found.format(**values) if values else found

    def count_text(self, key: str, count: int, lang: str | None = None, /, **values: Any) -> str:
        """The text for ``count`` things in ``lang``'s plural form (CLDR: ``zero``, ``one``,
        ``two``, ``few``, ``many``, ``other``): the key ``<key>.<form>``, else ``<key>.other``,
        with ``values`` filled (the count as the language writes it, say ``n``). German needs
        ``one`` and ``other`` only, but the source lists every form a shipped language uses
        (Arabic all six), since a translation exists only for a key of the source."""
        lang = lang or current_language()
        texts = self._language_texts(lang)
        locale = _locale(lang)
        form = locale.plural_form(abs(count)) if locale is not None else "other"
        found = texts.get(f"{key}.{form}") or texts.get(f"{key}.other")
        if found is None:
            raise KeyError(
                f"The catalog {self.domain!r} has no text {key}.other: add the plural forms "
                f"of {key!r} to {self.directory / _SOURCE_FILE}."
            )
        return found.format(**values)

    def __call__(self, key: str, **values: Any) -> Text:
        """A :class:`Text` of this catalog, resolved where it is shown."""
        if key not in self.source:
            raise KeyError(
                f"The catalog {self.domain!r} has no text {key!r}: add it to "
                f"{self.directory / _SOURCE_FILE}."
            )
        return Text.message(self.domain, key, **values)


_CATALOGS: dict[str, Catalog] = {}


def register_catalog(domain: str, directory: Path | str) -> Catalog:
    """Make the catalog folder ``directory`` (with its ``messages.toml``) the domain ``domain``.

    Registering the same folder again is harmless; another folder under a taken name is an
    error (two plugins of one name cannot both translate).
    """
    folder = Path(directory)
    known = _CATALOGS.get(domain)
    if known is not None:
        if known.directory.resolve() != folder.resolve():
            raise ValueError(
                f"The translation domain {domain!r} is already taken by {known.directory}; "
                "give the catalog another name."
            )
        return known
    if not (folder / _SOURCE_FILE).is_file():
        raise FileNotFoundError(
            f"{folder / _SOURCE_FILE} does not exist: a catalog needs its German source texts."
        )
    made = _CATALOGS[domain] = Catalog(domain, folder)
    return made


def catalog(domain: str) -> Catalog:
    """The registered catalog ``domain``."""
    try:
        return _CATALOGS[domain]
    except KeyError:
        raise KeyError(
            f"No translation catalog {domain!r} is registered; known: "
            f"{', '.join(sorted(_CATALOGS)) or 'none'}."
        ) from None


def catalogs() -> dict[str, Catalog]:
    """Every registered catalog by domain."""
    return dict(_CATALOGS)


def package_catalog(domain: str, package_file: str | Path) -> Catalog | None:
    """Register ``<folder of package_file>/locale`` as ``domain`` if it exists (plugins)."""
    folder = Path(package_file).resolve().parent / "locale"
    if not (folder / _SOURCE_FILE).is_file():
        return None
    return register_catalog(domain, folder)


# --- Text: a label in the public API -------------------------------------------------------------


@attrs.frozen
class Text:
    """A text a person reads, in the language where it is shown.

    ``Text.message(domain, key)`` comes from a catalog; ``Text.plain(s)`` is the same in every
    language (a name); ``Text.literal(de=..., en=...)`` carries its languages itself (the
    deprecated ``label_de``/``label_en`` pairs). Call it for a language: ``label("tr")``;
    ``str(label)`` is the current language.
    """

    domain: str = ""
    key: str = ""
    values: tuple[tuple[str, Any], ...] = ()
    literal_texts: tuple[tuple[str, str], ...] = ()

    @classmethod
    def message(cls, domain: str, key: str, **values: Any) -> Text:
        return cls(domain, key, tuple(sorted(values.items())))

    @classmethod
    def plain(cls, text: str) -> Text:
        return cls(literal_texts=((SOURCE_LANGUAGE, text),))

    @classmethod
    def literal(cls, **texts: str | None) -> Text:
        """A text that brings its languages along (``de=`` required)."""
        given = {lang: text for lang, text in texts.items() if text}
        if SOURCE_LANGUAGE not in given:
            given[SOURCE_LANGUAGE] = next(iter(given.values()), "")
        return cls(literal_texts=tuple(given.items()))

    @classmethod
    def of(cls, value: Text | str | None) -> Text:
        """``value`` as a Text (a plain string is the same in every language)."""
        if isinstance(value, Text):
            return value
        return cls.plain(value or "")

    def __call__(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        if self.literal_texts:
            texts = dict(self.literal_texts)
            found = (
                texts.get(lang)
                or (texts.get(FALLBACK_LANGUAGE) if lang != SOURCE_LANGUAGE else None)
                or texts.get(SOURCE_LANGUAGE, "")
            )
            return found.format(**self._values(lang)) if self.values else found
        return catalog(self.domain).text(self.key, lang, **self._values(lang))

    def _values(self, lang: str) -> dict[str, Any]:
        # a value that is a Text itself (a label inside a message) speaks the same language
        return {k: v(lang) if isinstance(v, Text) else v for k, v in self.values}

    def in_language(self, lang: str) -> str:
        return self(lang)

    def __str__(self) -> str:
        return self()

    def __format__(self, spec: str) -> str:
        return format(self(), spec)

    def __bool__(self) -> bool:
        return bool(self.key) or any(text for _, text in self.literal_texts)

    def with_values(self, **values: Any) -> Text:
        """The same text with ``{placeholders}`` filled by ``values``."""
        return attrs.evolve(self, values=tuple(sorted({**dict(self.values), **values}.items())))


# --- deprecated label pairs ----------------------------------------------------------------------

_C = TypeVar("_C", bound=type)


def translatable(*names: str) -> Callable[[_C], _C]:
    """Class decorator: the fields ``names`` (default ``label``) are :class:`Text`.

    The constructor takes a plain string (same text in every language) or a ``Text``; the old
    keyword pairs ``<name>_de=`` / ``<name>_en=`` still work and read properties ``<name>_de``
    / ``<name>_en`` remain, both deprecated (DeprecationWarning) for one minor version.
    Apply it on top of ``@attrs.frozen`` / ``@attrs.define``.
    """
    fields = names or ("label",)

    def decorate(cls: _C) -> _C:
        original = cls.__dict__["__init__"]

        @functools.wraps(original)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            for name in fields:
                de = kwargs.pop(f"{name}_de", None)
                en = kwargs.pop(f"{name}_en", None)
                if de is not None or en is not None:
                    warnings.warn(
                        f"{cls.__name__}({name}_de=..., {name}_en=...) is deprecated: pass "
                        f"{name}=Text.message(domain, key) (see docs/stability.md).",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    if name not in kwargs:
                        kwargs[name] = Text.literal(de=de, en=en)
                if name in kwargs and not isinstance(kwargs[name], Text):
                    kwargs[name] = Text.of(kwargs[name])
            original(self, *args, **kwargs)
            for name in fields:
                value = getattr(self, name, None)
                if value is not None and not isinstance(value, Text):
                    object.__setattr__(self, name, Text.of(value))

        cls.__init__ = __init__  # type: ignore[misc]
        for name in fields:
            for lang in (SOURCE_LANGUAGE, FALLBACK_LANGUAGE):
                setattr(cls, f"{name}_{lang}", _deprecated_reader(cls.__name__, name, lang))
        return cls

    return decorate


def _deprecated_reader(owner: str, name: str, lang: str) -> property:
    def read(self: Any) -> str:
        warnings.warn(
            f"{owner}.{name}_{lang} is deprecated: use {owner}.{name}({lang!r}) "
            "(see docs/stability.md).",
            DeprecationWarning,
            stacklevel=2,
        )
        value = getattr(self, name)
        return value(lang) if value is not None else ""

    return property(read)


# --- extraction (pybabel extract -F babel.cfg) ---------------------------------------------------

_KEY_LINE = re.compile(r'^\s*("?)([A-Za-z0-9_.\-]+)\1\s*=')
_TABLE_LINE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-\"]+)\s*\]\s*$")


def extract_messages(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extraction method for ``messages.toml``: ``pgettext(key, German text)`` entries.

    A comment line right above a key becomes a note for translators.
    """
    raw = fileobj.read()
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    source: dict[str, str] = {}
    _flatten(tomllib.loads(text), "", source, Path(getattr(fileobj, "name", "messages.toml")))
    lines: dict[str, tuple[int, list[str]]] = {}
    table, notes = "", []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            notes.append(stripped.lstrip("#").strip())
            continue
        if (head := _TABLE_LINE.match(line)) is not None:
            table, notes = head.group(1).replace('"', "") + ".", []
            continue
        if (entry := _KEY_LINE.match(line)) is not None:
            lines.setdefault(f"{table}{entry.group(2)}", (number, notes))
        notes = [] if stripped else notes
    for key, german in source.items():
        number, comments = lines.get(key, (0, []))
        yield number, "pgettext", (key, german), comments
