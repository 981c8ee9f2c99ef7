"""search queries

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 06:01:27.483956
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_queries",
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("last_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("query", name=op.f("pk_search_queries")),
    )
    with op.batch_alter_table("search_queries", schema=None) as batch_op:
        batch_op.create_index("ix_search_queries_count", ["count"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_queries", schema=None) as batch_op:
        batch_op.drop_index("ix_search_queries_count")

    op.drop_table("search_queries")
