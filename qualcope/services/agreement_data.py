"""The data of intercoder agreement: units, and each coder's presence of each code in them.

A *unit* is a respondent sentence (default), a respondent turn, or a character of respondent
text; preambles and interviewer turns are left out unless asked for. The documents are those
every compared coder has marked finished (a coder's silence elsewhere means "not coded yet",
not "absent"). A coder *applies* a code to a unit when one of their codings of that code
shares at least one character with the unit; each (unit, code) is then present (1) or absent
(0) for each coder, so the data are complete. For characters, stretches where no coding
starts or ends are one unit each, weighted by their length (``Units.weights``).

Everything is arrays (numpy): a million words are about 90,000 sentences, and 300 codes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcope.db.models import Code, Coder, Coding, Document, DocumentStatus, Segment
from qualcope.errors import QualcopeError
from qualcope.services import codetree

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

UNITS = ("sentence", "turn", "character")
MODEL = "model"  # the suggester, as a coder


@dataclass
class Units:
    """The units of the compared documents, in text order, as arrays."""

    kind: str
    document: NDArray[np.int64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]
    weights: NDArray[np.int64] | None = None  # characters per unit (character units)
    # document id -> [first, last) rows of this document's units
    rows: dict[int, tuple[int, int]] = field(default_factory=dict)
    rank: NDArray[np.int64] | None = None  # position of each unit's document in the scope

    def __len__(self) -> int:
        return len(self.start)

    def weighted_count(self) -> int:
        return int(self.weights.sum()) if self.weights is not None else len(self)


@dataclass(frozen=True)
class Scope:
    """What is compared: coders (names and ids, 'model' has none), codes, documents."""

    coders: tuple[str, ...]
    coder_ids: tuple[int | None, ...]
    codes: tuple[tuple[int, str], ...]  # (code id, path), codes only (groups give theirs)
    documents: tuple[int, ...]
    document_names: tuple[str, ...]
    notes: tuple[str, ...] = ()


def resolve_scope(
    session: Session,
    coders: Sequence[str],
    codes: Sequence[str],
    documents: Sequence[int],
) -> Scope:
    """Check the names; choose the documents every human coder finished (or those given)."""
    known = dict(session.execute(select(Coder.name, Coder.id)).all())
    names = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if not names:
        names = _coders_with_finished_work(session)
    unknown = [n for n in names if n != MODEL and n not in known]
    if unknown:
        listing = ", ".join(sorted(known)) or "none yet"
        raise QualcopeError(f"no coder {unknown[0]!r} in the project (coders: {listing})")
    if len(names) < 2:
        raise QualcopeError(
            "agreement needs two coders or more: name them with --coders A B (coders who "
            "finished documents: " + (", ".join(names) or "none") + ")"
        )
    ids = tuple(known.get(n) for n in names)
    humans = [i for i in ids if i is not None]
    notes: list[str] = []
    chosen = _finished_by_all(session, humans)
    if documents:
        given = set(documents)
        missing = sorted(given - set(session.scalars(select(Document.id))))
        if missing:
            raise QualcopeError(f"no document {missing[0]} (see `qualcope documents`)")
        unfinished = sorted(given - set(chosen))
        if unfinished:
            notes.append(
                f"{len(unfinished)} of the documents given are not marked finished by every "
                "coder: a code a coder did not apply there counts as absent"
            )
        chosen = sorted(given)
    if not chosen:
        people = ", ".join(n for n in names if n != MODEL)
        raise QualcopeError(
            f"no document is marked finished by every one of {people}: "
            "mark the double-coded documents finished (`qualcope documents finish DOC... --coder "
            "NAME`) or give them with --documents"
        )
    paths = codetree.paths_by_id(session)
    kinds = dict(session.execute(select(Code.id, Code.kind)).all())
    if codes:
        wanted: set[int] = set()
        for path in codes:
            wanted |= codetree.descendant_ids(session, codetree.find_code(session, path).id)
    else:
        wanted = set(paths)
    chosen_codes = tuple(
        (cid, path) for cid, path in paths.items() if cid in wanted and kinds.get(cid) == "code"
    )
    if not chosen_codes:
        raise QualcopeError("no code to compare: the codes given are groups without codes")
    doc_names = dict(session.execute(select(Document.id, Document.name)).all())
    return Scope(
        coders=tuple(names),
        coder_ids=ids,
        codes=chosen_codes,
        documents=tuple(chosen),
        document_names=tuple(doc_names[d] for d in chosen),
        notes=tuple(notes),
    )


def _coders_with_finished_work(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Coder.name)
            .join(DocumentStatus, DocumentStatus.coder_id == Coder.id)
            .where(DocumentStatus.finished.is_(True))
            .distinct()
            .order_by(Coder.name)
        )
    )


def _finished_by_all(session: Session, coder_ids: Sequence[int]) -> list[int]:
    if not coder_ids:
        return []
    finished: dict[int, set[int]] = defaultdict(set)
    for document_id, coder_id in session.execute(
        select(DocumentStatus.document_id, DocumentStatus.coder_id).where(
            DocumentStatus.finished.is_(True), DocumentStatus.coder_id.in_(list(coder_ids))
        )
    ):
        finished[document_id].add(coder_id)
    return sorted(d for d, who in finished.items() if who >= set(coder_ids))


def load_units(
    session: Session,
    documents: Sequence[int],
    kind: str,
    *,
    include_interviewer: bool = False,
    edges: dict[int, list[int]] | None = None,
) -> Units:
    """The units of the documents, in the order given (``edges``: coding starts and ends per
    document, for character units). Sentences come from each document's packed bounds and
    are told apart as interviewer's or respondent's by the turn holding them, all in arrays:
    no Python object per sentence."""
    import numpy as np

    if kind not in UNITS:
        raise QualcopeError(f"unknown unit {kind!r} ({', '.join(UNITS)})")
    order = list(documents)
    rank = {document: i for i, document in enumerate(order)}
    if kind == "sentence":
        blobs: dict[int, bytes | None] = {}
        for chunk in range(0, len(order), 900):
            blobs.update(
                session.execute(
                    select(Document.id, Document.sentence_bounds).where(
                        Document.id.in_(order[chunk : chunk + 900])
                    )
                ).all()
            )
        with_sentences = [d for d in order if blobs.get(d)]
        without = [d for d in order if not blobs.get(d)]
        # Only what tells sentences apart: the interviewer turns (or, asked for, the
        # preambles to add), and the turns of documents stored without sentences.
        found = _sentences(
            [(rank[d], blobs[d]) for d in with_sentences],
            _segments(session, with_sentences, rank, interviewer=True, preambles=False)
            if not include_interviewer
            else np.zeros((0, 5), np.int64),
        )
        extra = [_spoken(_segments(session, without, rank), include_interviewer)[:, :3]]
        if include_interviewer:
            extra.append(_segments(session, with_sentences, rank, turns=False)[:, :3])
        found = np.concatenate([found, *extra])
    else:
        spoken = _spoken(_segments(session, order, rank), include_interviewer)
        if kind == "turn":
            found = spoken[:, :3]
        else:
            cuts = {rank[d]: e for d, e in (edges or {}).items() if d in rank}
            found = _pieces(spoken[:, :3], cuts)
    found = found[np.lexsort((found[:, 1], found[:, 0]))] if len(found) else found
    bounds = np.searchsorted(found[:, 0], np.arange(len(order) + 1)) if len(found) else None
    rows = {
        d: (int(bounds[i]), int(bounds[i + 1])) if bounds is not None else (0, 0)
        for i, d in enumerate(order)
    }
    ranks = np.asarray(order, dtype=np.int64)
    units = Units(
        kind,
        ranks[found[:, 0]] if len(found) else np.zeros(0, np.int64),
        found[:, 1].copy(),
        found[:, 2].copy(),
        rows=rows,
        rank=found[:, 0].copy(),
    )
    if kind == "character":
        units.weights = units.end - units.start
    return units


def _segments(
    session: Session,
    documents: Sequence[int],
    rank: dict[int, int],
    *,
    interviewer: bool | None = None,
    turns: bool = True,
    preambles: bool = True,
) -> NDArray[np.int64]:
    """(rank, start, end, interviewer, preamble) of the documents' turns and/or preambles
    (``interviewer``: only those of, or not of, the interviewer), in text order."""
    import numpy as np

    kinds = [k for k, wanted in (("turn", turns), ("preamble", preambles)) if wanted]
    found: list[tuple[int, int, int, int, int]] = []
    for chunk in range(0, len(documents), 900):
        query = select(
            Segment.document_id, Segment.start, Segment.end, Segment.is_interviewer, Segment.kind
        ).where(Segment.document_id.in_(documents[chunk : chunk + 900]), Segment.kind.in_(kinds))
        if interviewer is not None:
            query = query.where(Segment.is_interviewer.is_(interviewer))
        found += [
            (rank[d], start, end, int(said), int(what == "preamble"))
            for d, start, end, said, what in session.execute(query)
        ]
    found.sort()
    return np.asarray(found, dtype=np.int64).reshape(-1, 5)


def _spoken(segments: NDArray[np.int64], include_interviewer: bool) -> NDArray[np.int64]:
    """Everything said, or only the respondent's turns (no interviewer turn, no preamble)."""
    if include_interviewer:
        return segments
    return segments[(segments[:, 3] == 0) & (segments[:, 4] == 0)]


