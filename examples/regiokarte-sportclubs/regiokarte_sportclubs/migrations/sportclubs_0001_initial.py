"""sportclubs: clubs

Revision ID: sportclubs_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "sportclubs_0001"
down_revision = None
branch_labels = ("sportclubs",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "sportclubs_clubs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("osm_id", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sports", sa.String(500), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
    )
    op.create_index("ix_sportclubs_clubs_lat_lon", "sportclubs_clubs", ["lat", "lon"])


def downgrade() -> None:
    op.drop_index("ix_sportclubs_clubs_lat_lon", "sportclubs_clubs")
    op.drop_table("sportclubs_clubs")
