"""Every in-tree plugin's migrations create exactly the tables its ``tables.py`` describes:
the same columns, types, nullability, server defaults, keys, unique constraints and indexes."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core import Platform

PLUGINS = ["childcare", "events", "housing", "jobs", "training", "transit"]


@pytest.mark.parametrize("plugin", PLUGINS)
def test_migrations_match_the_table_definitions(
    make_platform: Callable[..., Platform], plugin: str
) -> None:
    metadata = importlib.import_module(f"plugins.{plugin}.tables").metadata
    platform = make_platform(plugins={"enabled": [plugin]})
    with platform.db.connect() as connection:
        names = set(inspect(connection).get_table_names())
        options = {"compare_type": True, "compare_server_default": True}
        context = MigrationContext.configure(connection, opts=options)
        # core's tables are not in this metadata: only differences in the plugin's own count
        diff = [
            d
            for d in compare_metadata(context, metadata)
            # the plugin's table names start a word ("core_jobs" is not the jobs plugin's)
            if re.search(rf"(?<![a-z_]){plugin}_", repr(d)) and d[0] != "remove_table"
        ]
    assert diff == []
    assert {n for n in names if n.startswith(f"{plugin}_")} == set(metadata.tables)
