"""The classifier learns from labelled segments; stored models round-trip; damage is detected."""

from __future__ import annotations

import random
import statistics

import pytest

from qualcope.nlp import classifier as clf
from qualcope.nlp.training import TrainingExample, code_label
from tests.nlp.synthetic import TOPICS, labelled


def auc(positives: list[float], negatives: list[float]) -> float:
    pairs = [(p > n) + 0.5 * (p == n) for p in positives for n in negatives]
    return sum(pairs) / len(pairs)


@pytest.fixture(scope="module")
def trained():  # type: ignore[no-untyped-def]
    train = labelled(n_pos=12, n_neg=150, seed=1)
    examples = [
        TrainingExample(text, {code_label(c): float(v) for c, v in known.items()})
        for text, known in train
    ]
    nlp = clf.train("en", examples, [code_label(c) for c in TOPICS])
    assert nlp is not None
    return nlp


def test_held_out_positives_rank_above_negatives(trained) -> None:  # type: ignore[no-untyped-def]
    held_out = labelled(n_pos=30, n_neg=300, seed=2)
    predictions = clf.predict(trained, [text for text, _ in held_out])
    for code in TOPICS:
        label = code_label(code)
        pos = [p[label] for p, (_, k) in zip(predictions, held_out, strict=True) if k[code]]
        neg = [p[label] for p, (_, k) in zip(predictions, held_out, strict=True) if not k[code]]
        assert auc(pos, neg) >= 0.85, code
        assert statistics.mean(pos) > 2 * statistics.mean(neg)


def test_a_classifier_trained_on_shuffled_labels_learns_nothing() -> None:
    # The control: the same texts with labels that carry no information.
    train = labelled(n_pos=12, n_neg=150, seed=1)
    flags = [known[1] for _, known in train]
    shifted = flags[7:] + flags[:7]
    examples = [
        TrainingExample(text, {code_label(1): float(flag)})
        for (text, _), flag in zip(train, shifted, strict=True)
    ]
    nlp = clf.train("en", examples, [code_label(1)])
    assert nlp is not None
    held_out = labelled(n_pos=30, n_neg=300, seed=2)
    scores = clf.predict(nlp, [text for text, _ in held_out])
    pos = [s[code_label(1)] for s, (_, k) in zip(scores, held_out, strict=True) if k[1]]
    neg = [s[code_label(1)] for s, (_, k) in zip(scores, held_out, strict=True) if not k[1]]
    assert auc(pos, neg) < 0.7


def test_stored_model_round_trips(trained) -> None:  # type: ignore[no-untyped-def]
    data, config, digest = clf.to_artifact(trained)
    loaded = clf.from_artifact(data, config, digest)
    texts = ["We complained to the alderman about it.", "The bus was late this morning."]
    assert clf.predict(loaded, texts) == pytest.approx(clf.predict(trained, texts))
    assert loaded.model.platt == pytest.approx(trained.model.platt)


@pytest.mark.filterwarnings("ignore::UserWarning")  # the broken config's own complaint
def test_damaged_models_are_detected(trained) -> None:  # type: ignore[no-untyped-def]
    data, config, digest = clf.to_artifact(trained)
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0xFF
    with pytest.raises(clf.CorruptModelError, match="checksum"):
        clf.from_artifact(bytes(flipped), config, digest)
    with pytest.raises(clf.CorruptModelError):
        clf.from_artifact(data[: len(data) // 3], config)  # truncated, no checksum to help
    with pytest.raises(clf.CorruptModelError, match="earlier qualcope"):
        clf.from_artifact(data, "[nlp]\nlang = 'en'\npipeline = ['textcat_multilabel']\n")
    with pytest.raises(clf.CorruptModelError, match="empty"):
        clf.from_artifact(b"", config)


def noisy(n_pos: int, n_neg: int, seed: int, kept: float) -> list[tuple[str, bool, int]]:
    """Sentences of topic 1 labelled yes only ``kept`` of the time, as analysts do; with a
    pseudo-document number each (ten sentences a document)."""
    rng = random.Random(seed)
    rows = labelled(n_pos=n_pos, n_neg=n_neg, seed=seed)
    return [
        (text, known[1] and rng.random() < kept, i // 10) for i, (text, known) in enumerate(rows)
    ]


def test_probabilities_are_calibrated_on_held_out_documents() -> None:
    # Topic-1 sentences are coded 60% of the time: a calibrated model says about 60% for
    # them, not 99% (what an uncalibrated, well-separating model says).
    train = noisy(n_pos=80, n_neg=400, seed=3, kept=0.6)
    examples = [
        TrainingExample(text, {code_label(1): float(flag)}, group=doc) for text, flag, doc in train
    ]
    model = clf.train("en", examples, [code_label(1)])
    assert model is not None and model.model.platt != (1.0, 0.0)
    held_out = labelled(n_pos=200, n_neg=400, seed=4)
    scores = clf.predict(model, [text for text, _ in held_out])
    topic = [s[code_label(1)] for s, (_, k) in zip(scores, held_out, strict=True) if k[1]]
    other = [s[code_label(1)] for s, (_, k) in zip(scores, held_out, strict=True) if not k[1]]
    assert 0.35 <= statistics.mean(topic) <= 0.75
    assert statistics.mean(other) < 0.1


def test_complete_examples_teach_every_label_and_partial_ones_only_theirs() -> None:
    # A unit of a finished document (complete) is a no for every code it lacks; a coded
    # unit of an unfinished one says nothing about the other codes.
    rows = labelled(n_pos=15, n_neg=150, seed=5)
    complete = [
        TrainingExample(text, {code_label(c): 1.0 for c in TOPICS if k[c]}, complete=True)
        for text, k in rows
    ]
    model = clf.train("en", complete, [code_label(c) for c in TOPICS])
    assert model is not None
    held_out = labelled(n_pos=30, n_neg=300, seed=6)
    scores = clf.predict(model, [text for text, _ in held_out])
    for code in TOPICS:
        pos = [s[code_label(code)] for s, (_, k) in zip(scores, held_out, strict=True) if k[code]]
        neg = [
            s[code_label(code)] for s, (_, k) in zip(scores, held_out, strict=True) if not k[code]
        ]
        assert auc(pos, neg) >= 0.9, code
    # Positives only, none complete: no negatives at all, so nothing can be told apart.
    partial = [TrainingExample(t, {code_label(1): 1.0}) for t, k in rows if k[1]]
    flat = clf.train("en", partial, [code_label(1)])
    assert flat is not None
    spread = clf.predict(flat, [text for text, _ in held_out])
    assert min(s[code_label(1)] for s in spread) > 0.5
