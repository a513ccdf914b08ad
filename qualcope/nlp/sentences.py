"""Sentence segments of speaker turns: a cached blank spaCy pipeline + sentencizer per language.

The pipeline comes from ``nlp.pipeline.base_pipeline`` without lemmatizer and without a
user's trained pipeline, on purpose: the same text must give the same sentence offsets on
every machine (codings and exchanged files refer to them), it needs no model download, and
it is fast (~0.5M words/s on these machines, architecture.md).

The import runs only the pipeline's tokenizer and applies the sentencizer's rule (a token
that is neither punctuation nor one of its ``punct_chars``, after one of its ``punct_chars``,
starts a sentence) to arrays of the tokens' attributes: the same sentence starts as running
the component (tests/nlp/test_sentences.py compares the two), without the Python object per
token that the component creates, which costs as much as tokenizing.

The rest works on arrays too (``sentence_bounds_of_documents``): documents are tokenised one
by one and then handled a batch at a time, on their joined texts, with a few numpy operations
per batch and no Python work per sentence or token. Only the tokens after a mark need their
``is_punct`` flag (looked up once per token text); an opening bracket or quote left at a
sentence's end moves to the next sentence; sentences are cut at turn boundaries
(``numpy.searchsorted``); and the white space around each piece is found from the text's code
points with exactly the characters ``str.isspace`` accepts, so the offsets are those of
``str.strip`` whatever the tokens are (tabs, no-break and other unicode spaces, a turn boundary
inside a token). ``sentences_of_documents`` makes the ``SegmentSpec`` objects from those arrays.
Both give what the former per-document, per-sentence Python code gave
(tests/nlp/test_sentence_bounds.py keeps that code as the reference and compares on the sample
corpus, a generated corpus and fuzzed texts and turns).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, chain, repeat
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from qualcope.domain import SegmentSpec
from qualcope.errors import QualcopeError

if TYPE_CHECKING:
    import numpy
    from spacy.language import Language
    from spacy.tokens import Doc

# A turn can be a whole unlabelled text; the sentencizer needs no more memory per character.
MAX_TURN_CHARS = 100_000_000
PIPE_BATCH = 64
OPENERS = frozenset("([{“‘«„")
# The highest code point for which str.isspace() is true (U+3000 IDEOGRAPHIC SPACE).
LAST_SPACE = 0x3000
# A mask-hash table of the punct_chars' hashes is used up to this many bits (else binary search).
MAX_TABLE_BITS = 20
# Documents are tokenised one by one and their sentences found a batch at a time, once this
# many characters are waiting (each document counts BATCH_DOCUMENT_CHARS more).
BATCH_CHARS = 1_000_000
BATCH_DOCUMENT_CHARS = 100


@lru_cache(maxsize=16)
def pipeline(lang: str) -> Language:
    """The blank pipeline with a sentencizer for a language code ('en', 'nl', ...)."""
    from qualcope.nlp.pipeline import base_pipeline

    nlp = base_pipeline(check_language(lang), lemmatizer=False, trained=False)
    nlp.max_length = MAX_TURN_CHARS
    return nlp


def check_language(lang: str) -> str:
    """The language code, lower-cased, once spaCy knows it; raises ``QualcopeError`` if not."""
    from spacy.util import get_lang_class

    code = lang.strip().lower()
    try:
        get_lang_class(code)
    except (ImportError, KeyError, ValueError) as exc:
        raise QualcopeError(f"unknown language {lang!r} (use a code such as en or nl)") from exc
    return code


def sentence_specs(text: str, turns: Sequence[SegmentSpec], lang: str) -> list[SegmentSpec]:
    """The sentences of each turn, with offsets into ``text`` and the turn's speaker."""
    return next(iter(sentences_of_documents([(text, turns)], lang)))


