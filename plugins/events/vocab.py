"""The events plugin's code lists: event kinds, audiences, organisation types (de, en).

They are data (``vocab.toml``), read once at import.
"""

from __future__ import annotations

from core import Choice
from core import read_data_file

__all__ = ["AUDIENCES", "KINDS", "ORGANISATION_TYPES", "values"]

_DATA = read_data_file(__package__, "vocab.toml")
KINDS = _DATA.choices("kinds")
AUDIENCES = _DATA.choices("audiences")
ORGANISATION_TYPES = _DATA.choices("organisation_types")


def values(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    return tuple(c.value for c in choices)
