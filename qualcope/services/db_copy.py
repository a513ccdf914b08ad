"""Copy a whole project into a new database: SQLite <-> PostgreSQL, or SQLite -> SQLite.

Why: a study starts on a laptop (one SQLite file) and moves to the team's PostgreSQL server, or
comes back down to a file to archive it. A REFI-QDA export loses ids, the event log (undo),
finished marks, reading positions, suggestions and models; this copies every table of the
schema row by row with every column as it is, so the copy is the same project.

The destination must be new or empty. Its schema is made by the migrations (``alembic_version``
at head) in the transaction that copies the rows, so a failure leaves no half-copied project
(a new SQLite file is removed). Rows stream from one snapshot of the source in batches, tables
in dependency order and a code tree's rows parents first (foreign keys and the cycle triggers
of migration 0002 see valid data only). Id sequences then continue after the source's highest
id, also of deleted rows the event log may bring back, so new rows get fresh ids.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    Select,
    Table,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Base
from qualcope.domain import ProgressCallback, ProgressUpdate, no_progress
from qualcope.errors import NewerProjectError, NotAProjectError, ProjectError

BATCH_ROWS = 5000
_NULL_FLAG = "_qualcope_sql_null_"


@dataclass
class CopyResult:
    """Rows copied per table (dependency order), the schema revision and the time taken."""

    counts: dict[str, int] = field(default_factory=dict)
    revision: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def copy_project(
    source: URL,
    destination: URL,
    on_progress: ProgressCallback = no_progress,
    *,
    batch_rows: int = BATCH_ROWS,
) -> CopyResult:
    """Copy the project at ``source`` into the new or empty database at ``destination``."""
    started = time.monotonic()
    src = _open_source(source)
    try:
        new_file = _check_destination(destination)
        dst = engines.make_engine(destination)
        try:
            if engines.sqlite_path(destination) is not None:
                engines.stamp_application_id(dst)
            result = _copy(src, dst, on_progress, batch_rows)
        except BaseException:
            dst.dispose()
            _remove_new_file(destination, new_file)
            raise
        dst.dispose()
    finally:
        src.dispose()
    result.seconds = time.monotonic() - started
    return result


def _open_source(url: URL) -> Engine:
    """The source's engine; it must be a project at this qualcope's schema revision."""
    try:
        return lifecycle.open_project(url, upgrade_old=False, upgrade_server=True)
    except (NotAProjectError, NewerProjectError):
        raise
    except ProjectError as exc:
        path = engines.sqlite_path(url)
        if path is not None and not (path.is_file() and path.stat().st_size > 0):
            raise  # never let the probe below create a file
        probe = engines.make_engine(url)
        try:
            revision = lifecycle.current_revision(probe)
        except DBAPIError:
            revision = None
        finally:
            probe.dispose()
        if revision in lifecycle.known_revisions() and revision != lifecycle.head_revision():
            raise ProjectError(
                f"the project is at schema revision {revision}, this qualcope's is "
                f"{lifecycle.head_revision()}: run `qualcope db upgrade` on it first",
                path=lifecycle.describe(url),
            ) from exc
        raise


def _check_destination(url: URL) -> bool | None:
    """Refuse a destination that is not new or empty; for SQLite, whether the file is new."""
    where = lifecycle.describe(url)
    path = engines.sqlite_path(url)
    if path is not None:
        lifecycle.refuse_unless_new_file(path)
        return not path.exists()
    if engines.is_sqlite(url):
        raise ProjectError("cannot copy into an in-memory database", path=where)
    probe = engines.make_engine(url)
    try:
        with probe.connect() as conn:
            names = set(inspect(conn).get_table_names())
            ours = {table.name for table in Base.metadata.sorted_tables}
            others = sorted(names - ours - {"alembic_version"})
            if others:
                raise ProjectError(
                    f"the database is not empty (tables {', '.join(others[:5])}); "
                    "refusing to copy into it",
                    path=where,
                )
            for table in Base.metadata.sorted_tables:
                if (
                    table.name in names
                    and conn.execute(select(literal(1)).select_from(table)).first()
                ):
                    raise ProjectError(
                        f"the database already holds a project (rows in {table.name}); "
                        "refusing to copy into it",
                        path=where,
                    )
        if names and lifecycle.current_revision(probe) not in lifecycle.known_revisions():
            raise ProjectError("the database holds an unknown schema; refusing it", path=where)
    except DBAPIError as exc:
        message = " ".join(str(exc.orig).split("\n")[:1]).strip()
        raise ProjectError(f"cannot open the database: {message}", path=where) from exc
    finally:
        probe.dispose()
    return None


def _remove_new_file(url: URL, new_file: bool | None) -> None:
    path = engines.sqlite_path(url)
    if path is None or new_file is None:
        return
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if new_file:
        path.unlink(missing_ok=True)
    elif path.exists():
        path.write_bytes(b"")  # it was an empty file: leave it empty


def _copy(src: Engine, dst: Engine, on_progress: ProgressCallback, batch_rows: int) -> CopyResult:
    tables = Base.metadata.sorted_tables
    reading = src.connect()
    if src.dialect.name == "postgresql":  # one snapshot of every table
        reading = reading.execution_options(isolation_level="REPEATABLE READ")
    try:
        with reading.begin():
            totals = {
                t.name: int(reading.scalar(select(func.count()).select_from(t)) or 0)
                for t in tables
            }
            high_water = _sequence_values(reading)
            total = sum(totals.values())
            result = CopyResult()
            done = 0
            on_progress(ProgressUpdate(0, total, "schema"))
            with engines.write_engine(dst).begin() as writing:
                _create_schema(writing)
                for table in tables:
                    on_progress(ProgressUpdate(done, total, table.name))
                    copied = 0
                    for batch in _read_batches(reading, table, batch_rows):
                        writing.execute(insert(_target(table)), batch)
                        copied += len(batch)
                        done += len(batch)
                        on_progress(ProgressUpdate(done, total, table.name))
                    if copied != totals[table.name]:
                        raise ProjectError(
                            f"{table.name}: {copied} of {totals[table.name]} rows copied "
                            "(rows the source's foreign keys cannot reach); nothing was copied"
                        )
                    result.counts[table.name] = copied
                    if table.autoincrement_column is not None:
                        column = table.autoincrement_column
                        top = reading.scalar(select(func.max(column))) or 0
                        _set_sequence(writing, table, max(int(top), high_water.get(table.name, 0)))
                result.revision = str(_read_revision(writing))
    except DBAPIError as exc:
        message = " ".join(str(exc.orig).split("\n")[:1]).strip()
        raise ProjectError(f"the copy failed, nothing was copied: {message}") from exc
    finally:
        reading.close()
    return result


def _create_schema(conn: Connection) -> None:
    """The newest schema by the migrations, on the copy's own transaction."""
    from alembic import command  # noqa: PLC0415 - Alembic loads only to migrate

    config = lifecycle.alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
    if _read_revision(conn) != lifecycle.head_revision():
        raise ProjectError("the destination did not reach the newest schema")


