"""Stored times come back as aware UTC on both engines (``REGIOKARTE_TEST_ENGINE``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from core import Platform, as_utc, utcnow


def test_a_stored_time_reads_back_as_the_same_aware_utc(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform()
    berlin = dt.timezone(dt.timedelta(hours=2))
    written = dt.datetime(2026, 7, 1, 9, 30, tzinfo=berlin)
    table = sa.Table(
        "toolkit_times",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    table.create(platform.db)
    with platform.session(write=True) as session:
        session.execute(sa.insert(table).values(id=1, at=as_utc(written)))
    with platform.session() as session:
        raw = session.scalar(sa.select(table.c.at))
    read = as_utc(raw)
    assert read == written and read is not None and read.utcoffset() == dt.timedelta(0)
    assert read.hour == 7  # 09:30 in UTC+2


def test_now_is_aware_utc_and_none_stays_none() -> None:
    before = dt.datetime.now(dt.UTC)
    now = utcnow()
    assert now.tzinfo is dt.UTC and before <= now <= dt.datetime.now(dt.UTC)
    assert as_utc(None) is None
    assert as_utc(dt.datetime(2026, 1, 1, 12)) == dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
