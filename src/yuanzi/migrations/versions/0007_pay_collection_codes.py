"""pay collection codes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 05:33:22.258023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_collection_codes",
        sa.Column("code_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("owner_mchid", sa.String(length=32), nullable=True),
        sa.Column("owner_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_mchid"],
            ["pay_merchants.mchid"],
            name=op.f("fk_pay_collection_codes_owner_mchid_pay_merchants"),
        ),
        sa.PrimaryKeyConstraint("code_id", name=op.f("pk_pay_collection_codes")),
    )
    with op.batch_alter_table("pay_collection_codes", schema=None) as batch_op:
        batch_op.create_index("ix_pay_collection_codes_mchid", ["owner_mchid"], unique=False)

    op.create_table(
        "pay_collections",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("code_id", sa.String(length=32), nullable=False),
        sa.Column("payer_user_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("remark", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["pay_collection_codes.code_id"],
            name=op.f("fk_pay_collections_code_id_pay_collection_codes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_collections")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_pay_collections_idempotency_key")),
    )
    with op.batch_alter_table("pay_collections", schema=None) as batch_op:
        batch_op.create_index("ix_pay_collections_code", ["code_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pay_collections", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_collections_code")

    op.drop_table("pay_collections")
    with op.batch_alter_table("pay_collection_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_pay_collection_codes_mchid")

    op.drop_table("pay_collection_codes")
