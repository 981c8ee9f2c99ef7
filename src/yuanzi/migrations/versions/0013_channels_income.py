"""channels income

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 04:36:02.182179
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels_income_days",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("pool_fen", sa.BigInteger(), nullable=False),
        sa.Column("qualified_watch_ms", sa.BigInteger(), nullable=False),
        sa.Column("earners", sa.Integer(), nullable=False),
        sa.Column("settled_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_channels_income_days")),
    )
    op.create_table(
        "channels_income",
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("qualified_watch_ms", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["channels_creators.id"],
            name=op.f("fk_channels_income_creator_id_channels_creators"),
        ),
        sa.ForeignKeyConstraint(
            ["day"], ["channels_income_days.day"], name=op.f("fk_channels_income_day_channels_income_days")
        ),
        sa.PrimaryKeyConstraint("creator_id", "day", name=op.f("pk_channels_income")),
    )
    with op.batch_alter_table("channels_views", schema=None) as batch_op:
        batch_op.create_index("ix_channels_views_started", ["started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("channels_views", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_views_started")

    op.drop_table("channels_income")
    op.drop_table("channels_income_days")
