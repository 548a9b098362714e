"""A dataset over one table: its search and the reading of one record, declared once.

A plugin dataset whose records are the rows of one table searches them the same way
(``folded_search`` over some columns, in a stable order) and reads one record by the number
the admin area passes the same way (``record_id``, ``NotFound`` for an unknown one).
``table_dataset`` builds these two functions from the table and the plugin's own row function
and takes the rest of a ``Dataset`` (labels, fields, writes, import, export, ``changed``) as
the plugin gives it; the plugin's name is the dataset id's first part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Row, Table, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from core.errors import NotFound
from core.io.datasets import Dataset, DatasetPage, record_id
from core.toolkit.folding import folded_search

__all__ = ["table_dataset"]

#: A column of the table by name, or any SQL expression (a scalar subquery of joined names).
Column = str | ColumnElement[Any]


def _columns(table: Table, columns: Sequence[Column]) -> list[ColumnElement[Any]]:
    return [table.c[c] if isinstance(c, str) else c for c in columns]


def table_dataset(
    dataset_id: str,
    table: Table,
    *,
    record: str,
    search_columns: Sequence[Column],
    order_by: Sequence[Column] = ("id",),
    row: Callable[[Row[Any]], dict[str, Any]] | None = None,
    load: Callable[[Session, int], dict[str, Any]] | None = None,
    not_found: str = "",
    **options: Any,
) -> Dataset:
    """The ``Dataset`` ``dataset_id`` (``"<plugin>.<name>"``) over the rows of ``table``.

    Its ``search`` finds the rows whose ``search_columns`` contain every word of the text
    (``folded_search``), in ``order_by`` order; its ``get`` reads the row whose integer
    ``id`` column is the number passed. A record is made a dataset row either by ``row``
    from its table row (a record stored in one row) or by ``load(session, id)`` (a record
    assembled from more tables; ``load`` raises ``NotFound`` for an unknown id): give exactly
    one. ``record`` names a record in the messages ("Kita"); ``not_found`` adds a sentence to
    the message for an id no row has. ``options`` are the other fields of ``Dataset``.
    """
    if (row is None) == (load is None):
        raise TypeError(f"table_dataset {dataset_id!r}: give either row or load, not both.")
    plugin, dot, _ = dataset_id.partition(".")
    if not dot or not plugin:
        raise ValueError(f"The dataset id {dataset_id!r} is not '<plugin>.<name>'.")
    words = _columns(table, search_columns)
    order = _columns(table, order_by)

    def search(session: Session, text: str, offset: int, limit: int) -> DatasetPage:
        if load is not None:
            return folded_search(
                session,
                select(table.c.id),
                text,
                words,
                order,
                (offset, limit),
                lambda found: load(session, found.id),
            )
        assert row is not None
        return folded_search(session, select(table), text, words, order, (offset, limit), row)

    def get(session: Session, value: str) -> dict[str, Any]:
        number = record_id(value, record)
        if load is not None:
            return load(session, number)
        assert row is not None
        found = session.execute(select(table).where(table.c.id == number)).first()
        if found is None:
            raise NotFound(f"There is no {record} with id {number}. {not_found}".strip())
        return row(found)

    return Dataset(id=dataset_id, search=search, get=get, plugin=plugin, **options)
