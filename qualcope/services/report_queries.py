"""The SQL behind reports: filters checked against the project, and aggregated codings.

Codings are grouped in SQL by the keys a report needs (code, role, case,
participant, document, coder, and the unit: segment, document or participant;
the segment unit is finished in Python, as sentences are packed offsets);
no document text is read. ``qualcope.services.reports`` calls these inside its
read-only units of work and hands the rows to ``qualcope.report`` to pivot.

Interviewer turns: a coding whose whole span lies within one interviewer turn
(the turn holding its first character is an interviewer turn and the coding ends
inside it) is left out unless ``Filters.include_interviewer``.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from qualcope import sentence_bounds
from qualcope.db.models import Case, Code, Coder, Coding, Document, Participant, Segment
from qualcope.domain import DEFAULT_ROLES, PATH_SEPARATOR, split_path
from qualcope.errors import ReportError
from qualcope.report.model import MISSING, Filters
from qualcope.services import codetree


@dataclass(frozen=True)
class CodeItem:
    """A code shown as a row or column: it counts its own codings and its descendants'."""

    id: int
    path: str
    label: str
    kind: str
    members: frozenset[int]


@dataclass(frozen=True)
class Scope:
    """Filters checked against the project, with the code items they select."""

    filters: Filters
    items: tuple[CodeItem, ...]
    code_ids: frozenset[int] | None  # None: every code
    coder_ids: tuple[int, ...]


@dataclass(frozen=True)
class ReportOptions:
    """What a user can choose from (for the TUI's selectors)."""

    codes: tuple[tuple[str, str], ...]  # (path, kind)
    roles: tuple[str, ...]
    cases: tuple[str, ...]
    coders: tuple[str, ...]


