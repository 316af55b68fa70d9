"""Catalogue versions (drafts, the published one, retired ones) and their change log.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_versions",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("households", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("number", name="pk_catalogue_versions"),
    )
    op.create_index("ix_catalogue_versions_digest", "catalogue_versions", ["digest"])
    published = sa.text("status = 'published'")
    op.create_index("uq_catalogue_versions_published", "catalogue_versions", ["status"],
                    unique=True, sqlite_where=published, postgresql_where=published)
    op.create_table(
        "catalogue_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("diff", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["version"], ["catalogue_versions.number"],
                                name="fk_catalogue_changes_version_catalogue_versions"),
        sa.PrimaryKeyConstraint("id", name="pk_catalogue_changes"),
    )
    op.create_index("ix_catalogue_changes_version", "catalogue_changes", ["version"])


def downgrade() -> None:
    op.drop_index("ix_catalogue_changes_version", table_name="catalogue_changes")
    op.drop_table("catalogue_changes")
    op.drop_index("uq_catalogue_versions_published", table_name="catalogue_versions")
    op.drop_index("ix_catalogue_versions_digest", table_name="catalogue_versions")
    op.drop_table("catalogue_versions")
