"""pay transactions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 04:47:48.593705
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_transactions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("out_trade_no", sa.String(length=32), nullable=False),
        sa.Column("appid", sa.String(length=32), nullable=False),
        sa.Column("trade_type", sa.String(length=16), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("prepay_id", sa.String(length=64), nullable=False),
        sa.Column("code_url_token", sa.String(length=32), nullable=False),
        sa.Column("description", sa.String(length=127), nullable=False),
        sa.Column("attach", sa.String(length=128), nullable=True),
        sa.Column("goods_tag", sa.String(length=32), nullable=True),
        sa.Column("notify_url", sa.String(length=256), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=16), nullable=False),
        sa.Column("payer_openid", sa.String(length=128), nullable=True),
        sa.Column("scene_info", sa.Text(), nullable=True),
        sa.Column("time_expire", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("trade_state", sa.String(length=16), nullable=False),
        sa.Column("transaction_id", sa.String(length=32), nullable=True),
        sa.Column("payer_user_id", sa.BigInteger(), nullable=True),
        sa.Column("payer_total", sa.BigInteger(), nullable=True),
        sa.Column("success_time", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mchid"], ["pay_merchants.mchid"], name=op.f("fk_pay_transactions_mchid_pay_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_transactions")),
        sa.UniqueConstraint("code_url_token", name=op.f("uq_pay_transactions_code_url_token")),
        sa.UniqueConstraint("mchid", "out_trade_no", name="uq_pay_transactions_mchid_out_trade_no"),
        sa.UniqueConstraint("prepay_id", name=op.f("uq_pay_transactions_prepay_id")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_pay_transactions_transaction_id")),
    )


def downgrade() -> None:
    op.drop_table("pay_transactions")
