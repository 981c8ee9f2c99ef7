"""pay merchants

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 04:42:02.115137
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_certificate_authority",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_certificate_authority")),
    )
    op.create_table(
        "pay_merchants",
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("appid", sa.String(length=32), nullable=False),
        sa.Column("apiv3_key", sa.String(length=32), nullable=False),
        sa.Column("signing_mode", sa.String(length=16), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mchid", name=op.f("pk_pay_merchants")),
    )
    op.create_table(
        "pay_request_nonces",
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("mchid", "nonce", name=op.f("pk_pay_request_nonces")),
    )
    with op.batch_alter_table("pay_request_nonces", schema=None) as batch_op:
        batch_op.create_index("ix_pay_request_nonces_mchid_seen", ["mchid", "seen_at"], unique=False)

    op.create_table(
        "pay_merchant_keys",
        sa.Column("serial_no", sa.String(length=64), nullable=False),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("not_before", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("not_after", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mchid"], ["pay_merchants.mchid"], name=op.f("fk_pay_merchant_keys_mchid_pay_merchants")
        ),
        sa.PrimaryKeyConstraint("serial_no", name=op.f("pk_pay_merchant_keys")),
    )
    with op.batch_alter_table("pay_merchant_keys", schema=None) as batch_op:
        batch_op.create_index("ix_pay_merchant_keys_mchid", ["mchid"], unique=False)

    op.create_table(
        "pay_platform_keys",
        sa.Column("serial_no", sa.String(length=64), nullable=False),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=True),
        sa.Column("not_before", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("not_after", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mchid"], ["pay_merchants.mchid"], name=op.f("fk_pay_platform_keys_mchid_pay_merchants")
        ),
        sa.PrimaryKeyConstraint("serial_no", name=op.f("pk_pay_platform_keys")),
    )
    with op.batch_alter_table("pay_platform_keys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pay_platform_keys_mchid_kind", ["mchid", "kind", "not_before"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pay_platform_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_platform_keys_mchid_kind")

    op.drop_table("pay_platform_keys")
    with op.batch_alter_table("pay_merchant_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_merchant_keys_mchid")

    op.drop_table("pay_merchant_keys")
    with op.batch_alter_table("pay_request_nonces", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_request_nonces_mchid_seen")

    op.drop_table("pay_request_nonces")
    op.drop_table("pay_merchants")
    op.drop_table("pay_certificate_authority")
