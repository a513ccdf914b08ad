"""The database refuses a cycle in the code tree (reliability.md C3-4).

The codebook services refuse moving a code under itself or one of its
sub-codes; these triggers make the database (SQLite, or PostgreSQL through a PL/pgSQL
trigger function) refuse it too, whatever path the write
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

# PostgreSQL's twin: one trigger function for insert and update, raising an integrity
# violation (SQLSTATE 23000) with the same message, so both backends' refusal reaches the
# services as an IntegrityError.
CREATE_POSTGRESQL_TRIGGERS = (
    """
    CREATE OR REPLACE FUNCTION codes_no_cycle() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.parent_id IS NOT NULL AND (NEW.parent_id = NEW.id OR EXISTS (
            WITH RECURSIVE ancestors(id) AS (
                SELECT NEW.parent_id
                UNION
                SELECT codes.parent_id FROM codes JOIN ancestors ON codes.id = ancestors.id
                WHERE codes.parent_id IS NOT NULL
            )
            SELECT 1 FROM ancestors WHERE ancestors.id = NEW.id
        )) THEN
            RAISE EXCEPTION 'a code cannot be placed under itself or one of its sub-codes'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS codes_no_cycle_update ON codes",
    """
    CREATE TRIGGER codes_no_cycle_update
    BEFORE UPDATE OF parent_id ON codes
    FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL)
    EXECUTE FUNCTION codes_no_cycle()
    """,
    "DROP TRIGGER IF EXISTS codes_no_cycle_insert ON codes",
    """
    CREATE TRIGGER codes_no_cycle_insert
    BEFORE INSERT ON codes
    FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL AND NEW.parent_id = NEW.id)
    EXECUTE FUNCTION codes_no_cycle()
    """,
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        statements = CREATE_TRIGGERS
    elif dialect == "postgresql":
        statements = CREATE_POSTGRESQL_TRIGGERS
    else:
        return  # another database: the codebook services still refuse cycles
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS codes_no_cycle_insert")
        op.execute("DROP TRIGGER IF EXISTS codes_no_cycle_update")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS codes_no_cycle_insert ON codes")
        op.execute("DROP TRIGGER IF EXISTS codes_no_cycle_update ON codes")
        op.execute("DROP FUNCTION IF EXISTS codes_no_cycle()")
