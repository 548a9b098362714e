"""Creating and upgrading the database with Alembic: the core branch plus one per plugin."""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

__all__ = ["alembic_config", "current_heads", "pending_heads", "upgrade"]


def alembic_config(version_locations: Sequence[str] = ()) -> Config:
    """An Alembic config for the core migrations plus the plugins' version folders."""
    script_location = str(resources.files("core.persistence.migrations"))
    config = Config()
    config.set_main_option("script_location", script_location)
    locations = [f"{script_location}/versions", *version_locations]
    # os.pathsep-separated; folder names with spaces are fine this way
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(locations))
    return config


def upgrade(engine: Engine, version_locations: Sequence[str] = ()) -> None:
    """Bring the database to the newest revision of every branch (``alembic upgrade heads``)."""
    config = alembic_config(version_locations)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


def current_heads(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def pending_heads(engine: Engine, version_locations: Sequence[str] = ()) -> set[str]:
    """Heads the scripts know that the database has not reached yet."""
    script = ScriptDirectory.from_config(alembic_config(version_locations))
    return set(script.get_heads()) - current_heads(engine)
