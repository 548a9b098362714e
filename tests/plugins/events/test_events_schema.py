"""The migration creates exactly the tables the code describes, on a branch of its own."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core import Platform
from plugins.events import tables as t


def test_migration_matches_the_table_definitions(platform: Platform) -> None:
    with platform.db.connect() as connection:
        names = set(inspect(connection).get_table_names())
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = [
            d
            for d in compare_metadata(context, t.metadata)
            # core's tables are not in this metadata; only differences of ours count
            if "events_" in repr(d) and d[0] != "remove_table"
        ]
    assert diff == []
    assert {n for n in names if n.startswith("events_")} == set(t.metadata.tables)


def test_tables_and_branch_are_namespaced(platform: Platform) -> None:
    from plugins.events.migrations import events_0001_initial as revision

    assert all(name.startswith("events_") for name in t.metadata.tables)
    assert revision.branch_labels == ("events",) and revision.depends_on == "core_0001"
    assert platform.database_is_current()


def test_readme_documents_every_setting() -> None:
    from pathlib import Path

    from core.settings import describe_settings
    from plugins.events import settings

    readme = (Path(settings.__file__).parent / "README.md").read_text("utf-8")
    for key, _, default, text in describe_settings(settings.EventsSettings):
        assert f"| `{key}` | " in readme and f"`{default!r}`" in readme and text in readme, key
