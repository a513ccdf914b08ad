"""Engine factory: the only place that knows SQLite's special needs.

SQLite connections get WAL, foreign keys, a busy timeout and
``synchronous=NORMAL``; write transactions begin IMMEDIATE so a second
writer waits on the busy handler instead of failing half-way through a
read-then-write (reliability.md C7-5). Other databases (PostgreSQL for
teams) get a plain engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, insert
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.pool import NullPool, StaticPool

from qualcope.db.sqlite_file import APPLICATION_ID, BUSY_TIMEOUT_MS, read_application_id

__all__ = ["APPLICATION_ID", "BUSY_TIMEOUT_MS", "read_application_id"]  # still read from here
WRITE_OPTION = "qualcope_write"


def to_url(location: str | Path) -> URL:
    """A project location: a SQLAlchemy URL when it contains '://', else a file path."""
    value = str(location)
    if "://" in value:
        url = make_url(value)
        if url.drivername in ("postgresql", "postgres"):  # the driver qualcope installs
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite+pysqlite", database=str(Path(value).expanduser().resolve()))


def is_server(url: URL) -> bool:
    """A database on a server (PostgreSQL): shared by a team, never migrated automatically."""
    return not is_sqlite(url)


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL (None for in-memory databases)."""
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def make_engine(url: URL, *, echo: bool = False, one_connection: bool = False) -> Engine:
    """Create the engine for a project URL, with SQLite tuned as described above.

    ``one_connection`` keeps a single SQLite connection for every unit of work, for one
    thread doing many small transactions (a batch import): opening a connection costs a
    schema parse, and closing the last one a WAL checkpoint.
    """
    if not is_sqlite(url):
        return create_engine(url, echo=echo, pool_pre_ping=True)
    engine = create_engine(
        url,
        echo=echo,
        # One connection per checkout keeps worker threads independent and
        # releases file handles as soon as a unit of work ends.
        poolclass=StaticPool if one_connection else NullPool,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    _install_sqlite_hooks(engine)
    return engine


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control away from the driver so BEGIN is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA trusted_schema=OFF")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()
        if mode and str(mode[0]).lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def write_engine(engine: Engine) -> Engine:
    """The same engine, flagged so its transactions take the write lock at BEGIN."""
    return engine.execution_options(**{WRITE_OPTION: True})


def stamp_application_id(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the backup API (never a file copy)."""
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def sqlite_quick_check(engine: Engine) -> str:
    with engine.connect() as conn:
        row = conn.exec_driver_sql("PRAGMA quick_check").fetchone()
    return str(row[0]) if row else "no answer"


def integrity_problems(engine: Engine) -> list[str]:
    """Storage-level problems (SQLite integrity and foreign keys); empty when healthy."""
    if engine.url.get_backend_name() != "sqlite":
        return []
    problems: list[str] = []
    with engine.connect() as conn:
        result = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            problems += [f"integrity: {line}" for line in result[:20]]
        for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: {table} row {rowid} points to a missing {parent} row")
    return problems


@lru_cache(maxsize=32)
def _positional_insert(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[Any]]:
    """The INSERT statement's text for these columns, and each column's bind processor."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    if list(compiled.positiontup or ()) != list(columns):  # parameters in the columns' order
        raise ValueError(f"cannot insert columns {columns} of {table.name} positionally")
    processors = [table.c[name].type.bind_processor(dialect) for name in columns]
    return str(compiled), processors


def insert_many(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows given as tuples of ``columns`` values (Python values, as for Core).

    On SQLite one ``executemany`` through the driver, each column's bind processor applied
    once per non-None value: Core's own executemany builds and processes a parameter dict per
    row, about 4x the cost for the tens of thousands of turn rows of a large import (None
    stays SQL NULL, also in JSON columns, where Core would store the JSON text ``null``;
    both read back as None). Other databases take Core's insert.
    """
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    sql, processors = _positional_insert(table, tuple(columns), dialect)
    active = [(i, p) for i, p in enumerate(processors) if p is not None]
    if active:
        prepared = []
        for row in rows:
            values = list(row)
            for i, process in active:
                if values[i] is not None:
                    values[i] = process(values[i])
            prepared.append(values)
        rows = prepared
    connection.exec_driver_sql(sql, [tuple(row) for row in rows])
