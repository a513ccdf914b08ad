"""The learning part: a calibrated multi-label classifier trained from the project.

No pretrained vectors, nothing downloaded: the tokenizer of ``spacy.blank(lang)`` with
lookup lemmas as NORM (``bow.install_lemma_norms``) feeds a logistic regression over
hashed lemmas (``qualcope.nlp.linear``). Labels are code labels (``"code:<id>"``); an
example carries the labels known for it, or all of them when it is *complete* (a unit
of a finished document), so a positive in an unfinished document teaches nothing about
the other codes.

**Calibrated.** A score is meant to be read as "about this share of such suggestions
is right". The model is trained CALIBRATION_FOLDS times, each time without a third of
the documents, and each model's logits on the documents it did not see fit a Platt
scaling (two numbers shared by every label, since one code's few examples cannot fit
their own). The classifier is the mean of those models (cross-fitting): the same kind
of model the calibration was fitted on. Codebook examples (``group`` -1) are never held
out; with fewer than two documents there is one model, uncalibrated.

The trained classifier is stored as compressed numpy arrays plus a JSON config, with a
SHA-256 of the bytes, so a damaged copy is recognised (``CorruptModelError``) instead of
producing nonsense, and so is a model an earlier qualcope stored in another form.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcope.domain import ProgressCallback, ProgressUpdate, StopCallback, never_stop, no_progress
from qualcope.nlp import linear
from qualcope.nlp.training import TrainingExample

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from spacy.language import Language
    from spacy.tokens import Doc

FORMAT = "qualcope.linear.v1"
EPOCHS = linear.EPOCHS
SEED = 7
CALIBRATION_FOLDS = 3
# Held-out rows used to fit the calibration (a sample keeps it fast on big projects).
CALIBRATION_ROWS = 20000


class CorruptModelError(Exception):
    """A stored model cannot be loaded (damaged bytes, wrong config, an older format)."""


@dataclass
class Classifier:
    """A trained model for one language, and the tokenizer its features come from."""

    lang: str
    model: linear.LinearModel
    meta: dict[str, Any] = field(default_factory=dict)
    _nlp: Language | None = None

    @property
    def labels(self) -> list[str]:
        return self.model.labels

    @property
    def nlp(self) -> Language:
        """The blank tokenizer with lemma norms (built on first use)."""
        if self._nlp is None:
            self._nlp = tokenizer_pipeline(self.lang)
        return self._nlp

    def docs(self, texts: Iterable[str]) -> list[Doc]:
        return list(self.nlp.tokenizer.pipe(texts, batch_size=1000))

    def probabilities(self, docs: Sequence[Doc]) -> NDArray[np.float64]:
        """Calibrated probability per doc (rows) and label (columns)."""
        return self.model.probabilities(linear.featurize(docs))


def tokenizer_pipeline(lang: str) -> Language:
    """``spacy.blank`` with NORM = lookup lemma: the features' source."""
    from qualcope.nlp import bow
    from qualcope.nlp.pipeline import blank

    nlp = blank(lang)
    bow.install_lemma_norms(nlp)
    return nlp


def targets_of(examples: Sequence[TrainingExample], labels: Sequence[str]) -> linear.Targets:
    index = {label: i for i, label in enumerate(labels)}
    positives = []
    known: list[NDArray[np.int64] | None] = []
    for ex in examples:
        positives.append(
            np.fromiter(
                (index[lb] for lb, v in ex.cats.items() if v >= 0.5 and lb in index), np.int64
            )
        )
        known.append(
            None
            if ex.complete
            else np.fromiter((index[lb] for lb in ex.cats if lb in index), np.int64)
        )
    return linear.Targets(positives, known)