def sentences_of_documents(
    documents: Iterable[tuple[str, Sequence[SegmentSpec]]], lang: str
) -> Iterator[list[SegmentSpec]]:
    """Sentence segments of many documents, each with its turn's speaker, interviewer flag and
    turn index, in the order of ``sentence_bounds_of_documents``."""
    import numpy

    for batch in _batches(documents, lang):
        turns = batch.turns
        counts = numpy.bincount(batch.owners, minlength=len(turns)).tolist()

        def each(values: list[object], counts: list[int] = counts) -> Iterator[object]:
            """The turns' values, one per sentence (a turn's sentences are consecutive)."""
            return chain.from_iterable(map(repeat, values, counts))

        specs = list(
            map(
                SegmentSpec,
                repeat("sentence"),
                batch.bounds[:, 0].tolist(),
                batch.bounds[:, 1].tolist(),
                each([turn.speaker for turn in turns]),
                each([turn.is_interviewer for turn in turns]),
                each([turn.turn_index for turn in turns]),
            )
        )
        splits = batch.splits
        for index in range(len(splits) - 1):
            yield specs[splits[index] : splits[index + 1]]


def sentence_bounds_of_documents(
    documents: Iterable[tuple[str, Sequence[SegmentSpec]]], lang: str
) -> Iterator[numpy.ndarray]:
    """The (start, end) character offsets of the sentences of many documents: one int64 array
    of shape (n, 2) per (text, turns), as ``sentences_of_documents`` gives them, with no Python
    object per sentence.

    Each whole text is tokenised once (one Doc per document) and its sentence starts found
    with the sentencizer's rule (see the module docstring); the sentences are then cut at turn
    boundaries, so no sentence crosses a turn and speaker labels between turns belong to none.
    The rows follow the turns by start, then the text; pieces of only white space are left out.
    Documents are read a batch at a time (``BATCH_CHARS``), so the numpy work is per batch.
    """
    for batch in _batches(documents, lang):
        splits = batch.splits
        for index in range(len(splits) - 1):
            yield batch.bounds[splits[index] : splits[index + 1]]


class _Item(NamedTuple):
    """A tokenised document waiting in a batch."""

    text: str  # "" when it has no turns
    turns: Sequence[SegmentSpec]
    tokens: numpy.ndarray | None  # IDX and ORTH per token, for the sentencizer's rule
    starts: numpy.ndarray | None  # or sentence starts that a pipeline set


class _Batch(NamedTuple):
    """The sentences of a batch of documents."""

    bounds: numpy.ndarray  # (n, 2) int64, offsets into each sentence's own document
    turns: list[SegmentSpec]  # every document's turns, each document's by start
    owners: numpy.ndarray  # per sentence, the index of its turn in ``turns`` (non-decreasing)
    splits: list[int]  # the first sentence of each document, then the number of sentences


def _batches(documents: Iterable[tuple[str, Sequence[SegmentSpec]]], lang: str) -> Iterator[_Batch]:
    """The documents tokenised one by one, their sentences found a batch at a time."""
    from spacy.attrs import IDX, ORTH, SENT_START

    nlp = pipeline(lang)
    punct = sentencizer_punct(lang)
    pending: deque[tuple[str, Sequence[SegmentSpec]]] = deque()

    def texts() -> Iterator[str]:
        for text, turns in documents:
            pending.append((text, turns))
            yield text if turns else ""

    if punct is not None:  # the tokenizer, then the sentencizer's rule on arrays
        docs = (nlp.make_doc(text) for text in texts())
    else:  # another pipeline (not the import's): run it
        docs = nlp.pipe(texts(), batch_size=PIPE_BATCH)
    items: list[_Item] = []
    size = 0
    for doc in docs:
        text, turns = pending.popleft()
        if not turns:
            items.append(_Item("", (), None, None))
        elif punct is not None:
            items.append(_Item(text, turns, doc.to_array([IDX, ORTH]), None))
        else:
            array = doc.to_array([IDX, SENT_START])
            items.append(_Item(text, turns, None, array[array[:, 1] == 1, 0]))
        size += len(items[-1].text) + BATCH_DOCUMENT_CHARS
        if size >= BATCH_CHARS:
            yield from _cut_batch(items, punct, nlp.vocab)
            items, size = [], 0
    if items:
        yield from _cut_batch(items, punct, nlp.vocab)


