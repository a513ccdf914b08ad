"""Documents and their segments: store, list with progress, read, finish marks, memos."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, insert, select
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


def store_segments(session: Session, document_id: int, segments: Sequence[SegmentSpec]) -> None:
    """Insert turns, then sentences pointing at the turn that contains them (Core, bulk)."""
    turns = [s for s in segments if s.kind == "turn"]
    turn_ids: list[tuple[int, int, int]] = []  # (start, end, id)
    for spec in turns:
        new_id = session.execute(
            insert(Segment)
            .values(
                document_id=document_id,
                kind="turn",
                start=spec.start,
                end=spec.end,
                speaker=spec.speaker,
                is_interviewer=spec.is_interviewer,
                turn_index=spec.turn_index,
                meta=spec.meta,
            )
            .returning(Segment.id)
        ).scalar_one()
        turn_ids.append((spec.start, spec.end, int(new_id)))
    rows = []
    for spec in segments:
        if spec.kind == "turn":
            continue
        parent = next((tid for s, e, tid in turn_ids if s <= spec.start and spec.end <= e), None)
        rows.append(
            {
                "document_id": document_id,
                "kind": spec.kind,
                "start": spec.start,
                "end": spec.end,
                "speaker": spec.speaker,
                "is_interviewer": spec.is_interviewer,
                "turn_index": spec.turn_index,
                "parent_id": parent,
                "meta": spec.meta,
            }
        )
    if rows:
        session.execute(insert(Segment), rows)


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
) -> list[DocumentRef]:
    """Documents with case, role, participant, words, turns and this coder's progress."""
    coder = coder or project.coder
    with project.read() as session:
        coder_id = _coder_id(session, coder)
        turn_counts = dict(
            session.execute(
                select(Segment.document_id, func.count())
                .where(Segment.kind == "turn", Segment.is_interviewer.is_(False))
                .group_by(Segment.document_id)
            ).all()
        )
        interviewer_counts = dict(
            session.execute(
                select(Segment.document_id, func.count())
                .where(Segment.kind == "turn", Segment.is_interviewer.is_(True))
                .group_by(Segment.document_id)
            ).all()
        )
        coded: dict[int, int] = {}
        finished: set[int] = set()
        if coder_id is not None:
            coded = dict(
                session.execute(
                    select(Segment.document_id, func.count(func.distinct(Segment.id)))
                    .join(
                        Coding,
                        and_(
                            Coding.document_id == Segment.document_id,
                            Coding.start < Segment.end,
                            Coding.end > Segment.start,
                            Coding.coder_id == coder_id,
                        ),
                    )
                    .where(Segment.kind == "turn", Segment.is_interviewer.is_(False))
                    .group_by(Segment.document_id)
                ).all()
            )
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


def get_document(project: Project, document_id: int) -> DocumentView:
    """A document's text and listing facts (progress of this coder)."""
    refs = {ref.id: ref for ref in list_documents(project)}
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
        query = select(Segment).where(Segment.document_id == document_id)
        if kind:
            query = query.where(Segment.kind == kind)
        rows = session.scalars(query.order_by(Segment.start, Segment.kind.desc(), Segment.id))
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
