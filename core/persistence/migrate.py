"""Creating and upgrading the database with Alembic: the core branch plus one per plugin."""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from core.errors import ConfigError

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


def upgrade(
    engine: Engine, version_locations: Sequence[str] = (), targets: Sequence[str] = ("heads",)
) -> None:
    """Bring the database to each target revision, in order (default: every head).

    ``version_locations`` should name the folders of every *installed* plugin, enabled or not:
    a disabled plugin's revision stays in the version table (its tables and data are kept), and
    Alembic must be able to find it; ``targets`` then upgrades only the enabled branches.
    """
    config = alembic_config(version_locations)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        try:
            for target in targets:
                command.upgrade(config, target)
        except CommandError as exc:
            raise ConfigError(
                f"The database cannot be upgraded: {exc}. A revision in its alembic_version "
                "table may belong to a plugin that is no longer installed; install the plugin "
                "again (it can stay disabled)."
            ) from None


def current_heads(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def pending_heads(
    engine: Engine, version_locations: Sequence[str] = (), branches: Sequence[str] | None = None
) -> set[str]:
    """Heads the scripts know that the database has not reached yet (of ``branches`` only,
    when given: branch labels such as ``core`` or a plugin's name)."""
    script = ScriptDirectory.from_config(alembic_config(version_locations))
    revisions = {r.revision: r for r in script.walk_revisions()}
    labelled = {label: r.revision for r in revisions.values() for label in r.branch_labels}

    def names(value: str | Sequence[str] | None) -> tuple[str, ...]:
        return () if value is None else (value,) if isinstance(value, str) else tuple(value)

    # Alembic stores only the heads of the version graph: a plugin revision that depends on
    # core_0001 stands for core_0001 too, so a head counts as reached when the database holds
    # it or a revision that (through down revisions or dependencies) builds on it.
    reached: set[str] = set()
    todo = list(current_heads(engine))
    while todo:
        name = todo.pop()
        revision = revisions.get(labelled.get(name, name))
        if revision is None or revision.revision in reached:
            continue  # reached already, or a revision of a plugin that is not enabled
        reached.add(revision.revision)
        todo += [*names(revision.down_revision), *names(revision.dependencies)]
    heads = set(script.get_heads())
    if branches is not None:
        wanted = set(branches)
        heads = {h for h in heads if wanted & set(script.get_revision(h).branch_labels or ())}
    return heads - reached
