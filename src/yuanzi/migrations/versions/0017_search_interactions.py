"""search interactions

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 05:57:00.197641
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_interactions",
        sa.Column("doc_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "user_id", name=op.f("pk_search_interactions")),
    )


def downgrade() -> None:
    op.drop_table("search_interactions")
