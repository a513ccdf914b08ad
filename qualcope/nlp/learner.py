"""Learning an engine from labelled units: cue precisions and (when there is enough) a classifier.

Used by cross-validation (``evaluation``) and by the agreement of the suggester with a coder
(``services.agreement_model``): both train on some units and score others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcope.domain import ProgressCallback, StopCallback, never_stop, no_progress
from qualcope.nlp import classifier as clf
from qualcope.nlp.engine import Engine
from qualcope.nlp.training import (
    LabelledUnits,
    classifier_examples,
    code_label,
    cue_precision,
    trainable_codes,
)

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True)
class LanguageSetup:
    """What the engine needs for one language: cue phrases and codebook texts per code."""

    cues: Mapping[int, Sequence[str]]
    codebook: Mapping[int, Sequence[str]]


def train_engine(
    lang: str,
    train: LabelledUnits,
    setup: LanguageSetup,
    cue_hits: Sequence[Sequence[tuple[int, str]]],
    *,
    epochs: int = clf.EPOCHS,
    should_stop: StopCallback = never_stop,
    on_progress: ProgressCallback = no_progress,
) -> tuple[Engine, Language | None] | None:
    """Learn cue precisions and (when there is enough) a classifier; None when stopped."""
    precision = cue_precision(train, cue_hits)
    learnable = trainable_codes(train)
    model = None
    if learnable:
        labels = [code_label(c) for c in sorted(learnable)]
        examples = classifier_examples(train, learnable, setup.codebook)
        model = clf.train(
            lang, examples, labels, epochs=epochs, should_stop=should_stop, on_progress=on_progress
        )
        if model is None:
            return None
    return Engine(lang, setup.cues, model, precision), model
