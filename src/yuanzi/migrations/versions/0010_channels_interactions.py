"""channels interactions

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 06:04:14.703454
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels_blocks",
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["channels_creators.id"],
            name=op.f("fk_channels_blocks_creator_id_channels_creators"),
        ),
        sa.PrimaryKeyConstraint("creator_id", "user_id", name=op.f("pk_channels_blocks")),
    )
    op.create_table(
        "channels_comments",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["channels_comments.id"],
            name=op.f("fk_channels_comments_parent_id_channels_comments"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["channels_posts.id"], name=op.f("fk_channels_comments_post_id_channels_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_comments")),
    )
    with op.batch_alter_table("channels_comments", schema=None) as batch_op:
        batch_op.create_index("ix_channels_comments_post", ["post_id", "id"], unique=False)

    op.create_table(
        "channels_reactions",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["channels_posts.id"], name=op.f("fk_channels_reactions_post_id_channels_posts")
        ),
        sa.PrimaryKeyConstraint("user_id", "post_id", "kind", name=op.f("pk_channels_reactions")),
    )
    with op.batch_alter_table("channels_reactions", schema=None) as batch_op:
        batch_op.create_index("ix_channels_reactions_post", ["post_id", "kind"], unique=False)

    op.create_table(
        "channels_shares",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.String(length=8), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["channels_posts.id"], name=op.f("fk_channels_shares_post_id_channels_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_shares")),
    )
    op.create_table(
        "channels_views",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("share_id", sa.String(length=24), nullable=True),
        sa.Column("watched_ms", sa.BigInteger(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("started_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["channels_posts.id"], name=op.f("fk_channels_views_post_id_channels_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_views")),
    )
    with op.batch_alter_table("channels_views", schema=None) as batch_op:
        batch_op.create_index("ix_channels_views_post", ["post_id"], unique=False)
        batch_op.create_index("ix_channels_views_user", ["user_id", "started_at"], unique=False)

    with op.batch_alter_table("channels_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("likes", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("recommends", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("favourites", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("comments", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("shares", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("plays", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("finishes", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("watch_ms", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("channels_posts", schema=None) as batch_op:
        batch_op.drop_column("watch_ms")
        batch_op.drop_column("finishes")
        batch_op.drop_column("plays")
        batch_op.drop_column("shares")
        batch_op.drop_column("comments")
        batch_op.drop_column("favourites")
        batch_op.drop_column("recommends")
        batch_op.drop_column("likes")

    with op.batch_alter_table("channels_views", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_views_user")
        batch_op.drop_index("ix_channels_views_post")

    op.drop_table("channels_views")
    op.drop_table("channels_shares")
    with op.batch_alter_table("channels_reactions", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_reactions_post")

    op.drop_table("channels_reactions")
    with op.batch_alter_table("channels_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_comments_post")

    op.drop_table("channels_comments")
    op.drop_table("channels_blocks")
