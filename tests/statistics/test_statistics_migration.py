"""Revision core_0003 adds the usage counts to an existing database (SQLite or PostgreSQL, as
REGIOKARTE_TEST_ENGINE says) without touching its data, and takes them away again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from alembic import command

from core.persistence.migrate import alembic_config, current_heads, upgrade
from core.platform import Platform
from core.portal.statistics import write_counts


def test_core_0003_adds_and_removes_the_usage_counts(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform(upgrade=False)
    upgrade(platform.db, targets=["core_0002"])
    assert current_heads(platform.db) == {"core_0002"}
    with platform.db.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO core_index_state (id, generation) VALUES (1, 41)",
            )
        )
    assert "core_usage_counts" not in sa.inspect(platform.db).get_table_names()

    upgrade(platform.db, targets=["core_0003"])
    inspector = sa.inspect(platform.db)
    assert "core_usage_counts" in inspector.get_table_names()
    columns = {c["name"]: c for c in inspector.get_columns("core_usage_counts")}
    assert set(columns) == {"day", "kind", "key", "count"}
    assert not any(c["nullable"] for c in columns.values())
    primary = inspector.get_pk_constraint("core_usage_counts")["constrained_columns"]
    assert primary == ["day", "kind", "key"]
    with platform.db.connect() as connection:
        kept = connection.execute(sa.text("SELECT generation FROM core_index_state")).scalar()
    assert kept == 41
    day = dt.date(2026, 11, 2)
    with platform.session(write=True) as session:
        write_counts(session, {(day, "search", ""): 2})
    with platform.session(write=True) as session:
        write_counts(session, {(day, "search", ""): 1})
    with platform.db.connect() as connection:
        stored = connection.execute(sa.text("SELECT count FROM core_usage_counts")).scalar()
    assert stored == 3

    platform.upgrade_database()  # the later revisions build on it
    assert "core_usage_counts" in sa.inspect(platform.db).get_table_names()

    config = alembic_config()
    with platform.db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "core_0002")
    assert "core_usage_counts" not in sa.inspect(platform.db).get_table_names()
    assert current_heads(platform.db) == {"core_0002"}
