"""Label fields of core's public types: one ``Text`` each (``to_text``), and the deprecated
positional label pairs of plugin API 1.0 (``old_label_pair``): ``Choice("kita", "Kita",
"Day care")``.

Until plugin API 1.1 the label-carrying types took a German and an English label as two
positional arguments (``Choice(value, label_de, label_en, group)``); now they take one
``label`` (a ``Text`` or a plain string). A plugin written for 1.0 keeps working for one minor
version: ``old_label_pair`` turns the two positional texts into one ``Text.literal(de=...,
en=...)`` and warns (``DeprecationWarning``), like the keyword pairs that
``core.i18n.translatable`` accepts. The keyword form is handled there; this module only adds
the positional one.

An old call is told from a new one by the argument after the label: where the new form
expects something else there (a filter kind, a feature function, an order), a second string
can only be the English label of an old call.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from core.i18n import Text

__all__ = ["old_label_pair", "to_text"]

_C = TypeVar("_C", bound=type)


def to_text(value: Text | str | None) -> Text:
    """The converter of a label field: a ``Text``, or a plain string (the same text in every
    language; None is the empty text)."""
    return Text.of(value)


def old_label_pair(
    position: int, *, new_there: Callable[[Any], bool] = lambda _: False, name: str = "label"
) -> Callable[[_C], _C]:
    """Class decorator: accept ``<name>_de, <name>_en`` as the positional arguments at
    ``position`` and ``position + 1`` (deprecated) besides the one ``<name>`` of today.

    A call is taken for an old one when the argument after the label is a string for which
    ``new_there`` is false: ``new_there`` says whether a string is a valid new-form value of
    the field that follows the label (a filter kind such as ``"range"``, a version such as
    ``"1.0"``). Apply it on top of ``core.i18n.translatable``.
    """

    def decorate(cls: _C) -> _C:
        original = cls.__dict__["__init__"]

        @functools.wraps(original)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            if _is_old(args, position, new_there):
                de, en = args[position], args[position + 1]
                warnings.warn(
                    f"{cls.__name__}(..., {name}_de, {name}_en, ...) with two positional "
                    f"labels is deprecated: pass one {name}, a Text.message(domain, key) or a "
                    "plain string (see docs/stability.md).",
                    DeprecationWarning,
                    stacklevel=2,
                )
                args = (
                    *args[:position],
                    Text.literal(de=de, en=en),
                    *args[position + 2 :],
                )
            original(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[misc]
        return cls

    return decorate


def _is_old(args: Sequence[Any], position: int, new_there: Callable[[Any], bool]) -> bool:
    if len(args) < position + 2:
        return False
    label, after = args[position], args[position + 1]
    return isinstance(label, str) and isinstance(after, str) and not new_there(after)
