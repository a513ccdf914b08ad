"""Re-detecting a document's turns and sentences in its stored text (``resegment``).

The text and its codings never change: the turn and preamble rows are made what the import's
turn finder now finds (a row whose start is kept is updated, not replaced), the sentences are
re-split, and the document's suggestions are pointed at the turns now holding them. One
transaction and one undoable action; rows are written with Core and recorded as explicit
``Change``s (see ``row_changes``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from qualcope import sentence_bounds
from qualcope.db.history import Change, row_values
from qualcope.db.models import Document, Suggestion
from qualcope.domain import SegmentSpec
from qualcope.errors import ConflictError, QualcopeError
from qualcope.services.project import Project
from qualcope.services.row_changes import (
    DOCUMENTS,
    SEGMENTS,
    SUGGESTIONS,
    Speakers,
    as_json,
    configured,
    document_row,
    record,
    segment_rows,
    setting,
    speaker_counts,
    turn_marks,
    update_row,
)

# Formats whose turns come from labels in the text; subtitle turns come from their cues.
TEXT_FORMATS = frozenset({"txt", "md", "rtf", "docx", "odt"})


@dataclass(frozen=True)
class Resegmented:
    """A document's turns re-detected: settings changed, speakers and counts before/after."""

    document_id: int
    name: str
    changes: tuple[str, ...]  # settings changed, one line each
    speakers: tuple[Speakers, Speakers]
    counts: dict[str, tuple[int, int]]  # turns, sentences, words, preambles: before, after
    label_notes: tuple[str, ...]  # lines that look like labels but were not taken
    repointed: int  # suggestions now pointing at another turn (or none)
    changed: bool  # False: the same turns and sentences, nothing was written


def resegment(
    project: Project,
    document_id: int,
    *,
    interviewers: Sequence[str] | None = None,
    speakers: Sequence[str] | None = None,
) -> Resegmented:
    """Re-detect a document's turns in its stored text with its settings (given ones replace
    them first, as ``set_document`` does), re-split its sentences, and point its suggestions
    at the turns now holding them; one undoable action."""
    from qualcope.ingest.base import LabelHint
    from qualcope.ingest.turns import find_turns
    from qualcope.nlp.sentences import sentence_bounds_of_documents

    with project.read() as session:
        doc = document_row(session, document_id)
        text = session.scalar(select(Document.text).where(Document.id == document_id)) or ""
    if doc["source_format"] not in TEXT_FORMATS:
        raise QualcopeError(
            f"the turns of {doc['name']} are the cues or rows of its .{doc['source_format']} "
            "file, not labels in its text: they cannot be re-detected (`document set "
            "--interviewer` re-marks them)"
        )
    report = as_json(doc["import_report"] or {})
    lines: list[str] = []
    for key, given in (("interviewers", interviewers), ("speakers", speakers)):
        if given is not None:
            setting(lines, report, key, given)
    hints = [
        LabelHint(int(start), int(content), str(label), None if stamp is None else float(stamp))
        for start, content, label, stamp in report.get("label_hints") or []
    ]
    # The slow part (tokenising) runs before the write lock is taken.
    names = [configured(report, key) for key in ("interviewers", "speakers")]
    layout = find_turns(text, names[0], names[1], hints)
    found = next(sentence_bounds_of_documents([(text, layout.turns)], doc["language"]), None)
    packed = sentence_bounds.pack_array(found) if found is not None else b""
    specs = sorted([*layout.turns, *layout.preambles], key=lambda s: (s.start, s.kind))
    marks = [(t.speaker, t.is_interviewer) for t in layout.turns]
    report.update(
        turns=len(layout.turns),
        sentences=sentence_bounds.count(packed),
        speakers=[list(e) for e in speaker_counts(marks)],
        preambles=len(layout.preambles),
        label_notes=[str(note) for note in layout.notes],
    )
    words = sum(len(text[t.start : t.end].split()) for t in layout.turns)
    with project.write(f"resegment {doc['name']}") as session:
        now = document_row(session, document_id)
        if now["import_report"] != doc["import_report"] or now["language"] != doc["language"]:
            raise ConflictError(f"{doc['name']} changed meanwhile; run resegment again")
        recorded = len(session.info["recorder"].changes)
        bounds = session.scalar(select(Document.sentence_bounds).where(Document.id == document_id))
        now["sentence_bounds"] = None if bounds is None else bytes(bounds)
        old = segment_rows(session, document_id, ("turn", "preamble"))
        turns, gone = _replace_segments(session, document_id, old, specs)
        repointed = _repoint(session, document_id, turns)
        # Deleted only once no suggestion points at them: the foreign key would null the
        # pointers behind the event log's back, and undo could not restore them.
        for first in range(0, len(gone), 500):
            ids = [row["id"] for row in gone[first : first + 500]]
            session.execute(delete(SEGMENTS).where(SEGMENTS.c.id.in_(ids)))
        record(
            session, [Change("segments", "delete", row_values("segments", r), None) for r in gone]
        )
        values: dict[str, Any] = {"word_count": words, "import_report": as_json(report)}
        if now["sentence_bounds"] != (packed or None):
            values["sentence_bounds"] = packed
        update_row(session, DOCUMENTS, now, values)
        old_turns = [row for row in old if row["kind"] == "turn"]
        counts = {
            "turns": (len(old_turns), len(layout.turns)),
            "sentences": (sentence_bounds.count(bounds), sentence_bounds.count(packed)),
            "words": (int(now["word_count"]), words),
            "preambles": (len(old) - len(old_turns), len(layout.preambles)),
        }
        return Resegmented(
            document_id,
            doc["name"],
            tuple(lines),
            (speaker_counts(turn_marks(old_turns)), speaker_counts(marks)),
            counts,
            tuple(str(note) for note in layout.notes),
            repointed,
            changed=len(session.info["recorder"].changes) > recorded,
        )