def train(
    lang: str,
    examples: Sequence[TrainingExample],
    labels: Sequence[str],
    *,
    epochs: int = EPOCHS,
    seed: int = SEED,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> Classifier | None:
    """Train and calibrate a classifier; None when asked to stop before it finished."""
    labels = list(labels)
    nlp = tokenizer_pipeline(lang)
    features = linear.featurize_texts(nlp, (ex.text for ex in examples))
    targets = targets_of(examples, labels)
    groups = np.fromiter((ex.group for ex in examples), np.int64, len(examples))
    folds = _calibration_folds(groups, seed)
    rounds = max(len(folds), 1)
    done = 0

    def epoch_done(_epoch: int) -> None:
        nonlocal done
        done += 1
        on_progress(ProgressUpdate(done, rounds * epochs, "training the classifier"))

    held: list[tuple[NDArray[np.float32], NDArray[np.bool_], NDArray[np.int32]]] = []
    flat = targets.arrays()
    rng = np.random.default_rng(seed)
    fold_models: list[linear.LinearModel] = []

    def fit(rows: NDArray[np.int64] | None) -> linear.LinearModel | None:
        chosen = (features, targets) if rows is None else (features[rows], _subset(targets, rows))
        found = linear.fit(
            *chosen,
            len(labels),
            epochs=epochs,
            seed=seed,
            should_stop=should_stop,
            on_epoch=epoch_done,
        )
        return None if found is None else linear.LinearModel(labels, *found)

    for test in folds:
        fold_model = fit(np.flatnonzero(~test))
        if fold_model is None:
            return None
        test_rows = np.flatnonzero(test)
        if len(test_rows) > CALIBRATION_ROWS // len(folds):
            test_rows = np.sort(rng.choice(test_rows, CALIBRATION_ROWS // len(folds), False))
        fold_models.append(fold_model)
        held.append(flat.known_values(fold_model.raw_logits(features[test_rows]), test_rows))
    if fold_models:
        # The fold models together are the classifier (their mean, one linear model): the
        # calibration was fitted on exactly such models, where a model trained anew on all
        # the data would have logits of another spread and make the calibration lie.
        final = linear.average(fold_models)
    else:
        single = fit(None)
        if single is None:
            return None
        final = single
    platt = (1.0, 0.0)
    meta: dict[str, Any] = {}
    if held:
        logits = np.concatenate([h[0] for h in held])
        truth = np.concatenate([h[1] for h in held])
        label_index = np.concatenate([h[2] for h in held])
        del held
        platt = linear.fit_platt(logits, truth)
        meta["held_out"] = held_out_counts(
            labels, label_index, truth, linear.calibrated(logits, platt)
        )
    meta["platt"] = list(platt)
    final.platt = platt
    return Classifier(lang, final, meta, nlp)


def held_out_counts(
    labels: Sequence[str],
    label_index: NDArray[np.int32],
    truth: NDArray[np.bool_],
    probability: NDArray[np.floating],
) -> dict[str, list[int]]:
    """label -> [coded, suggested, right] on the documents held out for calibration: how the
    classifier alone did at the suggestion threshold on units it had not seen."""
    from qualcope.nlp.engine import SUGGEST_THRESHOLD

    suggested = probability >= SUGGEST_THRESHOLD
    yes = truth
    count = len(labels)
    coded = np.bincount(label_index, weights=yes, minlength=count)
    shown = np.bincount(label_index, weights=suggested, minlength=count)
    right = np.bincount(label_index, weights=yes & suggested, minlength=count)
    return {label: [int(coded[i]), int(shown[i]), int(right[i])] for i, label in enumerate(labels)}


def _calibration_folds(groups: NDArray[np.int64], seed: int) -> list[NDArray[np.bool_]]:
    """Boolean held-out masks, whole documents each; none with fewer than two documents."""
    documents = np.unique(groups[groups >= 0])
    if len(documents) < 2:
        return []
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(documents)
    count = min(CALIBRATION_FOLDS, len(documents))
    return [np.isin(groups, shuffled[i::count]) for i in range(count)]


def _subset(targets: linear.Targets, rows: NDArray[np.int64]) -> linear.Targets:
    chosen = rows.tolist()
    return linear.Targets(
        [targets.positives[i] for i in chosen], [targets.known[i] for i in chosen]
    )


def predict(model: Classifier, texts: Sequence[str]) -> list[dict[str, float]]:
    """Label probabilities for each text."""
    scores = model.probabilities(model.docs(texts))
    return [dict(zip(model.labels, row.tolist(), strict=True)) for row in scores]


def labels_of(model: Classifier) -> tuple[str, ...]:
    return tuple(model.labels)


def to_artifact(model: Classifier) -> tuple[bytes, str, str]:
    """(bytes, config, sha256) to store in the project."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **linear.to_arrays(model.model))
    data = buffer.getvalue()
    config = json.dumps({"format": FORMAT, "lang": model.lang, "labels": model.labels})
    return data, config, hashlib.sha256(data).hexdigest()


def from_artifact(data: bytes, config: str, sha256: str | None = None) -> Classifier:
    """Load a stored classifier; ``CorruptModelError`` when it cannot be trusted."""
    if not data:
        raise CorruptModelError("the stored model is empty")
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise CorruptModelError("the stored model does not match its checksum")
    try:
        settings = json.loads(config)
    except ValueError:
        settings = None
    if not isinstance(settings, dict) or settings.get("format") != FORMAT:
        raise CorruptModelError("the stored model was made by an earlier qualcope")
    try:
        labels = [str(label) for label in settings["labels"]]
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            model = linear.from_arrays(labels, arrays)
    except Exception as exc:  # anything numpy or zipfile raise means: not usable
        reason = type(exc).__name__
        raise CorruptModelError(f"the stored model cannot be loaded ({reason})") from exc
    if not labels:
        raise CorruptModelError("the stored model has no classifier")
    return Classifier(str(settings.get("lang", "en")), model, {"platt": list(model.platt)})
