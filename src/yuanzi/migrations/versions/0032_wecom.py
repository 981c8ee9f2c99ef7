"""wecom: corps, apps and tokens, members, temporary media, customer service

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-30 14:10:10.183286
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import yuanzi.core.db

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_corps",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("corpid", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kf_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_corps")),
        sa.UniqueConstraint("corpid", name=op.f("uq_wecom_corps_corpid")),
    )
    op.create_table(
        "wecom_apps",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("corp_id", sa.BigInteger(), nullable=False),
        sa.Column("agentid", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["wecom_corps.id"], name=op.f("fk_wecom_apps_corp_id_wecom_corps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_apps")),
        sa.UniqueConstraint("corp_id", "agentid", name=op.f("uq_wecom_apps_corp_id")),
        sa.UniqueConstraint("secret_sha256", name=op.f("uq_wecom_apps_secret_sha256")),
    )
    op.create_table(
        "wecom_external_users",
        sa.Column("corp_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("external_userid", sa.String(length=64), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["wecom_corps.id"], name=op.f("fk_wecom_external_users_corp_id_wecom_corps")
        ),
        sa.PrimaryKeyConstraint("corp_id", "user_id", name=op.f("pk_wecom_external_users")),
        sa.UniqueConstraint("external_userid", name=op.f("uq_wecom_external_users_external_userid")),
    )
    op.create_table(
        "wecom_kf_accounts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("open_kfid", sa.String(length=64), nullable=False),
        sa.Column("corp_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("avatar", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["wecom_corps.id"], name=op.f("fk_wecom_kf_accounts_corp_id_wecom_corps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_kf_accounts")),
        sa.UniqueConstraint("open_kfid", name=op.f("uq_wecom_kf_accounts_open_kfid")),
    )
    with op.batch_alter_table("wecom_kf_accounts", schema=None) as batch_op:
        batch_op.create_index("ix_wecom_kf_accounts_corp", ["corp_id", "id"], unique=False)

    op.create_table(
        "wecom_media",
        sa.Column("media_id", sa.String(length=128), nullable=False),
        sa.Column("corp_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["wecom_corps.id"], name=op.f("fk_wecom_media_corp_id_wecom_corps")
        ),
        sa.PrimaryKeyConstraint("media_id", name=op.f("pk_wecom_media")),
    )
    op.create_table(
        "wecom_staff",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("corp_id", sa.BigInteger(), nullable=False),
        sa.Column("userid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["wecom_corps.id"], name=op.f("fk_wecom_staff_corp_id_wecom_corps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_staff")),
        sa.UniqueConstraint("corp_id", "userid", name=op.f("uq_wecom_staff_corp_id")),
    )
    op.create_table(
        "wecom_access_tokens",
        sa.Column("token", sa.String(length=512), nullable=False),
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["wecom_apps.id"], name=op.f("fk_wecom_access_tokens_app_id_wecom_apps")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_wecom_access_tokens")),
    )
    with op.batch_alter_table("wecom_access_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_wecom_access_tokens_app", ["app_id", "expires_at"], unique=False)

    op.create_table(
        "wecom_kf_servicers",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_id", sa.BigInteger(), nullable=False),
        sa.Column("added_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["wecom_kf_accounts.id"],
            name=op.f("fk_wecom_kf_servicers_account_id_wecom_kf_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["wecom_staff.id"], name=op.f("fk_wecom_kf_servicers_staff_id_wecom_staff")
        ),
        sa.PrimaryKeyConstraint("account_id", "staff_id", name=op.f("pk_wecom_kf_servicers")),
    )
    op.create_table(
        "wecom_kf_sessions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("service_state", sa.BigInteger(), nullable=False),
        sa.Column("servicer_id", sa.BigInteger(), nullable=True),
        sa.Column("last_customer_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("replies_since_customer", sa.BigInteger(), nullable=False),
        sa.Column("last_message_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_message_at", yuanzi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("customer_read_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["wecom_kf_accounts.id"],
            name=op.f("fk_wecom_kf_sessions_account_id_wecom_kf_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["servicer_id"], ["wecom_staff.id"], name=op.f("fk_wecom_kf_sessions_servicer_id_wecom_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_kf_sessions")),
        sa.UniqueConstraint("account_id", "user_id", name=op.f("uq_wecom_kf_sessions_account_id")),
    )
    with op.batch_alter_table("wecom_kf_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_wecom_kf_sessions_user", ["user_id", "last_message_at"], unique=False)

    op.create_table(
        "wecom_kf_messages",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("msgid", sa.String(length=64), nullable=False),
        sa.Column("corp_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.BigInteger(), nullable=False),
        sa.Column("servicer_id", sa.BigInteger(), nullable=True),
        sa.Column("msgtype", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("send_time", yuanzi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_msg_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["corp_id"], ["wecom_corps.id"], name=op.f("fk_wecom_kf_messages_corp_id_wecom_corps")
        ),
        sa.ForeignKeyConstraint(
            ["servicer_id"], ["wecom_staff.id"], name=op.f("fk_wecom_kf_messages_servicer_id_wecom_staff")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["wecom_kf_sessions.id"],
            name=op.f("fk_wecom_kf_messages_session_id_wecom_kf_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_kf_messages")),
        sa.UniqueConstraint("corp_id", "msgid", name="uq_wecom_kf_messages_corp_msgid"),
        sa.UniqueConstraint("corp_id", "seq", name="uq_wecom_kf_messages_corp_seq"),
        sa.UniqueConstraint("session_id", "client_msg_id", name=op.f("uq_wecom_kf_messages_session_id")),
    )
    with op.batch_alter_table("wecom_kf_messages", schema=None) as batch_op:
        batch_op.create_index("ix_wecom_kf_messages_session", ["session_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wecom_kf_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_wecom_kf_messages_session")

    op.drop_table("wecom_kf_messages")
    with op.batch_alter_table("wecom_kf_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_wecom_kf_sessions_user")

    op.drop_table("wecom_kf_sessions")
    op.drop_table("wecom_kf_servicers")
    with op.batch_alter_table("wecom_access_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_wecom_access_tokens_app")

    op.drop_table("wecom_access_tokens")
    op.drop_table("wecom_staff")
    op.drop_table("wecom_media")
    with op.batch_alter_table("wecom_kf_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_wecom_kf_accounts_corp")

    op.drop_table("wecom_kf_accounts")
    op.drop_table("wecom_external_users")
    op.drop_table("wecom_apps")
    op.drop_table("wecom_corps")
