"""A multi-label logistic regression over hashed lemmas, in numpy and scipy.sparse.

Why not spaCy's ``textcat_multilabel``: it keeps a Python dict of every label per
example and builds its truth arrays label by label, so a fully coded project with
300 codes and 20,000 labelled sentences took 200 s and 1.4 GB to train. Here the
labels of a unit are a list of its positive codes plus either "every other label is
a no" (a *complete* unit: a finished or densely coded document) or the few labels
known for it; the mask is built per batch. Training is AdaGrad on mini-batches that
touches only the weight rows of the features present in the batch, so its cost grows
with the tokens of the batch times the number of labels, never with the hash size.

Features are the lookup lemmas of a unit's words (NORM, see ``bow.install_lemma_norms``)
hashed into FEATURES columns, present or not, divided by the root of their number (a
long sentence does not score higher for being long).

Rare codes have their positives weighted up (at most MAX_POSITIVE_WEIGHT); negatives of
units without any positive are subsampled at rate ``q`` when there are many. Both shift
a label's odds by a known factor that ``raw_logits`` takes out again, so the logits are
the model's plain estimate; ``classifier.train`` then calibrates them (Platt scaling on
held-out documents).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
    from spacy.tokens import Doc

FEATURES = 2**14
EPOCHS = 10
# Mini-batches of at least MIN_BATCH rows, larger on big sets (about 64 steps an epoch).
MIN_BATCH = 32
MAX_BATCH = 512
LEARN_RATE = 1.0
L2 = 3e-3
MAX_POSITIVE_WEIGHT = 4.0
# Units without any positive beyond this many (or NEGATIVE_RATIO times the units with one)
# are sampled: they teach little each and cost as much as the rest.
NEGATIVE_CAP = 6000
NEGATIVE_RATIO = 4


def _ragged(arrays: Sequence[NDArray[np.int64]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(indptr, flat values) of a list of index arrays."""
    sizes = np.fromiter((len(a) for a in arrays), np.int64, len(arrays))
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate(arrays).astype(np.int64) if len(arrays) else np.zeros(0, np.int64)
    return indptr, flat


