"""Sentence segments of speaker turns: a cached blank spaCy pipeline + sentencizer per language.

The pipeline comes from ``nlp.pipeline.base_pipeline`` without lemmatizer and without a
user's trained pipeline, on purpose: the same text must give the same sentence offsets on
every machine (codings and exchanged files refer to them), it needs no model download, and
it is fast (~0.5M words/s on these machines, architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from qualcope.domain import SegmentSpec
from qualcope.errors import QualcopeError

if TYPE_CHECKING:
    from spacy.language import Language

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
    """Sentence segments of many documents, run through ``nlp.pipe``.

    Each whole text goes through the pipeline once (one Doc per document, as cheap as the
    bare pipeline) and the sentences are then cut at turn boundaries, so no sentence crosses
    a turn and speaker labels between turns belong to none.
    """
    from spacy.attrs import IDX, SENT_START

    nlp = pipeline(lang)
    pending: list[tuple[str, Sequence[SegmentSpec]]] = []

    def texts() -> Iterator[str]:
        for text, turns in documents:
            pending.append((text, turns))
            yield text if turns else ""

    for doc in nlp.pipe(texts(), batch_size=PIPE_BATCH):
        text, turns = pending.pop(0)
        if not turns:
            yield []
            continue
        # Token offsets and sentence starts as arrays: no Python object per token or span.
        array = doc.to_array([IDX, SENT_START])
        starts = array[array[:, 1] == 1][:, 0].tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        bounds = [*starts, len(text)]
        spans = _move_openers(text, list(zip(bounds[:-1], bounds[1:], strict=True)))
        yield _clip(text, spans, turns)


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
    ordered = sorted(turns, key=lambda t: t.start)
    first = 0
    for turn in ordered:
        while first < len(spans) and spans[first][1] <= turn.start:
            first += 1
        index = first
        while index < len(spans) and spans[index][0] < turn.end:
            start = max(spans[index][0], turn.start)
            end = min(spans[index][1], turn.end)
            piece = text[start:end]
            stripped = piece.strip()
            if stripped:
                begin = start + len(piece) - len(piece.lstrip())
                out.append(
                    SegmentSpec(
                        "sentence",
                        begin,
                        begin + len(stripped),
                        speaker=turn.speaker,
                        is_interviewer=turn.is_interviewer,
                        turn_index=turn.turn_index,
                    )
                )
            index += 1
    return out
