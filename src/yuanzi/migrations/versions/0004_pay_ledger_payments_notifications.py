"""pay ledger payments notifications

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 04:59:57.884667
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_ledger_accounts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("code", sa.String(length=96), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("allow_negative", sa.Boolean(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "balance >= 0 OR allow_negative", name=op.f("ck_pay_ledger_accounts_balance_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_ledger_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_pay_ledger_accounts_code")),
    )
    op.create_table(
        "pay_ledger_transactions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("memo", sa.String(length=256), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_ledger_transactions")),
        sa.UniqueConstraint("key", name=op.f("uq_pay_ledger_transactions_key")),
    )
    op.create_table(
        "pay_ledger_entries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("transaction_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["pay_ledger_accounts.id"],
            name=op.f("fk_pay_ledger_entries_account_id_pay_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["pay_ledger_transactions.id"],
            name=op.f("fk_pay_ledger_entries_transaction_id_pay_ledger_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_ledger_entries")),
    )
    with op.batch_alter_table("pay_ledger_entries", schema=None) as batch_op:
        batch_op.create_index("ix_pay_ledger_entries_account", ["account_id", "id"], unique=False)
        batch_op.create_index("ix_pay_ledger_entries_transaction", ["transaction_id"], unique=False)

    op.create_table(
        "pay_notifications",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("event_type", sa.String(length=48), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("notify_url", sa.String(length=256), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("schedule_index", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mchid"], ["pay_merchants.mchid"], name=op.f("fk_pay_notifications_mchid_pay_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_notifications")),
    )
    with op.batch_alter_table("pay_notifications", schema=None) as batch_op:
        batch_op.create_index("ix_pay_notifications_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_pay_notifications_mchid", ["mchid", "created_at"], unique=False)

    op.create_table(
        "pay_notification_attempts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("notification_id", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["pay_notifications.id"],
            name=op.f("fk_pay_notification_attempts_notification_id_pay_notifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_notification_attempts")),
    )
    with op.batch_alter_table("pay_notification_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pay_notification_attempts_notification", ["notification_id", "id"], unique=False
        )

    with op.batch_alter_table("pay_merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee_rate_ppm", sa.Integer(), server_default="6000", nullable=False))
        batch_op.add_column(sa.Column("fail_notifications", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("pay_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pay_transactions", schema=None) as batch_op:
        batch_op.drop_column("fee")

    with op.batch_alter_table("pay_merchants", schema=None) as batch_op:
        batch_op.drop_column("fail_notifications")
        batch_op.drop_column("fee_rate_ppm")

    with op.batch_alter_table("pay_notification_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_notification_attempts_notification")

    op.drop_table("pay_notification_attempts")
    with op.batch_alter_table("pay_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_notifications_mchid")
        batch_op.drop_index("ix_pay_notifications_due")

    op.drop_table("pay_notifications")
    with op.batch_alter_table("pay_ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_ledger_entries_transaction")
        batch_op.drop_index("ix_pay_ledger_entries_account")

    op.drop_table("pay_ledger_entries")
    op.drop_table("pay_ledger_transactions")
    op.drop_table("pay_ledger_accounts")
