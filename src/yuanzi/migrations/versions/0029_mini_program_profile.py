"""mini program profile

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30 10:49:33.900912
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identity_apps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("keywords", sa.Text(), server_default="[]", nullable=False))


def downgrade() -> None:

    with op.batch_alter_table("identity_apps", schema=None) as batch_op:
        batch_op.drop_column("keywords")
        batch_op.drop_column("description")
