"""friends and channels impressions

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 06:09:19.078757
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_friendships",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("friend_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["friend_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_friendships_friend_id_identity_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["identity_users.id"], name=op.f("fk_identity_friendships_user_id_identity_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "friend_id", name=op.f("pk_identity_friendships")),
    )
    op.create_table(
        "channels_impressions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=8), nullable=False),
        sa.Column("shown_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["channels_posts.id"], name=op.f("fk_channels_impressions_post_id_channels_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_impressions")),
    )
    with op.batch_alter_table("channels_impressions", schema=None) as batch_op:
        batch_op.create_index("ix_channels_impressions_post", ["post_id", "shown_at"], unique=False)
        batch_op.create_index("ix_channels_impressions_user", ["user_id", "shown_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("channels_impressions", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_impressions_user")
        batch_op.drop_index("ix_channels_impressions_post")

    op.drop_table("channels_impressions")
    op.drop_table("identity_friendships")
