"""core and identity tables

Revision ID: 0001
Revises:
Create Date: 2026-11-25 02:04:15.039482
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_clock_offset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offset_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_clock_offset")),
    )
    op.create_table(
        "core_outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_outbox")),
    )
    with op.batch_alter_table("core_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_core_outbox_pending", ["dispatched_at", "id"], unique=False)

    op.create_table(
        "identity_developers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_developers")),
    )
    op.create_table(
        "identity_users",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("nickname", sa.String(length=64), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_users")),
    )
    op.create_table(
        "core_event_deliveries",
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("subscriber", sa.String(length=100), nullable=False),
        sa.Column("done_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["core_outbox.id"],
            name=op.f("fk_core_event_deliveries_event_id_core_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "subscriber", name=op.f("pk_core_event_deliveries")),
    )
    op.create_table(
        "identity_apps",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("appid", sa.String(length=32), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("developer_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["developer_id"],
            ["identity_developers.id"],
            name=op.f("fk_identity_apps_developer_id_identity_developers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_apps")),
        sa.UniqueConstraint("appid", name=op.f("uq_identity_apps_appid")),
    )
    op.create_table(
        "identity_unionids",
        sa.Column("developer_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("unionid", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["developer_id"],
            ["identity_developers.id"],
            name=op.f("fk_identity_unionids_developer_id_identity_developers"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["identity_users.id"], name=op.f("fk_identity_unionids_user_id_identity_users")
        ),
        sa.PrimaryKeyConstraint("developer_id", "user_id", name=op.f("pk_identity_unionids")),
        sa.UniqueConstraint("unionid", name=op.f("uq_identity_unionids_unionid")),
    )
    op.create_table(
        "identity_access_tokens",
        sa.Column("token", sa.String(length=512), nullable=False),
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("issued_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["identity_apps.id"], name=op.f("fk_identity_access_tokens_app_id_identity_apps")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_identity_access_tokens")),
    )
    with op.batch_alter_table("identity_access_tokens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_identity_access_tokens_app_kind", ["app_id", "kind", "issued_at"], unique=False
        )

    op.create_table(
        "identity_login_codes",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["app_id"], ["identity_apps.id"], name=op.f("fk_identity_login_codes_app_id_identity_apps")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["identity_users.id"], name=op.f("fk_identity_login_codes_user_id_identity_users")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_identity_login_codes")),
    )
    op.create_table(
        "identity_openids",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["identity_apps.id"], name=op.f("fk_identity_openids_app_id_identity_apps")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["identity_users.id"], name=op.f("fk_identity_openids_user_id_identity_users")
        ),
        sa.PrimaryKeyConstraint("app_id", "user_id", name=op.f("pk_identity_openids")),
        sa.UniqueConstraint("openid", name=op.f("uq_identity_openids_openid")),
    )


def downgrade() -> None:
    op.drop_table("identity_openids")
    op.drop_table("identity_login_codes")
    with op.batch_alter_table("identity_access_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_access_tokens_app_kind")

    op.drop_table("identity_access_tokens")
    op.drop_table("identity_unionids")
    op.drop_table("identity_apps")
    op.drop_table("core_event_deliveries")
    op.drop_table("identity_users")
    op.drop_table("identity_developers")
    with op.batch_alter_table("core_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_core_outbox_pending")

    op.drop_table("core_outbox")
    op.drop_table("core_clock_offset")
