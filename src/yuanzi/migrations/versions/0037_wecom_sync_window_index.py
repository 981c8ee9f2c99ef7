"""wecom sync window index: where the last three days of a corp's messages begin

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-30 14:47:02.729795
"""

from __future__ import annotations

from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wecom_kf_messages", schema=None) as batch_op:
        batch_op.create_index("ix_wecom_kf_messages_corp_time", ["corp_id", "send_time"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wecom_kf_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_wecom_kf_messages_corp_time")
