"""Creating, opening and refusing project databases on a PostgreSQL server.

Each test gets a new database on the server of $QUALCOPE_TEST_PG_URL (``pg_url`` in
tests/conftest.py) and is skipped, saying why, without one.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.errors import NewerProjectError, NotAProjectError, ProjectError
from qualcope.services.project import Project


def _plain_url(pg_url: str) -> str:
    """The same database as a plain postgresql:// URL (no driver named)."""
    return pg_url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_init_and_documents_through_the_cli_with_a_plain_postgresql_url(pg_url: str) -> None:
    from qualcope.cli import cli

    runner = CliRunner()
    made = runner.invoke(cli, ["--db", _plain_url(pg_url), "init"])
    assert made.exit_code == 0, made.output
    assert "qualcope:qualcope@" not in made.output  # the password is never shown
    listed = runner.invoke(cli, ["--db", _plain_url(pg_url), "documents"])
    assert listed.exit_code == 0, listed.output
    again = runner.invoke(cli, ["--db", _plain_url(pg_url), "init"])
    assert again.exit_code != 0
    assert "not empty" in again.stderr


def test_a_server_that_cannot_be_reached_is_one_line_without_the_password() -> None:
    """No server needed: nothing listens on port 1."""
    url = "postgresql://ana:secret@127.0.0.1:1/study"
    for attempt in (
        lambda: Project.open(url),
        lambda: lifecycle.upgrade_project(engines.to_url(url)),
    ):
        with pytest.raises(ProjectError) as refused:
            attempt()
        assert not isinstance(refused.value, NotAProjectError)
        message = str(refused.value)
        assert "cannot open the database" in message and "\n" not in message
        assert "secret" not in message


def test_a_database_without_qualcope_tables_is_not_a_project(pg_url: str) -> None:
    with pytest.raises(NotAProjectError, match="not a qualcope project"):
        Project.open(pg_url)
    engine = create_engine(engines.to_url(pg_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE other (id integer)")
    engine.dispose()
    with pytest.raises(ProjectError, match="not empty"):
        Project.create(pg_url)


def test_a_database_of_a_newer_qualcope_is_refused(pg_url: str) -> None:
    Project.create(pg_url).close()
    engine = engines.make_engine(engines.to_url(pg_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(NewerProjectError, match="newer version of qualcope"):
        Project.open(pg_url)
    with pytest.raises(NewerProjectError):
        lifecycle.upgrade_project(engines.to_url(pg_url))


def test_db_upgrade_of_a_sqlite_file_behind_backs_it_up(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`qualcope db upgrade` also works on a SQLite file (which opening upgrades anyway)."""
    from qualcope.cli import cli

    path = tmp_path / "old.db"
    lifecycle.create_project(engines.to_url(path), revision="0006").dispose()
    result = CliRunner().invoke(cli, ["--db", str(path), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"upgraded from revision 0006 to {lifecycle.head_revision()}" in result.stderr
    assert list(tmp_path.glob("old.db.0006-*.bak"))