def _sentences(
    stored: Sequence[tuple[int, bytes | None]], leave_out: NDArray[np.int64]
) -> NDArray[np.int64]:
    """(rank, start, end) of the stored sentences of each document (rank, packed bounds),
    but those inside a span of ``leave_out`` (the interviewer's turns). A sentence outside
    every turn is the respondent's (a document without turns)."""
    import numpy as np

    parts = [np.zeros((0, 3), np.int64)]
    for position, blob in stored:
        pairs = np.frombuffer(bytes(blob or b""), dtype="<u4").astype(np.int64).reshape(-1, 2)
        parts.append(np.column_stack([np.full(len(pairs), position, np.int64), pairs]))
    sentences = np.concatenate(parts)
    if len(sentences) and len(leave_out):
        # The span that may hold each sentence: the last one starting at or before it.
        key = (sentences[:, 0] << 32) | sentences[:, 1]
        span_start = (leave_out[:, 0] << 32) | leave_out[:, 1]
        span_end = (leave_out[:, 0] << 32) | leave_out[:, 2]
        holder = np.searchsorted(span_start, key, side="right") - 1
        inside = (holder >= 0) & (key < span_end[np.maximum(holder, 0)])
        sentences = sentences[~inside]
    return sentences


def _pieces(spans: NDArray[np.int64], edges: dict[int, list[int]]) -> NDArray[np.int64]:
    """(rank, start, end) spans cut at every coding edge inside them: stretches where no
    coding starts or ends (``edges``: document rank -> offsets)."""
    import numpy as np

    out: list[tuple[int, int, int]] = []
    cuts = {r: sorted(set(e)) for r, e in edges.items()}
    for rank, start, end in spans.tolist():
        inner = cuts.get(rank, [])
        points = [start, *inner[bisect_right(inner, start) : bisect_right(inner, end - 1)], end]
        out.extend((rank, a, b) for a, b in zip(points, points[1:], strict=False) if b > a)
    return np.asarray(out, dtype=np.int64).reshape(-1, 3)


