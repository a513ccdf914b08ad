"""The consensus coder's codings of a document after a decision on one unit: pure functions.

A decision sets, for each code it concerns, what the consensus covers *inside the unit*:
the chosen coders' codings clipped to the unit (recode: the unit itself; neither: nothing).
Consensus codings reaching into the unit are cut at its edges (what lies outside stays), so
a decision never changes another unit and re-deciding a unit replaces its decision.

Clipping alone would break a coding over three sentences into three consensus codings, and
reports that count codings would then count three. So a new piece grows back into a
neighbouring consensus piece of the same code when the two lie inside the one coding it was
cut from and only white space separates them: accepting a coder's three-sentence coding
sentence by sentence gives back exactly that coding. Two separate codings of a coder stay
two (the neighbour does not lie inside the piece's source coding).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Piece:
    """A consensus coding as planned: a span of one code with its memo.

    ``source``: the span of the coding it was cut from (new pieces only), so it may grow
    back to it; ``id``: the stored coding it is (stored pieces only).
    """

    start: int
    end: int
    code_id: int
    memo: str = ""
    source: tuple[int, int] | None = None
    id: int | None = None


def stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) without white space at either end; None when nothing else is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def clip(text: str, pieces: Iterable[Piece], unit: tuple[int, int]) -> list[Piece]:
    """The parts of the pieces inside the unit, each remembering the span it was cut from."""
    out: list[Piece] = []
    for piece in pieces:
        span = stripped(text, max(piece.start, unit[0]), min(piece.end, unit[1]))
        if span is not None:
            source = piece.source or (piece.start, piece.end)
            out.append(Piece(span[0], span[1], piece.code_id, piece.memo, source))
    return out


def decide_unit(
    text: str,
    unit: tuple[int, int],
    consensus: Sequence[Piece],
    chosen: Sequence[Piece],
    codes: Collection[int],
) -> list[Piece]:
    """The consensus pieces of a document once the unit shows ``chosen`` for ``codes``.

    ``consensus``: the document's consensus pieces now; ``chosen``: the codings to take
    (any span: they are clipped to the unit); codes outside ``codes`` are left as they are.
    """
    start, end = unit
    kept: list[Piece] = []
    for piece in consensus:
        if piece.code_id not in codes or piece.end <= start or piece.start >= end:
            kept.append(piece)
            continue
        for outside in ((piece.start, start), (end, piece.end)):
            span = stripped(text, *outside) if outside[1] > outside[0] else None
            if span is not None:
                kept.append(Piece(span[0], span[1], piece.code_id, piece.memo))
    new = _union(text, clip(text, (c for c in chosen if c.code_id in codes), unit))
    return _grow(text, kept, new)


def _union(text: str, pieces: list[Piece]) -> list[Piece]:
    """Pieces of one code that overlap become one (two coders' spans of an agreed code)."""
    out: list[Piece] = []
    for piece in sorted(pieces, key=lambda p: (p.code_id, p.start, p.end)):
        last = out[-1] if out else None
        if last is not None and last.code_id == piece.code_id and piece.start < last.end:
            out[-1] = _merge(last, piece)
        else:
            out.append(piece)
    return out


def _grow(text: str, kept: list[Piece], new: list[Piece]) -> list[Piece]:
    """Each new piece joined with the pieces of its code it may grow back into."""
    pieces = list(kept)
    for piece in new:
        joined = True
        while joined:
            joined = False
            for index, other in enumerate(pieces):
                if other.code_id == piece.code_id and _joins(text, piece, other):
                    piece = _merge(piece, other)
                    pieces.pop(index)
                    joined = True
                    break
        pieces.append(piece)
    return sorted(pieces, key=lambda p: (p.start, p.end, p.code_id))


def _joins(text: str, piece: Piece, other: Piece) -> bool:
    if other.start < piece.end and piece.start < other.end:
        return True  # overlapping spans of one code are one coding
    source = piece.source
    if source is None or not (source[0] <= other.start and other.end <= source[1]):
        return False
    gap = (
        text[piece.end : other.start] if piece.end <= other.start else text[other.end : piece.start]
    )
    return not gap.strip()


def _merge(a: Piece, b: Piece) -> Piece:
    memos = list(dict.fromkeys(m for m in (a.memo, b.memo) if m))
    sources = [s for s in (a.source, b.source) if s is not None]
    source = (min(s[0] for s in sources), max(s[1] for s in sources)) if sources else None
    return replace(
        a,
        start=min(a.start, b.start),
        end=max(a.end, b.end),
        memo="\n".join(memos),
        source=source,
        id=None,
    )


def changes(
    before: Sequence[Piece], after: Sequence[Piece]
) -> tuple[list[Piece], list[Piece], list[tuple[Piece, str]]]:
    """(stored pieces to remove, pieces to add, stored pieces whose memo becomes the str):
    a stored coding whose span and code stay is kept, so deciding a unit again with the same
    result changes nothing."""
    stored = {(p.start, p.end, p.code_id): p for p in before}
    wanted = {(p.start, p.end, p.code_id): p for p in after}
    removed = [p for key, p in stored.items() if key not in wanted]
    added = [p for key, p in wanted.items() if key not in stored]
    memos = [
        (stored[key], p.memo)
        for key, p in wanted.items()
        if key in stored and stored[key].memo != p.memo
    ]
    return removed, added, memos
