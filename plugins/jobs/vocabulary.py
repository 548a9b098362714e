"""The jobs plugin's code lists: kinds of position, match states, sources, and how a
position's profession (a KldB 2010 code) ties to core's profession filter.

They are data (``vocabulary.toml``), read once at import. Codes are stable (they are stored and
used in URLs); labels are keys of the plugin's catalog (``locale/messages.toml``).
"""

from __future__ import annotations

import re

from core import read_data_file
from core import vocabulary

__all__ = [
    "EMPLOYMENT_TYPE",
    "KINDS",
    "MATCHES",
    "SOURCES",
    "is_profession",
    "profession_group",
]

_DATA = read_data_file(__package__, "vocabulary.toml")
#: Kinds of position (Ausbildung, duales Studium, Praktikum, Vollzeit, Teilzeit, Minijob).
KINDS = _DATA.vocabulary("kinds", "kind of position")
#: How sure the link between a position and a company is: ``matched`` (name and postcode
#: agree), ``review`` (an operator should confirm one of the candidates), ``unmatched`` (no
#: company found), ``manual`` (an operator or the company itself decided).
MATCHES = _DATA.vocabulary("matches", "match state")
#: Where a position comes from: entered by the company (``editor``), a file import
#: (``import``), the Jobsuche of the Bundesagentur für Arbeit (``ba``), the demo.
SOURCES = _DATA.vocabulary("sources", "source")
#: schema.org ``JobPosting.employmentType`` of each kind.
EMPLOYMENT_TYPE: dict[str, str] = _DATA.strings("employment_types")

_PROFESSION = re.compile(r"\d{2,5}")


def profession_group(code: str) -> str:
    """The Berufshauptgruppe (the first two digits) of a KldB 2010 code, as core's profession
    filter knows it."""
    return code[:2]


def is_profession(code: str) -> bool:
    """Whether ``code`` is a KldB 2010 code of 2 to 5 digits whose Berufshauptgruppe exists."""
    return bool(_PROFESSION.fullmatch(code)) and profession_group(code) in vocabulary("professions")
