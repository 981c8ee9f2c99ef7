"""live figures

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 09:10:36.567850
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_entries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("domain", sa.String(length=8), nullable=False),
        sa.Column("at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_entries_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_entries")),
    )
    with op.batch_alter_table("live_entries", schema=None) as batch_op:
        batch_op.create_index("ix_live_entries_room_user", ["room_id", "user_id"], unique=False)

    op.create_table(
        "live_presence",
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("node", sa.String(length=32), nullable=False),
        sa.Column("viewers", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_presence_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("room_id", "node", name=op.f("pk_live_presence")),
    )
    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("likes", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("views", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("peak_viewers", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:

    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.drop_column("peak_viewers")
        batch_op.drop_column("views")
        batch_op.drop_column("likes")

    op.drop_table("live_presence")
    with op.batch_alter_table("live_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_live_entries_room_user")

    op.drop_table("live_entries")