def _read_revision(conn: Connection) -> str | None:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _read_batches(
    conn: Connection, table: Table, batch_rows: int
) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in batches, as the destination's insert takes them.

    A nullable JSON column keeps SQL NULL and JSON ``null`` apart (both read as None); a
    time with a zone is made UTC (SQLite stores it without one, PostgreSQL with one).
    """
    json_columns = [c for c in table.columns if isinstance(c.type, JSON) and c.nullable]
    flags = [c.is_(None).label(f"{_NULL_FLAG}{c.key}") for c in json_columns]
    stmt = _ordered(table).add_columns(*flags)
    json_at = [i for i, c in enumerate(table.columns) if c in json_columns]
    zoned_at = [
        i for i, c in enumerate(table.columns) if isinstance(c.type, DateTime) and c.type.timezone
    ]
    keys = [c.key for c in table.columns]
    width = len(keys)
    rows = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(stmt)
    for partition in rows.partitions(batch_rows):
        batch = []
        for row in partition:
            values = list(row[:width])
            for n, i in enumerate(json_at):
                if values[i] is None and not row[width + n]:
                    values[i] = JSON.NULL  # JSON null, not SQL NULL
            for i in zoned_at:
                values[i] = _utc(values[i])
            batch.append(dict(zip(keys, values, strict=True)))
        yield batch


def _ordered(table: Table) -> Select[Any]:
    """All rows ordered by primary key; the rows of a tree (a column referring to the same
    table) parents first, by depth, so each row's parent is already there."""
    key = list(table.primary_key.columns)
    parents = [fk.parent for fk in table.foreign_keys if fk.column.table is table]
    if len(parents) != 1 or len(key) != 1:
        return select(*table.columns).order_by(*key)
    parent, ident = parents[0], key[0]
    tree = (
        select(ident.label("node"), literal(0).label("depth"))
        .where(parent.is_(None))
        .cte(f"{table.name}_tree", recursive=True)
    )
    child = table.alias()
    tree = tree.union_all(
        select(child.c[ident.key], tree.c.depth + 1).join(tree, child.c[parent.key] == tree.c.node)
    )
    return (
        select(*table.columns)
        .select_from(table.join(tree, ident == tree.c.node))
        .order_by(tree.c.depth, ident)
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@cache
def _target(table: Table) -> Table:
    """The table as the insert sees it: JSON None is SQL NULL (JSON null is ``JSON.NULL``)."""
    columns = [
        Column(c.name, JSON(none_as_null=True) if isinstance(c.type, JSON) else c.type, key=c.key)
        for c in table.columns
    ]
    return Table(table.name, MetaData(), *columns)


def _sequence_values(conn: Connection) -> dict[str, int]:
    """The highest id each table ever handed out, deleted rows included, by table name."""
    values: dict[str, int] = {}
    if conn.dialect.name == "sqlite":
        found = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
        ).first()
        if found:
            for name, seq in conn.execute(text("SELECT name, seq FROM sqlite_sequence")):
                values[str(name)] = int(seq or 0)
        return values
    if conn.dialect.name != "postgresql":
        return values
    for table in Base.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        last = conn.execute(
            text("SELECT pg_sequence_last_value(CAST(pg_get_serial_sequence(:t, :c) AS regclass))"),
            {"t": table.name, "c": column.name},
        ).scalar()
        values[table.name] = int(last or 0)  # NULL: no id handed out yet
    return values


def _set_sequence(conn: Connection, table: Table, top: int) -> None:
    """Make the table's next new id ``top + 1``."""
    column = table.autoincrement_column
    assert column is not None
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence(:t, :c), :n, :called)"),
            {"t": table.name, "c": column.name, "n": max(top, 1), "called": top >= 1},
        )
    elif conn.dialect.name == "sqlite" and top > 0 and _sqlite_autoincrement(conn, table):
        conn.execute(text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table.name})
        conn.execute(
            text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)"),
            {"t": table.name, "n": top},
        )


def _sqlite_autoincrement(conn: Connection, table: Table) -> bool:
    """Whether SQLite keeps a high-water mark for the table (its rowid is AUTOINCREMENT)."""
    sql = conn.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table.name}
    ).scalar()
    return "AUTOINCREMENT" in str(sql or "").upper()
