"""jobs: invitations of employers known only from a feed

Revision ID: jobs_0002
Revises: jobs_0001
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "jobs_0002"
down_revision = "jobs_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs_invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("employer_name", sa.String(300), nullable=False),
        sa.Column("employer_postcode", sa.String(5), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("submission_id", name="uq_jobs_invitations_submission_id"),
    )


def downgrade() -> None:
    op.drop_table("jobs_invitations")
