"""Where each case stands (step, filing day) and its checklist of procedures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("step", sa.String(16), nullable=False, server_default="move"))
        batch.add_column(sa.Column("filed_on", sa.Date(), nullable=True))
    op.create_table(
        "case_checklist",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("procedure_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_checklist_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "procedure_id", name="pk_case_checklist"),
    )


def downgrade() -> None:
    op.drop_table("case_checklist")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("filed_on")
        batch.drop_column("step")
