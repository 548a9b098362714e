"""Alembic revisions of the jobs plugin (branch ``jobs``)."""
