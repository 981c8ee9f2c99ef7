"""search terms

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 05:35:28.200753
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_index_state",
        sa.Column("backend", sa.String(length=16), nullable=False),
        sa.Column("applied", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("backend", name=op.f("pk_search_index_state")),
    )
    op.create_table(
        "search_terms",
        sa.Column("doc_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("tsv", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_search_terms")),
    )
    # The GIN index serves the PostgreSQL backend only; on SQLite the column is unused text.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_search_terms_tsv", "search_terms", ["tsv"], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_search_terms_tsv", table_name="search_terms")

    op.drop_table("search_terms")
    op.drop_table("search_index_state")
