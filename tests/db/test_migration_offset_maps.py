"""Migration 0005: a project from before offset maps opens with every row, and says what it
cannot know (its documents' file positions)."""

from __future__ import annotations

import csv
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Base, Coding, Document
from qualcope.services import doctor
from qualcope.services.coding_export import export_codings
from qualcope.services.project import Project

TEXT = "Interviewer: Why?\n\nAna: We waited for the council."


def make_old_project(path: Path) -> None:
    engine = lifecycle.create_project(engines.to_url(path), revision="0004")
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
                " coder_id, created_at, memo, origin, version) VALUES (1, 'g', 1, 24, 50,"
                " :snippet, 1, 1, '2024-01-01', '', 'manual', 1)"
            ),
            {"snippet": TEXT[24:50]},
        )
    engine.dispose()


def test_an_old_project_keeps_its_codings_and_exchanges_stored_positions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    make_old_project(path)
    with Project.open(path, "ana") as project:
        assert lifecycle.current_revision(project.engine) == lifecycle.head_revision()
        with project.read() as session:
            coding = session.scalars(select(Coding)).one()
            document = session.scalars(select(Document)).one()
            assert (coding.start, coding.end, coding.snippet) == (24, 50, TEXT[24:50])
            assert coding.quote_checked is True and document.offset_map is None
        assert doctor.check(project) == []
        assert any("before qualcope recorded file positions" in n for n in doctor.notices(project))
        out = tmp_path / "out.csv"
        export_codings(project, out)
        [row] = list(csv.DictReader(out.open(encoding="utf-8")))
        assert (row["start"], row["end"], row["positions"]) == ("24", "50", "stored")
    assert list(tmp_path.glob("old.db.0004-*.bak"))


def test_the_models_and_the_migrations_describe_the_same_schema(tmp_path: Path) -> None:
    engine = lifecycle.create_project(engines.to_url(tmp_path / "new.db"))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
