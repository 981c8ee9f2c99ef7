"""channels originality

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 06:06:24.673411
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels_fingerprints",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("b0", sa.Integer(), nullable=False),
        sa.Column("b1", sa.Integer(), nullable=False),
        sa.Column("b2", sa.Integer(), nullable=False),
        sa.Column("b3", sa.Integer(), nullable=False),
        sa.Column("b4", sa.Integer(), nullable=False),
        sa.Column("b5", sa.Integer(), nullable=False),
        sa.Column("b6", sa.Integer(), nullable=False),
        sa.Column("b7", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["channels_posts.id"], name=op.f("fk_channels_fingerprints_post_id_channels_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels_fingerprints")),
    )
    with op.batch_alter_table("channels_fingerprints", schema=None) as batch_op:
        batch_op.create_index("ix_channels_fingerprints_b0", ["kind", "b0"], unique=False)
        batch_op.create_index("ix_channels_fingerprints_b1", ["kind", "b1"], unique=False)
        batch_op.create_index("ix_channels_fingerprints_b2", ["kind", "b2"], unique=False)
        batch_op.create_index("ix_channels_fingerprints_b3", ["kind", "b3"], unique=False)
        batch_op.create_index("ix_channels_fingerprints_b4", ["kind", "b4"], unique=False)
        batch_op.create_index("ix_channels_fingerprints_b5", ["kind", "b5"], unique=False)
        batch_op.create_index("ix_channels_fingerprints_b6", ["kind", "b6"], unique=False)
        batch_op.create_index("ix_channels_fingerprints_b7", ["kind", "b7"], unique=False)
        batch_op.create_index("ix_channels_fingerprints_post", ["post_id"], unique=False)

    op.create_table(
        "channels_originality",
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("declared", sa.Boolean(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("decided_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["channels_posts.id"], name=op.f("fk_channels_originality_post_id_channels_posts")
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_channels_originality")),
    )


def downgrade() -> None:
    op.drop_table("channels_originality")
    with op.batch_alter_table("channels_fingerprints", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_fingerprints_post")
        batch_op.drop_index("ix_channels_fingerprints_b7")
        batch_op.drop_index("ix_channels_fingerprints_b6")
        batch_op.drop_index("ix_channels_fingerprints_b5")
        batch_op.drop_index("ix_channels_fingerprints_b4")
        batch_op.drop_index("ix_channels_fingerprints_b3")
        batch_op.drop_index("ix_channels_fingerprints_b2")
        batch_op.drop_index("ix_channels_fingerprints_b1")
        batch_op.drop_index("ix_channels_fingerprints_b0")

    op.drop_table("channels_fingerprints")
