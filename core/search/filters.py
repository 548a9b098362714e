"""The filter registry: every search filter is a registered ``FilterSpec``.

A spec says what the filter is called (German and English), its kind, its choices, and how to
read its values for *all* companies at once into an index column (``column``). Core filters and
plugin filters are registered the same way, through the ``register_filters`` hook.

Index columns by kind (``n`` companies, ``k`` choices):

* ``choice``: int array (n,), the index of the company's choice or -1;
* ``multichoice``: bool array (n, k);
* ``range``: float array (n,), NaN where unknown; or (n, m) for several values per company
  (the dates of its offers, say): a company matches when any of its values lies in the
  range, NaN pads the rows with fewer;
* ``bool``: bool array (n,);
* ``geo`` and ``text``: handled by the engine itself (no column).

A *dynamic* range filter (``FilterSpec.dynamic``, a ``DynamicColumn``) has no column fixed at
index-build time: its column depends on a per-request argument given in a second URL parameter
(for example an origin for "reachable by transit in 30 min": ``transit_time=..30`` with
``transit_from=Marl``). The engine asks the provider for the float column of that argument
(cached per index snapshot and argument), then treats it like any range column; the values show
in each hit (``SearchHit.dynamic``) and the filter's key is a valid ``sort`` order.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import field, frozen

from core.classifications import Vocabulary
from core.errors import ConfigError, InvalidQuery, Sentence
from core.i18n import Text, translatable
from core.labels import old_label_pair, to_text
from core.texts import DOMAIN

if TYPE_CHECKING:
    from core.search.index import IndexSource, SearchIndex

__all__ = [
    "Choice",
    "Dimension",
    "DynamicColumn",
    "DynamicValue",
    "FilterKind",
    "FilterRegistry",
    "FilterSpec",
    "Range",
    "choice_label",
    "choices_from",
]

Column = Callable[["IndexSource"], np.ndarray]


class FilterKind(enum.StrEnum):
    """How a filter is set and counted (see the module docstring for its index column)."""

    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    RANGE = "range"
    BOOL = "bool"
    GEO = "geo"
    TEXT = "text"


@old_label_pair(1)
@translatable("label")
@frozen
class Choice:
    """One option of a choice filter; ``label(lang)`` is its text in a language."""

    value: str
    label: Text = field(converter=to_text)
    group: str | None = None
    # a composite filter's choice: (dimension key, option value) pairs; see Dimension
    parts: tuple[tuple[str, str], ...] = ()


@old_label_pair(1)
@translatable("label")
@frozen
class Dimension:
    """One part of a composite choice filter, shown as one control (a distance, an age group).

    A filter with dimensions is still one URL parameter with one value per choice: the user
    picks an option per dimension and the page sends the choice whose ``parts`` name exactly
    those options (a dimension left out of ``parts`` means "any"). ``required``: no choice
    leaves it out, so "any" there means "filter off".
    """

    key: str
    label: Text = field(converter=to_text)
    options: tuple[Choice, ...]
    required: bool = False


def choice_label(choices: Iterable[Choice], value: str, lang: str | None = None) -> str:
    """The label in ``lang`` (the current language when None) of the choice ``value`` among
    ``choices`` (``value`` itself when none has it: a code stored before it left the list
    still shows)."""
    for choice in choices:
        if choice.value == value:
            return choice.label(lang)
    return value


def choices_from(vocabulary: Vocabulary) -> tuple[Choice, ...]:
    """Choices for every term of a vocabulary, grouped by the term's parent."""
    return tuple(Choice(t.code, t.label, group=t.parent) for t in vocabulary)


@frozen
class Range:
    """Bounds of a range filter; either side may be open (None). Both bounds are inclusive."""

    low: float | None = None
    high: float | None = None


