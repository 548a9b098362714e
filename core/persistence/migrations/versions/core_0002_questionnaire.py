"""core: questionnaire submissions, editor tokens, operators, consents, logos, audit log

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-30
"""
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> Any:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "core_submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("step", sa.String(60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        _when("submitted_at", True),
        _when("decided_at", True),
    )
    op.create_index("ix_core_submissions_company_id", "core_submissions", ["company_id"])
    op.create_index("ix_core_submissions_status", "core_submissions", ["status"])
    op.create_table(
        "core_editor_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("expires_at"),
        _when("revoked_at", True),
        _when("last_used_at", True),
    )
    op.create_index("ix_core_editor_tokens_submission_id", "core_editor_tokens", ["submission_id"])
    op.create_index("ix_core_editor_tokens_company_id", "core_editor_tokens", ["company_id"])
    op.create_table(
        "core_operators",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _when("created_at"),
        _when("last_login_at", True),
    )
    op.create_table(
        "core_consents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        _when("at"),
    )
    op.create_index("ix_core_consents_submission_id", "core_consents", ["submission_id"])
    op.create_index("ix_core_consents_company_id", "core_consents", ["company_id"])
    op.create_table(
        "core_logos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("mimetype", sa.String(40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        _when("created_at"),
    )
    op.create_index("ix_core_logos_submission_id", "core_logos", ["submission_id"])
    op.create_index("ix_core_logos_company_id", "core_logos", ["company_id"])
    op.create_table(
        "core_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        _when("at"),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(60), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
    )
    op.create_index("ix_core_audit_subject", "core_audit", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_core_audit_subject", "core_audit")
    op.drop_table("core_audit")
    for table in ("core_logos", "core_consents", "core_editor_tokens"):
        for column in ("submission_id", "company_id"):
            op.drop_index(f"ix_{table}_{column}", table)
    op.drop_table("core_logos")
    op.drop_table("core_consents")
    op.drop_table("core_operators")
    op.drop_table("core_editor_tokens")
    op.drop_index("ix_core_submissions_status", "core_submissions")
    op.drop_index("ix_core_submissions_company_id", "core_submissions")
    op.drop_table("core_submissions")
