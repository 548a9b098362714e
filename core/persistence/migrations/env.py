"""Alembic environment: runs on the connection that ``core.persistence.migrate`` hands over."""

from __future__ import annotations

from alembic import context

from core.persistence.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through 'regiokarte init' (core.persistence.migrate).")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    version_table="alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
