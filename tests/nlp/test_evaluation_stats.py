"""The statistics behind `suggest evaluate`: folds, bootstrap intervals, calibration, curve."""

from __future__ import annotations

import numpy as np
import pytest

from qualcope.nlp import evaluation_stats as stats
from qualcope.nlp.evaluation import fold_ids
from qualcope.nlp.results import Unit
from qualcope.nlp.training import LabelledUnits


def _document_counts(documents: int, seed: int) -> np.ndarray:
    """(1 code, documents, [tp, fp, fn]): about 2 positives per document, half found."""
    rng = np.random.default_rng(seed)
    tp = rng.poisson(1.0, documents)
    fp = rng.poisson(1.0, documents)
    fn = rng.poisson(1.0, documents)
    return np.stack([tp, fp, fn], axis=-1)[None, :, :].astype(float)


def _interval(counts: np.ndarray) -> tuple[float, float, float]:
    point = float(stats.f1_of(counts.sum(axis=1))[0])
    boot = stats.bootstrap_f1(counts, stats.resample_weights(counts.shape[1]))
    low, high = stats.interval(boot[:, 0])
    return point, float(low), float(high)


def test_the_bootstrap_interval_holds_the_estimate_and_narrows_with_more_documents() -> None:
    point, low, high = _interval(_document_counts(8, seed=1))
    assert low <= point <= high and high - low > 0.1
    many_point, many_low, many_high = _interval(_document_counts(200, seed=1))
    assert many_low <= many_point <= many_high
    assert many_high - many_low < (high - low) / 2


def test_the_bootstrap_is_seeded_and_resamples_documents() -> None:
    weights = stats.resample_weights(7, resamples=50)
    assert weights.shape == (50, 7) and (weights.sum(axis=1) == 7).all()
    assert (stats.resample_weights(7, resamples=50) == weights).all()


def test_f1_from_counts_matches_its_definition() -> None:
    counts = np.array([[2, 1, 2], [0, 0, 0], [0, 3, 1]], dtype=float)
    precision, recall = 2 / 3, 2 / 4
    expected = 2 * precision * recall / (precision + recall)
    assert stats.f1_of(counts) == pytest.approx([expected, 0.0, 0.0])


def test_a_paired_difference_knows_when_it_is_noise() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(0.3, 0.05, 200)
    same = stats.paired_difference("combined", "cue", base + rng.normal(0, 0.01, 200), base, 0.0)
    assert same.within_noise
    better = stats.paired_difference("combined", "cue", base + 0.1, base, 0.1)
    assert not better.within_noise and better.low == pytest.approx(0.1)


def test_calibration_error_is_zero_when_scores_are_right_and_large_when_overconfident() -> None:
    scores = [0.25] * 4 + [0.75] * 4
    truth = [True, False, False, False, True, True, True, False]
    perfect = stats.calibration(scores, truth)
    assert perfect.ece == pytest.approx(0.0) and perfect.count == 8
    assert [(b.count, b.observed) for b in perfect.bins] == [(4, 0.25), (4, 0.75)]
    overconfident = stats.calibration([0.95] * 10, [True, False] * 5)
    assert overconfident.ece == pytest.approx(0.45)


def test_calibration_counts_only_scores_at_or_above_the_floor() -> None:
    scores = [0.0, 0.0, 0.1, 0.5, 0.5]
    truth = [False, False, False, True, False]
    shown = stats.calibration(scores, truth, floor=0.15)
    assert shown.count == 2 and shown.ece == pytest.approx(0.0)
    every = stats.calibration(scores, truth)  # every score above 0
    assert every.count == 3 and every.ece == pytest.approx((0.1 + 0.0 * 2) / 3)
    assert stats.calibration([], []).count == 0
    assert stats.calibration([1.0], [True]).bins[0].low == pytest.approx(0.9)


def test_the_learning_curve_bins_codes_by_their_positives() -> None:
    positives = [2, 4, 7, 12, 15, 60]
    f1 = [0.0, 0.2, 0.3, 0.5, 0.3, 0.8]
    curve = stats.learning_curve(positives, f1)
    assert [(b.low, b.high, b.codes) for b in curve] == [
        (1, 4, 2),
        (5, 9, 1),
        (10, 19, 2),
        (50, None, 1),
    ]  # the empty 20-49 bin is left out
    assert [b.mean_f1 for b in curve] == pytest.approx([0.1, 0.3, 0.4, 0.8])


def _data(documents: dict[int, int]) -> LabelledUnits:
    """``documents``: id -> number of units."""
    units = [Unit(d, None, i, i + 1, "x") for d, n in documents.items() for i in range(n)]
    return LabelledUnits(units, [{} for _ in units], [frozenset() for _ in units])


def test_folds_are_whole_documents_whenever_there_are_two() -> None:
    data = _data({1: 5, 2: 3, 3: 8, 4: 2, 5: 4, 6: 1, 7: 6})
    assignment, split = fold_ids(data, 3)
    assert split == "document" and set(assignment) == {0, 1, 2}
    fold_of: dict[int, set[int]] = {}
    for unit, fold in zip(data.units, assignment, strict=True):
        fold_of.setdefault(unit.document_id, set()).add(fold)
    assert all(len(f) == 1 for f in fold_of.values())
    assert fold_ids(data, 3) == (assignment, split)  # seeded: the same every time
    # Fewer documents than folds: one document per fold, never a document split.
    few, split = fold_ids(_data({1: 10, 2: 10, 3: 10}), 5)
    assert split == "document" and sorted(set(few)) == [0, 1, 2]
    assert stats.document_folds([4, 9], 5)[1] == 2
    # A single document is the only case split by units.
    single, split = fold_ids(_data({1: 10}), 5)
    assert split == "unit" and sorted(set(single)) == [0, 1, 2, 3, 4]


def test_sentences_and_passages_of_the_same_documents_share_their_folds() -> None:
    sentences, passages = _data({3: 9, 5: 12, 8: 4, 9: 7}), _data({3: 2, 5: 3, 8: 1, 9: 2})

    def by_document(data: LabelledUnits) -> dict[int, int]:
        assignment, _split = fold_ids(data, 5)
        return {u.document_id: f for u, f in zip(data.units, assignment, strict=True)}

    assert by_document(sentences) == by_document(passages)
