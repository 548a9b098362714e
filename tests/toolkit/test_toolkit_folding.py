"""``folded``, ``folded_match`` and ``folded_search`` agree with Python's ``fold`` on the
engine under test (SQLite and PostgreSQL), character by character and row by row."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from core import folded, folded_match, folded_search
from core.search.textindex import fold
from core.toolkit.folding import _SEVERAL, _SOURCE

NAMES = (
    "Bäckerei Müller",
    "BAECKEREI MUELLER",
    "Baeckerei Mueller GmbH",
    "Straßenbau Öztürk",
    "STRASSENBAU OEZTUERK",
    "Kita Sonnenschein",
    "Städtische Kita Über den Wolken",
    "Œuvre Ærø Łódź",
    "Café Crème",
    "50% Rabatt_auf alles",
    "Gelsenkirchen Hbf",
    "Herten (Westf.) Süd",
    "Aeeoeue",
    "ﬁnanzamt ½ Preis",
    "ÄE Äe äE",
    "Ĳsselmeer ǅemal",
)
QUERIES = (
    "bäcker",
    "BAECKER",
    "muller",
    "straße",
    "strasse öz",
    "über",
    "ueber wolken",
    "KITA",
    "creme",
    "50%",
    "_auf",
    "%",
    "ae",
    "aee",
    "finanz",
    "ijssel",
    "dzemal",
    "süd westf",
    "nichts",
)


@pytest.fixture
def engine(new_database: object) -> Iterator[Engine]:
    # a plain engine: the fold function is registered for every SQLite connection
    made = create_engine(new_database())  # type: ignore[operator]
    yield made
    made.dispose()


def test_folded_is_fold_for_every_listed_character(engine: Engine) -> None:
    characters = list(_SOURCE) + [char for char, _ in _SEVERAL] + ["€", "ð", "中", "Ω", "\u0301"]
    with engine.connect() as connection:
        for start in range(0, len(characters), 100):
            chunk = characters[start : start + 100]
            got = connection.execute(select(*(folded(literal(c)) for c in chunk))).one()
            assert list(got) == [fold(c) for c in chunk]


def test_folded_is_fold_for_texts_made_of_tricky_pieces(engine: Engine) -> None:
    pieces = ["a", "e", "o", "u", "ä", "Ä", "ß", "ẞ", "é", "Æ", "þ", "ĳ", "İ", " ", "-", "x"]
    randomly = random.Random(20)
    texts = ["".join(randomly.choices(pieces, k=randomly.randint(1, 12))) for _ in range(300)]
    texts += list(NAMES)
    with engine.connect() as connection:
        for start in range(0, len(texts), 100):
            chunk = texts[start : start + 100]
            got = connection.execute(select(*(folded(literal(t)) for t in chunk))).one()
            assert list(got) == [fold(t) for t in chunk], chunk


def test_folded_keeps_null(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(select(folded(literal(None, String())))).scalar() is None


def _brute_force(query: str, rows: list[tuple[int, str, str | None]]) -> list[int]:
    words = fold(query).split()
    return [
        row_id
        for row_id, name, town in rows
        if all(any(w in fold(v or "") for v in (name, town)) for w in words)
    ]


def test_folded_match_and_search_find_what_python_finds(engine: Engine) -> None:
    metadata = MetaData()
    table = Table(
        "places",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(200)),
        Column("town", String(100)),
    )
    towns = ["Recklinghausen", "Gelsenkirchen", "Dülmen", None, "DUELMEN", "Herne"]
    rows = [(i + 1, name, towns[i % len(towns)]) for i, name in enumerate(NAMES)]
    with engine.begin() as connection:
        metadata.create_all(connection)
        connection.execute(insert(table), [{"id": i, "name": n, "town": t} for i, n, t in rows])
    with Session(engine) as session:
        for query in (*QUERIES, "dülmen", "duelmen bäck", ""):
            expected = _brute_force(query, rows)
            condition = folded_match(query, table.c.name, table.c.town)
            statement = select(table.c.id).order_by(table.c.id)
            if condition is not None:
                statement = statement.where(condition)
            assert list(session.scalars(statement)) == expected, query
            page = folded_search(
                session,
                select(table.c.id),
                query,
                (table.c.name, table.c.town),
                (table.c.id,),
                (1, 3),
                lambda row: {"id": str(row.id)},
            )
            assert page.total == len(expected), query
            assert page.rows == [{"id": str(i)} for i in expected[1:4]], query
    assert folded_match("  ", table.c.name) is None
