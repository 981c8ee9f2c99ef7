"""search readers

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30 11:42:05.954031
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("readers", sa.Text(), server_default="", nullable=False))

    # Every row indexed so far is public. The default fills them in and is dropped again, so a
    # row written without its readers fails instead of quietly becoming public.
    public = "'{public}'" if op.get_bind().dialect.name == "postgresql" else "'public'"
    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "readers",
                postgresql.ARRAY(sa.Text()).with_variant(sa.Text(), "sqlite"),
                server_default=sa.text(public),
                nullable=False,
            )
        )
    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.alter_column("readers", server_default=None)
    # The GIN index serves the PostgreSQL backend only; on SQLite the column is unused text.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_search_terms_readers", "search_terms", ["readers"], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_search_terms_readers", table_name="search_terms")

    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.drop_column("readers")

    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_column("readers")
