"""A project's SQLite file as the standard library sees it: no SQLAlchemy, no Alembic.

A read-only listing (`qualcope documents`) should start about as fast as any small command,
and importing SQLAlchemy's ORM alone costs several times a bare click command (issue 16,
``benchmarks/bench_cli_startup.py``). ``connect_current`` opens a project file with
``sqlite3`` when it is plainly a current qualcope project: a SQLite file with qualcope's
application id whose schema is at this qualcope's newest revision. Anything else (a
server database, an older schema to migrate, a file of another application, a locked or
damaged file) gets None, and the caller goes the ordinary way through ``lifecycle``, which
migrates, refuses or words the problem as it always has.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

# 'QCOP' in ASCII: lets us recognise our own SQLite files (PRAGMA application_id).
APPLICATION_ID = 0x51434F50
BUSY_TIMEOUT_MS = 5000
MIGRATIONS = Path(__file__).with_name("migrations")
# A migration's file is named after its revision id: versions/0007_reading_positions.py is
# revision "0007", whose down_revision is "0006" (tests/db/test_revisions.py checks this
# against Alembic). Knowing the newest revision therefore needs one directory listing.
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def known_revisions() -> set[str]:
    """Every schema revision this qualcope knows, from the migration files' names."""
    names = os.listdir(MIGRATIONS / "versions")
    return {match.group(1) for name in names if (match := _REVISION_FILE.match(name))}


def head_revision() -> str:
    """The newest schema revision (the one a new or upgraded project has)."""
    return max(known_revisions())


def read_application_id(path: Path) -> int | None:
    """PRAGMA application_id of a SQLite file, or None when it is not SQLite."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return None
    return int.from_bytes(header[68:72], "big")


def sqlite_file_of(location: str) -> Path | None:
    """The file a project location names, as ``engine.to_url`` reads it; None for a URL."""
    if "://" in location:
        return None
    return Path(location).expanduser().resolve()


def connect_current(path: Path) -> sqlite3.Connection | None:
    """A connection that only reads ``path`` when it is a qualcope project at the newest schema
    revision, else None (see the module docstring)."""
    if not path.is_file() or read_application_id(path) != APPLICATION_ID:
        return None
    try:
        # mode=rw never creates a file; query_only refuses any change to the project. Not
        # mode=ro: a read-only connection to a WAL database cannot remove the -wal and -shm
        # files it makes, and they would stay beside the project after every listing.
        conn = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only=ON")
        conn.execute("PRAGMA trusted_schema=OFF")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not {"alembic_version", "codes", "documents"} <= tables:
            conn.close()
            return None
        revisions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        conn.close()
        return None
    if [row[0] for row in revisions] != [head_revision()]:
        conn.close()
        return None
    return conn
