"""Controlled vocabularies: WZ 2008 industries, KldB 2010 professions, size classes, features.

They are data, loaded once and shared; code refers to terms by their code only. The codes and
their order lie in ``core/data`` (``wz2008.csv``, ``kldb2010.csv``, ``vocabularies.toml``); the
labels are texts of core's message catalog (``core/locale``), keyed ``<list>.<code>``
(``wz.C``, ``kldb.43``, ``size.micro``), so every language the catalog has names every term.
"""

from __future__ import annotations

import csv
import functools
import io
import tomllib
from collections.abc import Iterator
from importlib import resources

from attrs import field, frozen

from core.errors import NotFound, ValidationError
from core.i18n import Text, translatable
from core.labels import old_label_pair, to_text
from core.texts import text

__all__ = [
    "Term",
    "Vocabulary",
    "benefits",
    "certificates",
    "family_features",
    "industries",
    "industry_divisions",
    "offers",
    "profession_areas",
    "professions",
    "size_class_for",
    "size_classes",
    "statuses",
    "vocabulary",
]


@old_label_pair(1)
@translatable("label")
@frozen
class Term:
    """One entry of a vocabulary: a stable code and its label (``label(lang)``)."""

    code: str
    label: Text = field(converter=to_text)
    parent: str | None = None


@frozen
class Vocabulary:
    """An ordered set of terms with lookup by code."""

    name: str
    terms: tuple[Term, ...]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @functools.cached_property
    def _by_code(self) -> dict[str, Term]:
        return {t.code: t for t in self.terms}

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def get(self, code: str) -> Term:
        """The term with ``code``; a ValidationError lists the valid codes otherwise."""
        try:
            return self._by_code[code]
        except KeyError:
            shown = ", ".join(self.codes[:40]) + (" ..." if len(self.terms) > 40 else "")
            raise ValidationError(
                f"{code!r} is not a valid {self.name} code; valid codes are: {shown}."
            ) from None

    def label(self, code: str, lang: str | None = None) -> str:
        """The label of the term ``code`` in ``lang`` (the current language when None)."""
        return self.get(code).label(lang)


def _read_text(name: str) -> str:
    return resources.files("core.data").joinpath(name).read_text(encoding="utf-8")


def _label(prefix: str, code: str) -> Text:
    return text(f"{prefix}.{code}")


@functools.cache
def _csv_terms(name: str, prefix: str) -> tuple[tuple[str, Term], ...]:
    rows = csv.DictReader(io.StringIO(_read_text(name)))
    return tuple(
        (row["level"], Term(row["code"], _label(prefix, row["code"]), parent=row["parent"] or None))
        for row in rows
    )


@functools.cache
def _toml_vocabularies() -> dict[str, object]:
    return tomllib.loads(_read_text("vocabularies.toml"))


def _toml_vocabulary(key: str, name: str) -> Vocabulary:
    table = _toml_vocabularies()[key]
    assert isinstance(table, dict)
    return Vocabulary(name, tuple(Term(t["code"], _label(key, t["code"])) for t in table["terms"]))


def _level(name: str, file: str, prefix: str, level: str) -> Vocabulary:
    return Vocabulary(name, tuple(t for lvl, t in _csv_terms(file, prefix) if lvl == level))


@functools.cache
def industries() -> Vocabulary:
    """WZ 2008 sections A-U."""
    return _level("WZ 2008 section", "wz2008.csv", "wz", "section")


@functools.cache
def industry_divisions() -> Vocabulary:
    """WZ 2008 divisions (two digits); ``parent`` is the section letter."""
    return _level("WZ 2008 division", "wz2008.csv", "wz", "division")


@functools.cache
def profession_areas() -> Vocabulary:
    """KldB 2010 Berufsbereiche (one digit)."""
    return _level("KldB 2010 Berufsbereich", "kldb2010.csv", "kldb", "bereich")


@functools.cache
def professions() -> Vocabulary:
    """KldB 2010 Berufshauptgruppen (two digits); ``parent`` is the Berufsbereich."""
    return _level("KldB 2010 Berufshauptgruppe", "kldb2010.csv", "kldb", "hauptgruppe")


@functools.cache
def size_classes() -> Vocabulary:
    """EU SME size classes by employee count."""
    return _toml_vocabulary("size", "company size")


@functools.cache
def family_features() -> Vocabulary:
    """Work-family compatibility features (Vereinbarkeit von Beruf und Familie)."""
    return _toml_vocabulary("family", "work-family feature")


@functools.cache
def certificates() -> Vocabulary:
    return _toml_vocabulary("certificates", "certificate")


@functools.cache
def offers() -> Vocabulary:
    """What a company offers young people: Ausbildung, duales Studium, Praktikum, ..."""
    return _toml_vocabulary("offers", "offer")


@functools.cache
def benefits() -> Vocabulary:
    return _toml_vocabulary("benefits", "benefit")


@functools.cache
def statuses() -> Vocabulary:
    return _toml_vocabulary("status", "status")


@functools.cache
def _size_limits() -> tuple[tuple[int, str], ...]:
    table = _toml_vocabularies()["size"]
    assert isinstance(table, dict)
    return tuple((int(t.get("max_employees", 2**62)), str(t["code"])) for t in table["terms"])


def size_class_for(employees: int) -> str:
    """The EU SME class code for a head count: micro < 10 <= small < 50 <= medium < 250 <= large."""
    if employees < 0:
        raise ValidationError(f"Employee count must be 0 or more, not {employees}.")
    for limit, code in _size_limits():
        if employees <= limit:
            return code
    raise AssertionError("the last size class has no upper limit")


def vocabulary(name: str) -> Vocabulary:
    """One of core's code lists by name: ``industries`` (WZ 2008 sections),
    ``industry_divisions``, ``profession_areas`` and ``professions`` (KldB 2010),
    ``size_classes``, ``family_features``, ``certificates``, ``offers``, ``benefits``,
    ``statuses``. NotFound names the lists there are."""
    lists = {
        "industries": industries,
        "industry_divisions": industry_divisions,
        "profession_areas": profession_areas,
        "professions": professions,
        "size_classes": size_classes,
        "family_features": family_features,
        "certificates": certificates,
        "offers": offers,
        "benefits": benefits,
        "statuses": statuses,
    }
    try:
        return lists[name]()
    except KeyError:
        raise NotFound(
            f"There is no vocabulary {name!r}; vocabularies are: {', '.join(lists)}."
        ) from None
