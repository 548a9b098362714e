"""The plugin toolkit's change counters and the snapshot that follows them, on both engines
(``REGIOKARTE_TEST_ENGINE``), with two platforms on one database standing for two processes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from core import Platform, PluginSnapshot, bump_plugin_version, plugin_version
from core.persistence.companies import current_generation
from core.persistence.migrate import upgrade

PLUGINS_WITH_COUNTERS = ["childcare", "housing", "training", "events"]


def test_counters_are_per_plugin_and_bump_the_index_generation_when_asked(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform()
    with platform.session() as session:
        assert plugin_version(session, "shop") == 0
        generation = current_generation(session)
    with platform.session(write=True) as session:
        bump_plugin_version(session, "shop")
        bump_plugin_version(session, "shop", reindex=False)
        bump_plugin_version(session, "books", reindex=False)
    with platform.session() as session:
        assert plugin_version(session, "shop") == 2
        assert plugin_version(session, "books") == 1
        assert current_generation(session) == generation + 1


def test_a_bump_rolled_back_leaves_the_counter(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform()
    try:
        with platform.session(write=True) as session:
            bump_plugin_version(session, "shop")
            raise RuntimeError("the write fails")
    except RuntimeError:
        pass
    with platform.session() as session:
        assert plugin_version(session, "shop") == 0


class Shelf:
    """A plugin's data in memory: the names in a table of its own, as loaded."""

    def __init__(self, platform: Platform, **options: Any) -> None:
        self.loads: list[Any] = []
        self.snapshot = PluginSnapshot(platform, "shop", self.load, lambda: ("empty",), **options)

    def load(self, session: Any, version: Any) -> tuple[str, ...]:
        self.loads.append(version)
        rows = session.execute(sa.text("SELECT name FROM shop_items ORDER BY name"))
        return tuple(name for (name,) in rows)


def add_item(platform: Platform, name: str) -> None:
    with platform.session(write=True) as session:
        session.execute(sa.text("INSERT INTO shop_items (name) VALUES (:name)"), {"name": name})
        bump_plugin_version(session, "shop", reindex=False)


def create_items(platform: Platform) -> None:
    with platform.session(write=True) as session:
        session.execute(sa.text("CREATE TABLE shop_items (name VARCHAR(50) PRIMARY KEY)"))


def test_a_snapshot_follows_writes_of_another_process(
    make_platform: Callable[..., Platform],
) -> None:
    writer = make_platform()
    # the reader checks at most once an hour unless forced
    reader = make_platform(
        url=writer.settings.portal.database_url, search={"refresh_interval": 3600}
    )
    shelf = Shelf(reader)
    assert shelf.snapshot.get() == ("empty",)  # no table yet: the stand-in
    assert shelf.snapshot.version is None and shelf.loads == [0]  # the load failed
    create_items(writer)
    add_item(writer, "Brot")
    assert shelf.snapshot.get() == ("empty",)  # within the interval nothing is asked
    assert shelf.snapshot.get(force=True) == ("Brot",)
    assert shelf.snapshot.version == 1
    add_item(writer, "Apfel")
    assert shelf.snapshot.get() == ("Brot",)
    assert shelf.snapshot.get(force=True) == ("Apfel", "Brot")
    assert shelf.snapshot.get(force=True) == ("Apfel", "Brot")  # same version: not loaded again
    assert shelf.loads == [0, 1, 2]


def test_every_call_asks_with_no_interval_and_a_version_of_its_own(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform(search={"refresh_interval": 0})
    create_items(platform)

    def newest(session: Any) -> Any:
        return session.scalar(sa.text("SELECT max(name) FROM shop_items"))

    shelf = Shelf(platform, version=newest)
    assert shelf.snapshot.get() == ()
    with platform.session(write=True) as session:  # no counter moves: the data is the mark
        session.execute(sa.text("INSERT INTO shop_items (name) VALUES ('Zwiebel')"))
    assert shelf.snapshot.get() == ("Zwiebel",)
    assert shelf.loads == [None, "Zwiebel"]


def test_the_plugin_counters_move_to_core_with_their_values(
    make_platform: Callable[..., Platform],
) -> None:
    """A database whose plugins kept their own counter tables keeps their values."""
    platform = make_platform(upgrade=False, plugins={"enabled": PLUGINS_WITH_COUNTERS})
    folders = platform.migration_folders()
    locations = [f for fs in folders.values() for f in fs]
    old = ["core_0008", "childcare_0001", "housing_0001", "training_0001", "events_0002"]
    upgrade(platform.db, locations, old)
    values = {"childcare": 7, "housing": 3, "training": 11, "events": 5}
    with platform.db.begin() as connection:
        connection.execute(sa.text("DELETE FROM training_state"))  # its migration wrote a 0
        for plugin, value in values.items():
            column = "generation" if plugin == "events" else "version"
            connection.execute(
                sa.text(f"INSERT INTO {plugin}_state (id, {column}) VALUES (1, :v)"), {"v": value}
            )
    platform.upgrade_database()
    names = set(sa.inspect(platform.db).get_table_names())
    assert not {f"{p}_state" for p in PLUGINS_WITH_COUNTERS} & names
    with platform.session() as session:
        assert {p: plugin_version(session, p) for p in values} == values


def test_a_write_of_this_process_is_seen_at_once(make_platform: Callable[..., Platform]) -> None:
    # a command or request of this worker that wrote waits for no interval; a rolled-back
    # write changes nothing, so the snapshot is not loaded again for it
    platform = make_platform(search={"refresh_interval": 3600})
    create_items(platform)
    shelf = Shelf(platform)
    assert shelf.snapshot.get() == ()
    add_item(platform, "Brot")
    assert shelf.snapshot.get() == ("Brot",)
    try:
        with platform.session(write=True) as session:
            bump_plugin_version(session, "shop", reindex=False)
            raise RuntimeError("the write fails")
    except RuntimeError:
        pass
    assert shelf.snapshot.get() == ("Brot",)
    assert shelf.loads == [0, 1]
