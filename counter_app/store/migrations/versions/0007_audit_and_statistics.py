"""An audit log of actions (ids only) and the anonymous statistics a case leaves behind when its
personal data is purged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=True),
        sa.Column("counter", sa.String(64), nullable=False, server_default=""),
        sa.Column("account", sa.String(64), nullable=False, server_default=""),
        sa.Column("detail", sa.String(200), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_case_id", "audit_log", ["case_id"])
    op.create_table(
        "case_statistics",
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("move_kind", sa.String(16), nullable=True),
        sa.Column("event_kind", sa.String(16), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("procedures", sa.JSON(), nullable=False),
        sa.Column("forms_prefilled", sa.Integer(), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=True),
        sa.Column("counter", sa.String(64), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_statistics"),
    )
    op.create_index("ix_case_statistics_closed_at", "case_statistics", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_case_statistics_closed_at", table_name="case_statistics")
    op.drop_table("case_statistics")
    op.drop_index("ix_audit_log_case_id", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
