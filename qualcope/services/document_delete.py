"""Deleting a document and everything that hangs on it (``delete_document``).

A document imported by mistake (the wrong file, a consent form, a second copy under another
name) or whose participant withdrew must leave every count and report, with what hangs on it:
its turns and sentences, codings and their links, memos, suggestions, finished marks,
reconciliation decisions and reading positions. Its participant and case stay (other
documents may share them; ``document set`` and the attribute sheet manage them).

The user is told what goes before it goes (``document_removal``), and another coder's
codings go only as ``ownership`` allows: after a confirmation, never when the project
protects them. One transaction, and not undoable: the event log keeps no copy of a transcript
(an import records its text as a summary), so undo could not bring the text back. The rows
removed are recorded all the same, the text summarised: other coders' screens see the
codings go, and the log says what the action did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, or_, select
from sqlalchemy.orm import Session

from qualcope.db.history import Change, row_values, summarised
from qualcope.db.models import (
    Coder,
    Coding,
    CodingLink,
    Document,
    DocumentStatus,
    Memo,
    ReadingPosition,
    Reconciliation,
    Segment,
    Suggestion,
)
from qualcope.errors import NotFoundError
from qualcope.services.ownership import PROTECT, OthersCodingError, policy_in
from qualcope.services.project import Project
from qualcope.services.row_changes import record
from qualcope.wording import plural


@dataclass(frozen=True)
class DocumentRemoval:
    """What deleting a document removes (or removed)."""

    document_id: int
    name: str
    words: int
    codings: tuple[tuple[str, int], ...]  # (coder, codings), most first
    links: int
    memos: int
    suggestions: int
    reconciliations: int
    finished_by: tuple[str, ...]

    @property
    def coding_count(self) -> int:
        return sum(n for _, n in self.codings)

    def coders(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.codings)

    def describe(self) -> str:
        """'37 codings (ana 30, ben 7), 2 links, 120 suggestions, finished by ana'."""
        parts = [plural(self.coding_count, "coding")]
        if self.codings:
            parts[0] += " (" + ", ".join(f"{name} {n:,}" for name, n in self.codings) + ")"
        for count, word in (
            (self.links, "coding link"),
            (self.memos, "memo"),
            (self.suggestions, "suggestion"),
            (self.reconciliations, "reconciliation decision"),
        ):
            if count:
                parts.append(plural(count, word))
        if self.finished_by:
            parts.append("finished by " + ", ".join(self.finished_by))
        return ", ".join(parts)


def document_removal(project: Project, document_id: int) -> DocumentRemoval:
    """What ``delete_document`` would remove, for the user to confirm."""
    with project.read() as session:
        return _removal(session, document_id)


def delete_document(
    project: Project, document_id: int, *, others_confirmed: bool = False
) -> DocumentRemoval:
    """Delete a document with everything that hangs on it; one action, not undoable.

    Another coder's codings or memos go only with ``others_confirmed``, and never when the
    project protects other coders' codings (``OthersCodingError``)."""
    return delete_documents(project, [document_id], others_confirmed=others_confirmed)[0]


def delete_documents(
    project: Project, document_ids: Sequence[int], *, others_confirmed: bool = False
) -> list[DocumentRemoval]:
    """Delete documents as ``delete_document`` does, all in one action (all or none)."""
    ids = list(dict.fromkeys(document_ids))
    with project.read() as session:
        names = dict(
            session.execute(select(Document.id, Document.name).where(Document.id.in_(ids))).all()
        )
    missing = [i for i in ids if i not in names]
    if missing:
        raise NotFoundError(f"no document {missing[0]} (see `qualcope documents`)")
    label = (
        f"document: delete {names[ids[0]]}"
        if len(ids) == 1
        else (
            f"documents: delete {len(ids)} ({', '.join(names[i] for i in ids[:3])}"
            f"{', ...' if len(ids) > 3 else ''})"
        )
    )

    def action(session: Session) -> list[DocumentRemoval]:
        removals = [_removal(session, document_id) for document_id in ids]
        for removal in removals:
            _check_others(session, project, removal, removal.document_id, others_confirmed)
        for document_id in ids:
            _delete_rows(session, document_id)
        return removals

    return project.run_write(label, action, undoable=False)


