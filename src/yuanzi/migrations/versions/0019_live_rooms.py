"""live rooms

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 06:09:52.811035
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_rooms",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("stream_key_hash", sa.String(length=64), nullable=False),
        sa.Column("scheduled_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_rooms")),
    )
    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.create_index("ix_live_rooms_state", ["state", "started_at"], unique=False)

    op.create_table(
        "live_room_events",
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_room_events_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("room_id", "seq", name=op.f("pk_live_room_events")),
    )


def downgrade() -> None:
    op.drop_table("live_room_events")
    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.drop_index("ix_live_rooms_state")

    op.drop_table("live_rooms")
