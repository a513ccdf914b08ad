"""Suggestions (pending and decided, per coder) and trained models stored in the project.

Only adds two tables: opening an older project upgrades it without touching its rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 16:54:06.931326
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_artifacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_artifacts")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("model_artifacts", schema=None) as batch_op:
        batch_op.create_index("ix_model_artifacts_kind_lang", ["kind", "lang"], unique=False)

    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("cue", sa.String(length=200), nullable=True),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_code_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_suggestions_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_suggestions_coder_id_coders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_code_id"],
            ["codes.id"],
            name=op.f("fk_suggestions_decided_code_id_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_suggestions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_suggestions_segment_id_segments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint(
            "document_id", "start", "end", "code_id", "coder_id", name="uq_suggestions_span"
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestions_code_id"), ["code_id"], unique=False)
        batch_op.create_index(
            "ix_suggestions_coder_status_score", ["coder_id", "status", "score"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_suggestions_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_suggestions_segment_id"), ["segment_id"], unique=False)


def downgrade() -> None:
    op.drop_table("suggestions")
    op.drop_table("model_artifacts")
