"""The plugin's tables (``jobs_*``), created by the migrations in ``migrations/``.

``jobs_positions`` holds every position ever entered or imported, closed ones included (they
give the time to fill); ``(source, external_id)`` identifies a position of a source, so a
second import of a feed updates its positions instead of adding them twice. ``company_id``
names a company of core's without a foreign key: a deleted company's positions are handled by
the plugin's ``company_changed`` hook, and core's tables stay the plugin's to read only.
Every write raises the plugin's change counter (core's ``core_plugin_state``).
"""

from __future__ import annotations

from core import SourceKey
from core import import_log_table
from core import point_columns
from core import record_table
from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text

__all__ = ["imports", "invitations", "metadata", "positions"]

metadata = MetaData()

positions = record_table(
    "jobs_positions",
    metadata,
    SourceKey("external_id", source_length=20),
    Column("company_id", Integer),
    Column("employer_name", String(300), nullable=False),
    Column("employer_postcode", String(5), nullable=False),
    Column("employer_town", String(100), nullable=False),
    Column("title", String(300), nullable=False),
    Column("profession", String(5)),
    Column("kind", String(20), nullable=False),
    Column("start_date", Date),
    Column("published", Date, nullable=False),
    Column("valid_through", Date),
    Column("description", Text, nullable=False),
    Column("apply_url", String(500), nullable=False),
    Column("apply_email", String(254), nullable=False),
    Column("apply_phone", String(50), nullable=False),
    *point_columns(required=False),
    Column("match", String(20), nullable=False),
    Column("match_candidates", JSON, nullable=False),
    Column("filled_on", Date),
    Column("is_demo", Boolean, nullable=False),
)

imports = import_log_table("jobs_imports", metadata, source_length=20)

#: Employers of unmatched positions invited to the Leitfragebogen (by the draft it started):
#: approving that draft hands the company the positions under the employer's name.
invitations = Table(
    "jobs_invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", Integer, nullable=False, unique=True),
    Column("employer_name", String(300), nullable=False),
    Column("employer_postcode", String(5), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

Index("ix_jobs_positions_company_id", positions.c.company_id)
Index("ix_jobs_positions_match", positions.c.match)
