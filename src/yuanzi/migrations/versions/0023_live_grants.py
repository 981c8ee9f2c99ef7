"""live grants

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 09:27:29.049209
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_grants",
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("private_entries", sa.BigInteger(), nullable=False),
        sa.Column("public_entries", sa.BigInteger(), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_grants_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("room_id", "day", name=op.f("pk_live_grants")),
    )


def downgrade() -> None:

    op.drop_table("live_grants")
