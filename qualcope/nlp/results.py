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


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one method on one code (or macro-averaged)."""

    precision: float
    recall: float
    f1: float
    support: int = 0
    predicted: int = 0
    true_positives: int = 0


@dataclass(frozen=True)
class CodeEvaluation:
    code_id: int
    code_path: str
    positives: int
    by_method: dict[str, Scores]


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


METHODS = ("cue", "classifier", "combined")
