"""housing: offers, state counter, import log

Revision ID: housing_0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "housing_0001"
down_revision = None
branch_labels = ("housing",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "housing_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("offer_type", sa.String(10), nullable=False),
        sa.Column("rooms", sa.Float()),
        sa.Column("area_m2", sa.Float()),
        sa.Column("cold_rent", sa.Float()),
        sa.Column("warm_rent", sa.Float()),
        sa.Column("additional_costs", sa.Float()),
        sa.Column("price", sa.Float()),
        sa.Column("available_from", sa.Date()),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(5), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("address_public", sa.Boolean(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("provider_type", sa.String(20), nullable=False),
        sa.Column("provider_name", sa.String(200), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(320), nullable=False),
        sa.Column("contact_phone", sa.String(50), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("company_id", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source", "external_id", name="uq_housing_offers_source_external_id"),
    )
    op.create_index("ix_housing_offers_lat_lon", "housing_offers", ["lat", "lon"])
    op.create_index("ix_housing_offers_expires_on", "housing_offers", ["expires_on"])
    op.create_table(
        "housing_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "housing_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("housing_imports")
    op.drop_table("housing_state")
    op.drop_index("ix_housing_offers_expires_on", "housing_offers")
    op.drop_index("ix_housing_offers_lat_lon", "housing_offers")
    op.drop_table("housing_offers")
