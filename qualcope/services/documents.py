"""Documents and their segments: store, list with progress, read, finish marks, memos."""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

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
from qualcope.errors import NotFoundError
from qualcope.services.project import Project

# SQLite, for the 100,000+ segment rows of a large import: multi-row INSERT ... VALUES through
# the driver, a statement of 64, 16, 4 or 1 rows run with executemany, so a file takes at most
# four calls and the four statements stay prepared (preparing a 100-row statement costs more
# than running it). Together about 0.6x the time of executemany a row at a time, itself ~3x
# Core's speed (architecture.md). Other databases take the Core insert.
_SEGMENT_COLUMNS = (
    'INSERT INTO segments (id, document_id, kind, start, "end", speaker, is_interviewer, '
    "turn_index, parent_id, meta) VALUES "
)
_SEGMENT_WIDTH = 10
_STATEMENT_ROWS = (64, 16, 4, 1)  # 640 parameters at most: under any SQLite build's 999
_SQLITE_INSERT_SEGMENTS = {
    rows: _SEGMENT_COLUMNS + ", ".join(["(" + ", ".join("?" * _SEGMENT_WIDTH) + ")"] * rows)
    for rows in _STATEMENT_ROWS
}
# The id AUTOINCREMENT would give next (it never reuses one): inside the write transaction,
# which holds the write lock, nothing else can take it.
_SQLITE_LAST_SEGMENT_ID = (
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'segments'), 0), "
    "coalesce((SELECT max(id) FROM segments), 0))"
)


def store_segments(session: Session, document_id: int, segments: Sequence[SegmentSpec]) -> None:
    """Insert turns, then sentences pointing at the turn that contains them (bulk)."""
    connection = session.connection()
    turns = sorted((s for s in segments if s.kind == "turn"), key=lambda s: s.start)
    others = [s for s in segments if s.kind != "turn"]
    if not turns and not others:
        return
    if connection.dialect.name == "sqlite":
        _sqlite_store_segments(connection, document_id, turns, others)
        return

    def insert_rows(specs: Sequence[SegmentSpec], parents: Sequence[int | None]) -> None:
        if not specs:
            return
        connection.execute(
            insert(Segment.__table__),
            [
                {
                    "document_id": document_id,
                    "kind": s.kind,
                    "start": s.start,
                    "end": s.end,
                    "speaker": s.speaker,
                    "is_interviewer": s.is_interviewer,
                    "turn_index": s.turn_index,
                    "parent_id": parent,
                    "meta": s.meta,
                }
                for s, parent in zip(specs, parents, strict=True)
            ],
        )

    insert_rows(turns, [None] * len(turns))
    # Turn starts are unique within a document: read the new ids back by start.
    ids_by_start = dict(
        session.execute(
            select(Segment.start, Segment.id).where(
                Segment.document_id == document_id, Segment.kind == "turn"
            )
        ).all()
    )
    turn_ids = [ids_by_start[turn.start] for turn in turns]
    insert_rows(others, _parents(turns, turn_ids, others))


def _parents(
    turns: Sequence[SegmentSpec], turn_ids: Sequence[int], others: Sequence[SegmentSpec]
) -> list[int | None]:
    """The id of the turn (sorted by start) that contains each other segment, or None."""
    starts = [turn.start for turn in turns]
    parents: list[int | None] = []
    for spec in others:
        # Turns do not overlap: the candidate is the last turn starting at or before the span.
        index = bisect_right(starts, spec.start) - 1
        inside = index >= 0 and spec.end <= turns[index].end
        parents.append(turn_ids[index] if inside else None)
    return parents


