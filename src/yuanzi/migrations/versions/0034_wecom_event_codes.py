"""wecom event codes: the welcome_code an enter_session event offers

Revision ID: 0034
Revises: 0033
Create Date: 2026-11-30 14:25:15.847139
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_kf_event_codes",
        sa.Column("code", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["wecom_kf_sessions.id"],
            name=op.f("fk_wecom_kf_event_codes_session_id_wecom_kf_sessions"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_wecom_kf_event_codes")),
    )


def downgrade() -> None:
    op.drop_table("wecom_kf_event_codes")
