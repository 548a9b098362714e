"""Alembic revisions of the sportclubs plugin (branch ``sportclubs``)."""
