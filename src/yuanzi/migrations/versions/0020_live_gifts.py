"""live gifts

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 06:13:02.057200
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_gifts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("gift", sa.String(length=16), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_gifts_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_gifts")),
        sa.UniqueConstraint("user_id", "request_id", name="uq_live_gifts_request"),
    )
    with op.batch_alter_table("live_gifts", schema=None) as batch_op:
        batch_op.create_index("ix_live_gifts_room", ["room_id", "user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("live_gifts", schema=None) as batch_op:
        batch_op.drop_index("ix_live_gifts_room")

    op.drop_table("live_gifts")
