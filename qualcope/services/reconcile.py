"""Reconciliation: two coders' disagreements, decided unit by unit into a consensus coder.

The units are those of intercoder agreement (respondent sentences by default, or turns, of
the documents both coders finished). ``disagreements`` lists the units where the two code
sets differ; ``resolve`` decides one: accept A, accept B, both, neither, or recode to one
code. The result is ordinary codings of the coder named ``consensus`` (the originals never
change), so ``qualcope report ... --coder consensus`` and ``qualcope agreement --coders A
consensus`` read it as any coder's work. ``accept_agreements`` takes over every unit both
coders agree on, so the consensus is complete, not only the disputed units. ``progress``
says how far it is, with the agreement figures as they stand.

The writes (``reconcile_write``) are undoable actions of the person reconciling; what a
decision does to the consensus codings is planned in ``reconcile_plan``; the comparison
itself is ``reconcile_compare``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcope.db.models import Coder, Document, DocumentStatus
from qualcope.services import codetree
from qualcope.services.agreement_data import MODEL
from qualcope.services.project import Project
from qualcope.services.reconcile_compare import (
    CONSENSUS,
    RECONCILE_UNITS,
    Comparison,
    Figures,
    Row,
    UnitKey,
    by_document,
    compare,
    refuse_blind,
)
from qualcope.services.reconcile_write import CHOICES, accept_agreements, resolve

__all__ = [
    "CHOICES",
    "CONSENSUS",
    "RECONCILE_UNITS",
    "CodeRef",
    "Disagreement",
    "Figures",
    "Progress",
    "UnitCoding",
    "UnitKey",
    "accept_agreements",
    "coder_pairs",
    "disagreements",
    "overview",
    "progress",
    "resolve",
]

CONTEXT = 200  # characters of text shown before and after a unit
SNIPPET = 300  # characters of a coding's text shown


@dataclass(frozen=True)
class CodeRef:
    id: int
    path: str


@dataclass(frozen=True)
class UnitCoding:
    """A coding overlapping the unit (it may reach beyond it)."""

    id: int
    start: int
    end: int
    code: CodeRef
    memo: str
    text: str


@dataclass(frozen=True)
class Disagreement:
    """A unit where the two coders' codes differ, their codings there, and any decision."""

    key: UnitKey
    document_name: str
    text: str
    before: str
    after: str
    only_a: tuple[CodeRef, ...]
    only_b: tuple[CodeRef, ...]
    both: tuple[CodeRef, ...]
    codings_a: tuple[UnitCoding, ...]
    codings_b: tuple[UnitCoding, ...]
    consensus: tuple[CodeRef, ...]  # the consensus coder's (compared) codes on the unit now
    decision: str | None = None
    decided_code: CodeRef | None = None  # a recode's code

    @property
    def resolved(self) -> bool:
        return self.decision is not None


@dataclass(frozen=True)
class Progress:
    """How far the reconciliation is, and the pooled agreement figures as they stand."""

    coders: tuple[str, str]
    unit: str
    units: int
    documents: int
    total: int  # disagreements
    resolved: int
    pending_agreements: int  # agreed units the consensus does not show yet
    finished: int  # of the documents, those the consensus coder has finished
    pair: Figures
    a_consensus: Figures | None  # None while the consensus has neither decision nor coding
    b_consensus: Figures | None


def coder_pairs(project: Project) -> list[tuple[str, str, int]]:
    """(coder A, coder B, documents both finished) of every pair of coders who finished
    documents in common (the consensus left out), the most documents first."""
    refuse_blind(project)
    with project.read() as session:
        found = session.execute(
            select(Coder.name, DocumentStatus.document_id)
            .join(DocumentStatus, DocumentStatus.coder_id == Coder.id)
            .where(DocumentStatus.finished.is_(True), Coder.name.not_in((CONSENSUS, MODEL)))
        ).all()
    done: dict[str, set[int]] = {}
    for name, document in found:
        done.setdefault(name, set()).add(document)
    names = sorted(done, key=str.casefold)
    pairs = [
        (a, b, len(done[a] & done[b]))
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if done[a] & done[b]
    ]
    return sorted(pairs, key=lambda p: -p[2])


def overview(
    project: Project,
    coder_a: str,
    coder_b: str,
    *,
    codes: Sequence[str] = (),
    documents: Sequence[int] = (),
    unit: str = "sentence",
) -> tuple[list[Disagreement], Progress]:
    """``disagreements`` and ``progress`` from one reading of the project."""
    refuse_blind(project)
    with project.read() as session:
        found = compare(
            session, coder_a, coder_b, codes=tuple(codes), documents=tuple(documents), unit=unit
        )
        return _disagreements(session, found, tuple(codes)), _progress(session, found)


def disagreements(
    project: Project,
    coder_a: str,
    coder_b: str,
    *,
    codes: Sequence[str] = (),
    documents: Sequence[int] = (),
    unit: str = "sentence",
) -> list[Disagreement]:
    """The units where the two coders' code sets differ, in document and text order."""
    return overview(project, coder_a, coder_b, codes=codes, documents=documents, unit=unit)[0]


