"""Turning the analyst's work into labelled examples (pure functions, no database).

A unit (a respondent's sentence or turn) is a positive for a code when a
coding of that code covers it: the two overlap by at least half of the
shorter one, so a short quote inside a sentence counts and a coding that
only spills a few words into the next sentence does not. A unit is a
negative for a code when a suggestion of it was rejected (or accepted under
another code), or when its document is marked finished and the unit lacks
the code. Everything else is unknown and teaches nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qualcope.nlp.results import Unit

PSEUDO_REPEAT = 1
MIN_POSITIVES = 5
MIN_NEGATIVES = 5
# Cue precision is shrunk towards the code's (and that towards PRIOR) by this many hits.
SHRINK = 8.0
CUE_PRIOR = 0.5


@dataclass(frozen=True)
class TrainingExample:
    """A text and what is known of each classifier label for it (1.0 yes, 0.0 no)."""

    text: str
    cats: dict[str, float]


@dataclass(frozen=True)
class SpanLabel:
    """A coded or decided span: (document, start, end) carries code ``code_id``."""

    document_id: int
    start: int
    end: int
    code_id: int


@dataclass
class LabelledUnits:
    """Units with what is known about each code for them (True/False; absent = unknown).

    ``fair[i]`` are the codes whose label on unit i says something about cue
    precision: every code in a finished document, and codes someone decided a
    suggestion about. A coding in an unfinished document is a positive, but
    counting it would rate cues only on their successes.
    """

    units: list[Unit] = field(default_factory=list)
    labels: list[dict[int, bool]] = field(default_factory=list)
    fair: list[frozenset[int]] = field(default_factory=list)

    def counts(self) -> tuple[dict[int, int], dict[int, int]]:
        positives: dict[int, int] = defaultdict(int)
        negatives: dict[int, int] = defaultdict(int)
        for known in self.labels:
            for code_id, value in known.items():
                (positives if value else negatives)[code_id] += 1
        return dict(positives), dict(negatives)

    def subset(self, indices: Iterable[int]) -> LabelledUnits:
        chosen = list(indices)
        return LabelledUnits(
            [self.units[i] for i in chosen],
            [self.labels[i] for i in chosen],
            [self.fair[i] for i in chosen],
        )

    def extend(self, other: LabelledUnits) -> None:
        self.units.extend(other.units)
        self.labels.extend(other.labels)
        self.fair.extend(other.fair)


def covers(unit_start: int, unit_end: int, start: int, end: int) -> bool:
    """True when [start, end) covers at least half of the unit or half of itself."""
    overlap = min(unit_end, end) - max(unit_start, start)
    if overlap <= 0:
        return False
    return 2 * overlap >= min(unit_end - unit_start, end - start)


def _by_document(spans: Iterable[SpanLabel]) -> dict[int, list[SpanLabel]]:
    grouped: dict[int, list[SpanLabel]] = defaultdict(list)
    for span in spans:
        grouped[span.document_id].append(span)
    for items in grouped.values():
        items.sort(key=lambda s: (s.start, s.end))
    return grouped


def codes_covering(unit: Unit, spans: Sequence[SpanLabel]) -> set[int]:
    """The codes of the spans (sorted by start) that cover the unit."""
    found: set[int] = set()
    for span in spans:
        if span.start >= unit.end:
            break
        if covers(unit.start, unit.end, span.start, span.end):
            found.add(span.code_id)
    return found


def label_units(
    units: Iterable[Unit],
    codings: Iterable[SpanLabel],
    rejections: Iterable[SpanLabel] = (),
    finished_documents: Iterable[int] = (),
    codes: Iterable[int] | None = None,
    accepted: Iterable[SpanLabel] = (),
) -> LabelledUnits:
    """What is known about each unit, from codings, rejections and finished marks.

    ``accepted`` are accepted suggestions (their codings are among ``codings``):
    like rejections, they make a label fair for judging cues.
    """
    allowed = set(codes) if codes is not None else None
    positives = _by_document(codings)
    negatives = _by_document(rejections)
    decided = _by_document([*rejections, *accepted])
    finished = set(finished_documents)
    every_code = {s.code_id for items in positives.values() for s in items}
    if allowed is not None:
        every_code = allowed
    out = LabelledUnits()
    for unit in units:
        known: dict[int, bool] = {}
        if unit.document_id in finished:
            known.update(dict.fromkeys(every_code, False))
        for code_id in codes_covering(unit, negatives.get(unit.document_id, ())):
            known[code_id] = False
        for code_id in codes_covering(unit, positives.get(unit.document_id, ())):
            known[code_id] = True  # a coding outweighs a rejection by someone else
        if allowed is not None:
            known = {c: v for c, v in known.items() if c in allowed}
        if known:
            out.units.append(unit)
            out.labels.append(known)
            if unit.document_id in finished:
                out.fair.append(frozenset(known))
            else:
                chosen = codes_covering(unit, decided.get(unit.document_id, ()))
                out.fair.append(frozenset(chosen & known.keys()))
    return out


def trainable_codes(
    data: LabelledUnits, min_positives: int = MIN_POSITIVES, min_negatives: int = MIN_NEGATIVES
) -> set[int]:
    """Codes with enough positives and negatives for the classifier to learn them."""
    positives, negatives = data.counts()
    return {
        code_id
        for code_id, n in positives.items()
        if n >= min_positives and negatives.get(code_id, 0) >= min_negatives
    }


def cue_precision(
    data: LabelledUnits, hits: Sequence[Iterable[tuple[int, str]]]
) -> dict[tuple[int, str], float]:
    """How often each (code, cue) was right on labelled units, shrunk towards the code's rate.

    ``hits[i]`` are the (code, cue) pairs that fired on ``data.units[i]``; only
    fair labels count (see ``LabelledUnits``). A cue with no such hits is
    absent: its score falls back to ``CUE_PRIOR``.
    """
    code_tp: dict[int, int] = defaultdict(int)
    code_n: dict[int, int] = defaultdict(int)
    cue_tp: dict[tuple[int, str], int] = defaultdict(int)
    cue_n: dict[tuple[int, str], int] = defaultdict(int)
    for known, fair, fired in zip(data.labels, data.fair, hits, strict=True):
        pairs = {(code_id, cue) for code_id, cue in fired if code_id in fair}
        for code_id in {code_id for code_id, _ in pairs}:
            code_n[code_id] += 1
            code_tp[code_id] += int(known[code_id])
        for code_id, cue in pairs:
            cue_n[(code_id, cue)] += 1
            cue_tp[(code_id, cue)] += int(known[code_id])
    out: dict[tuple[int, str], float] = {}
    for (code_id, cue), n in cue_n.items():
        code_rate = (code_tp[code_id] + SHRINK * CUE_PRIOR) / (code_n[code_id] + SHRINK)
        out[(code_id, cue)] = (cue_tp[(code_id, cue)] + SHRINK * code_rate) / (n + SHRINK)
    return out


def codebook_texts(example: str, cues: Sequence[str]) -> list[str]:
    """What the codebook itself says a code looks like: its example's sentences and its cues."""
    pieces = [p.strip() for p in re.split(r"(?<=[.!?])\s+", example or "") if p.strip()]
    return pieces + [c for c in cues if c.strip()]


