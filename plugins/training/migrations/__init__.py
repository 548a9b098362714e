"""Alembic revisions of the training plugin (branch ``training``)."""
