"""Alembic revisions of the childcare plugin (branch ``childcare``)."""
