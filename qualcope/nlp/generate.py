"""Suggestion generation over a corpus: learn cue precisions, score units, drop what is done.

Given the codebook, the corpus, the classifier of each language (or none)
and the coder's own codings and decisions, produce the candidates worth
showing. Units are processed in chunks so progress is reported and a stop
request is honoured between chunks. A unit with fewer than MIN_CONTENT_WORDS
content words ("And", "Yes.", "Uh, okay.") is never suggested, whatever scores it:
it cannot carry a code on its own (it is still learnt from as a negative).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcope.domain import ProgressCallback, ProgressUpdate, StopCallback, never_stop, no_progress
from qualcope.nlp.corpus import Codebook, Corpus
from qualcope.nlp.results import Candidate, Unit
from qualcope.nlp.training import SpanLabel, codes_covering, cue_precision
from qualcope.nlp.units import MIN_CONTENT_WORDS, content_words

if TYPE_CHECKING:
    from spacy.language import Language

    from qualcope.nlp.engine import Engine

CHUNK = 2000


@dataclass(frozen=True)
class Done:
    """What the coder already did: their codings and decided (accepted/rejected) spans."""

    codings: Mapping[int, list[SpanLabel]]  # per document, sorted by start
    decided: Collection[tuple[int, int, int, int]]  # (document, start, end, code)

    def covers(self, unit: Unit, code_id: int) -> bool:
        if (unit.document_id, unit.start, unit.end, code_id) in self.decided:
            return True
        return code_id in codes_covering(unit, self.codings.get(unit.document_id, ()))


def engine_for(lang: str, book: Codebook, corpus: Corpus, nlp: Language | None) -> Engine:
    """The engine of one language, with cue precisions learnt from the labelled units."""
    from qualcope.nlp.engine import Engine

    engine = Engine(lang, book.cues_for(lang), nlp)
    labelled = corpus.labelled(lang, book.paths)
    if any(labelled.fair):
        texts = [u.text for u in labelled.units]
        hits = [
            [(h.code_id, h.cue) for h in analysis.hits]
            for analysis in engine.analyse(texts, cues_only=True)
        ]
        engine.cue_precision = cue_precision(labelled, hits)
    return engine


def generate(
    book: Codebook,
    corpus: Corpus,
    documents: list[int],
    codes: Collection[int],
    models: Mapping[str, Language],
    done: Done,
    *,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> tuple[list[tuple[Candidate, str]], int, int] | None:
    """(candidate, language) pairs for the documents, the units scored, and the units held
    back with candidates for having too few content words; None when stopped."""
    chosen = set(codes)
    total = sum(len(corpus.units.get(d, [])) for d in documents)
    out: list[tuple[Candidate, str]] = []
    scored = words = held_back = 0
    for lang in sorted({corpus.languages[d] for d in documents}):
        engine = engine_for(lang, book, corpus, models.get(lang))
        units = corpus.units_of(lang, documents)
        for start in range(0, len(units), CHUNK):
            if should_stop():
                return None
            chunk = units[start : start + CHUNK]
            for unit, analysis in zip(chunk, engine.analyse_units(chunk), strict=True):
                found = engine.candidates(unit, analysis, codes=chosen)
                # Counted only where there is something to suggest: most units have nothing.
                if not found:
                    continue
                if content_words(unit.text, lang) < MIN_CONTENT_WORDS:
                    held_back += 1
                    continue
                out.extend(
                    (candidate, lang)
                    for candidate in found
                    if not done.covers(unit, candidate.code_id)
                )
            scored += len(chunk)
            words += sum(u.text.count(" ") + 1 for u in chunk)  # about: spaces, not tokens
            on_progress(ProgressUpdate(scored, total, "suggesting", words=words))
    return out, scored, held_back
