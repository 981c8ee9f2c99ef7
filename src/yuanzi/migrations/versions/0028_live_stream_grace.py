"""live stream grace

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30 10:14:10.406495
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stream_stopped_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:

    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.drop_column("stream_stopped_at")
