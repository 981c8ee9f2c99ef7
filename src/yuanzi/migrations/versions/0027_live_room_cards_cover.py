"""live room cards and cover

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30 09:57:04.438158
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cards", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("cover_path", sa.String(length=128), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.drop_column("cover_path")
        batch_op.drop_column("cards")
