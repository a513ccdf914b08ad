"""`qualcope db copy` (``services.db_copy``): a whole project into a new database, losslessly.

The source is the demo project plus a row in every table the demo leaves empty (a memo, a
trained model's bytes, a suggestion, a reading position, a reconciliation) and a code moved
under a younger group (a parent with a higher id than its child). SQLite copies are compared
byte for byte with sqlite3 (every table, sqlite_sequence and the schema); a PostgreSQL copy row
by row through SQLAlchemy, then copied back down and compared byte for byte with the source.
The PostgreSQL tests use a new database on the server of $QUALCOPE_TEST_PG_URL (``pg_url``
in tests/conftest.py) and are skipped, saying why, without one.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import (
    Base,
    Code,
    Coding,
    Document,
    Memo,
    ModelArtifact,
    Reconciliation,
    Suggestion,
)
from qualcope.domain import ProgressUpdate
from qualcope.errors import ProjectError
from qualcope.services import codings, db_copy
from qualcope.services.demo import build_demo
from qualcope.services.project import Project
from qualcope.services.reading_positions import remember_position

MODEL_BYTES = bytes(range(256)) * 40 + b"\x00end"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project with a row in every table (built once per module; only read)."""
    path = tmp_path_factory.mktemp("source") / "study.db"
    with build_demo(path, "tester") as project:
        remember_position(project, 1, 10, 20)
        with project.write("more content") as session:
            coders = [1, 2, 3]
            session.add(Memo(document_id=1, coder_id=1, text='a memo ✓ with "quotes" and\nlines'))
            session.add(Memo(code_id=3, coder_id=2, text=""))
            session.add(
                ModelArtifact(
                    lang="en", data=MODEL_BYTES, config="[nlp]\n", meta={"labels": ["a", "b"]}
                )
            )
            session.add(
                Suggestion(
                    document_id=2,
                    code_id=3,
                    coder_id=1,
                    start=5,
                    end=50,
                    score=0.123456789012,
                    reason="cue ‘x’",
                    probability=None,
                    decided_at=datetime(2026, 1, 2, 3, 4, 5),
                )
            )
            session.add(
                Reconciliation(
                    document_id=1,
                    coder_id=coders[0],
                    start=0,
                    end=30,
                    choice="both",
                    first_coder_id=coders[1],
                    second_coder_id=coders[2],
                )
            )
            group = Code(name="Late group", name_key="late group", kind="group")
            session.add(group)
            session.flush()
            # An old code moves under the new group: its parent's id is higher than its own.
            session.get_one(Code, 3).parent_id = group.id
    return path


def raw_rows(path: Path) -> dict[str, Any]:
    """Every table's rows as SQLite stores them (sorted), with the schema's SQL."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump: dict[str, Any] = {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
        # The same schema (a batch migration writes a table's constraints in any order).
        dump["<schema>"] = sorted(
            (kind, name, sorted(line.strip().rstrip(",") for line in (sql or "").splitlines()))
            for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
        )
        dump["<application_id>"] = conn.execute("PRAGMA application_id").fetchone()
    finally:
        conn.close()
    return dump


def orm_rows(location: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Every table of the schema, row by row with every column, as SQLAlchemy reads it
    (times made UTC: SQLite keeps none, PostgreSQL gives the session's zone)."""
    engine = engines.make_engine(engines.to_url(location))
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    {k: _utc(v) for k, v in row._mapping.items()}
                    for row in conn.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_source_has_rows_in_every_table_and_a_parent_younger_than_its_child(
    source: Path,
) -> None:
    rows = orm_rows(source)
    assert [name for name, found in rows.items() if not found] == []
    codes = {row["id"]: row["parent_id"] for row in rows["codes"]}
    assert codes[3] is not None and codes[3] > 3


def test_sqlite_to_sqlite_copies_every_table_byte_for_byte(source: Path, tmp_path: Path) -> None:
    before = digest(source)
    target = tmp_path / "copy.db"
    result = db_copy.copy_project(engines.to_url(source), engines.to_url(target))
    assert raw_rows(target) == raw_rows(source)
    assert digest(source) == before  # the source is only read
    assert result.revision == lifecycle.head_revision()
    assert list(result.counts) == [t.name for t in Base.metadata.sorted_tables]
    with Project.open(target, "tester") as copied:
        assert result.counts["codings"] == codings.count_codings(copied)
    engine = lifecycle.open_project(engines.to_url(target), upgrade_old=False)
    try:
        assert engines.integrity_problems(engine) == []
        assert lifecycle.current_revision(engine) == lifecycle.head_revision()
    finally:
        engine.dispose()


def test_small_batches_stream_with_progress_up_to_the_total(source: Path, tmp_path: Path) -> None:
    seen: list[ProgressUpdate] = []
    target = tmp_path / "copy.db"
    result = db_copy.copy_project(
        engines.to_url(source), engines.to_url(target), seen.append, batch_rows=7
    )
    done = [update.done for update in seen]
    assert done == sorted(done) and done[-1] == result.total == seen[-1].total
    assert {update.message for update in seen} >= {"codes", "codings", "events"}
    assert raw_rows(target) == raw_rows(source)


