"""Database rows to attrs objects and back, field by field.

A plugin's model is an attrs class and its table has one column per field, mostly of the same
name. Writing ``Course(id=row.id, source=row.source, ...)`` and ``{"source": course.source,
...}`` by hand for every class repeats each field twice more and lets a new field be forgotten
in one direction; these two helpers walk the attrs fields instead. Names that differ are given
once (``columns``, field name to column name), values that need a conversion once
(``convert``, field name to a function of the value). ``first_row`` reads the one row a look-up
asks for, or raises ``NotFound`` saying what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

import attrs
from attrs import AttrsInstance
from sqlalchemy import Executable, Row
from sqlalchemy.orm import Session

from core.errors import NotFound

__all__ = ["first_row", "from_row", "row_values"]

T = TypeVar("T", bound=AttrsInstance)

_MISSING = object()


def _check_names(cls: type, what: str, names: Collection[str]) -> None:
    known = {f.name for f in attrs.fields(cls)}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(
            f"{what} names {', '.join(unknown)}, which {'is' if len(unknown) == 1 else 'are'} "
            f"not a field of {cls.__name__}; its fields are: {', '.join(sorted(known))}."
        )


def _getter(row: object) -> Callable[[str], Any]:
    """A look-up by column name for a mapping, a SQLAlchemy row or an object's attributes."""
    if isinstance(row, Mapping):
        return lambda name: row.get(name, _MISSING)
    mapping = getattr(row, "_mapping", None)  # sqlalchemy.engine.Row
    if isinstance(mapping, Mapping):
        return lambda name: mapping.get(name, _MISSING)
    return lambda name: getattr(row, name, _MISSING)


def from_row(
    cls: type[T],
    row: object,
    *,
    columns: Mapping[str, str] | None = None,
    convert: Mapping[str, Callable[[Any], Any]] | None = None,
    **values: Any,
) -> T:
    """An instance of the attrs class ``cls`` with its fields read from ``row``.

    ``row`` is a SQLAlchemy row, a mapping, or any object with attributes named like the
    fields (e.g. core's ``SearchQuery`` copied into a plugin's own query class). Each field
    takes the value of the column of its name, or of ``columns[field]``, passed through
    ``convert[field]`` when given; ``values`` are taken as they are instead. A field the row
    lacks keeps its default (attrs refuses a missing field without one). Names in
    ``columns`` or ``convert`` that are not fields of ``cls`` raise ``ValueError``.
    """
    columns = columns or {}
    convert = convert or {}
    _check_names(cls, "columns", columns)
    _check_names(cls, "convert", convert)
    get = _getter(row)
    kwargs: dict[str, Any] = {}
    for f in attrs.fields(cls):
        if not f.init:
            continue
        name = f.alias or f.name
        if f.name in values:
            kwargs[name] = values.pop(f.name)
            continue
        value = get(columns.get(f.name, f.name))
        if value is _MISSING:
            continue
        kwargs[name] = convert[f.name](value) if f.name in convert else value
    if values:
        _check_names(cls, "values", values)
        raise ValueError(f"{', '.join(sorted(values))}: not set through {cls.__name__}(...).")
    return cls(**kwargs)


def row_values(
    obj: AttrsInstance,
    *,
    columns: Mapping[str, str] | None = None,
    convert: Mapping[str, Callable[[Any], Any]] | None = None,
    exclude: Collection[str] = (),
) -> dict[str, Any]:
    """The column values of the attrs object ``obj``: every field but those in ``exclude``,
    under the column name ``columns[field]`` or its own, passed through ``convert[field]``
    when given (e.g. ``list`` for a tuple stored in a JSON column). Names that are not fields
    raise ``ValueError``."""
    cls = type(obj)
    columns = columns or {}
    convert = convert or {}
    _check_names(cls, "columns", columns)
    _check_names(cls, "convert", convert)
    _check_names(cls, "exclude", exclude)
    out: dict[str, Any] = {}
    for f in attrs.fields(cls):
        if f.name in exclude:
            continue
        value = getattr(obj, f.name)
        out[columns.get(f.name, f.name)] = convert[f.name](value) if f.name in convert else value
    return out


def first_row(session: Session, statement: Executable, missing: str) -> Row[Any]:
    """The first row ``statement`` selects; ``NotFound(missing)`` when there is none (the
    message names what was asked for, e.g. ``There is no course with id 7.``)."""
    row = session.execute(statement).first()
    if row is None:
        raise NotFound(missing)
    return row
