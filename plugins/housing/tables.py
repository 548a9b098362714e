"""The plugin's tables (``housing_*``); the schema is created by the migration in
``migrations/``. Offers are found by (source, external_id), so a re-import updates them."""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint

__all__ = ["imports", "metadata", "offers"]

metadata = MetaData()

offers = Table(
    "housing_offers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(100), nullable=False),
    Column("external_id", String(200), nullable=False),
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
    Column("street", String(200), nullable=False),
    Column("postcode", String(5), nullable=False),
    Column("town", String(100), nullable=False),
    Column("address_public", Boolean, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("provider_type", String(20), nullable=False),
    Column("provider_name", String(200), nullable=False),
    Column("contact_name", String(200), nullable=False),
    Column("contact_email", String(320), nullable=False),
    Column("contact_phone", String(50), nullable=False),
    Column("link", String(500), nullable=False),
    Column("description", Text, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("company_id", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "external_id", name="uq_housing_offers_source_external_id"),
)
Index("ix_housing_offers_lat_lon", offers.c.lat, offers.c.lon)
Index("ix_housing_offers_expires_on", offers.c.expires_on)

imports = Table(
    "housing_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("format", String(20), nullable=False),
    Column("source", String(100), nullable=False),
    Column("report", JSON, nullable=False),
)
