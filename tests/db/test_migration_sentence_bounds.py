"""Migration 0004: a project whose sentences are rows opens with them packed on the document."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from qualcope import sentence_bounds
from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Document, Segment, Suggestion
from qualcope.services.documents import list_segments
from qualcope.services.project import Project

TEXT = "Interviewer: Why?\n\nAna: We waited. Then we wrote to the council.\n\nBen: I left."
# (id, document, kind, start, end, speaker, interviewer, turn index, parent)
ROWS = [
    (1, 1, "turn", 13, 17, "Interviewer", 1, 0, None),
    (2, 1, "sentence", 13, 17, "Interviewer", 1, 0, 1),
    (3, 1, "turn", 24, 64, "Ana", 0, 1, None),
    (4, 1, "sentence", 24, 34, "Ana", 0, 1, 3),
    (5, 1, "sentence", 35, 64, "Ana", 0, 1, 3),
    (6, 1, "turn", 71, 78, "Ben", 0, 2, None),
    (7, 1, "sentence", 71, 78, "Ben", 0, 2, 6),
    (8, 2, "turn", 0, 9, None, 0, 0, None),  # a document with turns only
]


def make_old_project(path: Path) -> None:
    engine = lifecycle.create_project(engines.to_url(path), revision="0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO coders (id, guid, name, created_at)"
                " VALUES (1, 'c', 'ana', '2024-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO codes (id, guid, name, name_key, kind, definition, inclusion,"
                " exclusion, example, cues, sort_order, version) VALUES (1, 'k', 'Escalation',"
                " 'escalation', 'code', '', '', '', '', '{}', 0, 1)"
            )
        )
        for doc_id, body in ((1, TEXT), (2, "No turns.")):
            conn.execute(
                text(
                    "INSERT INTO documents (id, guid, name, original_filename, source_format,"
                    " content_hash, text, language, encoding, word_count, attributes,"
                    " import_report, imported_at) VALUES (:id, :guid, :name, :name, 'txt', :hash,"
                    " :text, 'en', 'utf-8', 3, '{}', '{}', '2024-01-01')"
                ),
                {
                    "id": doc_id,
                    "guid": f"d{doc_id}",
                    "name": f"{doc_id}.txt",
                    "hash": f"h{doc_id}",
                    "text": body,
                },
            )
        for row in ROWS:
            conn.execute(
                text(
                    'INSERT INTO segments (id, document_id, kind, start, "end", speaker,'
                    " is_interviewer, turn_index, parent_id) VALUES"
                    " (:id, :doc, :kind, :start, :end, :speaker, :iv, :ti, :parent)"
                ),
                dict(
                    zip(
                        ("id", "doc", "kind", "start", "end", "speaker", "iv", "ti", "parent"),
                        row,
                        strict=True,
                    )
                ),
            )
        # Suggestions on a sentence, on a turn and on no segment.
        for sid, segment, start, end in ((1, 5, 35, 64), (2, 6, 71, 78), (3, None, 24, 28)):
            conn.execute(
                text(
                    "INSERT INTO suggestions (id, document_id, segment_id, code_id, coder_id,"
                    ' start, "end", score, reason, method, status, created_at) VALUES'
                    " (:id, 1, :segment, 1, 1, :start, :end, 0.5, 'cue', 'cue', 'pending',"
                    " '2024-01-01')"
                ),
                {"id": sid, "segment": segment, "start": start, "end": end},
            )
    engine.dispose()


def test_sentence_rows_become_packed_offsets_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_old_project(path)
    with Project.open(path, "ana") as project:
        assert lifecycle.current_revision(project.engine) == lifecycle.head_revision()
        with project.read() as session:
            bounds = dict(session.execute(select(Document.id, Document.sentence_bounds)).all())
            kinds = session.scalars(select(Segment.kind).order_by(Segment.id)).all()
            pointed = dict(session.execute(select(Suggestion.id, Suggestion.segment_id)).all())
            sentence_rows = session.scalar(select(func.count()).where(Segment.kind == "sentence"))
        views = list_segments(project, 1)
    sentences = [(r[3], r[4]) for r in ROWS if r[2] == "sentence"]
    assert sentence_bounds.unpack(bounds[1]) == sentences and bounds[2] is None
    assert sentence_rows == 0 and kinds == ["turn"] * 4  # the turns keep their ids
    # The suggestion on a sentence now points at its turn; the others are unchanged.
    assert pointed == {1: 3, 2: 6, 3: None}
    # The document reads as before: each turn, then its sentences with the turn's speaker.
    before = [(r[2], r[3], r[4], r[5], bool(r[6]), r[7]) for r in ROWS if r[1] == 1]
    after = [(v.kind, v.start, v.end, v.speaker, v.is_interviewer, v.turn_index) for v in views]
    assert after == before
    assert [v.parent_id for v in views if v.kind == "sentence"] == [1, 3, 3, 6]
    assert [v.text for v in views if v.kind == "sentence"] == [
        "Why?",
        "We waited.",
        "Then we wrote to the council.",
        "I left.",
    ]
    assert list(tmp_path.glob("old.db.0003-*.bak"))  # backed up before the upgrade