def _cut_batch(items: list[_Item], punct: numpy.ndarray | None, vocab: object) -> list[_Batch]:
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
            found.append(_after_marks(idx, tokens[:, 1], limits, punct, vocab))
    else:
        found += [
            item.starts.astype(numpy.int64) + firsts[index]
            for index, item in enumerate(items)
            if item.starts is not None
        ]
    starts = numpy.unique(numpy.concatenate(found))
    text = "".join(item.text for item in items)
    solid_table, opener_table = _char_tables()
    codes = _code_points(text)
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
            return [batch for item in items for batch in _cut_batch([item], punct, vocab)]
        bounds, owners = _cut_python(text, span_starts.tolist(), span_ends.tolist(), turns)
        return [_Batch(bounds, turns, owners, [0, len(bounds)])]
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
    return [_Batch(bounds, turns, owners, splits)]


def _after_marks(
    idx: numpy.ndarray,
    orth: numpy.ndarray,
    limits: numpy.ndarray,
    punct: numpy.ndarray,
    vocab: object,
) -> numpy.ndarray:
    """The offsets of the tokens that start a sentence after a mark, by the sentencizer's rule
    (see ``rule_sentence_starts``): for each mark (a token in ``punct_chars``), the first token
    after it that is neither a mark nor punctuation, before ``limits`` (per token: the end of
    its document's tokens). May repeat offsets. Only these few tokens need their ``is_punct``
    flag, the lexeme's (as ``IS_PUNCT`` in ``to_array``), looked up once per token text."""
    import numpy

    marks = _members(orth, punct)
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


@lru_cache(maxsize=16)
def sentencizer_punct(lang: str) -> numpy.ndarray | None:
    """The hashes of the sentencizer's ``punct_chars``, sorted; None when the pipeline is not
    exactly a tokenizer and a sentencizer (then the components must run)."""
    import numpy

    nlp = pipeline(lang)
    if nlp.pipe_names != ["sentencizer"]:
        return None
    sentencizer = nlp.get_pipe("sentencizer")
    hashes = sorted(nlp.vocab.strings.add(char) for char in sentencizer.punct_chars)
    return numpy.array(hashes, dtype=numpy.uint64)


def rule_sentence_starts(doc: Doc, punct: numpy.ndarray) -> list[int]:
    """Character offsets of the sentence starts spaCy's ``Sentencizer`` would set on ``doc``.

    Its rule, token by token: a token in ``punct_chars`` marks a period as seen; the next
    token that is neither punctuation nor in ``punct_chars`` starts a sentence and clears the
    mark; the first token always starts one. So a word token (neither) starts a sentence
    when a ``punct_chars`` token lies between it and the word token before it (or the text's
    start): the first word token after each mark. ``punct`` holds the hashes of
    ``punct_chars``, as ``sentencizer_punct`` gives.
    """
    import numpy
    from spacy.attrs import IDX, ORTH

    if len(doc) == 0:
        return []
    array = doc.to_array([IDX, ORTH])
    idx = array[:, 0].astype(numpy.int64)
    limits = numpy.full(len(idx), len(idx))
    found = _after_marks(idx, array[:, 1], limits, punct, doc.vocab)
    return numpy.unique(numpy.concatenate((idx[:1], found))).tolist()


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


def _members(values: numpy.ndarray, hashes: numpy.ndarray) -> numpy.ndarray:
    """Which of the 64-bit ``values`` are among the sorted ``hashes``, as a boolean array."""
    import numpy

    if not len(hashes):
        return numpy.zeros(len(values), dtype=bool)
    table = _hash_table(hashes.tobytes())
    if table is None:  # binary search
        found = numpy.searchsorted(hashes, values)
        found[found == len(hashes)] = 0
        return hashes[found] == values
    mask = numpy.uint64(len(table) - 1)
    return table.take(values & mask) == values


@lru_cache(maxsize=16)
def _hash_table(key: bytes) -> numpy.ndarray | None:
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
def _char_tables() -> tuple[numpy.ndarray, numpy.ndarray]:
    """Boolean tables by code point: not ``str.isspace`` ("solid"), and ``OPENERS``. The last
    entry of each is what ``take(mode="clip")`` gives a code point beyond the table: solid,
    not an opener."""
    import numpy

    solid = numpy.array([not chr(code).isspace() for code in range(LAST_SPACE + 2)])
    opener = numpy.zeros(max(map(ord, OPENERS)) + 2, dtype=bool)
    opener[[ord(char) for char in OPENERS]] = True
    return solid, opener


def _code_points(text: str) -> numpy.ndarray:
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
