"""live moderation

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 06:30:14.304650
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_bans",
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("creator_id", "user_id", name=op.f("pk_live_bans")),
    )
    op.create_table(
        "live_moderators",
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_moderators_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("room_id", "user_id", name=op.f("pk_live_moderators")),
    )
    op.create_table(
        "live_mutes",
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("by_user_id", sa.BigInteger(), nullable=False),
        sa.Column("at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_mutes_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("room_id", "user_id", name=op.f("pk_live_mutes")),
    )
    with op.batch_alter_table("live_room_events", schema=None) as batch_op:
        batch_op.create_index("ix_live_room_events_user", ["room_id", "user_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("live_room_events", schema=None) as batch_op:
        batch_op.drop_index("ix_live_room_events_user")

    op.drop_table("live_mutes")
    op.drop_table("live_moderators")
    op.drop_table("live_bans")
