"""The database refuses a cycle in the code tree (reliability.md C3-4).

The codebook services refuse moving a code under itself or one of its
sub-codes; these triggers make SQLite refuse it too, whatever path the write
takes (another tool, a bug, a replayed event). A later migration that rebuilds
the ``codes`` table in batch mode drops triggers: it must run ``CREATE_TRIGGERS``
again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 17:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CREATE_TRIGGERS = (
    """
    CREATE TRIGGER IF NOT EXISTS codes_no_cycle_update
    BEFORE UPDATE OF parent_id ON codes
    WHEN NEW.parent_id IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'a code cannot be placed under itself or one of its sub-codes')
        WHERE NEW.parent_id = NEW.id OR EXISTS (
            WITH RECURSIVE ancestors(id) AS (
                SELECT NEW.parent_id
                UNION
                SELECT codes.parent_id FROM codes JOIN ancestors ON codes.id = ancestors.id
                WHERE codes.parent_id IS NOT NULL
            )
            SELECT 1 FROM ancestors WHERE ancestors.id = NEW.id
        );
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS codes_no_cycle_insert
    BEFORE INSERT ON codes
    WHEN NEW.parent_id IS NOT NULL AND NEW.parent_id = NEW.id
    BEGIN
        SELECT RAISE(ABORT, 'a code cannot be placed under itself or one of its sub-codes');
    END
    """,
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL (team projects) gets its own trigger function when it is supported
    for statement in CREATE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS codes_no_cycle_insert")
    op.execute("DROP TRIGGER IF EXISTS codes_no_cycle_update")