def _removal(session: Session, document_id: int) -> DocumentRemoval:
    found = session.execute(
        select(Document.name, Document.word_count).where(Document.id == document_id)
    ).first()
    if found is None:
        raise NotFoundError(f"no document {document_id} (see `qualcope documents`)")
    names = dict(session.execute(select(Coder.id, Coder.name)).all())
    per_coder = Counter(
        dict(
            session.execute(
                select(Coding.coder_id, func.count())
                .where(Coding.document_id == document_id)
                .group_by(Coding.coder_id)
            ).all()
        )
    )
    codings = tuple(
        sorted(((names[i], n) for i, n in per_coder.items()), key=lambda p: (-p[1], p[0]))
    )
    finished = session.scalars(
        select(Coder.name)
        .join(DocumentStatus, DocumentStatus.coder_id == Coder.id)
        .where(DocumentStatus.document_id == document_id, DocumentStatus.finished.is_(True))
        .order_by(Coder.name)
    ).all()

    def count(model: Any, *where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    return DocumentRemoval(
        document_id=document_id,
        name=found.name,
        words=int(found.word_count or 0),
        codings=codings,
        links=count(CodingLink, _links_of(document_id)),
        memos=count(Memo, Memo.document_id == document_id),
        suggestions=count(Suggestion, Suggestion.document_id == document_id),
        reconciliations=count(Reconciliation, Reconciliation.document_id == document_id),
        finished_by=tuple(finished),
    )


def _links_of(document_id: int) -> Any:
    """Links from or to a coding of the document."""
    codings = select(Coding.id).where(Coding.document_id == document_id)
    return or_(CodingLink.source_coding_id.in_(codings), CodingLink.target_coding_id.in_(codings))


def _check_others(
    session: Session,
    project: Project,
    removal: DocumentRemoval,
    document_id: int,
    confirmed: bool,
) -> None:
    """Refuse to remove another coder's codings or memos unless confirmed, or at all when
    the project protects other coders' codings."""
    me = project.coder_id(session)
    memo_coders = session.scalars(
        select(Coder.name)
        .join(Memo, Memo.coder_id == Coder.id)
        .where(Memo.document_id == document_id, Memo.coder_id != me)
    ).all()
    own = session.scalar(select(Coder.name).where(Coder.id == me))
    others = sorted({name for name in (*removal.coders(), *memo_coders) if name != own})
    if not others:
        return
    whose = ", ".join(others)
    if policy_in(session) == PROTECT:
        raise OthersCodingError(
            f"{removal.name} holds codings or memos of {whose}: this project protects other "
            "coders' codings (qualcope others-codings ask allows deleting it after a "
            "confirmation)",
            coder=others[0],
            needs_confirmation=False,
        )
    if not confirmed:
        raise OthersCodingError(
            f"{removal.name} holds codings or memos of {whose}: delete it only after confirming",
            coder=others[0],
            needs_confirmation=True,
        )


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _delete_rows(session: Session, document_id: int) -> None:
    """Delete the document's rows, those that point at it first, and record the tracked
    ones: with their texts (the transcript, quotes, memos) as checksums, so that the log of
    a deletion, perhaps for a participant who withdrew, holds no copy of their words."""
    # (model, rows, the text columns the log keeps as checksums)
    tracked: list[tuple[Any, Any, tuple[str, ...]]] = [
        (CodingLink, _links_of(document_id), ()),
        (Reconciliation, Reconciliation.document_id == document_id, ()),
        (Coding, Coding.document_id == document_id, ("snippet", "memo")),
        (Memo, Memo.document_id == document_id, ("text",)),
        (DocumentStatus, DocumentStatus.document_id == document_id, ()),
    ]
    changes: list[Change] = []
    for model, where, texts in tracked:
        table = _table(model)
        rows = session.execute(select(table).where(where)).mappings().all()
        for found in rows:
            row = row_values(table.name, dict(found))
            changes.append(
                Change(table.name, "delete", summarised(row, *texts) if texts else row, None)
            )
        if rows:
            session.execute(delete(table).where(where))
    # Derived or screen state, not in the event log (see ``db.history.UNTRACKED``; pending
    # suggestions are written with Core and never recorded either).
    for model in (Suggestion, ReadingPosition, Segment):
        session.execute(delete(_table(model)).where(model.document_id == document_id))
    documents = _table(Document)
    row = session.execute(select(documents).where(documents.c.id == document_id)).mappings().one()
    changes.append(
        Change(
            "documents",
            "delete",
            summarised(row_values("documents", dict(row)), "text", "sentence_bounds", "offset_map"),
            None,
        )
    )
    session.execute(delete(documents).where(documents.c.id == document_id))
    record(session, changes)
