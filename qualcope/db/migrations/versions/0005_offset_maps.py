"""Offset maps and quote checks: file positions of each document, codings without a quote.

``documents.offset_map`` holds the regions where the stored text differs from the file's
(``qualcope.ingest.offsets``): NULL is the identity. Documents imported before this
revision were trimmed without a record, so their file positions are unknown; their import
report says nothing of offsets and exchange falls back to stored positions for them, saying
so. ``codings.quote_checked`` is false for a coding imported by position alone (its quote
was filled from the text, not compared with one): ``qualcope doctor`` lists them. Every
coding made before was either made in qualcope or checked against its quote.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offset_map", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quote_checked", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    raise NotImplementedError("projects are never downgraded (a backup is made before upgrading)")
