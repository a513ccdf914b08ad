"""Plain values produced by the suggestion engine (no spaCy, no SQLAlchemy).

The suggestions service returns them to the CLI and the TUI, so they stay
importable without loading spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unit:
    """A piece of a document that can be suggested: a sentence or a turn.

    ``start``/``end`` are code-point offsets into the document text and
    ``text`` is exactly ``document_text[start:end]``.
    """

    document_id: int
    segment_id: int | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Candidate:
    """A unit proposed for a code, with its score and the reason a person can read."""

    unit: Unit
    code_id: int
    score: float
    reason: str
    method: str  # 'cue', 'classifier' or 'cue+classifier'
    cue: str | None = None
    probability: float | None = None


@dataclass(frozen=True)
class ModelInfo:
    """What a stored classifier was trained on."""

    model_id: int | None
    lang: str
    labels: tuple[int, ...]
    examples: int
    positives: dict[int, int] = field(default_factory=dict)
    negatives: dict[int, int] = field(default_factory=dict)
    codebook_hash: str = ""
    seconds: float = 0.0
    # code -> (coded, suggested, right) on documents held out while calibrating
    held_out: dict[int, tuple[int, int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class SuggestRun:
    """The outcome of ``suggest``: what was stored and anything the user should know."""

    created: int
    updated: int
    removed: int
    units: int
    codes: int
    documents: int
    models: tuple[ModelInfo, ...] = ()
    warnings: tuple[str, ...] = ()
    message: str = ""
    stopped: bool = False
    notes: tuple[str, ...] = ()  # what was learnt from, how codes are suggested
    held_back: int = 0  # segments scoring for a code but with too few content words


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one method on one code (or macro-averaged)."""

    precision: float
    recall: float
    f1: float
    support: int = 0
    predicted: int = 0
    true_positives: int = 0
    # 95% bootstrap interval of F1 over documents (None: not computed).
    f1_low: float | None = None
    f1_high: float | None = None


@dataclass(frozen=True)
class CodeEvaluation:
    code_id: int
    code_path: str
    positives: int
    by_method: dict[str, Scores]


@dataclass(frozen=True)
class Difference:
    """A paired-bootstrap comparison: ``value`` = macro F1 of ``better`` minus ``baseline``."""

    better: str
    baseline: str
    value: float
    low: float
    high: float

    @property
    def within_noise(self) -> bool:
        """The 95% interval of the difference contains 0."""
        return self.low <= 0.0 <= self.high


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_score: float
    observed: float  # share of the units in the bin that carry the code


@dataclass(frozen=True)
class Calibration:
    """Expected calibration error of held-out scores at or above ``floor``."""

    floor: float
    ece: float
    count: int
    bins: tuple[CalibrationBin, ...] = ()


@dataclass(frozen=True)
class CurveBin:
    """Codes with ``low``..``high`` positives (``high`` None: no upper bound)."""

    low: int
    high: int | None
    codes: int
    mean_f1: float


@dataclass(frozen=True)
class Evaluation:
    """Cross-validated quality of cue-only, classifier-only and combined suggestions."""

    folds: int
    split: str  # 'document' or 'unit'
    units: int
    documents: int
    codes: tuple[CodeEvaluation, ...]
    macro: dict[str, Scores]
    groups: dict[str, dict[str, Scores]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    message: str = ""
    unit: str = "sentence"  # 'sentence' or 'passage' (the respondent's turn)
    resamples: int = 0  # bootstrap resamples behind the intervals
    difference: Difference | None = None  # combined minus cue-only macro F1
    calibration: tuple[Calibration, ...] = ()  # combined score: shown ones, then all scored
    curve: tuple[CurveBin, ...] = ()  # combined F1 by how many positives a code has
    other_units: tuple[Evaluation, ...] = ()  # the same run on the other unit


METHODS = ("cue", "classifier", "combined")
