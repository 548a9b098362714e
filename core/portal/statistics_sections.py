"""What plugins add to the operators' statistics dashboard (``register_statistics``).

A plugin that keeps data of its own (courses, open positions) shows its figures beside core's
in the dashboard, the printable report and the CSV export. It registers a
``StatisticsSection``: a key, a title and a function that computes the section's
``StatisticsPart`` for the period and the language the operator asked for. The part holds
key numbers (``StatisticsNumber``) and figures (``StatisticsFigure``: a bar chart or a
series of columns with its table), with every label already in that language: the web app
draws them as it draws core's own figures and knows nothing of the plugin.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from attrs import field, frozen
from sqlalchemy.orm import Session

from core.errors import ConfigError
from core.i18n import Text, translatable
from core.labels import to_text
from core.portal.statistics import Period

__all__ = [
    "StatisticsFigure",
    "StatisticsNumber",
    "StatisticsPart",
    "StatisticsRow",
    "StatisticsSection",
]

#: Kinds of a figure's chart: bars left to right, or columns of a series over time.
CHARTS = ("bars", "columns")
_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?")


def _check_key(_instance: object, attribute: Any, value: str) -> None:
    # keys become element ids and CSV keys: lower-case ASCII, so both stay readable
    if not _KEY.fullmatch(value):
        raise ConfigError(
            f"A statistics {attribute.name} must be lower-case letters, digits and _ starting "
            f"with a letter (such as by_kind), not {value!r}."
        )


@frozen
class StatisticsRow:
    """One bar and one table row: its key (as in the CSV), its label and its value."""

    key: str
    label: str
    value: int


@frozen
class StatisticsFigure:
    """A chart with its table: ``bars`` run left to right, ``columns`` show a series."""

    key: str = field(validator=_check_key)
    title: str
    rows: tuple[StatisticsRow, ...] = field(converter=tuple)
    chart: str = "bars"
    #: shares in the table are of this total (None: no share column)
    total: int | None = None
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.chart not in CHARTS:
            raise ConfigError(
                f"Figure {self.key!r}: chart {self.chart!r} is not one of {', '.join(CHARTS)}."
            )

    @property
    def empty(self) -> bool:
        return not any(r.value for r in self.rows)

    def share(self, row: StatisticsRow) -> float:
        return row.value / self.total if self.total else 0.0


@frozen
class StatisticsNumber:
    """A key number of a section ("open positions: 48"); ``None``: not known (shown as –)."""

    key: str = field(validator=_check_key)
    label: str
    value: float | None
    #: decimals shown (a median of days: 1)
    digits: int = 0


@frozen
class StatisticsPart:
    """What a section shows for one period in one language."""

    numbers: tuple[StatisticsNumber, ...] = field(default=(), converter=tuple)
    figures: tuple[StatisticsFigure, ...] = field(default=(), converter=tuple)


@translatable("title", "note")
@frozen
class StatisticsSection:
    """A plugin's section of the statistics dashboard.

    ``collect(session, period, lang)`` returns the ``StatisticsPart`` of ``period`` (a
    ``core.portal.statistics.Period``: ``start``, ``end``, ``bounds()``, ``buckets()``) with
    its labels in ``lang``, reading inside the session the dashboard opened. ``key`` is
    unique across plugins (the plugin's name); figures and numbers are named
    ``<key>.<figure key>`` in the page and the CSV.
    """

    key: str = field(validator=_check_key)
    title: Text = field(converter=to_text)
    collect: Callable[[Session, Period, str], StatisticsPart] = field(eq=False, repr=False)
    #: a sentence under the title: what the figures count, where they come from
    note: Text = field(default=Text.plain(""), converter=to_text)
    plugin: str = "core"
