"""Creating, opening, upgrading and refusing project files (reliability.md C7)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Code, Coder, Document
from qualcope.errors import NewerProjectError, NotAProjectError, ProjectError
from qualcope.services.project import Project


def test_create_refuses_an_existing_project(project_path: Path) -> None:
    Project.create(project_path).close()
    before = project_path.read_bytes()
    with pytest.raises(ProjectError, match="refusing to overwrite"):
        Project.create(project_path)
    assert project_path.read_bytes() == before


def test_new_project_is_stamped_at_head_and_tuned(project: Project) -> None:
    assert lifecycle.current_revision(project.engine) == lifecycle.head_revision()
    with project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == engines.BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == engines.APPLICATION_ID


@pytest.mark.parametrize(
    "content, reason",
    [(b"", "empty"), (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not a SQLite database")],
)
def test_non_projects_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "thing.db"
    path.write_bytes(content)
    with pytest.raises(NotAProjectError, match=reason):
        Project.open(path)
    assert path.read_bytes() == content


def test_another_applications_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAProjectError, match="another application"):
        Project.open(path)


def test_directory_and_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="directory"):
        Project.open(tmp_path)
    with pytest.raises(ProjectError, match="qualcope init"):
        Project.open(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_a_project_from_a_newer_qualcope_is_refused(project: Project) -> None:
    with project.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    project.close()
    with pytest.raises(NewerProjectError, match="newer version"):
        Project.open(project.path)


def test_first_revision_project_opens_after_upgrade_with_rows_intact(tmp_path: Path) -> None:
    """A file made by the first release keeps every row when a later qualcope opens it."""
    path = tmp_path / "old.db"
    url = engines.to_url(path)
    first = sorted(lifecycle.known_revisions())[0]
    engine = lifecycle.create_project(url, revision=first)
    with engine.begin() as conn:
        conn.execute(insert(Coder).values(id=1, guid="c-1", name="ana"))
        conn.execute(
            insert(Code).values(
                id=1,
                guid="k-1",
                name="Avoidance",
                name_key="avoidance",
                kind="code",
                definition="d",
                inclusion="",
                exclusion="",
                example="",
                cues={"en": ["drop out"]},
                sort_order=0,
                version=1,
            )
        )
        conn.execute(
            insert(Document).values(
                id=1,
                guid="d-1",
                name="a.txt",
                content_hash="h",
                text="Respondent: I dropped out.",
                language="en",
                encoding="utf-8",
                word_count=4,
                attributes={},
                import_report={},
                original_filename="a.txt",
                source_format="txt",
            )
        )
    engine.dispose()
    with Project.open(path) as reopened:
        assert lifecycle.current_revision(reopened.engine) == lifecycle.head_revision()
        with reopened.read() as session:
            assert session.scalar(select(Code.cues).where(Code.id == 1)) == {"en": ["drop out"]}
            assert session.scalar(select(Document.text)) == "Respondent: I dropped out."
            assert session.scalar(select(Coder.name)) == "ana"
    backups = list(tmp_path.glob("old.db.*.bak"))
    assert bool(backups) == (first != lifecycle.head_revision())


def test_second_writer_waits_for_the_first(project: Project) -> None:
    """C7-5: with BEGIN IMMEDIATE and a busy timeout the second writer succeeds."""
    holder = sqlite3.connect(project.path, timeout=5, check_same_thread=False)
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO project_info (key, value) VALUES ('lock', 'held')")

    def release() -> None:
        time.sleep(0.5)
        holder.execute("COMMIT")

    thread = threading.Thread(target=release)
    thread.start()
    from qualcope.services import codebook

    spec = codebook.read_codebook_file(Path(__file__).parents[2] / "codebooks" / "icvc.yaml")
    codebook.import_codebook(project, spec)
    thread.join()
    holder.close()
    assert len(codebook.tree(project)) > 30
