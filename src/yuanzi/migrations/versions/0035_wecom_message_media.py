"""wecom message media: the thumbnails of links and mini program cards sent to customers

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-30 14:29:10.399439
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_kf_message_media",
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["wecom_kf_messages.id"],
            name=op.f("fk_wecom_kf_message_media_message_id_wecom_kf_messages"),
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_wecom_kf_message_media")),
    )


def downgrade() -> None:
    op.drop_table("wecom_kf_message_media")