def _replace_segments(
    session: Session, document_id: int, old: list[dict[str, Any]], specs: Sequence[SegmentSpec]
) -> tuple[list[tuple[int, int, int]], list[dict[str, Any]]]:
    """Make the document's turn and preamble rows the specs; the (start, end, id) of its turns,
    and the old rows no longer wanted (the caller deletes them).

    A turn that starts where a stored one of its kind starts keeps that row (only what changed
    is updated: its end, speaker, index), so undo and the suggestions pointing at it see as
    little change as possible.
    """
    by_start = {(row["kind"], row["start"]): row for row in old}
    kept: set[int] = set()
    fresh: list[dict[str, Any]] = []
    turns: list[tuple[int, int, int]] = []
    for spec in specs:
        values = {
            "document_id": document_id,
            "kind": spec.kind,
            "start": spec.start,
            "end": spec.end,
            "speaker": spec.speaker,
            "is_interviewer": spec.is_interviewer,
            "turn_index": spec.turn_index,
            "meta": as_json(spec.meta),
        }
        row = by_start.get((spec.kind, spec.start))
        if row is None:
            fresh.append(values)
            continue
        kept.add(row["id"])
        update_row(session, SEGMENTS, row, values)
        if spec.kind == "turn":
            turns.append((spec.start, spec.end, int(row["id"])))
    if fresh:
        statement = insert(SEGMENTS).returning(SEGMENTS.c.id, sort_by_parameter_order=True)
        for values, new_id in zip(fresh, session.execute(statement, fresh).scalars(), strict=True):
            values["id"] = int(new_id)
            if values["kind"] == "turn":
                turns.append((values["start"], values["end"], int(new_id)))
        record(
            session, [Change("segments", "insert", None, row_values("segments", v)) for v in fresh]
        )
    return sorted(turns), [row for row in old if row["id"] not in kept]


def _repoint(session: Session, document_id: int, turns: list[tuple[int, int, int]]) -> int:
    """Point the document's suggestions at the turn holding their start (or none); how many
    moved. A decided suggestion that points at no turn stays so."""
    starts = [start for start, _, _ in turns]
    moved = 0
    rows = session.execute(
        select(Suggestion.id, Suggestion.start, Suggestion.segment_id, Suggestion.status).where(
            Suggestion.document_id == document_id
        )
    )
    for row in [dict(r) for r in rows.mappings()]:
        if row["segment_id"] is None and row["status"] != "pending":
            continue
        index = bisect_right(starts, row["start"]) - 1
        target = turns[index][2] if index >= 0 and row["start"] < turns[index][1] else None
        moved += update_row(session, SUGGESTIONS, row, {"segment_id": target})
    return moved
