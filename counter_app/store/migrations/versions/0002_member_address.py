"""Members keep the address they come with (the card's address on a card read).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_members") as batch:
        batch.add_column(sa.Column("address", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("case_members") as batch:
        batch.drop_column("address")
