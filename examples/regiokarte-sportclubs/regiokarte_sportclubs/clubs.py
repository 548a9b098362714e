"""Clubs: the table ``sportclubs_clubs`` and its queries (they take a session, never commit)."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen
from core import BBox
from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Session

__all__ = ["Club", "all_clubs", "clubs", "in_box", "metadata", "replace_all"]

metadata = MetaData()

#: Created by migrations/sportclubs_0001_initial.py; keep both in step.
clubs = Table(
    "sportclubs_clubs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("osm_id", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("sports", String(500), nullable=False),
    Column("address", String(300), nullable=False),
    Column("website", String(500), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)
Index("ix_sportclubs_clubs_lat_lon", clubs.c.lat, clubs.c.lon)


@frozen
class Club:
    """A sports club (or sports centre) from OpenStreetMap."""

    osm_id: str
    name: str
    sports: tuple[str, ...]
    lat: float
    lon: float
    address: str = ""
    website: str = ""


def _club(row: object) -> Club:
    m = row._mapping  # type: ignore[attr-defined]
    return Club(
        osm_id=m["osm_id"],
        name=m["name"],
        sports=tuple(s for s in m["sports"].split(";") if s),
        lat=m["lat"],
        lon=m["lon"],
        address=m["address"],
        website=m["website"],
    )


def in_box(session: Session, bbox: BBox | None, *, limit: int | None = None) -> list[Club]:
    """Clubs inside ``bbox`` (None: all), by name."""
    query = select(clubs).order_by(clubs.c.name, clubs.c.osm_id)
    if bbox is not None:
        query = query.where(
            clubs.c.lat.between(bbox.south, bbox.north),
            clubs.c.lon.between(bbox.west, bbox.east),
        )
    if limit is not None:
        query = query.limit(limit)
    return [_club(row) for row in session.execute(query)]


def all_clubs(session: Session) -> list[Club]:
    return in_box(session, None)


def replace_all(session: Session, found: Sequence[Club]) -> None:
    """The clubs of an import replace every club (an extract is the whole data set)."""
    session.execute(delete(clubs))
    if found:
        session.execute(
            insert(clubs),
            [
                {
                    "osm_id": c.osm_id,
                    "name": c.name,
                    "sports": ";".join(c.sports),
                    "address": c.address,
                    "website": c.website,
                    "lat": c.lat,
                    "lon": c.lon,
                }
                for c in found
            ],
        )