def progress(
    project: Project,
    coder_a: str,
    coder_b: str,
    *,
    codes: Sequence[str] = (),
    documents: Sequence[int] = (),
    unit: str = "sentence",
) -> Progress:
    """Decided / all disagreements, and pooled agreement (Krippendorff's alpha, percent) of A
    and B, and of each with the consensus on the same units once the consensus has begun."""
    refuse_blind(project)
    with project.read() as session:
        found = compare(
            session, coder_a, coder_b, codes=tuple(codes), documents=tuple(documents), unit=unit
        )
        return _progress(session, found)


def _progress(session: Session, found: Comparison) -> Progress:
    finished = 0
    if found.consensus_id is not None:
        marked = session.scalars(
            select(DocumentStatus.document_id).where(
                DocumentStatus.coder_id == found.consensus_id, DocumentStatus.finished.is_(True)
            )
        )
        finished = len(set(marked) & set(found.scope.documents))
    disagreeing = found.disagreeing()
    resolved = sum(1 for i in disagreeing.nonzero()[0] if found.decided(int(i)) is not None)
    begun = bool(found.decisions or found.rows["consensus"])
    a, b = found.scope.coders
    return Progress(
        coders=(a, b),
        unit=found.units.kind,
        units=len(found.units),
        documents=len(found.scope.documents),
        total=int(disagreeing.sum()),
        resolved=resolved,
        pending_agreements=int(found.pending_agreements().sum()),
        finished=finished,
        pair=found.figures("a", "b"),
        a_consensus=found.figures("a", "consensus") if begun else None,
        b_consensus=found.figures("b", "consensus") if begun else None,
    )


def _disagreements(
    session: Session, found: Comparison, codes: tuple[str, ...]
) -> list[Disagreement]:
    import numpy as np

    indexes = np.flatnonzero(found.disagreeing())
    wanted = sorted({int(found.units.document[i]) for i in indexes})
    texts: dict[int, str] = dict(
        session.execute(select(Document.id, Document.text).where(Document.id.in_(wanted))).all()
    )
    every_path = codetree.paths_by_id(session)  # a recode may give a code not compared
    a, b = found.scope.coders
    names = dict(zip(found.scope.documents, found.scope.document_names, strict=True))
    refs = {cid: CodeRef(cid, path) for cid, path in found.scope.codes}
    rows = {who: by_document(found.rows[who]) for who in ("a", "b")}
    at = {who: found.codes_at(who, indexes) for who in ("a", "b", "consensus")}
    out: list[Disagreement] = []
    for row, index in enumerate(indexes):
        document = int(found.units.document[index])
        start, end = int(found.units.start[index]), int(found.units.end[index])
        text = texts[document]
        in_a, in_b = set(at["a"][row]), set(at["b"][row])
        decided = found.decided(int(index))
        recoded = decided[1] if decided else None
        out.append(
            Disagreement(
                key=UnitKey(a, b, document, start, end, found.units.kind, codes),
                document_name=names[document],
                text=text[start:end],
                before=_before(text, start),
                after=_after(text, end),
                only_a=tuple(refs[c] for c in at["a"][row] if c not in in_b),
                only_b=tuple(refs[c] for c in at["b"][row] if c not in in_a),
                both=tuple(refs[c] for c in at["a"][row] if c in in_b),
                codings_a=_overlapping(rows["a"].get(document, []), start, end, text, every_path),
                codings_b=_overlapping(rows["b"].get(document, []), start, end, text, every_path),
                consensus=tuple(refs[c] for c in at["consensus"][row]),
                decision=decided[0] if decided else None,
                decided_code=CodeRef(recoded, every_path.get(recoded, "?")) if recoded else None,
            )
        )
    return out


def _before(text: str, start: int) -> str:
    """Up to CONTEXT characters before ``start``, from the start of a word."""
    first = max(0, start - CONTEXT)
    piece = text[first:start]
    if first > 0 and not text[first - 1].isspace() and " " in piece:
        piece = piece.split(" ", 1)[1]  # the first word is cut: leave it out
    return piece


def _after(text: str, end: int) -> str:
    """Up to CONTEXT characters after ``end``, to the end of a word."""
    last = min(len(text), end + CONTEXT)
    piece = text[end:last]
    if last < len(text) and not text[last].isspace() and " " in piece:
        piece = piece.rsplit(" ", 1)[0]  # the last word is cut: leave it out
    return piece


def _overlapping(
    rows: list[Row], start: int, end: int, text: str, paths: dict[int, str]
) -> tuple[UnitCoding, ...]:
    return tuple(
        UnitCoding(
            r.id,
            r.start,
            r.end,
            CodeRef(r.code_id, paths.get(r.code_id, "?")),
            r.memo,
            text[r.start : r.end][:SNIPPET],
        )
        for r in rows
        if r.start < end and r.end > start
    )
