"""Documents and their segments: store, list with progress, read, finish marks, memos."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qualcope import sentence_bounds
from qualcope.db import engine as engines
from qualcope.db.models import (
    Case,
    Coder,
    Coding,
    Document,
    DocumentStatus,
    Memo,
    Participant,
    Segment,
)
from qualcope.domain import DocumentRef, DocumentView, SegmentSpec, SegmentView
from qualcope.errors import NotFoundError, StaleEditError
from qualcope.services import history
from qualcope.services.document_listing import ListingCounts, count_coded_turns
from qualcope.services.positions import DocumentPositions, load_positions
from qualcope.services.project import Project

_TURN_COLUMNS = (
    "document_id",
    "kind",
    "start",
    "end",
    "speaker",
    "is_interviewer",
    "turn_index",
    "meta",
)


def store_segments(session: Session, document_id: int, segments: Sequence[SegmentSpec]) -> None:
    """Store a new document's turns and preambles as rows, its sentences packed on its row."""
    store_turns(session, document_id, [s for s in segments if s.kind in ("turn", "preamble")])
    spans = sorted((s.start, s.end) for s in segments if s.kind == "sentence")
    if spans:
        session.execute(
            update(Document)
            .where(Document.id == document_id)
            .values(sentence_bounds=sentence_bounds.pack(spans))
        )


def store_turns(session: Session, document_id: int, turns: Sequence[SegmentSpec]) -> None:
    """Insert a new document's turns and preamble spans (one ``executemany``); its sentences
    are packed offsets on the document row (``qualcope.sentence_bounds``), not rows."""
    engines.insert_many(
        session.connection(),
        Segment.__table__,
        _TURN_COLUMNS,
        [
            (document_id, t.kind, t.start, t.end, t.speaker, t.is_interviewer, t.turn_index, t.meta)
            for t in turns
        ],
    )


