"""pay coupons

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 05:26:19.823942
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_coupon_stocks",
        sa.Column("stock_id", sa.String(length=32), nullable=False),
        sa.Column("creator_mchid", sa.String(length=32), nullable=False),
        sa.Column("out_request_no", sa.String(length=128), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("stock_name", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.String(length=128), nullable=True),
        sa.Column("belong_merchant", sa.String(length=32), nullable=False),
        sa.Column("available_begin", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("available_end", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("max_coupons", sa.Integer(), nullable=False),
        sa.Column("max_amount", sa.BigInteger(), nullable=False),
        sa.Column("max_amount_by_day", sa.BigInteger(), nullable=True),
        sa.Column("max_coupons_per_user", sa.Integer(), nullable=False),
        sa.Column("natural_person_limit", sa.Boolean(), nullable=False),
        sa.Column("prevent_api_abuse", sa.Boolean(), nullable=False),
        sa.Column("no_cash", sa.Boolean(), nullable=False),
        sa.Column("coupon_amount", sa.BigInteger(), nullable=False),
        sa.Column("transaction_minimum", sa.BigInteger(), nullable=False),
        sa.Column("available_merchants", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("distributed_coupons", sa.Integer(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("start_time", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["creator_mchid"],
            ["pay_merchants.mchid"],
            name=op.f("fk_pay_coupon_stocks_creator_mchid_pay_merchants"),
        ),
        sa.PrimaryKeyConstraint("stock_id", name=op.f("pk_pay_coupon_stocks")),
        sa.UniqueConstraint(
            "creator_mchid", "out_request_no", name="uq_pay_coupon_stocks_creator_out_request_no"
        ),
    )
    op.create_table(
        "pay_coupons",
        sa.Column("coupon_id", sa.String(length=32), nullable=False),
        sa.Column("stock_id", sa.String(length=32), nullable=False),
        sa.Column("sender_mchid", sa.String(length=32), nullable=False),
        sa.Column("out_request_no", sa.String(length=128), nullable=False),
        sa.Column("appid", sa.String(length=32), nullable=False),
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("transaction_id", sa.String(length=32), nullable=True),
        sa.Column("used_mchid", sa.String(length=32), nullable=True),
        sa.Column("used_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["stock_id"],
            ["pay_coupon_stocks.stock_id"],
            name=op.f("fk_pay_coupons_stock_id_pay_coupon_stocks"),
        ),
        sa.PrimaryKeyConstraint("coupon_id", name=op.f("pk_pay_coupons")),
        sa.UniqueConstraint("sender_mchid", "out_request_no", name="uq_pay_coupons_sender_out_request_no"),
    )
    with op.batch_alter_table("pay_coupons", schema=None) as batch_op:
        batch_op.create_index("ix_pay_coupons_stock_user", ["stock_id", "user_id"], unique=False)
        batch_op.create_index("ix_pay_coupons_user", ["user_id", "status"], unique=False)

    with op.batch_alter_table("pay_merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coupon_notify_url", sa.String(length=256), nullable=True))

    with op.batch_alter_table("pay_refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount_refund", sa.BigInteger(), server_default="0", nullable=False))

    with op.batch_alter_table("pay_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coupon_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("coupon_amount", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("promotion_detail", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pay_transactions", schema=None) as batch_op:
        batch_op.drop_column("promotion_detail")
        batch_op.drop_column("coupon_amount")
        batch_op.drop_column("coupon_id")

    with op.batch_alter_table("pay_refunds", schema=None) as batch_op:
        batch_op.drop_column("discount_refund")

    with op.batch_alter_table("pay_merchants", schema=None) as batch_op:
        batch_op.drop_column("coupon_notify_url")

    with op.batch_alter_table("pay_coupons", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_coupons_user")
        batch_op.drop_index("ix_pay_coupons_stock_user")

    op.drop_table("pay_coupons")
    op.drop_table("pay_coupon_stocks")
