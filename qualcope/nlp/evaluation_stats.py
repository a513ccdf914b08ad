"""The statistics of ``suggest evaluate``: folds, bootstrap intervals, calibration, curve.

Pure numpy (no spaCy). Intervals resample *documents* with replacement (a new
interview is what the analyst codes next, and the sentences of one interview are
not independent): per-document true-positive, false-positive and false-negative
counts are summed under each resample's document weights, so 200 resamples of
every code take one matrix product. Everything is seeded: the same project gives
the same folds and the same intervals.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from qualcope.nlp.results import Calibration, CalibrationBin, CurveBin, Difference

SEED = 13
RESAMPLES = 200
CURVE_EDGES = (1, 5, 10, 20, 50)  # bins 1-4, 5-9, 10-19, 20-49, 50+


def document_folds(
    documents: Sequence[int], folds: int, seed: int = SEED
) -> tuple[dict[int, int], int]:
    """A fold per document (whole documents, seeded shuffle of the sorted ids) and the number
    of folds used: ``folds``, or the number of documents when there are fewer."""
    order = sorted(set(documents))
    used = max(1, min(folds, len(order)))
    random.Random(seed).shuffle(order)
    return {doc: i % used for i, doc in enumerate(order)}, used


def unit_folds(count: int, folds: int, seed: int = SEED) -> list[int]:
    """A fold per unit (only when there is a single document)."""
    order = list(range(count))
    random.Random(seed).shuffle(order)
    out = [0] * count
    for i, index in enumerate(order):
        out[index] = i % folds
    return out


def f1_of(counts: np.ndarray) -> np.ndarray:
    """F1 from [..., (tp, fp, fn)] counts (0 where nothing was predicted or true)."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    denominator = 2 * tp + fp + fn
    return np.divide(
        2 * tp, denominator, out=np.zeros_like(denominator, dtype=float), where=denominator > 0
    )


def resample_weights(clusters: int, resamples: int = RESAMPLES, seed: int = SEED) -> np.ndarray:
    """(resamples, clusters): how often each document is drawn in each resample."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(clusters, np.full(clusters, 1.0 / clusters), size=resamples).astype(
        float
    )


def bootstrap_f1(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """F1 per resample and code: ``counts`` (codes, documents, 3) -> (resamples, codes)."""
    return f1_of(np.einsum("rd,cdk->rck", weights, counts.astype(float)))


def interval(samples: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The 2.5th and 97.5th percentiles."""
    return np.percentile(samples, 2.5, axis=axis), np.percentile(samples, 97.5, axis=axis)


def paired_difference(
    better: str, baseline: str, macro_better: np.ndarray, macro_baseline: np.ndarray, value: float
) -> Difference:
    """The difference of two methods' macro F1 with the interval of its paired resamples."""
    low, high = interval(macro_better - macro_baseline)
    return Difference(better, baseline, value, float(low), float(high))


def calibration(
    scores: Sequence[float] | np.ndarray,
    truth: Sequence[bool] | np.ndarray,
    *,
    floor: float = 0.0,
    bins: int = 10,
) -> Calibration:
    """Expected calibration error of the scores at or above ``floor`` (``floor`` 0: every
    score above 0): over ``bins`` equal-width score bins, the mean |mean score - observed
    positive rate| weighted by the units in each bin."""
    s = np.asarray(scores, dtype=float)
    t = np.asarray(truth, dtype=float)
    keep = s >= floor if floor > 0 else s > 0
    s, t = s[keep], t[keep]
    if not len(s):
        return Calibration(floor, 0.0, 0)
    index = np.minimum((s * bins).astype(int), bins - 1)
    count = np.bincount(index, minlength=bins)
    mean_score = np.bincount(index, weights=s, minlength=bins)
    observed = np.bincount(index, weights=t, minlength=bins)
    found = count > 0
    mean_score[found] /= count[found]
    observed[found] /= count[found]
    ece = float(np.sum(count * np.abs(mean_score - observed)) / len(s))
    out = tuple(
        CalibrationBin(
            b / bins, (b + 1) / bins, int(count[b]), float(mean_score[b]), float(observed[b])
        )
        for b in range(bins)
        if count[b]
    )
    return Calibration(floor, ece, len(s), out)


def learning_curve(
    positives: Sequence[int], f1: Sequence[float], edges: Sequence[int] = CURVE_EDGES
) -> tuple[CurveBin, ...]:
    """Mean F1 of the codes in each bin of positives (across codes, not retrained on
    subsamples): how many codings a code needs before its suggestions are worth having."""
    out = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else None
        members = [
            f
            for n, f in zip(positives, f1, strict=True)
            if n >= low and (high is None or n <= high)
        ]
        if members:
            out.append(CurveBin(low, high, len(members), float(np.mean(members))))
    return tuple(out)
