"""Scoring units for codes: cue hits, classifier probabilities, and the two combined.

One spaCy pass per batch of units does everything: the tokenizer, the cue
matcher and (when a classifier was trained) the text classifier. Offsets of
cue hits are character offsets into the unit, which is exactly
``document_text[unit.start:unit.end]``, so they map back to the document by
adding ``unit.start``.

A score is an estimate of the chance that the analyst keeps the suggestion.
A fired cue scores its precision on labelled segments, shrunk towards 0.5
until there is evidence (``training.cue_precision``), so a cue the analyst
keeps rejecting stops being suggested; the classifier's probability
(calibrated on held-out documents, ``classifier``) can propose a unit with no
cue at all. A unit is suggested when the higher of the two reaches
SUGGEST_THRESHOLD.
For F1 the best cut-off of calibrated probabilities is half the best F1
reachable; suggestions here reach an F1 of about 0.3, hence 0.15 (rejecting
a suggestion costs one key press, a missed segment a finding). The value was
chosen on the sample corpus, which ``qualcope suggest evaluate`` also
measures: see README for what that means for the figures.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcope.nlp.results import Candidate, Unit
from qualcope.nlp.training import CUE_PRIOR, code_label, parse_label, precision_for

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from qualcope.nlp.classifier import Classifier

SUGGEST_THRESHOLD = 0.15
# A passage (a respondent's turn) is pointed at when the chance that one of its sentences
# carries the code reaches this: reading a passage in vain costs seconds, missing one a
# finding. Chosen, like SUGGEST_THRESHOLD, on the sample corpus (see README).
PASSAGE_THRESHOLD = 0.1
BATCH_SIZE = 512
BLOCK = 64  # units per spaCy Doc when there is no classifier
JOINER = "\n\n"
# Probabilities below this are not kept per unit (nothing is suggested near it).
PROBABILITY_FLOOR = 0.005
METHOD_NAMES = ("cue", "classifier", "combined")


@dataclass(frozen=True)
class CueHit:
    code_id: int
    cue: str
    start: int  # character offsets into the unit's text
    end: int


@dataclass(frozen=True)
class Analysis:
    hits: tuple[CueHit, ...]
    probabilities: dict[int, float] = field(default_factory=dict)


class Engine:
    """Cue matcher and (optional) classifier for one language."""

    def __init__(
        self,
        lang: str,
        cues: Mapping[int, Sequence[str]],
        classifier: Classifier | None = None,
        cue_precision: Mapping[tuple[int, str], float] | None = None,
    ) -> None:
        from qualcope.nlp import bow, pipeline
        from qualcope.nlp import cues as cue_module

        self.lang = lang
        self.cue_precision = dict(cue_precision or {})
        self.classifier = classifier
        self.classifier_codes: set[int] = set()
        self._columns: list[int] = []
        self._codes: list[int] = []
        if classifier is not None:
            for column, label in enumerate(classifier.labels):
                parsed = parse_label(label)
                if parsed is not None and parsed[0] == "code":
                    self._columns.append(column)
                    self._codes.append(parsed[1])
            self.classifier_codes = set(self._codes)
        self.cue_codes = {code_id for code_id, phrases in cues.items() if phrases}
        code = pipeline.spacy_lang(lang)
        # The classifier's features come from blank tokens with lemma norms; the user's
        # trained pipeline (matching cues on its lemmas) tokenises for itself, so then the
        # classifier tokenises the texts a second time.
        self._own_tokens = True
        if pipeline.trained_pipeline_name(code) and not pipeline.trained_pipeline_warning(code):
            self.nlp = pipeline.base_pipeline(lang, sentencizer=False)
            self._own_tokens = False
        else:
            self.nlp = pipeline.blank(lang)
            bow.install_lemma_norms(self.nlp)
        self.matcher = cue_module.add_cue_matcher(
            self.nlp, {code_label(c): list(p) for c, p in cues.items() if p}
        )

    @property
    def codes(self) -> set[int]:
        return self.cue_codes | self.classifier_codes

    def analyse(
        self, texts: Iterable[str], batch_size: int = BATCH_SIZE, *, cues_only: bool = False
    ) -> Iterator[Analysis]:
        """Cue hits and probabilities for each text, in order (``cues_only``: no classifier).

        The classifier scores a batch as one matrix; probabilities under
        PROBABILITY_FLOOR are left out.
        """
        from spacy.util import minibatch

        docs = self.nlp.pipe(texts, batch_size=batch_size)
        if cues_only or self.classifier is None or not self._codes:
            for doc in docs:
                yield Analysis(self._hits(doc))
            return
        for batch in minibatch(docs, size=batch_size):
            scored = batch if self._own_tokens else self.classifier.docs(d.text for d in batch)
            rows = self._probabilities(self.classifier.probabilities(scored))
            for doc, probabilities in zip(batch, rows, strict=True):
                yield Analysis(self._hits(doc), probabilities)

    def _hits(self, doc: Doc) -> tuple[CueHit, ...]:
        key = self.matcher.spans_key
        if key not in doc.spans:
            return ()
        return tuple(
            CueHit(parsed[1], span.id_, span.start_char, span.end_char)
            for span in doc.spans[key]
            if (parsed := parse_label(span.label_)) is not None
        )

    def _probabilities(self, scores: Any) -> list[dict[int, float]]:
        """A matrix of label probabilities -> {code: probability} per row."""
        import numpy

        chosen = numpy.asarray(scores, dtype="float64")[:, self._columns]
        out: list[dict[int, float]] = [{} for _ in range(chosen.shape[0])]
        rows, cols = numpy.nonzero(chosen >= PROBABILITY_FLOOR)
        codes = self._codes
        for row, col, value in zip(
            rows.tolist(), cols.tolist(), chosen[rows, cols].tolist(), strict=True
        ):
            out[row][codes[col]] = value
        return out

    def analyse_units(self, units: Sequence[Unit]) -> Iterator[Analysis]:
        """Like ``analyse`` over the units' texts; without a classifier, blocks of units go
        through spaCy as one text each (one Doc per block instead of per sentence).

        The texts of a block are joined by a blank line, which the tokenizer keeps as a
        token of its own, so no cue can match across two units and each unit is tokenised
        as it would be alone.
        """
        if self.classifier_codes:
            yield from self.analyse([u.text for u in units])
            return
        blocks = [units[i : i + BLOCK] for i in range(0, len(units), BLOCK)]
        texts = (JOINER.join(u.text for u in block) for block in blocks)
        for block, analysis in zip(blocks, self.analyse(texts), strict=True):
            starts: list[int] = []
            position = 0
            for unit in block:
                starts.append(position)
                position += len(unit.text) + len(JOINER)
            per_unit: list[list[CueHit]] = [[] for _ in block]
            for hit in analysis.hits:
                index = bisect_right(starts, hit.start) - 1
                offset = starts[index]
                per_unit[index].append(
                    CueHit(hit.code_id, hit.cue, hit.start - offset, hit.end - offset)
                )
            for hits in per_unit:
                yield Analysis(tuple(hits))

    def precision_of(self, code_id: int, cue: str) -> float:
        return precision_for(self.cue_precision, code_id, cue)

    def scores(self, analysis: Analysis, method: str = "combined") -> dict[int, float]:
        """Score per code for one unit (only codes with any evidence).

        ``cue``: every cue hit scores CUE_PRIOR (plain keyword search, nothing
        learnt); ``classifier``: the classifier's probability alone;
        ``combined``: the higher of the fired cues' learnt precision and the
        classifier's probability.
        """
        if method == "cue":
            return dict.fromkeys((hit.code_id for hit in analysis.hits), CUE_PRIOR)
        out: dict[int, float] = {}
        if method == "combined":
            for hit in analysis.hits:
                value = self.precision_of(hit.code_id, hit.cue)
                out[hit.code_id] = max(out.get(hit.code_id, 0.0), value)
        for code_id, p in analysis.probabilities.items():
            out[code_id] = max(out.get(code_id, 0.0), p)
        return out

    def candidates(
        self,
        unit: Unit,
        analysis: Analysis,
        *,
        threshold: float = SUGGEST_THRESHOLD,
        codes: set[int] | None = None,
    ) -> list[Candidate]:
        """The codes this unit is suggested for, with score and reason."""
        out: list[Candidate] = []
        for code_id, score in self.scores(analysis).items():
            if score < threshold or (codes is not None and code_id not in codes):
                continue
            hits = [h for h in analysis.hits if h.code_id == code_id]
            hit = max(hits, key=lambda h: self.precision_of(code_id, h.cue)) if hits else None
            probability = analysis.probabilities.get(code_id)
            if probability is None and code_id in self.classifier_codes:
                probability = 0.0  # under PROBABILITY_FLOOR
            out.append(
                Candidate(
                    unit=unit,
                    code_id=code_id,
                    score=round(score, 4),
                    reason=self.reason(unit, hit, probability),
                    method="+".join(
                        name
                        for name, used in (("cue", hit), ("classifier", probability))
                        if used is not None
                    ),
                    cue=hit.cue if hit else None,
                    probability=probability,
                )
            )
        return out

    def reason(self, unit: Unit, hit: CueHit | None, probability: float | None) -> str:
        """Why a unit is suggested, in words: the cue (as found) and the classifier's view."""
        parts: list[str] = []
        if hit is not None:
            found = unit.text[hit.start : hit.end]
            said = f'cue "{hit.cue}"'
            if found.casefold() != hit.cue.casefold():
                said += f' (as "{found}")'
            precision = self.cue_precision.get((hit.code_id, hit.cue))
            if precision is not None:
                said += f", kept about {precision:.0%} of the time"
            parts.append(said)
        if probability is not None:
            parts.append(f"classifier {probability:.0%}")
        return "; ".join(parts)
