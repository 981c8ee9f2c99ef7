"""channels creators posts media

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 06:01:30.899573
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels_creators",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("bio", sa.String(length=256), nullable=False),
        sa.Column("avatar_media_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_creators")),
        sa.UniqueConstraint("name", name=op.f("uq_channels_creators_name")),
        sa.UniqueConstraint("user_id", name=op.f("uq_channels_creators_user_id")),
    )
    op.create_table(
        "channels_follows",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["channels_creators.id"],
            name=op.f("fk_channels_follows_creator_id_channels_creators"),
        ),
        sa.PrimaryKeyConstraint("user_id", "creator_id", name=op.f("pk_channels_follows")),
    )
    with op.batch_alter_table("channels_follows", schema=None) as batch_op:
        batch_op.create_index("ix_channels_follows_creator", ["creator_id"], unique=False)

    op.create_table(
        "channels_media",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=128), nullable=False),
        sa.Column("poster_path", sa.String(length=128), nullable=True),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["channels_creators.id"],
            name=op.f("fk_channels_media_creator_id_channels_creators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_media")),
    )
    op.create_table(
        "channels_posts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("media", sa.Text(), nullable=False),
        sa.Column("cards", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=64), nullable=True),
        sa.Column("declared_original", sa.Boolean(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["channels_creators.id"],
            name=op.f("fk_channels_posts_creator_id_channels_creators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_posts")),
    )
    with op.batch_alter_table("channels_posts", schema=None) as batch_op:
        batch_op.create_index("ix_channels_posts_creator", ["creator_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("channels_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_posts_creator")

    op.drop_table("channels_posts")
    op.drop_table("channels_media")
    with op.batch_alter_table("channels_follows", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_follows_creator")

    op.drop_table("channels_follows")
    op.drop_table("channels_creators")
