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

Documents are tokenised one by one (``sentence_bounds_of_documents``, ``sentences_of_documents``)
and their sentences cut a batch at a time by the array machinery in ``nlp.sentence_arrays``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain, repeat
from typing import TYPE_CHECKING

from qualcope.domain import SegmentSpec
from qualcope.errors import QualcopeError
from qualcope.nlp.sentence_arrays import Batch, Item, after_marks, cut_batch

if TYPE_CHECKING:
    import numpy
    from spacy.language import Language
    from spacy.tokens import Doc

# A turn can be a whole unlabelled text; the sentencizer needs no more memory per character.
MAX_TURN_CHARS = 100_000_000
PIPE_BATCH = 64
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


def _batches(documents: Iterable[tuple[str, Sequence[SegmentSpec]]], lang: str) -> Iterator[Batch]:
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
    items: list[Item] = []
    size = 0
    for doc in docs:
        text, turns = pending.popleft()
        if not turns:
            items.append(Item("", (), None, None))
        elif punct is not None:
            items.append(Item(text, turns, doc.to_array([IDX, ORTH]), None))
        else:
            array = doc.to_array([IDX, SENT_START])
            items.append(Item(text, turns, None, array[array[:, 1] == 1, 0]))
        size += len(items[-1].text) + BATCH_DOCUMENT_CHARS
        if size >= BATCH_CHARS:
            yield from cut_batch(items, punct, nlp.vocab)
            items, size = [], 0
    if items:
        yield from cut_batch(items, punct, nlp.vocab)


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
    found = after_marks(idx, array[:, 1], limits, punct, doc.vocab)
    return numpy.unique(numpy.concatenate((idx[:1], found))).tolist()
