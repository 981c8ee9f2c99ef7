"""live shelf

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 09:33:15.687106
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_products",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("notify_url", sa.String(length=256), nullable=False),
        sa.Column("sales", sa.BigInteger(), nullable=False),
        sa.Column("gmv", sa.BigInteger(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_products_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_products")),
    )
    with op.batch_alter_table("live_products", schema=None) as batch_op:
        batch_op.create_index("ix_live_products_room", ["room_id"], unique=False)

    op.create_table(
        "live_purchases",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("out_trade_no", sa.String(length=32), nullable=False),
        sa.Column("prepay_id", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["live_products.id"], name=op.f("fk_live_purchases_product_id_live_products")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_rooms.id"], name=op.f("fk_live_purchases_room_id_live_rooms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_purchases")),
        sa.UniqueConstraint("mchid", "out_trade_no", name="uq_live_purchases_order"),
    )
    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pinned_product_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("gmv", sa.BigInteger(), server_default="0", nullable=False))

    with op.batch_alter_table("pay_merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("admin_user_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("pay_merchants", schema=None) as batch_op:
        batch_op.drop_column("admin_user_id")

    with op.batch_alter_table("live_rooms", schema=None) as batch_op:
        batch_op.drop_column("gmv")
        batch_op.drop_column("pinned_product_id")

    op.drop_table("live_purchases")
    with op.batch_alter_table("live_products", schema=None) as batch_op:
        batch_op.drop_index("ix_live_products_room")

    op.drop_table("live_products")