def coding_rows(
    session: Session, scope: Scope
) -> dict[int | None, list[tuple[int, int, int, int]]]:
    """Per coder id: (document, start, end, code) of their codings of the compared codes."""
    codes = [cid for cid, _ in scope.codes]
    out: dict[int | None, list[tuple[int, int, int, int]]] = defaultdict(list)
    humans = [i for i in scope.coder_ids if i is not None]
    for chunk in range(0, len(codes), 500):
        query = select(
            Coding.coder_id, Coding.document_id, Coding.start, Coding.end, Coding.code_id
        ).where(
            Coding.coder_id.in_(humans),
            Coding.document_id.in_(list(scope.documents)),
            Coding.code_id.in_(codes[chunk : chunk + 500]),
        )
        for coder, *row in session.execute(query):
            out[coder].append(tuple(row))  # type: ignore[arg-type]
    return out


def presence(
    units: Units, codings: Sequence[tuple[int, int, int, int]], code_ids: Sequence[int]
) -> dict[int, NDArray[np.int8]]:
    """code id -> 0/1 per unit: whether one of ``codings`` of that code overlaps the unit."""
    import numpy as np

    by_code: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for document, start, end, code in codings:
        by_code[code][document].append((start, end))
    out: dict[int, Any] = {}
    size = len(units)
    for code in code_ids:
        marks = np.zeros(size + 1, dtype=np.int64)
        for document, spans in by_code.get(code, {}).items():
            first, last = units.rows.get(document, (0, 0))
            if first == last:
                continue
            pairs = np.asarray(spans, dtype=np.int64)
            # Units overlapping [start, end): they end after its start and start before its end.
            lo = first + np.searchsorted(units.end[first:last], pairs[:, 0], side="right")
            hi = first + np.searchsorted(units.start[first:last], pairs[:, 1], side="left")
            keep = hi > lo
            np.add.at(marks, lo[keep], 1)
            np.add.at(marks, hi[keep], -1)
        out[code] = (np.cumsum(marks[:-1]) > 0).astype(np.int8)
    return out


def present_keys(
    units: Units, codings: Sequence[tuple[int, int, int, int]], code_pos: dict[int, int]
) -> NDArray[np.int64]:
    """The (code, unit) pairs a coder applied, as sorted unique keys ``code_pos * len(units) +
    unit``: a unit is covered when one of the coder's codings of the code overlaps it."""
    import numpy as np

    size = len(units)
    if not codings or not size:
        return np.zeros(0, np.int64)
    rank_of = {d: r for r, d in enumerate(units.rows)}
    rows = np.asarray(
        [
            (rank_of[d], start, end, code_pos[code])
            for d, start, end, code in codings
            if d in rank_of and code in code_pos
        ],
        dtype=np.int64,
    ).reshape(-1, 4)
    assert units.rank is not None
    # Units never overlap and are in text order per document, so one global key orders them.
    unit_start = (units.rank << 32) | units.start
    unit_end = (units.rank << 32) | units.end
    lo = np.searchsorted(unit_end, (rows[:, 0] << 32) | rows[:, 1], side="right")
    hi = np.searchsorted(unit_start, (rows[:, 0] << 32) | rows[:, 2], side="left")
    count = np.maximum(hi - lo, 0)
    first = np.repeat(lo - (np.cumsum(count) - count), count)
    unit = np.arange(int(count.sum()), dtype=np.int64) + first
    return np.unique(np.repeat(rows[:, 3], count) * size + unit)
