"""Migration 0007: a project from before reading positions opens with every row and an empty
positions table; a position is then remembered per coder and document, outside the history."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, inspect, select, text

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Action, Coding, DocumentStatus, ReadingPosition
from qualcope.services import reading_positions
from qualcope.services.documents import list_documents
from qualcope.services.project import Project

TEXT = "Interviewer: Why?\n\nAna: We waited for the council."


def make_0006_project(path: Path) -> None:
    """A project at revision 0006 with a coder, a code, a document, a coding, a finished mark."""
    engine = lifecycle.create_project(engines.to_url(path), revision="0006")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO coders (id, guid, name, created_at) VALUES (1, 'c', 'ana',"
                " '2024-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO codes (id, guid, name, name_key, kind, definition, inclusion,"
                " exclusion, example, cues, sort_order, version) VALUES (1, 'k', 'Escalation',"
                " 'escalation', 'code', '', '', '', '', '{}', 0, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO documents (id, guid, name, original_filename, source_format,"
                " content_hash, text, language, encoding, word_count, attributes,"
                " import_report, imported_at) VALUES (1, 'd', 'a.txt', 'a.txt', 'txt', 'h',"
                " :text, 'en', 'utf-8', 6, '{}', '{\"turns\": 2}', '2024-01-01')"
            ),
            {"text": TEXT},
        )
        conn.execute(
            text(
                'INSERT INTO codings (id, guid, document_id, start, "end", snippet, code_id,'
                " coder_id, created_at, memo, origin, version, quote_checked) VALUES (1, 'g', 1,"
                " 24, 50, :snippet, 1, 1, '2024-01-01', '', 'manual', 1, 1)"
            ),
            {"snippet": TEXT[24:50]},
        )
        conn.execute(
            text(
                "INSERT INTO document_status (document_id, coder_id, finished, updated_at)"
                " VALUES (1, 1, 1, '2024-01-01')"
            )
        )
    engine.dispose()


def test_an_older_project_gains_an_empty_positions_table_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    make_0006_project(path)
    with Project.open(path, "ana") as project:
        assert lifecycle.current_revision(project.engine) == lifecycle.head_revision() == "0007"
        assert "reading_positions" in inspect(project.engine).get_table_names()
        with project.read() as session:
            assert session.scalar(select(func.count()).select_from(ReadingPosition)) == 0
            coding = session.scalars(select(Coding)).one()
            assert (coding.start, coding.end, coding.snippet) == (24, 50, TEXT[24:50])
            assert session.scalar(select(DocumentStatus.finished)) is True
        # Every document opens at its start until the coder leaves it somewhere.
        assert reading_positions.remembered_position(project, 1) is None
        [ref] = list_documents(project)
        assert ref.finished
    assert list(tmp_path.glob("old.db.0006-*.bak"))


def test_a_position_is_stored_per_coder_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_0006_project(path)
    with Project.open(path, "ana") as project:
        with project.read() as session:
            actions_before = session.scalar(select(func.count()).select_from(Action))
        reading_positions.remember_position(project, 1, 24, 36)
        reading_positions.remember_position(project, 1, 37, 50)  # the later one wins
        with project.read() as session:
            assert session.scalar(select(func.count()).select_from(Action)) == actions_before
            # The position is not a finished mark: document_status is as it was.
            assert session.scalar(select(func.count()).select_from(DocumentStatus)) == 1
    with Project.open(path, "ana") as again:
        assert reading_positions.remembered_position(again, 1) == (37, 50)
    with Project.open(path, "bea") as other:
        assert reading_positions.remembered_position(other, 1) is None