# ------------------------------------------------------------------- scope
def code_items(session: Session, paths: Sequence[str]) -> tuple[tuple[CodeItem, ...], bool]:
    """Code items for --codes (a group gives its children), else every code of the tree."""
    ordered = codetree.ordered(codetree.all_codes(session))
    children: dict[int | None, list[int]] = {}
    for code, _, _ in ordered:
        children.setdefault(code.parent_id, []).append(code.id)
    by_id = {code.id: (code, path) for code, path, _ in ordered}

    def members(code_id: int) -> frozenset[int]:
        found, stack = set(), [code_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(children.get(current, []))
        return frozenset(found)

    if not paths:
        chosen = [code.id for code, _, _ in ordered]
    else:
        chosen = []
        for path in paths:
            code = codetree.find_code(session, path)
            kids = children.get(code.id, []) if code.kind == "group" else []
            chosen.extend(kids or [code.id])
    chosen = list(dict.fromkeys(chosen))
    labels = short_labels([by_id[c][1] for c in chosen]) if paths else [by_id[c][1] for c in chosen]
    items = tuple(
        CodeItem(
            id=c,
            path=by_id[c][1],
            label=label,
            kind=by_id[c][0].kind,
            members=members(c),
        )
        for c, label in zip(chosen, labels, strict=True)
    )
    return items, bool(paths)


def short_labels(paths: Sequence[str]) -> list[str]:
    """Paths without the ancestors they all share ('Coping strategies/Avoidance' -> 'Avoidance')."""
    parts = [split_path(p) for p in paths]
    shared = 0
    while (
        parts and all(len(p) > shared + 1 for p in parts) and len({p[shared] for p in parts}) == 1
    ):
        shared += 1
    return [PATH_SEPARATOR.join(p[shared:]) for p in parts]


def _check_names(session: Session, column: Any, wanted: Sequence[str], what: str) -> None:
    if not wanted:
        return
    known = {v for v in session.scalars(select(column).distinct()) if v is not None}
    for name in wanted:
        if name not in known and name != MISSING.get(what):
            listing = ", ".join(sorted(known)) or "none"
            raise ReportError(f"no {what} {name!r} in the project (known: {listing})")


def resolve(session: Session, filters: Filters) -> Scope:
    """Check a report's filters against the project; one-line errors for unknown names."""
    items, narrowed = code_items(session, filters.codes)
    _check_names(session, Coder.name, filters.coders, "coder")
    _check_names(session, Case.name, filters.cases, "case")
    _check_names(session, Participant.role, filters.roles, "role")
    _check_names(session, Participant.label, filters.participants, "participant")
    coder_ids = tuple(session.scalars(select(Coder.id).where(Coder.name.in_(filters.coders))))
    code_ids = frozenset().union(*(i.members for i in items)) if narrowed else None
    return Scope(filters, items, code_ids, coder_ids)


# --------------------------------------------------------------------- SQL
def containing(kind: str) -> Any:
    """The id of the segment of this kind that holds a coding's first character."""
    seg = aliased(Segment)
    return (
        select(seg.id)
        .where(
            seg.document_id == Coding.document_id,
            seg.kind == kind,
            seg.start <= Coding.start,
            seg.end > Coding.start,
        )
        .order_by(seg.start.desc())
        .limit(1)
        .correlate(Coding)
        .scalar_subquery()
    )


def turn_key() -> Any:
    """The turn holding a coding's first character, as a co-occurrence 'within turn' keys it
    (a document without turns counts as one turn: its negated id)."""
    return func.coalesce(containing("turn"), -Coding.document_id)


def _case_id() -> Any:
    return func.coalesce(Document.case_id, Participant.case_id)


def _equal_or_missing(column: Any, values: Sequence[str], what: str) -> ColumnElement[bool]:
    named = [v for v in values if v != MISSING[what]]
    condition = column.in_(named)
    return or_(condition, column.is_(None)) if MISSING[what] in values else condition


def codings_query(
    scope: Scope, columns: dict[str, Any], need: set[str], *, group: bool = True
) -> Select[Any]:
    """Codings joined to what ``need`` asks for, filtered by the scope, grouped by ``columns``."""
    f = scope.filters
    need = set(need)
    if f.cases or f.roles or f.participants or need & {"role", "case", "participant"}:
        need |= {"participant"}
    turn = aliased(Segment)
    labelled = [col.label(name) for name, col in columns.items()]
    query = select(*labelled, func.count().label("n")) if group else select(*labelled)
    query = query.select_from(Coding).join(Document, Document.id == Coding.document_id)
    if "participant" in need:
        query = query.outerjoin(Participant, Participant.id == Document.participant_id)
    if "case" in need or f.cases:
        query = query.outerjoin(Case, Case.id == _case_id())
    if "coder" in need:
        query = query.join(Coder, Coder.id == Coding.coder_id)
    if not f.include_interviewer or "turn" in need:
        query = query.outerjoin(turn, turn.id == containing("turn"))
    if not f.include_interviewer:
        # Interviewer turns and preambles (a title, a footer: nobody's words) are left out.
        preamble = aliased(Segment)
        query = query.outerjoin(preamble, preamble.id == containing("preamble"))
        query = query.where(
            or_(turn.id.is_(None), turn.is_interviewer.is_(False), Coding.end > turn.end),
            or_(preamble.id.is_(None), Coding.end > preamble.end),
        )
    if scope.code_ids is not None:
        query = query.where(Coding.code_id.in_(sorted(scope.code_ids)))
    if f.coders:
        query = query.where(Coding.coder_id.in_(scope.coder_ids))
    query = _where_documents(query, f, Coding.document_id)
    if group:
        query = query.group_by(*labelled)
    return query


def _dimension_column(dim: str) -> Any:
    return {
        "code": Coding.code_id,
        "role": Participant.role,
        "case": Case.name,
        "participant": Participant.label,
        "document": Coding.document_id,
        "coder": Coder.name,
    }[dim]


def unit_column(unit: str) -> Any:
    """The SQL key of a unit; "segments" has none (see ``segment_parts``)."""
    if unit == "documents":
        return Coding.document_id
    if unit == "participants":  # a document without a participant is its own speaker
        return func.coalesce(Document.participant_id, -Document.id)
    raise ReportError(f"unknown unit {unit!r}")


# The segment unit is the sentence holding a coding's first character, else its turn, else
# the coding's own span. Sentences are packed offsets on the document, not rows, so SQL
# returns these four parts and ``resolve_segments`` makes them one key.
SEGMENT_PARTS = ("segment_document", "segment_start", "segment_turn", "segment_coding")


def segment_parts() -> dict[str, Any]:
    """The columns ``resolve_segments`` turns into one segment key, in its order."""
    return dict(
        zip(
            SEGMENT_PARTS,
            (Coding.document_id, Coding.start, containing("turn"), Coding.id),
            strict=True,
        )
    )


def resolve_segments(
    session: Session, rows: Sequence[Sequence[Any]], at: int, *, counted: bool = True
) -> list[tuple[Any, ...]]:
    """``rows`` with the four segment parts (from column ``at``) made one key: ``s<document>:
    <sentence>``, ``t<turn id>`` or ``c<coding id>``. When ``counted``, the last column is a
    count, summed over the rows that now share a key (SQL grouped them more finely)."""
    documents = {row[at] for row in rows}
    starts: dict[int, tuple[list[int], list[int]]] = {}
    for doc_id, blob in session.execute(
        select(Document.id, Document.sentence_bounds).where(Document.id.in_(documents))
    ):
        pairs = sentence_bounds.unpack(blob)
        starts[doc_id] = ([a for a, _ in pairs], [b for _, b in pairs])
    merged: dict[tuple[Any, ...], int] = {}
    out: list[tuple[Any, ...]] = []
    for row in rows:
        doc_id, start, turn, coding = row[at : at + 4]
        begins, ends = starts.get(doc_id, ([], []))
        index = bisect_right(begins, start) - 1
        if index >= 0 and start < ends[index]:
            key = f"s{doc_id}:{index}"
        else:
            key = f"t{turn}" if turn is not None else f"c{coding}"
        resolved = (*row[:at], key, *row[at + 4 :])
        if counted:
            merged[resolved[:-1]] = merged.get(resolved[:-1], 0) + int(resolved[-1])
        else:
            out.append(resolved)
    return [(*key, n) for key, n in merged.items()] if counted else out


def base_rows(
    session: Session, scope: Scope, dims: Sequence[str], unit: str
) -> list[tuple[Any, ...]]:
    """Aggregated codings: one row per distinct (code, dims..., unit key) with a count ``n``."""
    columns: dict[str, Any] = {"code_id": Coding.code_id}
    for dim in dims:
        if dim != "code":
            columns[dim] = _dimension_column(dim)
    if unit == "segments":
        columns.update(segment_parts())
    elif unit != "codings":
        columns["unit"] = unit_column(unit)
    rows = [tuple(row) for row in session.execute(codings_query(scope, columns, set(dims)))]
    if unit == "segments":
        rows = resolve_segments(session, rows, len(columns) - len(SEGMENT_PARTS))
    return rows


def _ordered_values(values: Sequence[str | None], dim: str) -> list[str]:
    named = sorted({v for v in values if v is not None}, key=str.casefold)
    if dim == "role":
        named.sort(key=lambda r: DEFAULT_ROLES.index(r) if r in DEFAULT_ROLES else 99)
    if any(v is None for v in values):
        named.append(MISSING[dim])
    return named


def domain(session: Session, scope: Scope, dim: str) -> list[tuple[str, str]]:
    """Every (key, label) a non-code dimension can take under the filters, in display order."""
    f = scope.filters
    if dim == "coder":
        query = select(Coder.name).join(Coding, Coding.coder_id == Coder.id).distinct()
        if f.coders:
            query = query.where(Coder.name.in_(f.coders))
        return [(v, v) for v in _ordered_values(list(session.scalars(query)), dim)]
    query = (
        select(Document.id, Document.name, Participant.role, Case.name, Participant.label)
        .outerjoin(Participant, Participant.id == Document.participant_id)
        .outerjoin(Case, Case.id == _case_id())
    )
    query = _where_documents(query, f, Document.id)
    rows = session.execute(query.order_by(Document.name, Document.id)).all()
    if dim == "document":
        return document_labels([(r[0], r[1]) for r in rows])
    index = {"role": 2, "case": 3, "participant": 4}[dim]
    return [(v, v) for v in _ordered_values([r[index] for r in rows], dim)]


def document_labels(rows: Sequence[tuple[int, str]]) -> list[tuple[str, str]]:
    """(id, name) -> (key, label); a name used twice gets its id appended."""
    names = [name for _, name in rows]
    return [(str(i), name if names.count(name) == 1 else f"{name} #{i}") for i, name in rows]


# -------------------------------------------------------------- provenance
def codebook_state(session: Session) -> str:
    """A short hash of the code tree (paths and kinds): changes when the codebook does."""
    digest = hashlib.sha256()
    for code, path, _ in codetree.ordered(codetree.all_codes(session)):
        digest.update(f"{path}\x1f{code.kind}\x1e".encode())
    count = session.scalar(select(func.count()).select_from(Code)) or 0
    return f"sha256:{digest.hexdigest()[:16]} ({count} codes)"


def _where_documents(query: Any, f: Any, document_id: Any) -> Any:
    """Restrict a query joined to cases and participants to the filters' documents."""
    if f.cases:
        query = query.where(_equal_or_missing(Case.name, f.cases, "case"))
    if f.roles:
        query = query.where(_equal_or_missing(Participant.role, f.roles, "role"))
    if f.participants:
        query = query.where(_equal_or_missing(Participant.label, f.participants, "participant"))
    if f.documents:
        query = query.where(document_id.in_(f.documents))
    return query
