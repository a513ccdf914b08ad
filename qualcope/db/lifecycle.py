"""Create, open, upgrade or refuse a project database.

A new project is created through Alembic and stamped; an older SQLite file
is backed up with the backup API and upgraded when opened; a file written
by a newer qualcope, or a file that is not a qualcope project, is refused
with a one-line message (reliability.md C7-11, C7-12, C7-15).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, OperationalError

from qualcope import __version__
from qualcope.db import engine as engines
from qualcope.db.sqlite_file import MIGRATIONS, head_revision, known_revisions
from qualcope.errors import NewerProjectError, NotAProjectError, ProjectError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["MIGRATIONS", "head_revision", "known_revisions"]  # still read from here


def alembic_config() -> Config:
    from alembic.config import Config  # noqa: PLC0415 - Alembic loads only to migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision(engine: Engine) -> str | None:
    """The project's schema revision (alembic_version), None when it has none."""
    with engine.connect() as conn:
        return _read_revision(conn, _table_names(conn))


def _table_names(conn: Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(row[0]) for row in rows}
    return set(inspect(conn).get_table_names())


def _read_revision(conn: Connection, tables: set[str]) -> str | None:
    if "alembic_version" not in tables:
        return None
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    if len(rows) > 1:  # several heads: let Alembic say what it makes of them
        from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

        return MigrationContext.configure(conn).get_current_revision()
    return str(rows[0][0]) if rows else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command  # noqa: PLC0415 - Alembic loads only to migrate

    config = alembic_config()
    with engines.write_engine(engine).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def describe(url: URL) -> str:
    path = engines.sqlite_path(url)
    return str(path) if path else url.render_as_string(hide_password=True)


def refuse_unless_new_file(path: Path) -> None:
    """A ProjectError unless ``path`` is free for a new project file (empty files allowed)."""
    if path.is_dir():
        raise ProjectError("is a directory, not a project file", path=path)
    if path.exists() and path.stat().st_size > 0:
        raise ProjectError("a file already exists here; refusing to overwrite it", path=path)
    if not path.parent.is_dir():
        raise ProjectError("the folder does not exist", path=path.parent)


def create_project(url: URL, *, revision: str = "head") -> Engine:
    """Create an empty project at url; refuse when one (or any file) is there."""
    path = engines.sqlite_path(url)
    if path is not None:
        refuse_unless_new_file(path)
    engine = engines.make_engine(url)
    if path is None and _has_tables(engine):
        raise ProjectError(
            "the database is not empty; refusing to create a project in it", path=describe(url)
        )
    try:
        if path is not None:
            engines.stamp_application_id(engine)
        upgrade(engine, revision)
        from sqlalchemy.orm import Session

        from qualcope.db.models import ProjectInfo  # local: keeps import light for --help

        with Session(engines.write_engine(engine)) as session, session.begin():
            session.add_all(
                [
                    ProjectInfo(key="created_at", value=datetime.now(UTC).isoformat()),
                    ProjectInfo(key="created_by", value=f"qualcope {__version__}"),
                ]
            )
    except OperationalError as exc:
        engine.dispose()
        raise ProjectError(f"cannot create the project: {exc.orig}", path=describe(url)) from exc
    return engine


def open_project(url: URL, *, upgrade_old: bool = True, upgrade_server: bool = False) -> Engine:
    """Open an existing project, upgrading an older SQLite file after a backup.

    A server database (PostgreSQL) is shared by a team: it is upgraded only when asked
    (``upgrade_server``, `qualcope db upgrade`), else an older one is refused with a message
    saying so.
    """
    path = engines.sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
    engine = engines.make_engine(url)
    try:
        with engine.connect() as conn:
            tables = _table_names(conn)
            revision = _read_revision(conn, tables)
        if revision is None or not {"codes", "documents"} <= tables:
            raise NotAProjectError(
                "not a qualcope project (no qualcope tables)", path=describe(url)
            )
    except OperationalError as exc:
        engine.dispose()
        if engines.is_server(url):  # no server, wrong password, no such database...
            raise ProjectError(
                f"cannot open the database: {_first_line(exc.orig)}", path=describe(url)
            ) from exc
        raise NotAProjectError(f"not a qualcope project ({exc.orig})", path=describe(url)) from exc
    except DatabaseError as exc:
        engine.dispose()
        raise NotAProjectError(f"not a qualcope project ({exc.orig})", path=describe(url)) from exc
    except NotAProjectError:
        engine.dispose()
        raise
    known = known_revisions()
    if revision not in known:
        engine.dispose()
        raise NewerProjectError(
            f"created by a newer version of qualcope (schema {revision}); "
            f"this is qualcope {__version__}: upgrade qualcope to open it",
            path=describe(url),
        )
    if revision != max(known):
        if engines.is_server(url) and not upgrade_server:
            engine.dispose()
            raise ProjectError(
                f"this project database is at revision {revision}, qualcope needs "
                f"{max(known)}: run `qualcope db upgrade`",
                path=describe(url),
            )
        if not upgrade_old:
            engine.dispose()
            raise ProjectError(f"schema {revision} needs an upgrade", path=describe(url))
        if path is not None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            engines.backup_sqlite(path, path.with_name(f"{path.name}.{revision}-{stamp}.bak"))
        upgrade(engine)
    return engine


def upgrade_project(url: URL) -> tuple[str, str]:
    """Bring a project to the newest schema (`qualcope db upgrade`): (before, after).

    A SQLite file is backed up first, as when it is opened; a server database is upgraded
    in one transaction (PostgreSQL's DDL is transactional: a failure leaves it as it was).
    """
    path = engines.sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
    probe = engines.make_engine(url)
    try:
        before = current_revision(probe)
    except OperationalError as exc:
        if not engines.is_server(url):
            raise NotAProjectError(
                f"not a qualcope project ({exc.orig})", path=describe(url)
            ) from exc
        raise ProjectError(
            f"cannot open the database: {_first_line(exc.orig)}", path=describe(url)
        ) from exc
    except DatabaseError as exc:
        raise NotAProjectError(f"not a qualcope project ({exc.orig})", path=describe(url)) from exc
    finally:
        probe.dispose()
    engine = open_project(url, upgrade_server=True)
    try:
        after = current_revision(engine)
    finally:
        engine.dispose()
    return str(before), str(after)


def _first_line(error: object) -> str:
    """A driver's message on one line (psycopg adds DETAIL and HINT lines)."""
    return " ".join(str(error).split("\n")[:1]).strip()


def _check_sqlite_file(path: Path) -> None:
    if not path.exists():
        raise ProjectError("no project here (create one with `qualcope init`)", path=path)
    if path.is_dir():
        raise ProjectError("is a directory, not a project file", path=path)
    if path.stat().st_size == 0:
        raise NotAProjectError("not a qualcope project (the file is empty)", path=path)
    app_id = engines.read_application_id(path)
    if app_id is None:
        raise NotAProjectError("not a qualcope project (not a SQLite database)", path=path)
    if app_id != engines.APPLICATION_ID:
        raise NotAProjectError(
            "not a qualcope project (a SQLite database of another application)", path=path
        )


def server_database_is_empty(url: URL) -> bool:
    """True when the server database at ``url`` has no tables (a project can be created)."""
    engine = engines.make_engine(url)
    try:
        return not _has_tables(engine)
    finally:
        engine.dispose()


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(_table_names(conn))
