"""Folded (case- and umlaut-insensitive) text search in SQL, the same on SQLite and PostgreSQL.

``fold`` (from ``core.search.textindex``) makes "Übung", "UEBUNG" and "ubung" one word. A dataset
search that compares ``lower(column)`` misses that on SQLite, whose ``lower()`` knows only
ASCII, and loading every row to fold it in Python costs a full table read per search. Here
the database folds: ``folded(column)`` is an SQL expression whose value is ``fold(column)``.
On SQLite it calls ``regiokarte_fold``, a function every new SQLite connection registers
(``register_fold`` listens to every engine); on PostgreSQL it is built from ``lower``,
``translate``, ``replace`` and ``regexp_replace`` with a table computed from ``fold`` itself,
so both engines give what ``fold`` gives (tests compare them character by character).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, Row, Select, String, and_, cast, event, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from core.io.datasets import DatasetPage
from core.search.textindex import fold

__all__ = ["folded", "folded_match", "folded_search", "register_fold"]

#: The name of the SQL function SQLite connections register.
SQL_FUNCTION = "regiokarte_fold"


def _fold_sql(value: Any) -> str | None:
    return None if value is None else fold(str(value))


@event.listens_for(Engine, "connect")
def register_fold(dbapi_connection: Any, _record: Any = None) -> None:
    """Register ``regiokarte_fold`` on each new SQLite connection of any engine."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(SQL_FUNCTION, 1, _fold_sql, deterministic=True)


def _tables() -> tuple[tuple[tuple[str, str], ...], str, str]:
    """What ``fold`` makes of each non-ASCII character it keeps something of.

    Characters folding to several letters (ß, þ, ĳ, ½) become ``replace`` calls, those
    folding to one letter one ``translate``; the rest fold to nothing (a ``regexp_replace``).
    The Latin blocks, ligatures and full-width forms are listed; letters of other scripts
    fold to nothing, which the ``regexp_replace`` gives as well.
    """
    several: list[tuple[str, str]] = []
    source, target = [], []
    ranges = (
        range(0x80, 0x250),  # Latin-1, Latin Extended-A and -B
        range(0x1E00, 0x1F00),  # Latin Extended Additional
        range(0xFB00, 0xFB07),  # ligatures (ﬁ)
        range(0xFF01, 0xFF5F),  # full-width forms
    )
    for char in (chr(code) for block in ranges for code in block):
        if unicodedata.category(char) == "Cs":
            continue
        plain = fold(char)
        if len(plain) > 1:
            several.append((char, plain))
        elif plain:
            source.append(char)
            target.append(plain)
    return tuple(several), "".join(source), "".join(target)


_SEVERAL, _SOURCE, _TARGET = _tables()
_NOT_ASCII = "[^\\x01-\\x7f]"
_SEPARATOR = "\x01"


class folded(FunctionElement[str]):  # noqa: N801 - reads as the SQL function it is
    """``folded(expr)``: the SQL value of ``fold(expr)`` (NULL stays NULL)."""

    type = String()
    name = SQL_FUNCTION
    inherit_cache = True


@compiles(folded)
def _compile_default(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQL_FUNCTION}({compiler.process(element.clauses, **kw)})"


def _digraphs(sql: str) -> str:
    for pair, letter in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        sql = f"replace({sql}, '{pair}', '{letter}')"
    return sql


@compiles(folded, "postgresql")
def _compile_postgresql(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    def bound(text: str) -> str:
        return compiler.process(literal(text, String()), **kw)

    # the steps of fold(): lower case and ß first, then "ae" -> "a" (also across an accent
    # dropped later: "äe"), each letter's plain form, nothing for the rest, "ae" once more
    sql = f"lower({compiler.process(element.clauses, **kw)})"
    sql = f"replace(replace({sql}, {bound('ß')}, 'ss'), {bound('ẞ')}, 'ss')"
    sql = _digraphs(sql)
    for char, plain in _SEVERAL:
        sql = f"replace({sql}, {bound(char)}, {bound(plain)})"
    sql = f"translate({sql}, {bound(_SOURCE)}, {bound(_TARGET)})"
    sql = f"regexp_replace({sql}, {bound(_NOT_ASCII)}, '', 'g')"
    return _digraphs(sql)


def folded_match(text: str, *columns: Any) -> ColumnElement[bool] | None:
    """Rows where every word of ``text`` occurs, folded, in one of ``columns``.

    ``None`` when ``text`` has no word (no condition: every row matches). Words are compared
    as substrings of the folded column values ("werk" finds "Autowerkstatt"), so "Übung",
    "uebung" and "UBUNG" find the same rows; ``%`` and ``_`` are plain characters.
    """
    words = list(dict.fromkeys(fold(text).replace(_SEPARATOR, " ").split()))
    if not words:
        return None
    # the columns joined by a separator no word holds, folded once per row
    joined: Any = None
    for column in columns:
        value = func.coalesce(cast(column, String()), "")
        joined = value if joined is None else joined.concat(_SEPARATOR).concat(value)
    haystack = folded(joined)
    return and_(*(haystack.contains(word, autoescape=True) for word in words))


def folded_search(
    session: Session,
    query: Select[Any],
    text: str,
    columns: Sequence[Any],
    order_by: Sequence[Any],
    page: tuple[int, int],
    to_row: Callable[[Row[Any]], dict[str, Any]],
) -> DatasetPage:
    """A dataset's ``search``: the ``page`` (offset, limit) of ``query``'s rows matching
    ``text`` (``folded_match`` over ``columns``) in ``order_by`` order, each made a dataset
    row by ``to_row``, and the number of all matching rows."""
    condition = folded_match(text, *columns)
    if condition is not None:
        query = query.where(condition)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    offset, limit = page
    rows = session.execute(query.order_by(*order_by).offset(offset).limit(limit))
    return DatasetPage([to_row(row) for row in rows], int(total or 0))
