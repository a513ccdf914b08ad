"""The array machinery that cuts sentences, for ``qualcope.nlp.sentences``: no Python work
per sentence or token.

A batch of tokenised documents (``Item``) is handled at once, on their joined texts, with a
few numpy operations (``cut_batch``). The sentence starts are those of the sentencizer's rule
(``after_marks``: only the tokens after a mark need their ``is_punct`` flag, looked up once per
token text; the marks are found with a mask-hash table of the ``punct_chars``' hashes) or those
a pipeline set; an opening bracket or quote left at a sentence's end moves to the next sentence;
sentences are cut at turn boundaries (``numpy.searchsorted``); and the white space around each
piece is found from the text's code points with exactly the characters ``str.isspace`` accepts,
so the offsets are those of ``str.strip`` whatever the tokens are (tabs, no-break and other
unicode spaces, a turn boundary inside a token). The result (``Batch``) is arrays of offsets
and of each sentence's turn, from which ``sentences_of_documents`` makes the ``SegmentSpec``
objects. Both give what the former per-document, per-sentence Python code gave
(tests/nlp/test_sentence_bounds.py keeps that code as the reference and compares on the sample
corpus, a generated corpus and fuzzed texts and turns).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from qualcope.domain import SegmentSpec

if TYPE_CHECKING:
    import numpy

OPENERS = frozenset("([{“‘«„")
# The highest code point for which str.isspace() is true (U+3000 IDEOGRAPHIC SPACE).
LAST_SPACE = 0x3000
# A mask-hash table of the punct_chars' hashes is used up to this many bits (else binary search).
MAX_TABLE_BITS = 20


class Item(NamedTuple):
    """A tokenised document waiting in a batch."""

    text: str  # "" when it has no turns
    turns: Sequence[SegmentSpec]
    tokens: numpy.ndarray | None  # IDX and ORTH per token, for the sentencizer's rule
    starts: numpy.ndarray | None  # or sentence starts that a pipeline set


class Batch(NamedTuple):
    """The sentences of a batch of documents."""

    bounds: numpy.ndarray  # (n, 2) int64, offsets into each sentence's own document
    turns: list[SegmentSpec]  # every document's turns, each document's by start
    owners: numpy.ndarray  # per sentence, the index of its turn in ``turns`` (non-decreasing)
    splits: list[int]  # the first sentence of each document, then the number of sentences


def cut_batch(items: list[Item], punct: numpy.ndarray | None, vocab: object) -> list[Batch]:
    """The sentences of a batch of documents, at once on their joined texts: sentence starts
    (the sentencizer's rule), openers moved, sentences cut to the turns they overlap, white
    space stripped. As the former code did per document: no sentence crosses a document."""
    import numpy

    lengths = [len(item.text) for item in items]
    offsets = numpy.array([0, *accumulate(lengths)], dtype=numpy.int64)
    firsts = offsets[:-1]  # where each document starts in the joined text
    # Sentence starts: each document's start (the first token, or 0 added as the former code
    # did), the rule's starts after marks or the pipeline's starts, all in the joined text.
    found = [firsts]
    if punct is not None:
        with_tokens = [
            (index, item.tokens) for index, item in enumerate(items) if item.tokens is not None
        ]
        if with_tokens:
            counts = [len(tokens) for _, tokens in with_tokens]
            tokens = numpy.concatenate([tokens for _, tokens in with_tokens])
            shift = numpy.repeat(firsts[[index for index, _ in with_tokens]], counts)
            limits = numpy.repeat(numpy.cumsum(counts), counts)  # past each document's tokens
            idx = tokens[:, 0].astype(numpy.int64) + shift
            found.append(after_marks(idx, tokens[:, 1], limits, punct, vocab))
    else:
        found += [
            item.starts.astype(numpy.int64) + firsts[index]
            for index, item in enumerate(items)
            if item.starts is not None
        ]
    starts = numpy.unique(numpy.concatenate(found))
    text = "".join(item.text for item in items)
    solid_table, opener_table = char_tables()
    codes = code_points(text)
    solid = numpy.flatnonzero(solid_table.take(codes, mode="clip"))  # non-space positions
    # Sentence i is [starts[i], ends[i]) with ends[i] = starts[i + 1], the last ending at len.
    ends = starts[1:]
    if len(ends) and any(char in text for char in OPENERS):
        openers = numpy.flatnonzero(opener_table.take(codes, mode="clip"))
        closing = numpy.isin(ends, firsts)  # the last sentence of a document keeps its opener
        ends = _move_openers(starts, openers, solid, closing)
    span_starts = numpy.concatenate((starts[:1], ends))
    span_ends = numpy.concatenate((ends, [len(text)])).astype(numpy.int64)
    turns: list[SegmentSpec] = []
    turn_counts: list[int] = []
    for item in items:
        ordered = sorted(item.turns, key=_turn_start)
        turns += ordered
        turn_counts.append(len(ordered))
    turn_starts = numpy.array(list(map(_turn_start, turns)), dtype=None if turns else numpy.int64)
    turn_ends = numpy.array(list(map(_turn_end, turns)), dtype=None if turns else numpy.int64)
    if turn_starts.dtype.kind != "i" or turn_ends.dtype.kind != "i":
        # Not all integers (bool, float, beyond int64): per document, and such a document's
        # turns as the per-sentence code took them (that code defines the result).
        if len(items) > 1:
            return [batch for item in items for batch in cut_batch([item], punct, vocab)]
        bounds, owners = _cut_python(text, span_starts.tolist(), span_ends.tolist(), turns)
        return [Batch(bounds, turns, owners, [0, len(bounds)])]
    # A turn's offsets clamped to its document (the former code's slices did the same), in
    # the joined text.
    turn_documents = numpy.repeat(numpy.arange(len(items)), turn_counts)
    limits = numpy.array(lengths, dtype=numpy.int64)[turn_documents]
    shift = firsts[turn_documents]
    turn_starts = numpy.clip(turn_starts.astype(numpy.int64), 0, limits) + shift
    turn_ends = numpy.clip(turn_ends.astype(numpy.int64), 0, limits) + shift
    # The sentences a turn overlaps: from the first ending after its start to the last
    # starting before its end (sentences are contiguous and increasing).
    first = numpy.searchsorted(span_ends, turn_starts, "right")
    counts = numpy.maximum(numpy.searchsorted(span_starts, turn_ends, "left") - first, 0)
    owners = numpy.repeat(numpy.arange(len(turns)), counts)
    spans = first[owners] + (numpy.arange(len(owners)) - (numpy.cumsum(counts) - counts)[owners])
    piece_starts = numpy.maximum(span_starts[spans], turn_starts[owners])
    piece_ends = numpy.minimum(span_ends[spans], turn_ends[owners])
    # str.strip: from the first to the last non-space character of the piece, if any.
    left = numpy.searchsorted(solid, piece_starts)
    right = numpy.searchsorted(solid, piece_ends)
    keep = right > left
    if not keep.all():
        left, right, owners = left[keep], right[keep], owners[keep]
    documents = turn_documents[owners]
    bounds = numpy.empty((len(owners), 2), dtype=numpy.int64)
    bounds[:, 0] = solid[left]
    bounds[:, 1] = solid[right - 1] + 1
    bounds -= firsts[documents][:, None]
    splits = [0, *accumulate(numpy.bincount(documents, minlength=len(items)).tolist())]
    return [Batch(bounds, turns, owners, splits)]


def after_marks(
    idx: numpy.ndarray,
    orth: numpy.ndarray,
    limits: numpy.ndarray,
    punct: numpy.ndarray,
    vocab: object,
) -> numpy.ndarray:
    """The offsets of the tokens that start a sentence after a mark, by the sentencizer's rule
    (see ``sentences.rule_sentence_starts``): for each mark (a token in ``punct_chars``), the
    first token after it that is neither a mark nor punctuation, before ``limits`` (per token:
    the end of its document's tokens). May repeat offsets. Only these few tokens need their
    ``is_punct`` flag, the lexeme's (as ``IS_PUNCT`` in ``to_array``), looked up once per token
    text."""
    import numpy

    marks = members(orth, punct)
    after = numpy.flatnonzero(marks) + 1
    limit = limits[after - 1]
    is_punct = _punct_flags(vocab).__getitem__
    found = [idx[:0]]
    while len(after):
        inside = after < limit
        after, limit = after[inside], limit[inside]
        word = ~marks[after]
        word[word] = [not flag for flag in map(is_punct, orth[after[word]].tolist())]
        found.append(idx[after[word]])
        after, limit = after[~word] + 1, limit[~word]
    return numpy.concatenate(found)


class _PunctFlags(dict[int, bool]):
    """Lexeme hash -> its ``is_punct`` flag, looked up in the vocab once per hash."""

    def __init__(self, vocab: object) -> None:
        super().__init__()
        self.vocab = vocab

    def __missing__(self, orth: int) -> bool:
        flag = self[orth] = bool(self.vocab[orth].is_punct)  # type: ignore[index]
        return flag


@lru_cache(maxsize=16)
def _punct_flags(vocab: object) -> _PunctFlags:
    """The ``is_punct`` flags of a vocab's lexemes (the cache keeps the vocab alive)."""
    return _PunctFlags(vocab)


def members(values: numpy.ndarray, hashes: numpy.ndarray) -> numpy.ndarray:
    """Which of the 64-bit ``values`` are among the sorted ``hashes``, as a boolean array."""
    import numpy

    if not len(hashes):
        return numpy.zeros(len(values), dtype=bool)
    table = hash_table(hashes.tobytes())
    if table is None:  # binary search
        found = numpy.searchsorted(hashes, values)
        found[found == len(hashes)] = 0
        return hashes[found] == values
    mask = numpy.uint64(len(table) - 1)
    return table.take(values & mask) == values


@lru_cache(maxsize=16)
def hash_table(key: bytes) -> numpy.ndarray | None:
    """A table of 2**bits slots holding each hash at its low bits (distinct for all of them),
    so a value is a member exactly when its slot holds it; None if that needs too many bits.

    An empty slot holds a hash that belongs to another slot, which no value in it can equal.
    """
    import numpy

    hashes = numpy.frombuffer(key, dtype=numpy.uint64)
    for bits in range(max(len(hashes) - 1, 1).bit_length(), MAX_TABLE_BITS + 1):
        slots = hashes & numpy.uint64((1 << bits) - 1)
        if len(numpy.unique(slots)) == len(hashes):
            table = numpy.full(1 << bits, hashes[0], dtype=numpy.uint64)
            table[slots] = hashes
            return table
    return None


@lru_cache(maxsize=1)
def char_tables() -> tuple[numpy.ndarray, numpy.ndarray]:
    """Boolean tables by code point: not ``str.isspace`` ("solid"), and ``OPENERS``. The last
    entry of each is what ``take(mode="clip")`` gives a code point beyond the table: solid,
    not an opener."""
    import numpy

    solid = numpy.array([not chr(code).isspace() for code in range(LAST_SPACE + 2)])
    opener = numpy.zeros(max(map(ord, OPENERS)) + 2, dtype=bool)
    opener[[ord(char) for char in OPENERS]] = True
    return solid, opener


def code_points(text: str) -> numpy.ndarray:
    """The text's code points (one per ``str`` index; lone surrogates included)."""
    import numpy

    if text.isascii():  # a copy of the text's bytes
        return numpy.frombuffer(text.encode("ascii"), dtype=numpy.uint8)
    return numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)


_turn_start = attrgetter("start")
_turn_end = attrgetter("end")


def _move_openers(
    starts: numpy.ndarray, openers: numpy.ndarray, solid: numpy.ndarray, closing: numpy.ndarray
) -> numpy.ndarray:
    """The sentence ends after moving openers (``openers``: their positions in the text): an
    opening bracket or quote the sentencizer left at the end of a sentence ('... leven. [')
    starts the next one instead. Not at the end of a document's last sentence (``closing``:
    per sentence, whether it is one).

    Sentence by sentence (not the last), the rule is: strip trailing white space down to the
    sentence's start; if more than one character is left and the last is an opener, the
    sentence ends before it and the next starts at it. So an opener moves when it is the last
    non-space character of its sentence and lies after the sentence's start. That start is
    the sentence's own unless the sentence before moved its opener here; then it is that
    opener, before every character of this sentence, so an opener at the sentence's own start
    moves too. Such sentences (only an opener, at their start: not from the sentencizer) are
    decided in order, in Python; the others at once.
    """
    import numpy

    ends = starts[1:]
    sentence = numpy.searchsorted(starts, openers, "right") - 1  # starts[sentence] <= opener
    keep = sentence < len(ends)
    sentence, openers = sentence[keep], openers[keep]
    after = numpy.searchsorted(solid, openers, "right")  # the next non-space character
    next_solid = numpy.append(solid, numpy.iinfo(numpy.int64).max)[after]
    keep = ~closing[sentence] & (next_solid >= ends[sentence])  # the sentence's last one
    sentence, openers = sentence[keep], openers[keep]
    own_start = starts[sentence]
    moved = set(sentence[openers > own_start].tolist())
    for index in sentence[openers == own_start].tolist():
        if index - 1 in moved:
            moved.add(index)
    if not moved:
        return ends
    ends = ends.copy()
    chosen = numpy.isin(sentence, list(moved))
    ends[sentence[chosen]] = openers[chosen]
    return ends


def _cut_python(
    text: str, span_starts: list[int], span_ends: list[int], ordered: list[SegmentSpec]
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The former clip, sentence by sentence, for turn offsets that are not all integers:
    (bounds, the index in ``ordered`` of each sentence's turn)."""
    import numpy

    spans = list(zip(span_starts, span_ends, strict=True))
    found: list[tuple[int, int]] = []
    owners: list[int] = []
    count = len(spans)
    first = 0
    for position, turn in enumerate(ordered):
        turn_start, turn_end = turn.start, turn.end
        while first < count and spans[first][1] <= turn_start:
            first += 1
        index = first
        while index < count:
            start, end = spans[index]
            if start >= turn_end:
                break
            index += 1
            start = max(start, turn_start)
            piece = text[start : min(end, turn_end)]
            stripped = piece.strip()
            if not stripped:
                continue
            if not piece.startswith(stripped):  # white space in front
                start += len(piece) - len(piece.lstrip())
            found.append((start, start + len(stripped)))
            owners.append(position)
    bounds = numpy.array(found, dtype=numpy.int64).reshape(len(found), 2)
    return bounds, numpy.array(owners, dtype=numpy.intp)
