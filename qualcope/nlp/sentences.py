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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

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
    """Sentence segments of many documents.

    Each whole text is tokenised once (one Doc per document) and its sentence starts found
    with the sentencizer's rule (see the module docstring); the sentences are then cut at turn
    boundaries, so no sentence crosses a turn and speaker labels between turns belong to none.
    """
    from spacy.attrs import IDX, SENT_START

    nlp = pipeline(lang)
    punct = sentencizer_punct(lang)
    pending: list[tuple[str, Sequence[SegmentSpec]]] = []

    def texts() -> Iterator[str]:
        for text, turns in documents:
            pending.append((text, turns))
            yield text if turns else ""

    if punct is not None:  # the tokenizer, then the sentencizer's rule on arrays
        docs = (nlp.make_doc(text) for text in texts())
    else:  # another pipeline (not the import's): run it
        docs = nlp.pipe(texts(), batch_size=PIPE_BATCH)
    for doc in docs:
        text, turns = pending.pop(0)
        if not turns:
            yield []
            continue
        # Token offsets and sentence starts as arrays: no Python object per token or span.
        if punct is not None:
            starts = rule_sentence_starts(doc, punct)
        else:
            array = doc.to_array([IDX, SENT_START])
            starts = array[array[:, 1] == 1][:, 0].tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        bounds = [*starts, len(text)]
        spans = _move_openers(text, list(zip(bounds[:-1], bounds[1:], strict=True)))
        yield _clip(text, spans, turns)


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
    start). ``punct`` holds the hashes of ``punct_chars``, as ``sentencizer_punct`` gives.
    """
    import numpy
    from spacy.attrs import IDX, IS_PUNCT, ORTH

    if len(doc) == 0:
        return []
    array = doc.to_array([IDX, ORTH, IS_PUNCT])
    orth = array[:, 1]
    # Membership in the sorted hashes by binary search (twice as fast as numpy.isin here).
    found = numpy.searchsorted(punct, orth)
    found[found == len(punct)] = 0
    marks = punct[found] == orth
    words = numpy.flatnonzero((array[:, 2] == 0) & ~marks)
    seen = numpy.cumsum(marks)  # marks up to and including each token
    # A word token is no mark itself: seen[w] counts the marks before it.
    before = seen[words]
    previous = numpy.concatenate(([0], before[:-1]))
    return [int(array[0, 0]), *array[words[before > previous], 0].tolist()]


def _move_openers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An opening bracket or quote the sentencizer left at the end of a sentence ('... leven.
    [') starts the next one instead."""
    for i in range(len(spans) - 1):
        start, end = spans[i]
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start + 1 and text[end - 1] in OPENERS:
            spans[i] = (start, end - 1)
            spans[i + 1] = (end - 1, spans[i + 1][1])
    return spans


def _clip(
    text: str, spans: list[tuple[int, int]], turns: Sequence[SegmentSpec]
) -> list[SegmentSpec]:
    """Sentence spans cut to the turns they overlap, without surrounding white space."""
    out: list[SegmentSpec] = []
    append = out.append  # a few hundred thousand sentences in a large import
    count = len(spans)
    first = 0
    for turn in sorted(turns, key=lambda t: t.start):
        turn_start, turn_end = turn.start, turn.end
        while first < count and spans[first][1] <= turn_start:
            first += 1
        speaker, interviewer, turn_index = turn.speaker, turn.is_interviewer, turn.turn_index
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
            if not piece.startswith(stripped):  # white space in front (rare)
                start += len(piece) - len(piece.lstrip())
            append(
                SegmentSpec(
                    "sentence", start, start + len(stripped), speaker, interviewer, turn_index
                )
            )
    return out
