"""wecom callbacks: apps' callback URLs, and kf_msg_or_event deliveries

Revision ID: 0033
Revises: 0032
Create Date: 2026-11-30 14:15:37.157880
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_kf_callbacks",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("corp_id", sa.BigInteger(), nullable=False),
        sa.Column("open_kfid", sa.String(length=64), nullable=False),
        sa.Column("sync_token", sa.String(length=128), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("next_attempt_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["wecom_apps.id"], name=op.f("fk_wecom_kf_callbacks_app_id_wecom_apps")
        ),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["wecom_corps.id"], name=op.f("fk_wecom_kf_callbacks_corp_id_wecom_corps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_kf_callbacks")),
        sa.UniqueConstraint("sync_token", name=op.f("uq_wecom_kf_callbacks_sync_token")),
    )
    with op.batch_alter_table("wecom_kf_callbacks", schema=None) as batch_op:
        batch_op.create_index("ix_wecom_kf_callbacks_due", ["next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_wecom_kf_callbacks_pending", ["app_id", "open_kfid", "next_attempt_at"], unique=False
        )

    with op.batch_alter_table("wecom_apps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("callback_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("callback_aes_key", sa.String(length=43), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wecom_apps", schema=None) as batch_op:
        batch_op.drop_column("callback_aes_key")
        batch_op.drop_column("callback_token")
        batch_op.drop_column("callback_url")

    with op.batch_alter_table("wecom_kf_callbacks", schema=None) as batch_op:
        batch_op.drop_index("ix_wecom_kf_callbacks_pending")
        batch_op.drop_index("ix_wecom_kf_callbacks_due")

    op.drop_table("wecom_kf_callbacks")