def code_label(code_id: int) -> str:
    """The classifier label of 'this unit has the code'."""
    return f"code:{code_id}"


def parse_label(label: str) -> tuple[str, int] | None:
    """('code', code id) of a classifier label; None for anything else."""
    kind, _, rest = label.partition(":")
    if kind == "code" and rest.isdigit():
        return kind, int(rest)
    return None


def classifier_examples(
    data: LabelledUnits,
    codes: set[int],
    codebook: Mapping[int, Sequence[str]] | None = None,
    pseudo_repeat: int = PSEUDO_REPEAT,
) -> list[TrainingExample]:
    """Training examples for the codes the classifier learns.

    Units give what is known about them; the codebook's example sentences and
    cue phrases of each code are added as positives of that code (other labels
    unknown), ``pseudo_repeat`` times: with a dozen coded segments per code
    they are a large share of what there is to learn from.
    """
    out = [
        TrainingExample(
            unit.text, {code_label(c): float(v) for c, v in known.items() if c in codes}
        )
        for unit, known in zip(data.units, data.labels, strict=True)
        if any(c in codes for c in known)
    ]
    for code_id, texts in sorted((codebook or {}).items()):
        if code_id not in codes:
            continue
        for text in texts:
            out.extend([TrainingExample(text, {code_label(code_id): 1.0})] * pseudo_repeat)
    return out
