"""posts by time

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 04:57:00.800701
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channels_posts", schema=None) as batch_op:
        batch_op.create_index("ix_channels_posts_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("channels_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_posts_created")
