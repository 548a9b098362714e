"""Alembic revisions of the housing plugin (branch ``housing``)."""
