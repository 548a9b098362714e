"""Badges: a count per company that a plugin supplies, shown on its marker and list card.

A ``Badge`` ("3 offene Stellen", "2 Kurse") is registered through the ``register_badges``
hook. Like a filter it reads an index column: ``column(source)`` returns one whole number per
company of an ``IndexSource`` (0: no badge), computed when the index is built or patched, never
per request. Every search hit, map point and stack member then carries the badges whose count
is above 0, with the text in the query's language in its plural form (``Catalog.count_text``:
``<label>.one``, ``<label>.other`` and the other CLDR forms in the plugin's catalog). A column
that depends on the day reads ``source.today``: the index is rebuilt when the day changes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from attrs import field, frozen

from core.errors import ConfigError
from core.formatting import format_number
from core.i18n import Text, catalog
from core.search.markers import check_colour, check_glyph

if TYPE_CHECKING:
    from core.search.index import IndexSource

__all__ = ["Badge", "HitBadge"]

_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _as_text(value: Text | str | None) -> Text:
    return Text.of(value)


@frozen
class Badge:
    """A per-company count with its text: ``key`` (prefixed with the plugin's name), the
    catalog ``domain`` and key prefix ``label`` of its plural texts (``{n}`` is the count),
    ``column(source)`` (ints, one per company, 0 for none), and how the map marks a company
    that has it: a small circle of ``colour`` with the white ``glyph`` on its pin, named in
    the map's legend by ``legend``."""

    key: str
    domain: str
    label: str
    column: Callable[[IndexSource], np.ndarray] = field(eq=False, repr=False)
    plugin: str = "core"
    glyph: str = field(default="dot", converter=check_glyph)
    colour: str = field(default="#0b5394", converter=check_colour)
    #: what the map's legend says beside the mark ("Stellt ein"); empty: no legend entry
    legend: Text = field(default=Text.plain(""), converter=_as_text)

    def __attrs_post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise ConfigError(
                f"Badge key {self.key!r} (plugin {self.plugin}) must be lower-case letters, "
                "digits and underscores, starting with a letter, at most 40 characters."
            )
        if not self.colour:
            raise ConfigError(f"Badge {self.key!r} (plugin {self.plugin}) needs a colour.")
        if f"{self.label}.other" not in catalog(self.domain).keys():
            raise ConfigError(
                f"Badge {self.key!r} (plugin {self.plugin}): the catalog {self.domain!r} has no "
                f"text {self.label}.other; add {self.label}.one and {self.label}.other (and the "
                "other plural forms) to its messages.toml."
            )

    def text(self, count: int, lang: str) -> str:
        """The badge's text for ``count`` in ``lang`` ("3 offene Stellen")."""
        return _text(self, count, lang)

    def as_dict(self, lang: str) -> dict[str, str]:
        """How a map draws the badge and names it in its legend, in ``lang`` (the page
        script gets it with its configuration)."""
        return {
            "key": self.key,
            "glyph": self.glyph,
            "colour": self.colour,
            "legend": self.legend(lang),
        }


@functools.lru_cache(maxsize=4096)
def _text(badge: Badge, count: int, lang: str) -> str:
    # a map answer holds many hits with the same few counts: each text is made once
    number = format_number(count, lang)
    return catalog(badge.domain).count_text(badge.label, count, lang, n=number)


@frozen
class HitBadge:
    """A badge a search hit carries: its key, the company's count and the text for it."""

    key: str
    count: int
    label: str


def badge_column(badge: Badge, source: IndexSource) -> np.ndarray:
    """The badge's counts for ``source``, checked: non-negative integers, one per company."""
    column = np.asarray(badge.column(source))
    n = len(source)
    if column.shape != (n,) or not np.issubdtype(column.dtype, np.integer):
        raise TypeError(
            f"The column function of badge {badge.key!r} (plugin {badge.plugin}) returned an "
            f"array of shape {column.shape} and type {column.dtype}; a badge needs whole "
            f"numbers of shape ({n},), 0 where the company has none."
        )
    if n and int(column.min()) < 0:
        raise ValueError(
            f"The column function of badge {badge.key!r} (plugin {badge.plugin}) returned a "
            "negative count; give 0 where the company has none."
        )
    return column.astype(np.int32, copy=False)
