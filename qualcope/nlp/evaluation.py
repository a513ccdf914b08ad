"""k-fold cross-validation of cue-only, classifier-only and combined suggestions.

Folds are whole documents whenever there are at least 2 (a new interview is what
the analyst will code next); with fewer documents than folds, there are as many
folds as documents. Only a single document is split by units. The folds are
seeded, so every method and both units (sentence, passage) share them. In every
fold the classifier and the cue precisions are learnt from the other folds only,
then every held-out unit is scored; a prediction is a score at or above the fixed
suggestion threshold (nothing is tuned on the folds reported). Precision, recall
and F1 are per code and macro-averaged over the codes that have positives, with
95% bootstrap intervals over documents (``evaluation_stats``), the calibration of
the combined score and F1 by how many positives a code has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from qualcope.domain import (
    PATH_SEPARATOR,
    ProgressCallback,
    ProgressUpdate,
    StopCallback,
    never_stop,
    no_progress,
)
from qualcope.nlp import classifier as clf
from qualcope.nlp import evaluation_stats as stats
from qualcope.nlp.engine import SUGGEST_THRESHOLD, Engine
from qualcope.nlp.learner import LanguageSetup, train_engine  # noqa: F401 - LanguageSetup for callers
from qualcope.nlp.results import METHODS, CodeEvaluation, Evaluation, Scores
from qualcope.nlp.training import LabelledUnits
from qualcope.nlp.units import MIN_CONTENT_WORDS, content_words

SEED = stats.SEED


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
    """A fold number per unit, and whether folds are whole 'document's or single 'unit's
    (only for a single document). Fewer documents than folds: one fold per document."""
    documents = sorted({u.document_id for u in data.units})
    if len(documents) >= 2:
        fold_of, _used = stats.document_folds(documents, folds, seed)
        return [fold_of[u.document_id] for u in data.units], "document"
    return stats.unit_folds(len(data.units), folds, seed), "unit"


def held_out_scores(
    data: LabelledUnits,
    languages: Mapping[int, str],
    setups: Mapping[str, LanguageSetup],
    *,
    folds: int = 5,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
    epochs: int = clf.EPOCHS,
    folding: tuple[list[int], str] | None = None,
) -> tuple[list[dict[str, dict[int, float]]], str] | None:
    """Every unit's scores per method (code id -> score) from engines trained without its
    fold, and how the folds split ('document' or 'unit'); None when stopped.
    ``folding``: the folds (``fold_ids``) when the caller already has them."""
    assignment, split = folding or fold_ids(data, folds)
    folds = max(assignment, default=0) + 1
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
            # What suggest never proposes (too few content words) is not predicted here either.
            test_idx = [
                i for i in test_idx if content_words(data.units[i].text, lang) >= MIN_CONTENT_WORDS
            ]
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
    unit: str = "sentence",
    resamples: int = stats.RESAMPLES,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
    epochs: int = clf.EPOCHS,
    predictions: tuple[list[dict[str, dict[int, float]]], str] | None = None,
    threshold: float = SUGGEST_THRESHOLD,
) -> Evaluation | None:
    """Evaluate on labelled units (``languages``: document id -> language; ``unit``: what the
    units are, 'sentence' or 'passage', for the report); None when stopped.

    ``predictions``: held-out scores the caller already has (``held_out_scores`` or
    ``passage_scores``), with how the folds split; ``threshold``: the score that counts as
    suggested."""
    codes = sorted(data.positive_codes(), key=lambda c: code_paths.get(c, ""))
    folding = fold_ids(data, folds)
    found = predictions or held_out_scores(
        data,
        languages,
        setups,
        folds=folds,
        on_progress=on_progress,
        should_stop=should_stop,
        epochs=epochs,
        folding=folding,
    )
    if found is None:
        return None
    scored, split = found
    used = max(folding[0], default=0) + 1
    counts, combined = _counts(data, scored, codes, split, threshold)
    weights = stats.resample_weights(counts["cue"].shape[1], resamples)
    boot = {m: stats.bootstrap_f1(counts[m], weights) for m in METHODS}
    per_code = []
    for j, code_id in enumerate(codes):
        by_method = {}
        for m in METHODS:
            tp, fp, fn = (int(v) for v in counts[m][j].sum(axis=0))
            low, high = stats.interval(boot[m][:, j])
            by_method[m] = replace(
                scores_of(tp, tp + fp, tp + fn), f1_low=float(low), f1_high=float(high)
            )
        positives = by_method["cue"].support
        per_code.append(CodeEvaluation(code_id, code_paths.get(code_id, "?"), positives, by_method))

    def macro_of(members: Sequence[int]) -> dict[str, Scores]:
        out = {}
        for m in METHODS:
            averaged = macro([per_code[j].by_method[m] for j in members])
            if members:
                low, high = stats.interval(boot[m][:, list(members)].mean(axis=1))
                averaged = replace(averaged, f1_low=float(low), f1_high=float(high))
            out[m] = averaged
        return out

    groups: dict[str, dict[str, Scores]] = {}
    for group in sorted({_group(c.code_path) for c in per_code}):
        groups[group] = macro_of(
            [j for j, c in enumerate(per_code) if _group(c.code_path) == group]
        )
    overall = macro_of(range(len(per_code)))
    difference = None
    if per_code:
        difference = stats.paired_difference(
            "combined",
            "cue",
            boot["combined"].mean(axis=1),
            boot["cue"].mean(axis=1),
            overall["combined"].f1 - overall["cue"].f1,
        )
    scores, truth = combined
    return Evaluation(
        folds=used,
        split=split,
        units=len(data.units),
        documents=len({u.document_id for u in data.units}),
        codes=tuple(per_code),
        macro=overall,
        groups=groups,
        notes=tuple(_notes(split, folds, used, unit, per_code, overall, resamples, threshold)),
        unit=unit,
        resamples=resamples,
        difference=difference,
        calibration=(
            stats.calibration(scores, truth, floor=threshold),
            stats.calibration(scores, truth, floor=0.0),
        ),
        curve=stats.learning_curve(
            [c.positives for c in per_code], [c.by_method["combined"].f1 for c in per_code]
        ),
    )


def _counts(
    data: LabelledUnits,
    predictions: Sequence[Mapping[str, Mapping[int, float]]],
    codes: Sequence[int],
    split: str,
    threshold: float,
) -> tuple[dict[str, np.ndarray], tuple[list[float], list[bool]]]:
    """Per method, (codes, clusters, [tp, fp, fn]) counts, the clusters being documents (units
    for a single document); and the combined score and truth of every labelled (unit, code)."""
    if split == "document":
        documents = sorted({u.document_id for u in data.units})
        position = {d: k for k, d in enumerate(documents)}
        cluster = [position[u.document_id] for u in data.units]
    else:
        cluster = list(range(len(data.units)))
    index = {c: j for j, c in enumerate(codes)}
    counts = {m: np.zeros((len(codes), max(cluster, default=0) + 1, 3)) for m in METHODS}
    scores: list[float] = []
    truths: list[bool] = []
    # Sparse: only the codes a unit is scored for or coded with are visited (a unit of a
    # finished document knows all 300 codes, but has a score for a handful).
    for i, known in enumerate(data.labels):
        k = cluster[i]
        positives = [c for c in known.positives() if c in index]
        for method in METHODS:
            found = predictions[i].get(method, {})
            table = counts[method]
            for code_id, score in found.items():
                j = index.get(code_id)
                if j is None or code_id not in known:
                    continue
                truth = known[code_id]
                if score >= threshold:
                    table[j, k, 0 if truth else 1] += 1
                if method == "combined" and score > 0:
                    scores.append(score)
                    truths.append(truth)
            for code_id in positives:
                if found.get(code_id, 0.0) < threshold:
                    table[index[code_id], k, 2] += 1
    return counts, (scores, truths)


def _notes(
    split: str,
    asked: int,
    used: int,
    unit: str,
    per_code: Sequence[CodeEvaluation],
    overall: Mapping[str, Scores],
    resamples: int,
    threshold: float,
) -> list[str]:
    notes = []
    if split == "unit":
        notes.append(
            f"a single document: the {used} folds split its {unit}s and the intervals "
            f"resample {unit}s (optimistic: the {unit}s of one interview are alike)"
        )
    elif used < asked:
        notes.append(f"only {used} documents: {used} folds of one document each, not {asked}")
    if per_code:
        found = [c.by_method["combined"] for c in per_code if c.by_method["combined"].f1 > 0]
        widths = [_width(s) for s in found] or [0.0]
        notes.append(
            f"[{unit}] F1 intervals are 95% bootstrap intervals over "
            f"{'documents' if split == 'document' else unit + 's'} ({resamples} resamples): a "
            f"difference smaller than their width (median {float(np.median(widths)):.2f} for "
            f"a code that is ever found, {_width(overall['combined']):.2f} for the macro F1 "
            "of all codes) is noise"
        )
    if unit == "passage":
        notes.append(
            "[passage] a passage's score is the chance that at least one of its sentences "
            "carries the code (its held-out sentence scores combined); it counts as pointed "
            f"at from {threshold:g}"
        )
    notes.append(
        f"nothing is tuned on the folds reported: the suggestion threshold "
        f"({threshold:g}) and the classifier settings are fixed constants"
    )
    return notes


def passage_scores(
    sentences: LabelledUnits,
    sentence_scores: Sequence[Mapping[str, Mapping[int, float]]],
    passages: LabelledUnits,
) -> list[dict[str, dict[int, float]]]:
    """Each passage's score per method and code: 1 - prod(1 - s) over the held-out scores of
    the sentences inside it, the chance that one of them carries the code if they were
    independent (a calibrated sentence score makes it an estimate for the passage)."""
    import bisect

    by_document: dict[int, list[tuple[int, int]]] = {}
    for i, unit in enumerate(sentences.units):
        by_document.setdefault(unit.document_id, []).append((unit.start, i))
    for items in by_document.values():
        items.sort()
    out: list[dict[str, dict[int, float]]] = []
    for passage in passages.units:
        items = by_document.get(passage.document_id, [])
        first = bisect.bisect_left(items, (passage.start, -1))
        missing: dict[str, dict[int, float]] = {m: {} for m in METHODS}
        for start, i in items[first:]:
            if start >= passage.end:
                break
            if sentences.units[i].end > passage.end:
                continue
            for method, scores in sentence_scores[i].items():
                kept = missing.setdefault(method, {})
                for code_id, score in scores.items():
                    kept[code_id] = kept.get(code_id, 1.0) * (1.0 - score)
        out.append({m: {c: 1.0 - v for c, v in kept.items()} for m, kept in missing.items()})
    return out


def _width(scores: Scores) -> float:
    return (scores.f1_high or 0.0) - (scores.f1_low or 0.0)


def _setup(setups: Mapping[str, LanguageSetup], lang: str) -> LanguageSetup:
    return setups.get(lang) or LanguageSetup({}, {})


def _group(path: str) -> str:
    return path.split(PATH_SEPARATOR, 1)[0]
