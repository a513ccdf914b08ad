"""Reviewing suggestions: list them in queue order, accept, reject, skip.

Each decision is one undoable action. Accepting creates the coding (origin
'suggestion', with the suggestion's id; under another code when asked) and
marks the suggestion accepted in the same transaction, so one undo takes
back both. A rejected suggestion is kept as a negative example of its code.
Re-exported by ``qualcope.services.suggestions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import Code, Coder, Coding, Document
from qualcope.db.models import Suggestion as Row
from qualcope.domain import CodingView, SuggestionView
from qualcope.errors import ConflictError, NotFoundError, QualcopeError, SuggestionError
from qualcope.services import codetree
from qualcope.services.project import Project

STATUSES = ("pending", "accepted", "rejected", "skipped")
OPEN = ("pending", "skipped")
ORDERS = ("score", "uncertainty", "document")


def _coder_id(project: Project, session: Session) -> int | None:
    return session.scalar(select(Coder.id).where(Coder.name == project.coder))


def list_suggestions(
    project: Project,
    *,
    code: str | None = None,
    document_id: int | None = None,
    status: str | Sequence[str] = OPEN,
    order: str = "score",
    limit: int | None = None,
) -> list[SuggestionView]:
    """This coder's suggestions; open ones by default (pending first, then skipped).

    ``order``: 'score' (most likely first), 'uncertainty' (the ones the model is
    least sure about first: the fastest way to teach it) or 'document'.
    """
    if order not in ORDERS:
        raise SuggestionError(f"unknown order {order!r} (use {', '.join(ORDERS)})")
    statuses = (status,) if isinstance(status, str) else tuple(status)
    for value in statuses:
        if value not in STATUSES:
            raise SuggestionError(f"unknown status {value!r} (use {', '.join(STATUSES)})")
    with project.read() as session:
        coder_id = _coder_id(project, session)
        if coder_id is None:
            return []
        query = select(Row).where(Row.coder_id == coder_id, Row.status.in_(statuses))
        if code is not None:
            found = codetree.find_code(session, code)
            query = query.where(Row.code_id.in_(codetree.descendant_ids(session, found.id)))
        if document_id is not None:
            query = query.where(Row.document_id == document_id)
        skipped_last = (Row.status == "skipped").asc()
        if order == "score":
            query = query.order_by(skipped_last, Row.score.desc(), Row.document_id, Row.start)
        elif order == "uncertainty":
            query = query.order_by(skipped_last, func.abs(Row.score - 0.5), Row.document_id)
        else:
            query = query.order_by(Row.document_id, Row.start, Row.code_id)
        if limit is not None:
            query = query.limit(limit)
        rows = list(session.scalars(query))
        return _views(session, rows)


def get_suggestion(project: Project, suggestion_id: int) -> SuggestionView:
    with project.read() as session:
        row = session.get(Row, suggestion_id)
        if row is None:
            raise NotFoundError(f"no suggestion {suggestion_id}")
        return _views(session, [row])[0]


def code_figures(session: Session) -> dict[int, str]:
    """code id -> how the stored classifier did on the documents it held out while
    calibrating (the review queue shows it beside each suggestion)."""
    from qualcope.db.models import ModelArtifact
    from qualcope.nlp.corpus import MODEL_KIND

    out: dict[int, str] = {}
    for meta in session.scalars(select(ModelArtifact.meta).where(ModelArtifact.kind == MODEL_KIND)):
        positives = (meta or {}).get("positives", {})
        for code, counts in (meta or {}).get("held_out", {}).items():
            coded, shown, right = (int(v) for v in counts)
            precision = right / shown if shown else 0.0
            recall = right / coded if coded else 0.0
            f1 = 2 * precision * recall / (precision + recall) if right else 0.0
            out[int(code)] = (
                f"classifier on unseen documents: {right} of {shown} suggestions right, "
                f"{right} of {coded} codings found (F1 {f1:.2f}); "
                f"learnt from {positives.get(code, coded)} codings"
            )
    return out


def _views(session: Session, rows: Sequence[Row]) -> list[SuggestionView]:
    from qualcope.nlp.training import MIN_POSITIVES

    paths = codetree.paths_by_id(session)
    figures = code_figures(session) if rows else {}
    # Without a stored model (none trained yet, or blind) there is nothing to say.
    cues_only = (
        f"cue phrases only: fewer than {MIN_POSITIVES} codings to learn from" if figures else ""
    )
    texts: dict[int, str] = {}
    for doc_id in {r.document_id for r in rows}:
        texts[doc_id] = session.scalar(select(Document.text).where(Document.id == doc_id)) or ""
    return [
        SuggestionView(
            id=r.id,
            document_id=r.document_id,
            segment_id=r.segment_id,
            start=r.start,
            end=r.end,
            code_id=r.code_id,
            code_path=paths.get(r.code_id, "?"),
            score=float(r.score),
            reason=r.reason,
            method=r.method,
            status=r.status,
            text=texts[r.document_id][r.start : r.end],
            code_figure=figures.get(r.code_id, cues_only),
        )
        for r in rows
    ]


def _open_row(project: Project, session: Session, suggestion_id: int) -> Row:
    row = session.get(Row, suggestion_id)
    if row is None:
        raise NotFoundError(f"no suggestion {suggestion_id} (recomputing may have replaced it)")
    if row.coder_id != project.coder_id(session):
        raise SuggestionError(f"suggestion {suggestion_id} was made for another coder")
    if row.status not in OPEN:
        raise ConflictError(f"suggestion {suggestion_id} is already {row.status}")
    return row


def accept(project: Project, suggestion_id: int, code_id: int | None = None) -> CodingView:
    """Code the suggested span (under ``code_id`` when given) and mark the suggestion accepted."""
    from qualcope.services.codings import _views as coding_views
    from qualcope.services.codings import create_coding

    label = "accept suggestion" if code_id is None else "accept suggestion as another code"
    with project.write(label) as session:
        row = _open_row(project, session, suggestion_id)
        target = session.get(Code, code_id if code_id is not None else row.code_id)
        if target is None:
            raise NotFoundError(f"no code {code_id}")
        if target.kind == "group":
            raise QualcopeError(f"{target.name!r} is a group; choose one of the codes inside it")
        document = session.get(Document, row.document_id)
        assert document is not None  # the foreign key cascades deletes
        coder_id = project.coder_id(session)
        coding = session.scalar(
            select(Coding).where(
                Coding.document_id == row.document_id,
                Coding.start == row.start,
                Coding.end == row.end,
                Coding.code_id == target.id,
                Coding.coder_id == coder_id,
            )
        )
        if coding is None:
            coding = create_coding(
                session,
                coder_id,
                document,
                row.start,
                row.end,
                target,
                origin="suggestion",
                suggestion_id=row.id,
            )
        row.status = "accepted"
        row.decided_at = datetime.now(UTC)
        row.decided_code_id = target.id if target.id != row.code_id else None
        session.flush()
        return coding_views(session, [coding])[0]


def reject(project: Project, suggestion_id: int) -> SuggestionView:
    """Reject a suggestion: it stays as a negative example for its code."""
    return _decide(project, suggestion_id, "rejected", "reject suggestion")


def skip(project: Project, suggestion_id: int) -> SuggestionView:
    """Put a suggestion aside: it stays open, after the pending ones."""
    return _decide(project, suggestion_id, "skipped", "skip suggestion")


def _decide(project: Project, suggestion_id: int, status: str, label: str) -> SuggestionView:
    with project.write(label) as session:
        row = _open_row(project, session, suggestion_id)
        row.status = status
        row.decided_at = datetime.now(UTC)
        session.flush()
        return _views(session, [row])[0]


def context(project: Project, suggestion_id: int, width: int = 240) -> tuple[str, str, str]:
    """(text before, the suggested span, text after) for showing a suggestion in place."""
    with project.read() as session:
        row = session.get(Row, suggestion_id)
        if row is None:
            raise NotFoundError(f"no suggestion {suggestion_id}")
        text = session.scalar(select(Document.text).where(Document.id == row.document_id)) or ""
        start, end = row.start, row.end
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return before, text[start:end], after
