"""Turning the analyst's work into labelled examples (pure functions, no database).

A unit (a respondent's sentence or turn) is a positive for a code when a
coding of that code covers it: the two overlap by at least half of the
shorter one, so a short quote inside a sentence counts and a coding that
only spills a few words into the next sentence does not. A unit is a
negative for a code when a suggestion of it was rejected (or accepted under
another code), or when its document is marked finished and the unit lacks
the code. Everything else is unknown and teaches nothing.

A project coded in another tool has codings and no finished marks, so nothing
would be a negative. The rule ``coded-through`` (the default, switchable off with
``--negatives finished``) also takes as negatives the uncoded units of a
document that was evidently coded from start to end: it has CODED_THROUGH_MIN
codings and they reach into both its first and its last quarter. Units right
next to a coded unit stay unknown there (a passage is often coded a sentence
short or long).

Labels are stored sparsely (``UnitLabels``): a unit of a finished document
knows every code, but keeps only its positives and a shared set of the codes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from qualcope.nlp.results import Unit

PSEUDO_REPEAT = 1
MIN_POSITIVES = 5
MIN_NEGATIVES = 5
# Cue precision is shrunk towards the code's (and that towards every other cue's, and that
# towards CUE_PRIOR) by this many hits. Chosen on the sample corpus (README).
SHRINK = 12.0
CUE_PRIOR = 0.5
NEGATIVES_CODED_THROUGH = "coded-through"
NEGATIVES_FINISHED = "finished"
NEGATIVE_RULES = (NEGATIVES_CODED_THROUGH, NEGATIVES_FINISHED)
CODED_THROUGH_MIN = 3


@dataclass(frozen=True)
class TrainingExample:
    """A text and what is known of each classifier label for it (1.0 yes, 0.0 no).

    ``complete``: every label not in ``cats`` is a no. ``group``: the document it comes
    from (-1 for the codebook's own texts), so calibration can hold documents out.
    """

    text: str
    cats: dict[str, float]
    complete: bool = False
    group: int = -1


class UnitLabels(Mapping[int, bool]):
    """What is known about one unit per code: ``explicit`` values, and when ``universe``
    is given, every code in it is known too (a no unless ``explicit`` says yes)."""

    __slots__ = ("explicit", "universe")

    def __init__(self, explicit: dict[int, bool], universe: frozenset[int] | None = None):
        self.explicit = explicit
        self.universe = universe

    @property
    def complete(self) -> bool:
        return self.universe is not None

    def positives(self) -> list[int]:
        return [c for c, v in self.explicit.items() if v]

    def __getitem__(self, code_id: int) -> bool:
        value = self.explicit.get(code_id)
        if value is not None:
            return value
        if self.universe is not None and code_id in self.universe:
            return False
        raise KeyError(code_id)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.explicit or (self.universe is not None and code_id in self.universe)

    def __iter__(self) -> Iterator[int]:
        yield from self.explicit
        if self.universe is not None:
            yield from (c for c in self.universe if c not in self.explicit)

    def __len__(self) -> int:
        if self.universe is None:
            return len(self.explicit)
        return len(self.universe) + sum(1 for c in self.explicit if c not in self.universe)

    def __repr__(self) -> str:
        return f"UnitLabels({self.explicit!r}, complete={self.complete})"


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
    labels: list[UnitLabels] = field(default_factory=list)
    fair: list[frozenset[int]] = field(default_factory=list)

    def counts(self) -> tuple[dict[int, int], dict[int, int]]:
        """(positives, negatives) per code, without expanding complete units."""
        positives: dict[int, int] = defaultdict(int)
        negatives: dict[int, int] = defaultdict(int)
        complete: dict[frozenset[int], int] = defaultdict(int)
        for known in self.labels:
            if known.universe is not None:
                complete[known.universe] += 1
            for code_id, value in known.explicit.items():
                if value:
                    positives[code_id] += 1
                    if known.universe is not None and code_id in known.universe:
                        negatives[code_id] -= 1  # counted below as a no of the universe
                else:
                    if known.universe is None or code_id not in known.universe:
                        negatives[code_id] += 1
        for universe, count in complete.items():
            for code_id in universe:
                negatives[code_id] += count
        return dict(positives), {c: n for c, n in negatives.items() if n > 0}

    def positive_codes(self) -> set[int]:
        return {c for known in self.labels for c in known.positives()}

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
    *,
    negatives: str = NEGATIVES_FINISHED,
) -> LabelledUnits:
    """What is known about each unit, from codings, rejections and finished marks.

    ``accepted`` are accepted suggestions (their codings are among ``codings``):
    like rejections, they make a label fair for judging cues. ``negatives``: which
    unfinished documents also count as fully coded (see the module's docstring).
    """
    units = list(units)
    codings = list(codings)
    allowed = set(codes) if codes is not None else None
    positives = _by_document(codings)
    rejected = _by_document(rejections)
    decided = _by_document([*rejections, *accepted])
    finished = set(finished_documents)
    every_code = frozenset(
        allowed
        if allowed is not None
        else {s.code_id for items in positives.values() for s in items}
    )
    through: set[int] = set()
    if negatives == NEGATIVES_CODED_THROUGH:
        through = coded_through(units, codings) - finished
    out = LabelledUnits()
    by_document: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        by_document[unit.document_id].append(unit)
    for document_id, items in by_document.items():
        found = [
            (
                codes_covering(unit, positives.get(document_id, ())),
                codes_covering(unit, rejected.get(document_id, ())),
            )
            for unit in items
        ]
        for index, (unit, (yes, no)) in enumerate(zip(items, found, strict=True)):
            explicit = dict.fromkeys(no, False)
            explicit.update(dict.fromkeys(yes, True))  # a coding outweighs a rejection
            if allowed is not None:
                explicit = {c: v for c, v in explicit.items() if c in allowed}
            complete = document_id in finished
            if document_id in through:
                # Next to a coded unit a missing code is as likely a loose boundary as a no.
                near = any(found[j][0] for j in (index - 1, index + 1) if 0 <= j < len(found))
                complete = not near
            known = UnitLabels(explicit, every_code if complete and every_code else None)
            if not known:
                continue
            out.units.append(unit)
            out.labels.append(known)
            if complete:
                out.fair.append(every_code)
            else:
                chosen = codes_covering(unit, decided.get(document_id, ()))
                out.fair.append(frozenset(c for c in chosen if c in known))
    return out


def coded_through(units: Sequence[Unit], codings: Iterable[SpanLabel]) -> set[int]:
    """Documents coded from start to end: CODED_THROUGH_MIN codings or more, reaching into
    both the first and the last quarter of the document's units."""
    extent: dict[int, tuple[int, int]] = {}
    for unit in units:
        low, high = extent.get(unit.document_id, (unit.start, unit.end))
        extent[unit.document_id] = (min(low, unit.start), max(high, unit.end))
    spans: dict[int, list[SpanLabel]] = defaultdict(list)
    for span in codings:
        if span.document_id in extent:
            spans[span.document_id].append(span)
    out: set[int] = set()
    for document_id, items in spans.items():
        if len(items) < CODED_THROUGH_MIN:
            continue
        low, high = extent[document_id]
        quarter = (high - low) / 4
        if (
            min(s.start for s in items) <= low + quarter
            and max(s.end for s in items) >= high - quarter
        ):
            out.add(document_id)
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


ANY_CUE = ""  # the cue key of a code's own rate, and (with code 0) of the rate of every cue


def cue_precision(
    data: LabelledUnits, hits: Sequence[Iterable[tuple[int, str]]]
) -> dict[tuple[int, str], float]:
    """How often each (code, cue) was right on labelled units, shrunk towards the code's rate,
    which is shrunk towards the rate of every cue, which is shrunk towards CUE_PRIOR.

    ``hits[i]`` are the (code, cue) pairs that fired on ``data.units[i]``; only fair labels
    count (see ``LabelledUnits``). Besides each (code, cue) seen, the result holds each
    code's rate under (code, ANY_CUE) and the rate of every cue under (0, ANY_CUE): a cue
    never seen scores its code's rate, or that of every cue (``precision_for``), so a score
    stays an estimate of how often such a suggestion is kept.
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
    if not code_n:
        return {}
    total_tp, total_n = sum(code_tp.values()), sum(code_n.values())
    every = (total_tp + SHRINK * CUE_PRIOR) / (total_n + SHRINK)
    out: dict[tuple[int, str], float] = {(0, ANY_CUE): every}
    for code_id, n in code_n.items():
        # The code's prior is every *other* code's rate: its own hits are counted once.
        others = (total_tp - code_tp[code_id] + SHRINK * CUE_PRIOR) / (total_n - n + SHRINK)
        out[(code_id, ANY_CUE)] = (code_tp[code_id] + SHRINK * others) / (n + SHRINK)
    for (code_id, cue), n in cue_n.items():
        code_rate = out[(code_id, ANY_CUE)]
        out[(code_id, cue)] = (cue_tp[(code_id, cue)] + SHRINK * code_rate) / (n + SHRINK)
    return out


def precision_for(precision: Mapping[tuple[int, str], float], code_id: int, cue: str) -> float:
    """The learnt precision of a cue: its own, else its code's, else every cue's, else CUE_PRIOR."""
    for key in ((code_id, cue), (code_id, ANY_CUE), (0, ANY_CUE)):
        found = precision.get(key)
        if found is not None:
            return found
    return CUE_PRIOR


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
    out: list[TrainingExample] = []
    for unit, known in zip(data.units, data.labels, strict=True):
        universe = known.universe
        if universe is not None and codes <= universe:
            cats = {code_label(c): float(v) for c, v in known.explicit.items() if c in codes}
            out.append(TrainingExample(unit.text, cats, complete=True, group=unit.document_id))
            continue
        cats = {code_label(c): float(known[c]) for c in codes if c in known}
        if cats:
            out.append(TrainingExample(unit.text, cats, group=unit.document_id))
    for code_id, texts in sorted((codebook or {}).items()):
        if code_id not in codes:
            continue
        for text in texts:
            out.extend([TrainingExample(text, {code_label(code_id): 1.0})] * pseudo_repeat)
    return out
