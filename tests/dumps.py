"""A dump of every table of a platform's database, to show that a refused write changed
nothing: compare the dump before and after, byte for byte."""

from __future__ import annotations

import sqlalchemy as sa

from core import Platform


def database_dump(platform: Platform) -> str:
    """Every row of every table as text, tables by name and rows sorted (engine order aside)."""
    metadata = sa.MetaData()
    metadata.reflect(platform.db)
    parts: list[str] = []
    with platform.db.connect() as connection:
        for name in sorted(metadata.tables):
            table = metadata.tables[name]
            rows = sorted(repr(tuple(row)) for row in connection.execute(sa.select(table)))
            parts.append(f"## {name} ({len(rows)} rows)")
            parts.extend(rows)
    return "\n".join(parts)
