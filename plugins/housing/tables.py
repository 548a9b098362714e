"""The plugin's tables (``housing_*``); the schema is created by the migration in
``migrations/``. Offers are found by (source, external_id), so a re-import updates them."""

from __future__ import annotations

from core import SourceKey
from core import address_columns
from core import import_log_table
from core import point_columns
from core import record_table
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import Float
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Text

__all__ = ["imports", "metadata", "offers"]

metadata = MetaData()

offers = record_table(
    "housing_offers",
    metadata,
    SourceKey("external_id"),
    Column("title", String(200), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("offer_type", String(10), nullable=False),
    Column("rooms", Float),
    Column("area_m2", Float),
    Column("cold_rent", Float),
    Column("warm_rent", Float),
    Column("additional_costs", Float),
    Column("price", Float),
    Column("available_from", Date),
    *address_columns(),
    Column("address_public", Boolean, nullable=False),
    *point_columns(required=True),
    Column("provider_type", String(20), nullable=False),
    Column("provider_name", String(200), nullable=False),
    Column("contact_name", String(200), nullable=False),
    Column("contact_email", String(320), nullable=False),
    Column("contact_phone", String(50), nullable=False),
    Column("link", String(500), nullable=False),
    Column("description", Text, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("company_id", Integer),
)
Index("ix_housing_offers_lat_lon", offers.c.lat, offers.c.lon)
Index("ix_housing_offers_expires_on", offers.c.expires_on)

imports = import_log_table(
    "housing_imports", metadata, ("imported_at", "file_name", "format", "source", "report")
)
