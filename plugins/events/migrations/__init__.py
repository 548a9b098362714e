"""Alembic revisions of the events plugin (branch ``events``)."""