@translatable("label", "help")
@frozen
class DynamicColumn:
    """The column provider of a dynamic range filter: a float column per request argument.

    ``argument`` names the URL parameter that carries the argument (``transit_from``).
    ``parse(text)`` turns its raw text into a canonical, hashable form (raising
    ``InvalidQuery`` when it is not valid); equal canonical forms share one cached column, so
    canonicalise generously (e.g. round coordinates). ``compute(index, argument)`` returns a
    float array with one value per index row (``index.ids`` order), NaN where unknown; it must
    be vectorised. The engine caches up to ``cache_size`` columns per index snapshot.
    ``label`` and ``help`` describe the argument for forms (the portal's filter panel).
    """

    argument: str
    compute: Callable[[SearchIndex, Hashable], np.ndarray] = field(eq=False, repr=False)
    parse: Callable[[str], Hashable] = field(default=str.strip, eq=False, repr=False)
    cache_size: int = 32
    #: what a form shows next to the argument's input (``Start: Ort, PLZ oder Haltestelle``);
    #: its parameter name when the plugin gave none
    label: Text = field(default=Text.plain(""), converter=to_text)
    help: Text = field(default=Text.plain(""), converter=to_text)

    def __attrs_post_init__(self) -> None:
        if self.label == Text.plain(""):
            object.__setattr__(self, "label", Text.plain(self.argument))


@frozen
class DynamicValue:
    """The typed value of a dynamic range filter: its canonical argument and its bounds."""

    argument: Hashable
    range: Range = Range()


_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


