"""core: companies, contacts, change log, index state

Revision ID: core_0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0001"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_companies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(220), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(5), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("ags", sa.String(8), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("industry", sa.String(1), nullable=False),
        sa.Column("industry_division", sa.String(2), nullable=True),
        sa.Column("professions", sa.JSON(), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("family", sa.JSON(), nullable=False),
        sa.Column("certificates", sa.JSON(), nullable=False),
        sa.Column("offers", sa.JSON(), nullable=False),
        sa.Column("benefits", sa.JSON(), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("extensions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_core_companies_status", "core_companies", ["status"])
    op.create_index("ix_core_companies_status_id", "core_companies", ["status", "id"])
    op.create_table(
        "core_company_contacts",
        sa.Column("company_id", sa.Integer(),
                  sa.ForeignKey("core_companies.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(50), nullable=False),
    )
    op.create_table(
        "core_changes",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "core_index_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("generation", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_index_state")
    op.drop_table("core_changes")
    op.drop_table("core_company_contacts")
    op.drop_index("ix_core_companies_status_id", "core_companies")
    op.drop_index("ix_core_companies_status", "core_companies")
    op.drop_table("core_companies")
