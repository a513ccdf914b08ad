"""Opening another tool's SQLite file strictly read-only (QualCoder, Taguette).

The file is opened with ``mode=ro&immutable=1``, so SQLite neither writes nor creates a
journal or lock beside it, and an authorizer lets only reads compile: no function runs, so a
view or default in a crafted schema cannot call anything. Because an immutable file ignores a
pending journal, a file with one beside it (the tool has it open, or crashed) is refused
rather than read half-written.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qualcope.errors import ImportFileError


def refuse_open_journal(database: Path, tool: str) -> None:
    """An error when a journal or WAL beside the file holds a transaction not yet written."""
    for suffix in ("-journal", "-wal"):
        side = database.with_name(database.name + suffix)
        if side.is_file() and side.stat().st_size > 0:
            raise ImportFileError(
                f"the project is open in {tool} or was not closed cleanly ({side.name} "
                f"exists); close {tool} and try again",
                path=database,
            )


def connect_read_only(database: Path) -> sqlite3.Connection:
    """A connection that can only read the file (see the module docstring)."""
    # No pragma statements here (the layer rule keeps them in db/engine.py).
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    conn.set_authorizer(_only_reads)
    return conn


def table_names(conn: sqlite3.Connection) -> set[str]:
    listed = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    return {str(name).lower() for (name,) in listed}


def _only_reads(action: int, _arg1: str | None, _arg2: str | None, *_: str | None) -> int:
    allowed = action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ)
    return sqlite3.SQLITE_OK if allowed else sqlite3.SQLITE_DENY