def _gather(
    indptr: NDArray[np.int64], flat: NDArray[np.int64], rows: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(position in ``rows``, value) of every value of the chosen rows of a ragged array."""
    starts, ends = indptr[rows], indptr[rows + 1]
    sizes = ends - starts
    owner = np.repeat(np.arange(len(rows)), sizes)
    offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return owner, flat[np.repeat(starts, sizes) + offsets]


@dataclass
class Targets:
    """What is known per unit: positive label indices, and the known labels when not all are.

    ``known[i] is None``: every label is known for unit i (the ones not in ``positives[i]``
    are negatives); otherwise only the label indices in ``known[i]`` are.
    """

    positives: list[NDArray[np.int64]]
    known: list[NDArray[np.int64] | None]

    def __len__(self) -> int:
        return len(self.positives)

    def arrays(self) -> TargetArrays:
        complete = np.fromiter((k is None for k in self.known), bool, len(self.known))
        empty = np.zeros(0, np.int64)
        return TargetArrays(
            *_ragged(self.positives),
            *_ragged([empty if k is None else k for k in self.known]),
            complete,
        )

    def counts(self, labels: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(positives, negatives) per label."""
        pos = np.zeros(labels, dtype=np.int64)
        known = np.zeros(labels, dtype=np.int64)
        complete = 0
        for p, k in zip(self.positives, self.known, strict=True):
            pos[p] += 1
            if k is None:
                complete += 1
            else:
                known[k] += 1
        return pos, known + complete - pos


@dataclass
class TargetArrays:
    """``Targets`` as flat arrays, so a batch's truth and mask are built without a loop."""

    pos_indptr: NDArray[np.int64]
    pos_flat: NDArray[np.int64]
    known_indptr: NDArray[np.int64]
    known_flat: NDArray[np.int64]
    complete: NDArray[np.bool_]

    def known_values(
        self, matrix: NDArray[np.float32], rows: NDArray[np.int64]
    ) -> tuple[NDArray[np.float32], NDArray[np.bool_], NDArray[np.int32]]:
        """The entries of ``matrix`` (one row per ``rows``, one column per label) whose label
        is known for that row, flat: (values, truth, label index)."""
        labels = matrix.shape[1]
        truth = np.zeros(matrix.shape, dtype=bool)
        truth[_gather(self.pos_indptr, self.pos_flat, rows)] = True
        known = np.zeros(matrix.shape, dtype=bool)
        known[self.complete[rows]] = True
        known[_gather(self.known_indptr, self.known_flat, rows)] = True
        column = np.broadcast_to(np.arange(labels, dtype=np.int32), matrix.shape)
        return matrix[known].astype(np.float32), truth[known], column[known]

    def batch(
        self, rows: NDArray[np.int64], labels: int
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """(truth, mask) of the rows: 1 where a label is a yes / is known."""
        y = np.zeros((len(rows), labels), dtype=np.float32)
        y[_gather(self.pos_indptr, self.pos_flat, rows)] = 1.0
        mask = np.zeros((len(rows), labels), dtype=np.float32)
        mask[self.complete[rows]] = 1.0
        mask[_gather(self.known_indptr, self.known_flat, rows)] = 1.0
        return y, mask


def featurize_texts(nlp: Any, texts: Iterable[str], chunk: int = 1000) -> csr_matrix:
    """``featurize`` over the tokens of ``nlp``'s tokenizer, ``chunk`` docs at a time (a
    spaCy Doc is several kB: twenty thousand of them at once would be hundreds of MB)."""
    from scipy.sparse import csr_matrix, vstack

    parts = []
    pending: list[str] = []
    for text in texts:
        pending.append(text)
        if len(pending) >= chunk:
            parts.append(featurize(list(nlp.tokenizer.pipe(pending))))
            pending = []
    if pending or not parts:
        parts.append(featurize(list(nlp.tokenizer.pipe(pending))))
    if len(parts) == 1:
        return parts[0]
    return csr_matrix(vstack(parts, format="csr"))


def featurize(docs: Sequence[Doc]) -> csr_matrix:
    """Rows of hashed lemma presence, each scaled to unit length."""
    from scipy.sparse import csr_matrix
    from spacy.attrs import IS_PUNCT, IS_SPACE, NORM

    arrays = []
    for doc in docs:
        # Function words stay: "we just", "I would rather" carry coping strategies.
        table = doc.to_array([NORM, IS_PUNCT, IS_SPACE])
        keep = (table[:, 1] == 0) & (table[:, 2] == 0) if len(table) else np.zeros(0, bool)
        arrays.append(table[keep, 0] % np.uint64(FEATURES))
    sizes = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    flat = np.concatenate(arrays).astype(np.int64) if arrays else np.zeros(0, np.int64)
    owner = np.repeat(np.arange(len(arrays)), sizes)
    keys = np.unique(owner * FEATURES + flat)
    rows, cols = np.divmod(keys, FEATURES)
    per_row = np.bincount(rows, minlength=len(arrays))
    values = 1.0 / np.sqrt(np.maximum(per_row, 1))
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    return csr_matrix(
        (values[rows].astype(np.float32), cols, indptr), shape=(len(arrays), FEATURES)
    )


@dataclass
class LinearModel:
    """Weights (FEATURES x labels), biases, and the odds shifts training put in."""

    labels: list[str]
    weights: NDArray[np.float32]
    bias: NDArray[np.float32]
    shift: NDArray[np.float32]  # log of the odds factor training added, per label
    platt: tuple[float, float] = (1.0, 0.0)  # calibration: p = sigmoid(a * logit + b)

    def raw_logits(self, features: csr_matrix) -> NDArray[np.float32]:
        return np.asarray(features @ self.weights) + (self.bias - self.shift)

    def probabilities(self, features: csr_matrix) -> NDArray[np.float64]:
        return calibrated(self.raw_logits(features).astype(np.float64), self.platt)


def average(models: Sequence[LinearModel]) -> LinearModel:
    """One linear model scoring the mean of the models' raw logits (shifts folded in)."""
    weights = np.mean([m.weights for m in models], axis=0, dtype=np.float32)
    bias = np.mean([m.bias - m.shift for m in models], axis=0, dtype=np.float32)
    return LinearModel(models[0].labels, weights, bias, np.zeros_like(bias))


def calibrated(logits: NDArray[np.float64], platt: tuple[float, float]) -> NDArray[np.float64]:
    a, b = platt
    return 1.0 / (1.0 + np.exp(-np.clip(a * logits + b, -30, 30)))


def sample_negatives(
    targets: Targets, rng: np.random.Generator, cap: int = NEGATIVE_CAP
) -> tuple[NDArray[np.int64], float]:
    """Row indices to train on and the rate ``q`` at which positive-free rows were kept."""
    has_positive = np.fromiter((len(p) > 0 for p in targets.positives), bool, len(targets))
    with_pos = np.flatnonzero(has_positive)
    without = np.flatnonzero(~has_positive)
    keep = max(cap, NEGATIVE_RATIO * len(with_pos))
    if len(without) <= keep:
        return np.arange(len(targets)), 1.0
    chosen = np.sort(rng.choice(without, size=keep, replace=False))
    return np.sort(np.concatenate([with_pos, chosen])), keep / len(without)


def fit(
    features: csr_matrix,
    targets: Targets,
    labels: int,
    *,
    epochs: int = EPOCHS,
    seed: int = 7,
    should_stop: Callable[[], bool] = lambda: False,
    on_epoch: Callable[[int], None] = lambda epoch: None,
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]] | None:
    """(weights, bias, shift) learnt from the rows; None when asked to stop."""
    from scipy.sparse import csr_matrix

    rng = np.random.default_rng(seed)
    rows, kept = sample_negatives(targets, rng)
    pos, neg = targets.counts(labels)
    pos_weight = np.clip(neg / np.maximum(pos, 1), 1.0, MAX_POSITIVE_WEIGHT).astype(np.float32)
    # Negatives kept at rate q multiply every label's odds by about 1/q; weighting a label's
    # positives by w multiplies them by w.
    shift = (np.log(pos_weight) - math.log(kept)).astype(np.float32)
    prior = (pos + 1.0) / (pos + neg + 2.0)
    weights = np.zeros((FEATURES, labels), dtype=np.float32)
    bias = (np.log(prior / (1 - prior)) + shift).astype(np.float32)
    g_weights = np.full((FEATURES, labels), 1e-6, dtype=np.float32)
    g_bias = np.full(labels, 1e-6, dtype=np.float32)
    size = max(MIN_BATCH, min(MAX_BATCH, len(rows) // 64))
    flat = targets.arrays()
    for epoch in range(epochs):
        order = rng.permutation(rows)
        for start in range(0, len(order), size):
            if should_stop():
                return None
            batch = order[start : start + size]
            x = features[batch]
            present, inverse = np.unique(x.indices, return_inverse=True)
            xs = csr_matrix((x.data, inverse, x.indptr), shape=(len(batch), len(present)))
            w = weights[present]
            p = 1.0 / (1.0 + np.exp(-np.clip(xs @ w + bias, -30, 30)))
            y, mask = flat.batch(batch, labels)
            grad = (p - y) * mask * (1.0 + (pos_weight - 1.0) * y) / len(batch)
            gw = np.asarray(xs.T @ grad) + L2 * w
            gb = grad.sum(axis=0)
            g_weights[present] += gw * gw
            weights[present] = w - LEARN_RATE * gw / np.sqrt(g_weights[present])
            g_bias += gb * gb
            bias -= LEARN_RATE * gb / np.sqrt(g_bias)
        on_epoch(epoch)
    return weights, bias, shift


def fit_platt(
    logits: NDArray[np.floating],
    truth: NDArray[np.bool_] | NDArray[np.floating],
    *,
    max_negatives: int = 200_000,
    seed: int = 7,
) -> tuple[float, float]:
    """(a, b) minimising the log loss of sigmoid(a * logit + b) (Newton's method).

    Past ``max_negatives`` the negatives are sampled (before anything is copied) and
    weighted up to match. Falls back to (1, 0), the uncalibrated logits, with too few
    positives to trust a fit.
    """
    yes = np.asarray(truth) >= 0.5
    positive = np.flatnonzero(yes)
    negatives = len(yes) - len(positive)
    if len(positive) < 5 or negatives < 5:
        return 1.0, 0.0
    negative_weight = 1.0
    if negatives > max_negatives:
        rng = np.random.default_rng(seed)
        # Draw positions among the negatives without listing them all: rank -> index.
        ranks = np.sort(rng.choice(negatives, max_negatives, replace=False))
        kept = ranks + np.searchsorted(positive - np.arange(len(positive)), ranks, side="right")
        chosen = np.sort(np.concatenate([positive, kept]))
        negative_weight = negatives / max_negatives
        x = np.asarray(logits[chosen], dtype=np.float64)
        t = yes[chosen].astype(np.float64)
    else:
        x = np.asarray(logits, dtype=np.float64)
        t = yes.astype(np.float64)
    weight = np.where(t > 0.5, 1.0, negative_weight)
    # Platt's targets: a little short of 0 and 1, so a perfectly separated set stays finite.
    n_pos, n_neg = float(len(positive)), float(negatives)
    target = np.where(t > 0.5, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a, b = 1.0, 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(a * x + b, -30, 30)))
        d = weight * (p - target)
        g = np.array([(d * x).sum(), d.sum()])
        h = weight * (p * (1 - p) + 1e-9)
        cross = (h * x).sum()
        hess = np.array([[(h * x * x).sum() + 1e-6, cross], [cross, h.sum()]])
        step = np.linalg.solve(hess, g)
        a, b = a - step[0], b - step[1]
        if abs(step).max() < 1e-6:
            break
    if not (math.isfinite(a) and math.isfinite(b)) or a <= 0:
        return 1.0, 0.0
    return float(a), float(b)


def to_arrays(model: LinearModel) -> dict[str, Any]:
    return {
        "weights": model.weights,
        "bias": model.bias,
        "shift": model.shift,
        "platt": np.asarray(model.platt, dtype=np.float64),
    }


def from_arrays(labels: list[str], arrays: Any) -> LinearModel:
    weights = np.asarray(arrays["weights"], dtype=np.float32)
    bias = np.asarray(arrays["bias"], dtype=np.float32)
    shift = np.asarray(arrays["shift"], dtype=np.float32)
    platt = np.asarray(arrays["platt"], dtype=np.float64)
    if weights.shape != (FEATURES, len(labels)) or bias.shape != (len(labels),):
        raise ValueError("weights do not match the labels")
    if shift.shape != bias.shape or platt.shape != (2,):
        raise ValueError("calibration does not match the labels")
    if not (np.isfinite(weights).all() and np.isfinite(bias).all() and np.isfinite(platt).all()):
        raise ValueError("weights are not finite")
    return LinearModel(labels, weights, bias, shift, (float(platt[0]), float(platt[1])))
