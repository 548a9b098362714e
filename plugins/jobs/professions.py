"""A position's profession from what a file writes: a KldB 2010 code, or a Berufsbenennung
("Kraftfahrzeugmechatroniker/in") looked up in the table ``data/berufe_kldb.csv`` (its
source: ``data/SOURCE.md``).

Benennungen are compared folded (case, umlauts, ß) with punctuation and the gender note
("(m/w/d)") left out, so "Koch/Köchin (m/w/d)" and "KOCH / KOECHIN" find the same row.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from importlib import resources

from core import fold

__all__ = ["TABLE_FILE", "profession_code", "profession_for_name"]

#: The shipped table, in the package ``plugins.jobs.data``.
TABLE_FILE = "berufe_kldb.csv"

_CODE = re.compile(r"\d{2,5}")
_GENDER_NOTE = re.compile(r"\((?:[mwdfix]\s*/\s*)+[mwdfix]\)|\b[mwd]/[wdm](?:/[dmw])?\b")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _key(name: str) -> str:
    text = _GENDER_NOTE.sub(" ", name.lower())
    return _NOT_WORD.sub(" ", fold(text)).strip()


@functools.cache
def _table() -> dict[str, str]:
    text = resources.files("plugins.jobs.data").joinpath(TABLE_FILE).read_text("utf-8")
    table: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["kldb"].strip()
        if not _CODE.fullmatch(code):  # pragma: no cover - the shipped table is tested
            raise ValueError(f"{TABLE_FILE}: {code!r} of {row['beruf']!r} is no KldB code.")
        table[_key(row["beruf"])] = code
    return table


def profession_for_name(name: str) -> str | None:
    """The KldB 2010 code of the Berufsbenennung ``name``, or None when the table lacks it."""
    return _table().get(_key(name)) if name and name.strip() else None


def profession_code(value: str) -> str | None:
    """A profession as a file gives it: a code of 2 to 5 digits as it is, else the code of
    the Berufsbenennung (None when neither)."""
    text = value.strip()
    if _CODE.fullmatch(text):
        return text
    return profession_for_name(text)
