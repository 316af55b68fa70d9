"""The database's mode (production or demo) and the results of training scenarios.

The mode row is written here, once, with the mode of the app that runs this migration
(`config.attributes["database_mode"]`, production when not given): a database created or
upgraded by `counter-app --demo` is a demo database for good, and the reverse.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    mode_table = op.create_table(
        "database_mode",
        sa.Column("mode", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("mode", name="pk_database_mode"),
    )
    mode = context.config.attributes.get("database_mode", "production")
    # Only the mode, no timestamp: a migration killed and run again writes the same row.
    op.bulk_insert(mode_table, [{"mode": mode}])
    op.create_table(
        "training_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trainee", sa.String(64), nullable=False),
        sa.Column("scenario", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("case_id", sa.String(64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_training_results"),
    )
    op.create_index("ix_training_results_scenario", "training_results", ["scenario"])


def downgrade() -> None:
    op.drop_index("ix_training_results_scenario", "training_results")
    op.drop_table("training_results")
    op.drop_table("database_mode")
