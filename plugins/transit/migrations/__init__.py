"""Alembic revisions of the transit plugin (branch ``transit``)."""
