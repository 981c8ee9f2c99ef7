"""pay refunds

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 05:12:56.158754
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_refunds",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("out_refund_no", sa.String(length=64), nullable=False),
        sa.Column("refund_id", sa.String(length=32), nullable=False),
        sa.Column("transaction_pk", sa.BigInteger(), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=True),
        sa.Column("notify_url", sa.String(length=256), nullable=True),
        sa.Column("refund", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=16), nullable=False),
        sa.Column("fee_refund", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("funds_account", sa.String(length=16), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("success_time", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["mchid"], ["pay_merchants.mchid"], name=op.f("fk_pay_refunds_mchid_pay_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_pk"],
            ["pay_transactions.id"],
            name=op.f("fk_pay_refunds_transaction_pk_pay_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_refunds")),
        sa.UniqueConstraint("mchid", "out_refund_no", name="uq_pay_refunds_mchid_out_refund_no"),
        sa.UniqueConstraint("refund_id", name=op.f("uq_pay_refunds_refund_id")),
    )
    with op.batch_alter_table("pay_refunds", schema=None) as batch_op:
        batch_op.create_index("ix_pay_refunds_status", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_pay_refunds_transaction", ["transaction_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pay_refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_refunds_transaction")
        batch_op.drop_index("ix_pay_refunds_status")

    op.drop_table("pay_refunds")
