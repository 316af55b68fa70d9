"""Reception cases: the move, the household members and the interview answers.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("move_kind", sa.String(16), nullable=False),
        sa.Column("move_date", sa.Date(), nullable=False),
        sa.Column("previous_address", sa.Text(), nullable=False),
        sa.Column("new_address", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_table(
        "case_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(16), nullable=False),
        sa.Column("relationship", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_members_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_case_members"),
    )
    op.create_index("ix_case_members_case_id", "case_members", ["case_id"])
    op.create_table(
        "case_answers",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_answers_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "key", name="pk_case_answers"),
    )


def downgrade() -> None:
    op.drop_table("case_answers")
    op.drop_index("ix_case_members_case_id", table_name="case_members")
    op.drop_table("case_members")
    op.drop_index("ix_cases_status", table_name="cases")
    op.drop_table("cases")
