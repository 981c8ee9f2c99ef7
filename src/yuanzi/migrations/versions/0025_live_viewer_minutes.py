"""live viewer minutes

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 09:40:35.867428
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_viewer_minutes",
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("minute", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("viewers", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_viewer_minutes_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("room_id", "minute", name=op.f("pk_live_viewer_minutes")),
    )


def downgrade() -> None:

    op.drop_table("live_viewer_minutes")
