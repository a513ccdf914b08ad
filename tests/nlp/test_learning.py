"""The classifier learns from labelled segments; stored models round-trip; damage is detected."""

from __future__ import annotations

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
    assert loaded.meta["qualcope"]["repeats"] == trained.meta["qualcope"]["repeats"]


@pytest.mark.filterwarnings("ignore::UserWarning")  # the broken config's own complaint
def test_damaged_models_are_detected(trained) -> None:  # type: ignore[no-untyped-def]
    data, config, digest = clf.to_artifact(trained)
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0xFF
    with pytest.raises(clf.CorruptModelError, match="checksum"):
        clf.from_artifact(bytes(flipped), config, digest)
    with pytest.raises(clf.CorruptModelError):
        clf.from_artifact(data[: len(data) // 3], config)  # truncated, no checksum to help
    with pytest.raises(clf.CorruptModelError):
        clf.from_artifact(data, "[nlp]\nlang = 'en'\npipeline = ['nope']\n")
    with pytest.raises(clf.CorruptModelError, match="empty"):
        clf.from_artifact(b"", config)


def test_repeated_positives_are_taken_out_of_the_probability() -> None:
    assert clf.unrepeat(0.5, 1) == 0.5
    # Odds of 1 shown 4 times as often come out as odds of 1/4.
    assert clf.unrepeat(0.5, 4) == pytest.approx(0.2)
    assert clf.unrepeat(0.0, 4) == 0.0 and clf.unrepeat(1.0, 4) == pytest.approx(1.0)
