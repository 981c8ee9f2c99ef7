"""live reminders

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30 09:49:59.431039
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_reminders",
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("booked_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seen_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_reminders_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("room_id", "user_id", name=op.f("pk_live_reminders")),
    )
    with op.batch_alter_table("live_reminders", schema=None) as batch_op:
        batch_op.create_index("ix_live_reminders_user", ["user_id", "seen_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("live_reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_live_reminders_user")

    op.drop_table("live_reminders")
