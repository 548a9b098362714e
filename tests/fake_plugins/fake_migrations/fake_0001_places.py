"""fake: places near companies

Revision ID: fake_0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "fake_0001"
down_revision = None
branch_labels = ("fake",)
# the table points at core_companies, so that core revision must run first
depends_on = ("core_0001",)


def upgrade() -> None:
    op.create_table(
        "fake_places",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "company_id",
            sa.Integer(),
            sa.ForeignKey("core_companies.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("fake_places")
