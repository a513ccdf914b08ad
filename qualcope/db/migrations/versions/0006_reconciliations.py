"""Reconciliation decisions: which units of two coders' disagreement the consensus settled.

Only adds a table: opening an older project upgrades it without touching its rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reconciliations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("first_coder_id", sa.Integer(), nullable=False),
        sa.Column("second_coder_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["codes.id"],
            name=op.f("fk_reconciliations_code_id_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_reconciliations_coder_id_coders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_reconciliations_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["first_coder_id"],
            ["coders.id"],
            name=op.f("fk_reconciliations_first_coder_id_coders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["second_coder_id"],
            ["coders.id"],
            name=op.f("fk_reconciliations_second_coder_id_coders"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliations")),
        sa.UniqueConstraint(
            "document_id", "coder_id", "start", "end", name="uq_reconciliations_unit"
        ),
        sa.UniqueConstraint("guid", name=op.f("uq_reconciliations_guid")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    raise NotImplementedError("projects are never downgraded (a backup is made before upgrading)")