def containing_turns(
    turns: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> list[int | None]:
    """For each span, the position in ``turns`` (sorted (start, end) pairs that do not overlap)
    of the turn holding it, or None."""
    starts = [start for start, _ in turns]
    found: list[int | None] = []
    for start, end in spans:
        # The candidate is the last turn starting at or before the span.
        index = bisect_right(starts, start) - 1
        found.append(index if index >= 0 and end <= turns[index][1] else None)
    return found


def _coder_id(session: Session, name: str) -> int | None:
    return session.scalar(select(Coder.id).where(Coder.name == name))


def list_documents(
    project: Project,
    *,
    case: str | None = None,
    role: str | None = None,
    participant: str | None = None,
    unfinished_only: bool = False,
    coder: str | None = None,
    document_id: int | None = None,
) -> list[DocumentRef]:
    """Documents with case, role, participant, words, turns, and progress: this coder's
    (``coded_turns``) and every coder's together (``coded_turns_all``)."""
    coder = coder or project.coder
    with project.read() as session:
        coder_id = _coder_id(session, coder)
        turn_counts = dict(
            session.execute(
                select(Segment.document_id, func.count())
                .where(Segment.kind == "turn", Segment.is_interviewer.is_(False))
                .where(*_only(Segment.document_id, document_id))
                .group_by(Segment.document_id)
            ).all()
        )
        interviewer_counts = dict(
            session.execute(
                select(Segment.document_id, func.count())
                .where(Segment.kind == "turn", Segment.is_interviewer.is_(True))
                .where(*_only(Segment.document_id, document_id))
                .group_by(Segment.document_id)
            ).all()
        )
        coded: dict[int, int] = {}
        coded_by_anyone = _coded_turns(session, None, document_id)
        finished: set[int] = set()
        if coder_id is not None:
            coded = _coded_turns(session, coder_id, document_id)
            finished = set(
                session.scalars(
                    select(DocumentStatus.document_id).where(
                        DocumentStatus.coder_id == coder_id, DocumentStatus.finished.is_(True)
                    )
                )
            )
        query = (
            select(
                Document.id,
                Document.guid,
                Document.name,
                Case.name,
                Participant.role,
                Participant.label,
                Document.language,
                Document.word_count,
                Document.source_format,
            )
            .outerjoin(Case, Case.id == Document.case_id)
            .outerjoin(Participant, Participant.id == Document.participant_id)
            .order_by(Case.name, Document.name, Document.id)
        )
        query = query.where(*_only(Document.id, document_id))
        if case:
            query = query.where(Case.name == case)
        if role:
            query = query.where(Participant.role == role)
        if participant:
            query = query.where(Participant.label == participant)
        counts = ListingCounts(turn_counts, interviewer_counts, coded, coded_by_anyone, finished)
        refs = counts.refs(session.execute(query))
    if unfinished_only:
        refs = [ref for ref in refs if not ref.finished]
    return refs


def _only(column: Any, document_id: int | None) -> list[Any]:
    return [column == document_id] if document_id is not None else []


def _coded_turns(session: Session, coder_id: int | None, document_id: int | None) -> dict[int, int]:
    """Per document, the respondent turns overlapped by at least one coding of the coder
    (of any coder when ``coder_id`` is None).

    One ordered pass over turns and codings (a SQL range join is turns x codings per document).
    """
    codings_query = select(Coding.document_id, Coding.start, Coding.end)
    if coder_id is not None:
        codings_query = codings_query.where(Coding.coder_id == coder_id)
    turns_query = select(Segment.document_id, Segment.start, Segment.end).where(
        Segment.kind == "turn", Segment.is_interviewer.is_(False)
    )
    if document_id is not None:
        codings_query = codings_query.where(Coding.document_id == document_id)
        turns_query = turns_query.where(Segment.document_id == document_id)
    ordered = codings_query.order_by(Coding.document_id, Coding.start)
    return count_coded_turns(session.execute(ordered), session.execute(turns_query))


def get_document(project: Project, document_id: int) -> DocumentView:
    """A document's text and listing facts (progress of this coder)."""
    refs = {ref.id: ref for ref in list_documents(project, document_id=document_id)}
    if document_id not in refs:
        raise NotFoundError(f"no document {document_id}")
    with project.read() as session:
        text = session.scalar(select(Document.text).where(Document.id == document_id)) or ""
        coder_id = _coder_id(session, project.coder)
        memo = ""
        if coder_id is not None:
            memo = (
                session.scalar(
                    select(Memo.text).where(
                        Memo.document_id == document_id,
                        Memo.coder_id == coder_id,
                        Memo.code_id.is_(None),
                    )
                )
                or ""
            )
    return DocumentView(ref=refs[document_id], text=text, memo=memo)


def find_document(project: Project, key: str) -> int:
    """A document id from an id, a GUID or a (file) name."""
    with project.read() as session:
        if key.isdigit() and session.get(Document, int(key)) is not None:
            return int(key)
        found = session.scalars(
            select(Document.id).where(
                (Document.guid == key)
                | (Document.name == key)
                | (Document.original_filename == key)
            )
        ).all()
    if len(found) == 1:
        return int(found[0])
    if len(found) > 1:
        raise NotFoundError(f"document name {key!r} is ambiguous; use its id")
    raise NotFoundError(f"no document {key!r} (see `qualcope documents`)")


def document_positions(project: Project, document_id: int) -> DocumentPositions:
    """A document's text and its map to file positions (``services.positions``)."""
    with project.read() as session:
        found = load_positions(session, [document_id])
    if document_id not in found:
        raise NotFoundError(f"no document {document_id}")
    return found[document_id]


def list_segments(
    project: Project, document_id: int, kind: str | None = None, *, with_text: bool = True
) -> list[SegmentView]:
    """A document's turns and sentences in text order (a turn before its first sentence)."""
    with project.read() as session:
        text = session.scalar(select(Document.text).where(Document.id == document_id))
        if text is None:
            raise NotFoundError(f"no document {document_id}")
        views = segments_of_documents(session, [document_id])[document_id]
    if kind:
        views = [v for v in views if v.kind == kind]
    if with_text:
        views = [replace(v, text=text[v.start : v.end]) for v in views]
    return views


def segments_of_documents(
    session: Session, document_ids: Sequence[int] | None = None
) -> dict[int, list[SegmentView]]:
    """Turns and preambles (rows) and sentences (packed offsets) of documents, each list in
    text order.

    A sentence has no id of its own (``id`` None): ``parent_id`` is the turn holding it,
    whose speaker and turn index it shares. A preamble holds no sentences.
    """
    # Core rows, not ORM objects: a long transcript has thousands of segments.
    turn_query = select(
        Segment.id,
        Segment.document_id,
        Segment.kind,
        Segment.start,
        Segment.end,
        Segment.speaker,
        Segment.is_interviewer,
        Segment.turn_index,
    ).order_by(Segment.document_id, Segment.start, Segment.id)
    bounds_query = select(Document.id, Document.sentence_bounds)
    if document_ids is not None:
        turn_query = turn_query.where(Segment.document_id.in_(document_ids))
        bounds_query = bounds_query.where(Document.id.in_(document_ids))
    rows: dict[int, list[SegmentView]] = {}
    for row in session.execute(turn_query):
        rows.setdefault(row.document_id, []).append(
            SegmentView(
                row.id,
                row.document_id,
                row.kind,
                row.start,
                row.end,
                row.speaker,
                row.is_interviewer,
                row.turn_index,
            )
        )
    out: dict[int, list[SegmentView]] = {}
    for doc_id, blob in session.execute(bounds_query):
        own = rows.get(doc_id, [])
        turns = [view for view in own if view.kind == "turn"]
        spans = sentence_bounds.unpack(blob)
        holders = containing_turns([(t.start, t.end) for t in turns], spans)
        sentences = [
            SegmentView(None, doc_id, "sentence", start, end, None, False, 0)
            if holder is None
            else SegmentView(
                None,
                doc_id,
                "sentence",
                start,
                end,
                turns[holder].speaker,
                turns[holder].is_interviewer,
                turns[holder].turn_index,
                turns[holder].id,
            )
            for (start, end), holder in zip(spans, holders, strict=True)
        ]
        # Text order; at one offset the turn comes first.
        out[doc_id] = sorted([*own, *sentences], key=lambda v: (v.start, v.kind == "sentence"))
    return out


def set_finished(project: Project, document_id: int, finished: bool = True) -> None:
    """This coder's 'finished' mark on a document (used to learn negatives, and to filter)."""
    with project.write("mark finished" if finished else "mark unfinished") as session:
        if session.get(Document, document_id) is None:
            raise NotFoundError(f"no document {document_id}")
        coder_id = project.coder_id(session)
        status = session.get(DocumentStatus, (document_id, coder_id))
        if status is None:
            session.add(
                DocumentStatus(document_id=document_id, coder_id=coder_id, finished=finished)
            )
        else:
            status.finished = finished


def set_document_memo(
    project: Project,
    document_id: int,
    text: str,
    *,
    expected_text: str | None = None,
    overwrite: bool = False,
) -> None:
    """This coder's memo on a document (empty text removes it). With ``expected_text`` (the
    memo as the editor showed it) a memo saved differently since (in another window) raises
    ``StaleEditError`` naming who and when, unless ``overwrite``."""

    def action(session: Session) -> None:
        if session.get(Document, document_id) is None:
            raise NotFoundError(f"no document {document_id}")
        coder_id = project.coder_id(session)
        memo = session.scalar(
            select(Memo).where(
                Memo.document_id == document_id, Memo.coder_id == coder_id, Memo.code_id.is_(None)
            )
        )
        current = memo.text if memo is not None else ""
        if expected_text is not None and not overwrite and current != expected_text.strip():
            if memo is None:
                raise StaleEditError("your memo on this document")
            raise history.stale_edit(session, "your memo on this document", "memos", memo.id)
        if memo is None and text.strip():
            session.add(Memo(document_id=document_id, coder_id=coder_id, text=text.strip()))
        elif memo is not None and not text.strip():
            session.delete(memo)
        elif memo is not None:
            memo.text = text.strip()
        session.flush()

    project.run_write("edit document memo", action)