def test_an_existing_destination_file_is_refused_and_left_unchanged(
    source: Path, tmp_path: Path
) -> None:
    target = tmp_path / "taken.db"
    target.write_bytes(b"someone's data")
    before = digest(source)
    with pytest.raises(ProjectError, match="already exists here; refusing to overwrite"):
        db_copy.copy_project(engines.to_url(source), engines.to_url(target))
    assert target.read_bytes() == b"someone's data"
    assert digest(source) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.db"]


def test_a_source_behind_the_schema_must_be_upgraded_first(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    lifecycle.create_project(engines.to_url(old), revision="0006").dispose()
    with pytest.raises(ProjectError, match=r"revision 0006.*run `qualcope db upgrade` on it first"):
        db_copy.copy_project(engines.to_url(old), engines.to_url(tmp_path / "new.db"))
    assert not (tmp_path / "new.db").exists()
    assert not list(tmp_path.glob("*.bak"))  # not upgraded behind the user's back


def test_a_copy_that_fails_half_way_leaves_no_file(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object) -> None:
        raise ProjectError("the disk fell off")

    monkeypatch.setattr(db_copy, "_set_sequence", fail)
    with pytest.raises(ProjectError, match="the disk fell off"):
        db_copy.copy_project(engines.to_url(source), engines.to_url(tmp_path / "copy.db"))
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ PostgreSQL


@pytest.fixture
def on_server(source: Path, pg_url: str) -> Iterator[str]:
    """The source copied into a new PostgreSQL database; its URL."""
    db_copy.copy_project(engines.to_url(source), engines.to_url(pg_url))
    yield pg_url


@pytest.mark.postgresql
def test_sqlite_to_postgresql_and_back_is_lossless(
    source: Path, on_server: str, tmp_path: Path
) -> None:
    assert orm_rows(on_server) == orm_rows(source)
    engine = engines.make_engine(engines.to_url(on_server))
    try:
        assert lifecycle.current_revision(engine) == lifecycle.head_revision()
        with engine.connect() as conn:
            triggers = conn.execute(
                text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'codes_no_cycle%'")
            ).scalars()
            assert set(triggers) == {"codes_no_cycle_insert", "codes_no_cycle_update"}
            assert conn.scalar(select(ModelArtifact.data)) == MODEL_BYTES
            # SQL NULL and JSON null stay apart (both read as None).
            assert conn.scalar(text("SELECT count(*) FROM events WHERE before IS NULL")) == 0
            assert conn.scalar(text("SELECT count(*) FROM segments WHERE meta IS NULL")) > 0
    finally:
        engine.dispose()
    back = tmp_path / "back.db"
    db_copy.copy_project(engines.to_url(on_server), engines.to_url(back))
    assert raw_rows(back) == raw_rows(source)


@pytest.mark.postgresql
def test_new_rows_on_the_server_copy_get_fresh_ids(source: Path, on_server: str) -> None:
    top = {
        name: max(row["id"] for row in rows)
        for name, rows in orm_rows(source).items()
        if rows and "id" in rows[0]
    }
    with Project.open(on_server, "newcomer") as project:
        with project.read() as session:
            document = session.get_one(Document, 1)
            code_id = session.scalar(select(Code.id).where(Code.kind == "code").limit(1))
        assert code_id is not None
        added = codings.add_coding(project, document.id, 0, 12, code_id)
        assert added.id == top["codings"] + 1
        assert project.last_action_id == top["actions"] + 1
        with project.write("a new code") as session:
            code = Code(name="Brand new", name_key="brand new")
            session.add(code)
            session.flush()
            assert code.id == top["codes"] + 1
        with project.read() as session:
            assert session.get_one(Coding, added.id).coder.name == "newcomer"


@pytest.mark.postgresql
def test_a_server_database_with_a_project_is_refused_and_left_unchanged(
    source: Path, on_server: str, tmp_path: Path
) -> None:
    before = orm_rows(on_server)
    with pytest.raises(ProjectError, match="already holds a project"):
        db_copy.copy_project(engines.to_url(source), engines.to_url(on_server))
    assert orm_rows(on_server) == before


@pytest.mark.postgresql
def test_a_server_database_with_other_tables_is_refused(source: Path, pg_url: str) -> None:
    engine = engines.make_engine(engines.to_url(pg_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE other (id integer)")
    engine.dispose()
    with pytest.raises(ProjectError, match="not empty"):
        db_copy.copy_project(engines.to_url(source), engines.to_url(pg_url))


@pytest.mark.postgresql
def test_an_empty_migrated_server_database_is_a_fine_destination(source: Path, pg_url: str) -> None:
    engine = engines.make_engine(engines.to_url(pg_url))
    lifecycle.upgrade(engine, "0006")  # qualcope's tables, no rows, behind the newest schema
    engine.dispose()
    result = db_copy.copy_project(engines.to_url(source), engines.to_url(pg_url))
    assert result.revision == lifecycle.head_revision()
    assert orm_rows(pg_url) == orm_rows(source)
