"""wecom members users: the yuanzi user who signs in as a member (the WeCom workbench)

Revision ID: 0036
Revises: 0035
Create Date: 2026-11-30 14:34:01.338948
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wecom_staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_wecom_staff_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wecom_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wecom_staff_user_id"))
        batch_op.drop_column("user_id")
