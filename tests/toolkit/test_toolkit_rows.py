"""Rows to attrs objects and back: a record written with ``row_values`` and read with
``from_row`` is the record again, on both engines (``REGIOKARTE_TEST_ENGINE``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from attrs import define, frozen

from core import NotFound, Platform, SearchQuery, as_utc, first_row, from_row, row_values


@frozen
class Spot:
    name: str
    town: str = ""
    lat: float | None = None
    lon: float | None = None


@define
class Offer:
    title: str
    tags: tuple[str, ...] = ()
    spot: Spot = Spot("")
    id: int | None = None
    created_at: dt.datetime | None = None


SPOT = {"name": "spot_name"}


def _table() -> sa.Table:
    return sa.Table(
        "toolkit_rows",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("spot_name", sa.String(100), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def test_an_object_written_as_row_values_reads_back_with_from_row(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform()
    table = _table()
    table.create(platform.db)
    offer = Offer("Zweiraumwohnung", ("balkon", "aufzug"), Spot("Altbau Nord", "Marl", 51.65, 7.09))
    values = {
        **row_values(offer, exclude=("id", "spot", "created_at"), convert={"tags": list}),
        **row_values(offer.spot, columns=SPOT),
    }
    # the columns as written by hand, the way plugins spelled them out before
    assert values == {
        "title": "Zweiraumwohnung",
        "tags": ["balkon", "aufzug"],
        "spot_name": "Altbau Nord",
        "town": "Marl",
        "lat": 51.65,
        "lon": 7.09,
    }
    written = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
    with platform.session(write=True) as session:
        new_id = session.execute(
            sa.insert(table).values(**values, created_at=written)
        ).inserted_primary_key[0]
    with platform.session() as session:
        row = session.execute(sa.select(table)).one()
    read = from_row(
        Offer,
        row,
        convert={"tags": tuple, "created_at": as_utc},
        spot=from_row(Spot, row, columns=SPOT),
    )
    assert read == Offer(offer.title, offer.tags, offer.spot, new_id, written)
    assert read.tags == ("balkon", "aufzug") and read.created_at == written
    with platform.session() as session:
        found = first_row(session, sa.select(table).where(table.c.id == new_id), "gone")
        assert found.title == "Zweiraumwohnung"
        other = new_id + 1
        with pytest.raises(NotFound, match=f"^There is no offer with id {other}.$"):
            query = sa.select(table).where(table.c.id == other)
            first_row(session, query, f"There is no offer with id {other}.")


def test_fields_the_row_lacks_keep_their_defaults_and_plain_mappings_work() -> None:
    read = from_row(Offer, {"title": "Loft", "town": "Dorsten", "unknown_column": 1})
    assert read == Offer("Loft")
    with pytest.raises(TypeError):  # a field without default must be in the row
        from_row(Offer, {"tags": []})


def test_an_object_with_attributes_copies_into_another_class() -> None:
    @frozen
    class OwnQuery:
        text: str = ""
        page: int = 1
        per_page: int = 20
        sort: str = "date"

    query = SearchQuery(text="pflege", page=3, per_page=50)
    copied = from_row(OwnQuery, query, sort="title")
    assert copied == OwnQuery(text="pflege", page=3, per_page=50, sort="title")


def test_names_that_are_no_fields_are_refused_with_the_known_fields() -> None:
    offer = Offer("Loft")
    with pytest.raises(ValueError, match="titel, which is not a field of Offer") as info:
        row_values(offer, columns={"titel": "title"})
    assert "its fields are: created_at, id, spot, tags, title" in str(info.value)
    with pytest.raises(ValueError, match="exclude names spots"):
        row_values(offer, exclude=("spots",))
    with pytest.raises(ValueError, match="convert names tag,"):
        from_row(Offer, {"title": "Loft"}, convert={"tag": tuple})
    with pytest.raises(ValueError, match="values names titel"):
        from_row(Offer, {"title": "Loft"}, titel="Loft")