@old_label_pair(1, new_there=lambda kind: kind in FilterKind._value2member_map_)
@translatable("label", "help")
@frozen
class FilterSpec:
    """A search filter: its key in URLs, labels, kind, choices and index column."""

    key: str
    label: Text = field(converter=to_text)
    kind: FilterKind = field(converter=FilterKind)
    column: Column | None = field(default=None, eq=False, repr=False)
    dynamic: DynamicColumn | None = field(default=None, eq=False, repr=False)
    choices: tuple[Choice, ...] = ()
    match: str = "any"
    facet: bool = True
    searchable: bool = False
    single: str = "max"
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    help: Text = field(default=Text.plain(""), converter=to_text)
    plugin: str = "core"
    group: str = "company"
    dimensions: tuple[Dimension, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise ConfigError(
                f"Filter key {self.key!r} (plugin {self.plugin}) must be lower-case letters, "
                "digits and underscores, starting with a letter, at most 40 characters."
            )
        if self.kind in (FilterKind.CHOICE, FilterKind.MULTICHOICE) and not self.choices:
            raise ConfigError(f"Filter {self.key!r} (plugin {self.plugin}) needs choices.")
        if self.match not in ("any", "all"):
            raise ConfigError(
                f"Filter {self.key!r}: match must be 'any' or 'all', not {self.match!r}."
            )
        if self.single not in ("min", "max", "exact"):
            raise ConfigError(f"Filter {self.key!r}: single must be min, max or exact.")
        if self.dynamic is not None:
            if self.kind is not FilterKind.RANGE or self.column is not None:
                raise ConfigError(
                    f"Filter {self.key!r} (plugin {self.plugin}): a dynamic filter must be of "
                    "kind range and have no column function."
                )
            if not _KEY.fullmatch(self.dynamic.argument) or self.dynamic.argument == self.key:
                raise ConfigError(
                    f"Filter {self.key!r} (plugin {self.plugin}): the argument parameter "
                    f"{self.dynamic.argument!r} must be a valid key other than the filter's."
                )
        elif self.kind not in (FilterKind.GEO, FilterKind.TEXT) and self.column is None:
            raise ConfigError(
                f"Filter {self.key!r} (plugin {self.plugin}) needs a column function."
            )
        self._check_dimensions()

    def _check_dimensions(self) -> None:
        if not self.dimensions:
            return
        options = {d.key: {o.value for o in d.options} for d in self.dimensions}
        for choice in self.choices:
            for key, value in choice.parts:
                if value not in options.get(key, ()):
                    raise ConfigError(
                        f"Filter {self.key!r} (plugin {self.plugin}): choice {choice.value!r} "
                        f"names {key}={value!r}, which is no option of its dimensions "
                        f"({', '.join(options)})."
                    )
            missing = [
                d.key for d in self.dimensions if d.required and d.key not in dict(choice.parts)
            ]
            if missing:
                raise ConfigError(
                    f"Filter {self.key!r} (plugin {self.plugin}): choice {choice.value!r} "
                    f"leaves out the required dimension {missing[0]!r}."
                )

    @property
    def is_faceted(self) -> bool:
        """Whether results count per value of this filter."""
        return self.facet and self.kind in (
            FilterKind.CHOICE,
            FilterKind.MULTICHOICE,
            FilterKind.BOOL,
        )

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def parse(self, values: Sequence[str]) -> Any:
        """Turn raw URL values into the typed filter value; InvalidQuery names the problem."""
        values = [v.strip() for v in values if v is not None and v.strip() != ""]
        if not values:
            return None
        if self.kind in (FilterKind.CHOICE, FilterKind.MULTICHOICE):
            valid = set(self.choice_values)
            # comma-separated lists are accepted as well as repeated parameters
            flat = [p.strip() for v in values for p in v.split(",") if p.strip()]
            bad = [v for v in flat if v not in valid]
            if bad:
                shown = ", ".join(self.choice_values[:50])
                raise InvalidQuery(
                    f"{', '.join(map(repr, bad))} is not a valid value for filter {self.key!r}; "
                    f"valid values are: {shown}.",
                    {self.key: [self._problem("choice", value=b) for b in bad]},
                )
            return tuple(dict.fromkeys(flat))
        if self.kind is FilterKind.BOOL:
            if len(values) > 1:
                raise InvalidQuery(
                    f"Filter {self.key!r} takes one value (true or false).",
                    {self.key: [self._problem("one_value")]},
                )
            text = values[0].lower()
            if text in ("1", "true", "yes", "on", "ja"):
                return True
            if text in ("0", "false", "no", "off", "nein"):
                return None
            raise InvalidQuery(
                f"Filter {self.key!r} takes true or false, not {values[0]!r}.",
                {self.key: [self._problem("yes_no", value=values[0])]},
            )
        if self.kind is FilterKind.RANGE:
            if len(values) > 1:
                raise InvalidQuery(
                    f"Filter {self.key!r} takes one value such as 10..49.",
                    {self.key: [self._problem("one_value")]},
                )
            return self._parse_range(values[0])
        raise InvalidQuery(f"Filter {self.key!r} is not set through a filter parameter.")

    def _problem(self, key: str, **values: object) -> Sentence:
        """What is wrong with a value of this filter, named by its label, in every language
        of core's catalog (a search form shows it at the field)."""
        return Sentence.message(DOMAIN, f"filter_error.{key}", label=self.label, **values)

    def _out_of_range(self) -> Sentence:
        def shown(bound: float | None) -> str:
            return f"{bound:g}" if bound is not None else ""

        low, high = shown(self.minimum), shown(self.maximum)
        if self.minimum is not None and self.maximum is not None:
            return self._problem("between", minimum=low, maximum=high)
        if self.minimum is not None:
            return self._problem("at_least", minimum=low)
        return self._problem("at_most", maximum=high)

    def _parse_range(self, text: str) -> Range:
        def number(part: str) -> float | None:
            if part == "":
                return None
            try:
                value = float(part.replace(",", "."))
            except ValueError:
                raise InvalidQuery(
                    f"{text!r} is not a valid value for filter {self.key!r}; use a number or a "
                    "range such as 10..49, ..5 or 10..",
                    {self.key: [self._problem("number", value=text)]},
                ) from None
            if not math.isfinite(value):
                raise InvalidQuery(
                    f"Filter {self.key!r} needs a finite number, not {part!r}.",
                    {self.key: [self._problem("finite", value=part)]},
                )
            for bound, ok in (
                (self.minimum, value >= (self.minimum or 0)),
                (self.maximum, value <= (self.maximum or 0)),
            ):
                if bound is not None and not ok:
                    raise InvalidQuery(
                        f"{part} is out of range for filter {self.key!r}; use a value between "
                        f"{self.minimum} and {self.maximum}.",
                        {self.key: [self._out_of_range()]},
                    )
            return value

        if ".." in text:
            low_text, _, high_text = text.partition("..")
            low, high = number(low_text.strip()), number(high_text.strip())
        else:
            value = number(text)
            low, high = {"max": (None, value), "min": (value, None), "exact": (value, value)}[
                self.single
            ]
        if low is not None and high is not None and low > high:
            raise InvalidQuery(
                f"Filter {self.key!r}: the lower bound {low:g} exceeds the upper bound {high:g}.",
                {self.key: [self._problem("order", low=f"{low:g}", high=f"{high:g}")]},
            )
        return Range(low, high)

    @property
    def is_dynamic(self) -> bool:
        """Whether the column depends on a per-request argument (``dynamic``)."""
        return self.dynamic is not None

    def format_params(self, value: Any) -> dict[str, list[str]]:
        """The URL parameters of a typed value: the filter's own, plus a dynamic argument."""
        if isinstance(value, DynamicValue) and self.dynamic is not None:
            params = {self.dynamic.argument: [str(value.argument)]}
            if value.range != Range():
                params[self.key] = self.format_value(value.range)
            return params
        return {self.key: self.format_value(value)}

    def format_value(self, value: Any) -> list[str]:
        """The URL form of a typed value (the inverse of ``parse``)."""
        if isinstance(value, DynamicValue):
            value = value.range
        if isinstance(value, Range):
            low = "" if value.low is None else f"{value.low:g}"
            high = "" if value.high is None else f"{value.high:g}"
            return [f"{low}..{high}"]
        if value is True:
            return ["true"]
        return list(value)


class FilterRegistry:
    """The filters in force: core's and every enabled plugin's, in registration order."""

    def __init__(self, specs: Iterable[FilterSpec] = ()) -> None:
        self._specs: dict[str, FilterSpec] = {}
        #: argument parameter name -> key of the dynamic filter it belongs to
        self.arguments: dict[str, str] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: FilterSpec) -> None:
        taken = self._specs.get(spec.key) or (
            self._specs[self.arguments[spec.key]] if spec.key in self.arguments else None
        )
        if taken is not None:
            raise ConfigError(
                f"Filter key {spec.key!r} is registered twice: by {taken.plugin} and by "
                f"{spec.plugin}; plugin filters should be prefixed with the plugin name."
            )
        if spec.dynamic is not None:
            argument = spec.dynamic.argument
            if argument in self._specs or argument in self.arguments:
                raise ConfigError(
                    f"The argument parameter {argument!r} of filter {spec.key!r} (plugin "
                    f"{spec.plugin}) is already a filter key or argument."
                )
            self.arguments[argument] = spec.key
        self._specs[spec.key] = spec

    def __iter__(self) -> Iterator[FilterSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, key: object) -> bool:
        return key in self._specs

    def __getitem__(self, key: str) -> FilterSpec:
        try:
            return self._specs[key]
        except KeyError:
            raise InvalidQuery(
                f"{key!r} is not a filter; known filters are: {', '.join(self._specs)}.",
                {key: ["unknown filter"]},
            ) from None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._specs)

    def indexed(self) -> list[FilterSpec]:
        """Specs that own an index column."""
        return [s for s in self._specs.values() if s.column is not None]

    def parse_filters(self, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """Typed values of every filter given in ``params``; all problems reported at once.

        A dynamic filter is active when its argument parameter is given (its own parameter,
        the bounds, is optional); its value is a ``DynamicValue``.
        """
        values: dict[str, Any] = {}
        problems: dict[str, list[str]] = {}
        messages: list[str] = []
        keys = list(params)
        for argument, key in self.arguments.items():
            if argument in params and key not in params:
                keys.append(key)
        for key in keys:
            if key in self.arguments:
                continue  # read together with its filter
            raw = params.get(key, ())
            try:
                spec = self[key]
                if spec.dynamic is not None:
                    value = self._parse_dynamic(spec, spec.dynamic, list(raw), params)
                elif spec.column is None:
                    raise InvalidQuery(f"{key!r} is not set through a filter parameter.")
                else:
                    value = spec.parse(list(raw))
            except InvalidQuery as exc:
                messages.append(exc.message)
                for k, v in (exc.errors or {key: [exc.message]}).items():
                    problems.setdefault(k, []).extend(v)
                continue
            if value is not None:
                values[key] = value
        if messages:
            raise InvalidQuery(" ".join(messages), problems)
        return values

    @staticmethod
    def _parse_dynamic(
        spec: FilterSpec,
        dynamic: DynamicColumn,
        raw: list[str],
        params: Mapping[str, Sequence[str]],
    ) -> DynamicValue | None:
        bounds = spec.parse(raw)
        texts = [v.strip() for v in params.get(dynamic.argument, ()) if v and v.strip()]
        if not texts:
            if bounds is None:
                return None
            raise InvalidQuery(
                f"Filter {spec.key!r} needs {dynamic.argument}=...; {spec.help('en') or 'give it'}",
                {dynamic.argument: ["required with " + spec.key]},
            )
        if len(texts) > 1:
            raise InvalidQuery(
                f"{dynamic.argument} was given {len(texts)} times; give it once.",
                {dynamic.argument: ["given more than once"]},
            )
        return DynamicValue(dynamic.parse(texts[0][:200]), bounds or Range())