def _sqlite_store_segments(
    connection: Connection,
    document_id: int,
    turns: Sequence[SegmentSpec],
    others: Sequence[SegmentSpec],
) -> None:
    """``store_segments`` on SQLite: ids given here, so sentences know their turn's id."""
    first = int(connection.exec_driver_sql(_SQLITE_LAST_SEGMENT_ID).scalar_one()) + 1
    turn_ids = range(first, first + len(turns))
    values: list[Any] = []  # the rows' values one after another
    for segment_id, parent, s in zip(
        range(first, first + len(turns) + len(others)),
        chain([None] * len(turns), _parents(turns, turn_ids, others)),
        chain(turns, others),
        strict=True,
    ):
        values += (
            segment_id,
            document_id,
            s.kind,
            s.start,
            s.end,
            s.speaker,
            s.is_interviewer,
            s.turn_index,
            parent,
            json.dumps(s.meta) if s.meta is not None else None,
        )
    done = 0  # rows stored; parents come before their children in every statement
    total = len(values) // _SEGMENT_WIDTH
    for rows in _STATEMENT_ROWS:
        count = (total - done) // rows
        if not count:
            continue
        width = rows * _SEGMENT_WIDTH
        offset = done * _SEGMENT_WIDTH
        connection.exec_driver_sql(
            _SQLITE_INSERT_SEGMENTS[rows],
            [tuple(values[offset + i * width : offset + (i + 1) * width]) for i in range(count)],
        )
        done += count * rows


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
    """Documents with case, role, participant, words, turns and this coder's progress."""
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
        refs = [
            DocumentRef(
                id=i,
                guid=g,
                name=n,
                case=c,
                role=r,
                participant=p,
                language=lang,
                words=w,
                respondent_turns=turn_counts.get(i, 0),
                interviewer_turns=interviewer_counts.get(i, 0),
                coded_turns=coded.get(i, 0),
                finished=i in finished,
                source_format=fmt,
            )
            for i, g, n, c, r, p, lang, w, fmt in session.execute(query)
        ]
    if unfinished_only:
        refs = [ref for ref in refs if not ref.finished]
    return refs


def _only(column: Any, document_id: int | None) -> list[Any]:
    return [column == document_id] if document_id is not None else []


def _coded_turns(session: Session, coder_id: int, document_id: int | None) -> dict[int, int]:
    """Per document, the respondent turns overlapped by at least one coding of the coder.

    One ordered pass over turns and codings (a SQL range join is turns x codings per document).
    """
    codings_query = select(Coding.document_id, Coding.start, Coding.end).where(
        Coding.coder_id == coder_id
    )
    turns_query = select(Segment.document_id, Segment.start, Segment.end).where(
        Segment.kind == "turn", Segment.is_interviewer.is_(False)
    )
    if document_id is not None:
        codings_query = codings_query.where(Coding.document_id == document_id)
        turns_query = turns_query.where(Segment.document_id == document_id)
    starts: dict[int, list[int]] = {}
    reach: dict[int, list[int]] = {}  # the largest end among codings starting up to here
    ordered = codings_query.order_by(Coding.document_id, Coding.start)
    for doc, start, end in session.execute(ordered):
        starts.setdefault(doc, []).append(start)
        ends = reach.setdefault(doc, [])
        ends.append(max(end, ends[-1]) if ends else end)
    counts: dict[int, int] = {}
    for doc, start, end in session.execute(turns_query):
        index = bisect_left(starts.get(doc, []), end) - 1  # codings starting before the turn ends
        if index >= 0 and reach[doc][index] > start:
            counts[doc] = counts.get(doc, 0) + 1
    return counts


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


def list_segments(
    project: Project, document_id: int, kind: str | None = None, *, with_text: bool = True
) -> list[SegmentView]:
    with project.read() as session:
        text = session.scalar(select(Document.text).where(Document.id == document_id))
        if text is None:
            raise NotFoundError(f"no document {document_id}")
        # Core rows, not ORM objects: a long transcript has thousands of segments.
        query = select(
            Segment.id,
            Segment.document_id,
            Segment.kind,
            Segment.start,
            Segment.end,
            Segment.speaker,
            Segment.is_interviewer,
            Segment.turn_index,
            Segment.parent_id,
        ).where(Segment.document_id == document_id)
        if kind:
            query = query.where(Segment.kind == kind)
        rows = session.execute(query.order_by(Segment.start, Segment.kind.desc(), Segment.id))
        return [
            SegmentView(
                id=s.id,
                document_id=s.document_id,
                kind=s.kind,
                start=s.start,
                end=s.end,
                speaker=s.speaker,
                is_interviewer=s.is_interviewer,
                turn_index=s.turn_index,
                parent_id=s.parent_id,
                text=text[s.start : s.end] if with_text else "",
            )
            for s in rows
        ]


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


def set_document_memo(project: Project, document_id: int, text: str) -> None:
    """This coder's memo on a document (empty text removes it)."""
    with project.write("edit document memo") as session:
        if session.get(Document, document_id) is None:
            raise NotFoundError(f"no document {document_id}")
        coder_id = project.coder_id(session)
        memo = session.scalar(
            select(Memo).where(
                Memo.document_id == document_id, Memo.coder_id == coder_id, Memo.code_id.is_(None)
            )
        )
        if memo is None and text.strip():
            session.add(Memo(document_id=document_id, coder_id=coder_id, text=text.strip()))
        elif memo is not None and not text.strip():
            session.delete(memo)
        elif memo is not None:
            memo.text = text.strip()
