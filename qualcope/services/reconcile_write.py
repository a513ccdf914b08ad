"""Reconciliation's writes: decide a unit, take over the agreements, finish documents.

Each call is one undoable action of the person reconciling (``project.coder``), so their undo
key takes it back; the codings it writes belong to the consensus coder. A ``Reconciliation``
row, in the same action, records each decision: "neither" leaves no coding behind, and only
that row tells such a unit from one nobody decided yet. What the consensus coder's codings of
a document become is planned by ``reconcile_plan`` and written as the difference, through
the ORM, so the unit of work's recorder logs every row for undo.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcope.db.models import (
    Code,
    Coder,
    Coding,
    CodingLink,
    Document,
    DocumentStatus,
    new_guid,
)
from qualcope.db.models import Reconciliation as Decision
from qualcope.errors import NotFoundError, QualcopeError
from qualcope.services.project import Project
from qualcope.services.reconcile_compare import (
    CONSENSUS,
    Comparison,
    Row,
    UnitKey,
    by_document,
    compare,
    refresh_consensus,
    refuse_blind,
)
from qualcope.services.reconcile_plan import Piece, changes, decide_unit

CHOICES = ("accept_a", "accept_b", "both", "neither", "recode")
ORIGIN = "reconcile"  # the origin of a consensus coding
SOURCES = {"accept_a": ("a",), "accept_b": ("b",), "both": ("a", "b"), "neither": ()}


def resolve(project: Project, key: UnitKey, choice: str, *, code_id: int | None = None) -> None:
    """Decide one unit for the consensus coder, in one undoable action.

    accept_a / accept_b: that coder's codings of the unit (clipped to it); both: the union
    of the two coders' (one coding where both coded a code); neither: no code; recode: one
    coding of the unit with ``code_id``. Only the compared codes (and a recode's code) change
    on the unit. Deciding a unit again replaces its decision; the originals never change.
    """
    refuse_blind(project)
    if choice not in CHOICES:
        raise QualcopeError(f"unknown choice {choice!r} ({', '.join(CHOICES)})")
    if choice == "recode" and code_id is None:
        raise QualcopeError("recode needs the code to give the unit")
    with project.write(f"reconcile: {_describe(key, choice)}") as session:
        found = compare(
            session,
            key.coder_a,
            key.coder_b,
            codes=key.codes,
            documents=(key.document_id,),
            unit=key.unit,
        )
        text = _text(session, key.document_id)
        if not 0 <= key.start < key.end <= len(text):
            raise QualcopeError(f"the unit {key.start}-{key.end} is outside the document")
        codes = set(found.code_ids)
        chosen: list[Piece] = []
        if choice == "recode":
            assert code_id is not None
            code = session.get(Code, code_id)
            if code is None or code.kind != "code":
                raise NotFoundError(f"no code {code_id} to give the unit (groups cannot be)")
            codes.add(code_id)
            chosen = [Piece(key.start, key.end, code_id)]
        else:
            chosen = [
                _piece(row)
                for who in SOURCES[choice]
                for row in found.rows[who]
                if row.document_id == key.document_id
                and row.start < key.end
                and row.end > key.start
            ]
        consensus_id = _consensus(session)
        decision = session.scalar(
            select(Decision).where(
                Decision.document_id == key.document_id,
                Decision.coder_id == consensus_id,
                Decision.start == key.start,
                Decision.end == key.end,
            )
        )
        if decision is not None and decision.code_id is not None:
            codes.add(decision.code_id)  # the code of an earlier recode goes too
        stored = _stored(session, consensus_id, [key.document_id]).get(key.document_id, [])
        planned = decide_unit(text, (key.start, key.end), stored, chosen, codes)
        _write(session, text, key.document_id, consensus_id, stored, planned)
        a_id, b_id = found.coder_ids
        if decision is None:
            decision = Decision(
                document_id=key.document_id, coder_id=consensus_id, start=key.start, end=key.end
            )
            session.add(decision)
        decision.choice = choice
        decision.code_id = code_id if choice == "recode" else None
        decision.first_coder_id, decision.second_coder_id = a_id, b_id
        session.flush()
        _finish_complete(session, refresh_consensus(session, found))


def accept_agreements(
    project: Project,
    coder_a: str,
    coder_b: str,
    *,
    codes: Sequence[str] = (),
    documents: Sequence[int] = (),
    unit: str = "sentence",
) -> int:
    """Copy into the consensus every unit both coders agree on, in one undoable action, so
    the consensus is complete; returns how many units changed (again: none).

    Where both coded a code on the unit, the consensus takes the union of their spans."""
    import numpy as np

    refuse_blind(project)
    with project.write(f"reconcile: take over what {coder_a} and {coder_b} agree on") as session:
        found = compare(
            session, coder_a, coder_b, codes=tuple(codes), documents=tuple(documents), unit=unit
        )
        pending = np.flatnonzero(found.pending_agreements())
        if not len(pending):
            return 0
        consensus_id = _consensus(session)
        in_scope = set(found.code_ids)
        rows = {who: by_document(found.rows[who]) for who in ("a", "b")}
        touched: dict[int, list[int]] = {}
        for index in pending:
            touched.setdefault(int(found.units.document[index]), []).append(int(index))
        texts = dict(
            session.execute(
                select(Document.id, Document.text).where(Document.id.in_(list(touched)))
            ).all()
        )
        stored_by_document = _stored(session, consensus_id, list(touched))
        for document, indexes in touched.items():
            text = texts[document]
            stored = stored_by_document.get(document, [])
            planned = list(stored)
            for index in indexes:
                start, end = int(found.units.start[index]), int(found.units.end[index])
                chosen = [
                    _piece(row)
                    for who in ("a", "b")
                    for row in rows[who].get(document, [])
                    if row.start < end and row.end > start
                ]
                planned = decide_unit(text, (start, end), planned, chosen, in_scope)
            _write(session, text, document, consensus_id, stored, planned)
        session.flush()
        _finish_complete(session, refresh_consensus(session, found))
        return len(pending)


# ------------------------------------------------------------------ helpers
def _describe(key: UnitKey, choice: str) -> str:
    what = {
        "accept_a": f"accept {key.coder_a}",
        "accept_b": f"accept {key.coder_b}",
        "both": "accept both",
        "neither": "neither",
        "recode": "recode",
    }[choice]
    return f"{what} at {key.start}-{key.end} of document {key.document_id}"


def _text(session: Session, document_id: int) -> str:
    text = session.scalar(select(Document.text).where(Document.id == document_id))
    if text is None:
        raise NotFoundError(f"no document {document_id}")
    return text


def _consensus(session: Session) -> int:
    """The consensus coder's id, created on its first decision (coders are never undone)."""
    found = session.scalar(select(Coder.id).where(Coder.name == CONSENSUS))
    if found is None:
        coder = Coder(name=CONSENSUS)
        session.add(coder)
        session.flush()
        found = coder.id
    return int(found)


def _piece(row: Row) -> Piece:
    return Piece(row.start, row.end, row.code_id, row.memo)


def _stored(session: Session, consensus_id: int, document_ids: list[int]) -> dict[int, list[Piece]]:
    """Every consensus coding (of any code) of the documents, as pieces, by document."""
    out: dict[int, list[Piece]] = {}
    for chunk in range(0, len(document_ids), 900):
        query = select(
            Coding.id, Coding.document_id, Coding.start, Coding.end, Coding.code_id, Coding.memo
        ).where(
            Coding.coder_id == consensus_id,
            Coding.document_id.in_(document_ids[chunk : chunk + 900]),
        )
        for cid, document, start, end, code, memo in session.execute(query.order_by(Coding.start)):
            out.setdefault(document, []).append(Piece(start, end, code, memo, id=cid))
    return out


def _write(
    session: Session,
    text: str,
    document_id: int,
    consensus_id: int,
    before: list[Piece],
    after: list[Piece],
) -> None:
    """Make the stored consensus codings of the document the planned ones.

    A coding that goes is re-used for one that comes (new span, code, memo and GUID) before
    any is deleted or inserted: SQLite gives a new row the id of a row deleted in the same
    action, and the action's undo could not then put both back."""
    removed, added, memos = changes(before, after)
    gone = [p.id for p in removed if p.id is not None]
    if gone:
        # Links first, through the ORM: a cascade in the database would escape the log.
        for link in session.scalars(
            select(CodingLink).where(
                CodingLink.source_coding_id.in_(gone) | CodingLink.target_coding_id.in_(gone)
            )
        ):
            session.delete(link)
        session.flush()
    rows = list(session.scalars(select(Coding).where(Coding.id.in_(gone)).order_by(Coding.id)))
    for piece, memo in memos:
        coding = session.get(Coding, piece.id)
        if coding is not None:
            coding.memo = memo
    for piece in added:
        coding = rows.pop() if rows else None
        if coding is None:
            coding = Coding(document_id=document_id, coder_id=consensus_id, origin=ORIGIN)
            session.add(coding)
        else:
            coding.guid = new_guid()
        coding.start, coding.end, coding.code_id = piece.start, piece.end, piece.code_id
        coding.snippet = text[piece.start : piece.end]
        coding.memo = piece.memo
    for coding in rows:
        session.delete(coding)


def _finish_complete(session: Session, found: Comparison) -> None:
    """Mark each compared document finished for the consensus coder once every disagreement
    in it is decided and every agreement taken over (never unmarks: that is a person's call).
    ``found``: the comparison with the consensus as it now stands."""
    consensus_id = _consensus(session)
    disagreeing = found.disagreeing()
    undecided = disagreeing.copy()
    for index in disagreeing.nonzero()[0]:
        undecided[index] = found.decided(int(index)) is None
    open_units = undecided | found.pending_agreements()
    for document in found.scope.documents:
        first, last = found.units.rows.get(document, (0, 0))
        if open_units[first:last].any():
            continue
        status = session.get(DocumentStatus, (document, consensus_id))
        if status is None:
            session.add(DocumentStatus(document_id=document, coder_id=consensus_id, finished=True))
        elif not status.finished:
            status.finished = True
