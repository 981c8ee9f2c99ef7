"""pay combined payment

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 05:47:18.389443
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_combine_orders",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("combine_mchid", sa.String(length=32), nullable=False),
        sa.Column("combine_appid", sa.String(length=32), nullable=False),
        sa.Column("combine_out_trade_no", sa.String(length=32), nullable=False),
        sa.Column("trade_type", sa.String(length=16), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("prepay_id", sa.String(length=64), nullable=False),
        sa.Column("code_url_token", sa.String(length=32), nullable=False),
        sa.Column("notify_url", sa.String(length=256), nullable=False),
        sa.Column("payer_openid", sa.String(length=128), nullable=True),
        sa.Column("time_expire", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["combine_mchid"],
            ["pay_merchants.mchid"],
            name=op.f("fk_pay_combine_orders_combine_mchid_pay_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_combine_orders")),
        sa.UniqueConstraint("code_url_token", name=op.f("uq_pay_combine_orders_code_url_token")),
        sa.UniqueConstraint(
            "combine_mchid", "combine_out_trade_no", name="uq_pay_combine_orders_mchid_out_trade_no"
        ),
        sa.UniqueConstraint("prepay_id", name=op.f("uq_pay_combine_orders_prepay_id")),
    )
    with op.batch_alter_table("pay_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("combine_pk", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pay_transactions_combine_pk_pay_combine_orders"),
            "pay_combine_orders",
            ["combine_pk"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("pay_transactions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pay_transactions_combine_pk_pay_combine_orders"), type_="foreignkey"
        )
        batch_op.drop_column("combine_pk")

    op.drop_table("pay_combine_orders")
