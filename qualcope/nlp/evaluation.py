"""k-fold cross-validation of cue-only, classifier-only and combined suggestions.

Folds are whole documents when there are at least as many documents as folds
(a new interview is what the analyst will code next), otherwise units. In
every fold the classifier and the cue precisions are learnt from the other
folds only, then every held-out unit is scored; a prediction is a score at
or above the suggestion threshold. Precision, recall and F1 are per code and
macro-averaged over the codes that have positives.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence

from qualcope.domain import (
    PATH_SEPARATOR,
    ProgressCallback,
    ProgressUpdate,
    StopCallback,
    never_stop,
    no_progress,
)
from qualcope.nlp import classifier as clf
from qualcope.nlp.engine import SUGGEST_THRESHOLD, Engine
from qualcope.nlp.learner import LanguageSetup, train_engine  # noqa: F401 - LanguageSetup for callers
from qualcope.nlp.results import METHODS, CodeEvaluation, Evaluation, Scores
from qualcope.nlp.training import LabelledUnits

SEED = 13


def scores_of(tp: int, predicted: int, support: int) -> Scores:
    precision = tp / predicted if predicted else 0.0
    recall = tp / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, support, predicted, tp)


def macro(per_code: Sequence[Scores]) -> Scores:
    if not per_code:
        return Scores(0.0, 0.0, 0.0)
    n = len(per_code)
    return Scores(
        sum(s.precision for s in per_code) / n,
        sum(s.recall for s in per_code) / n,
        sum(s.f1 for s in per_code) / n,
        sum(s.support for s in per_code),
        sum(s.predicted for s in per_code),
        sum(s.true_positives for s in per_code),
    )


def fold_ids(data: LabelledUnits, folds: int, seed: int = SEED) -> tuple[list[int], str]:
    """A fold number per unit, and whether folds are whole 'document's or single 'unit's."""
    rng = random.Random(seed)
    documents = sorted({u.document_id for u in data.units})
    if len(documents) >= folds:
        rng.shuffle(documents)
        fold_of = {doc: i % folds for i, doc in enumerate(documents)}
        return [fold_of[u.document_id] for u in data.units], "document"
    order = list(range(len(data.units)))
    rng.shuffle(order)
    out = [0] * len(order)
    for i, index in enumerate(order):
        out[index] = i % folds
    return out, "unit"


def held_out_scores(
    data: LabelledUnits,
    languages: Mapping[int, str],
    setups: Mapping[str, LanguageSetup],
    *,
    folds: int = 5,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
    epochs: int = clf.EPOCHS,
) -> tuple[list[dict[str, dict[int, float]]], str] | None:
    """Every unit's scores per method (code id -> score) from engines trained without its
    fold, and how the folds split ('document' or 'unit'); None when stopped."""
    assignment, split = fold_ids(data, folds)
    lang_of = [languages.get(u.document_id, "en") for u in data.units]
    cue_hits: list[list[tuple[int, str]]] = [[] for _ in data.units]
    for lang in sorted(set(lang_of)):
        idx = [i for i, code in enumerate(lang_of) if code == lang]
        engine = Engine(lang, _setup(setups, lang).cues)
        for i, analysis in zip(idx, engine.analyse([data.units[i].text for i in idx]), strict=True):
            cue_hits[i] = [(h.code_id, h.cue) for h in analysis.hits]
    predictions: list[dict[str, dict[int, float]]] = [{} for _ in data.units]
    steps = folds * len(set(lang_of))
    step = 0
    for fold in range(folds):
        for lang in sorted(set(lang_of)):
            if should_stop():
                return None
            on_progress(ProgressUpdate(step, steps, f"fold {fold + 1}/{folds} ({lang})"))
            step += 1
            train_idx = [i for i, f in enumerate(assignment) if f != fold and lang_of[i] == lang]
            test_idx = [i for i, f in enumerate(assignment) if f == fold and lang_of[i] == lang]
            if not test_idx:
                continue
            trained = train_engine(
                lang,
                data.subset(train_idx),
                _setup(setups, lang),
                [cue_hits[i] for i in train_idx],
                epochs=epochs,
                should_stop=should_stop,
            )
            if trained is None:
                return None
            engine, _ = trained
            texts = [data.units[i].text for i in test_idx]
            for i, analysis in zip(test_idx, engine.analyse(texts), strict=True):
                predictions[i] = {m: engine.scores(analysis, m) for m in METHODS}
    on_progress(ProgressUpdate(steps, steps, "scoring"))
    return predictions, split


def cross_validate(
    data: LabelledUnits,
    languages: Mapping[int, str],
    setups: Mapping[str, LanguageSetup],
    code_paths: Mapping[int, str],
    *,
    folds: int = 5,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
    epochs: int = clf.EPOCHS,
) -> Evaluation | None:
    """Evaluate on labelled units (``languages``: document id -> language); None when stopped."""
    codes = sorted(
        {c for known in data.labels for c, v in known.items() if v},
        key=lambda c: code_paths.get(c, ""),
    )
    found = held_out_scores(
        data,
        languages,
        setups,
        folds=folds,
        on_progress=on_progress,
        should_stop=should_stop,
        epochs=epochs,
    )
    if found is None:
        return None
    predictions, split = found
    counts: dict[str, dict[int, list[int]]] = {m: defaultdict(lambda: [0, 0, 0]) for m in METHODS}
    for i, known in enumerate(data.labels):
        for code_id in codes:
            if code_id not in known:
                continue
            truth = known[code_id]
            for method in METHODS:
                hit = predictions[i].get(method, {}).get(code_id, 0.0) >= SUGGEST_THRESHOLD
                row = counts[method][code_id]
                row[0] += int(hit and truth)
                row[1] += int(hit)
                row[2] += int(truth)
    per_code = [
        CodeEvaluation(
            code_id,
            code_paths.get(code_id, "?"),
            counts["cue"][code_id][2],
            {m: scores_of(*counts[m][code_id]) for m in METHODS},
        )
        for code_id in codes
    ]
    groups: dict[str, dict[str, Scores]] = {}
    for group in sorted({_group(c.code_path) for c in per_code}):
        members = [c for c in per_code if _group(c.code_path) == group]
        groups[group] = {m: macro([c.by_method[m] for c in members]) for m in METHODS}
    notes: list[str] = []
    if split == "unit":
        notes.append(f"fewer documents than folds: the {folds} folds split sentences")
    return Evaluation(
        folds=folds,
        split=split,
        units=len(data.units),
        documents=len({u.document_id for u in data.units}),
        codes=tuple(per_code),
        macro={m: macro([c.by_method[m] for c in per_code]) for m in METHODS},
        groups=groups,
        notes=tuple(notes),
    )


def _setup(setups: Mapping[str, LanguageSetup], lang: str) -> LanguageSetup:
    return setups.get(lang) or LanguageSetup({}, {})


def _group(path: str) -> str:
    return path.split(PATH_SEPARATOR, 1)[0]
