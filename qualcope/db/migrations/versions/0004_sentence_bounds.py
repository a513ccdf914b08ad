"""Sentences as packed offsets on their document instead of a segment row each.

A million words made ~90,000 sentence rows, most of an import's storing time; sentences are
fixed at import and nothing refers to one by id, so they move to
``documents.sentence_bounds`` (``qualcope.sentence_bounds``). Turns stay rows. Existing
projects keep every sentence: each document's sentence rows are packed into the new column,
suggestions that pointed at a sentence point at its turn (as new ones do), and only then are
the sentence rows deleted. Portable SQL only (no SQLite specifics).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qualcope.sentence_bounds import pack

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

documents = sa.table(
    "documents", sa.column("id", sa.Integer), sa.column("sentence_bounds", sa.LargeBinary)
)
segments = sa.table(
    "segments",
    sa.column("id", sa.Integer),
    sa.column("document_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("start", sa.Integer),
    sa.column("end", sa.Integer),
    sa.column("parent_id", sa.Integer),
)
suggestions = sa.table(
    "suggestions", sa.column("id", sa.Integer), sa.column("segment_id", sa.Integer)
)


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sentence_bounds", sa.LargeBinary(), nullable=True))

    connection = op.get_bind()
    sentence = segments.alias("sentence")
    with_sentences = connection.scalars(
        sa.select(sentence.c.document_id)
        .where(sentence.c.kind == "sentence")
        .distinct()
        .order_by(sentence.c.document_id)
    ).all()
    for document_id in with_sentences:  # a document at a time: memory stays flat
        pairs = connection.execute(
            sa.select(sentence.c.start, sentence.c.end)
            .where(sentence.c.document_id == document_id, sentence.c.kind == "sentence")
            .order_by(sentence.c.start, sentence.c.end)
        ).all()
        connection.execute(
            documents.update()
            .where(documents.c.id == document_id)
            .values(sentence_bounds=pack((start, end) for start, end in pairs))
        )

    parent = (
        sa.select(sentence.c.parent_id)
        .where(sentence.c.id == suggestions.c.segment_id)
        .scalar_subquery()
    )
    connection.execute(
        suggestions.update()
        .where(
            suggestions.c.segment_id.in_(
                sa.select(sentence.c.id).where(sentence.c.kind == "sentence")
            )
        )
        .values(segment_id=parent)
    )
    connection.execute(segments.delete().where(segments.c.kind == "sentence"))


def downgrade() -> None:
    raise NotImplementedError("projects are never downgraded (a backup is made before upgrading)")
