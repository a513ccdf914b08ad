"""The learning part: a bag-of-words ``textcat_multilabel`` trained from the project.

No pretrained vectors, nothing downloaded: ``spacy.blank(lang)`` plus a hashed
bag-of-words model over lemmas (``qualcope.nlp.bow``), which trains on a few
thousand segments in seconds and scores tens of thousands per second. Labels
are code labels (``"code:<id>"``); an example only carries the labels that
are known for it (textcat_multilabel treats the others as missing), so a
positive in an unfinished document teaches nothing about the other codes.

Rare labels have their positives repeated in training, which raises the
odds the model gives them by the same factor; the factor is kept in
``nlp.meta`` and ``unrepeat`` takes it out again, so a probability means what
it says (a 0.3 is right about three times in ten).

The trained pipeline is stored as ``nlp.to_bytes()`` plus its config, with a
SHA-256 of the bytes, so a damaged copy is recognised (``CorruptModelError``)
instead of producing nonsense.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qualcope.domain import ProgressCallback, ProgressUpdate, StopCallback, never_stop, no_progress
from qualcope.nlp import bow
from qualcope.nlp.training import TrainingExample

if TYPE_CHECKING:
    from spacy.language import Language

COMPONENT = "textcat_multilabel"
EPOCHS = 12
BATCH_SIZE = 32
DROPOUT = 0.1
LEARN_RATE = 0.01
SEED = 7
HASH_LENGTH = 2**14
NGRAM_SIZE = 1
# Positives are rare (a code fits a few sentences in a hundred): repeat them so the
# model does not learn that "no" is always right. Capped to keep training fast.
MAX_POSITIVE_REPEAT = 4


class CorruptModelError(Exception):
    """A stored model cannot be loaded (damaged bytes, wrong config, other spaCy)."""


def new_classifier(lang: str, labels: Sequence[str]) -> Language:
    """A blank pipeline with an untrained bag-of-words multi-label text classifier."""
    from qualcope.nlp.pipeline import blank

    nlp = blank(lang)
    bow.install_lemma_norms(nlp)
    textcat = nlp.add_pipe(
        COMPONENT,
        config={
            "threshold": 0.5,
            "model": {
                "@architectures": bow.ARCHITECTURE,
                "exclusive_classes": False,
                "ngram_size": NGRAM_SIZE,
                "no_output_layer": False,
                "length": HASH_LENGTH,
            },
        },
    )
    for label in labels:
        textcat.add_label(label)  # type: ignore[attr-defined]
    return nlp


def train(
    lang: str,
    examples: Sequence[TrainingExample],
    labels: Sequence[str],
    *,
    epochs: int = EPOCHS,
    seed: int = SEED,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> Language | None:
    """Train a classifier; None when asked to stop before it finished.

    How often each label's positives were repeated is kept in
    ``nlp.meta["qualcope"]["repeats"]`` (see ``unrepeat``).
    """
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = new_classifier(lang, labels)
    data = _balanced(examples, labels)
    docs = list(nlp.tokenizer.pipe(ex.text for ex in data))
    gold = [Example.from_dict(doc, {"cats": ex.cats}) for doc, ex in zip(docs, data, strict=True)]
    optimizer = nlp.initialize(lambda: gold[:500])
    textcat = nlp.get_pipe(COMPONENT)
    optimizer.learn_rate = LEARN_RATE
    total = epochs * len(gold)
    done = 0
    for epoch in range(epochs):
        rng.shuffle(gold)
        for batch in minibatch(gold, size=BATCH_SIZE):
            if should_stop():
                return None
            # The component's own update: Language.update would copy every example first.
            textcat.update(batch, sgd=optimizer, drop=DROPOUT)
            done += len(batch)
        on_progress(ProgressUpdate(done, total, f"training: epoch {epoch + 1}/{epochs}"))
    nlp.meta["qualcope"] = {"repeats": repeats(examples, labels)}
    return nlp


def repeats(examples: Sequence[TrainingExample], labels: Sequence[str]) -> dict[str, int]:
    """How many times each label's positives are shown in training (1 = not repeated)."""
    positives = dict.fromkeys(labels, 0)
    negatives = dict.fromkeys(labels, 0)
    for ex in examples:
        for label, value in ex.cats.items():
            if label in positives:
                if value >= 0.5:
                    positives[label] += 1
                else:
                    negatives[label] += 1
    return {
        label: max(1, min(MAX_POSITIVE_REPEAT, negatives[label] // max(positives[label], 1)))
        for label in labels
    }


def _balanced(examples: Sequence[TrainingExample], labels: Sequence[str]) -> list[TrainingExample]:
    """The examples, with positives of rare labels repeated (see ``repeats``)."""
    factor = repeats(examples, labels)
    out = list(examples)
    for ex in examples:
        repeat = max(
            (factor.get(label, 1) for label, value in ex.cats.items() if value >= 0.5), default=1
        )
        out.extend([ex] * (repeat - 1))
    return out


def unrepeat(probability: float, repeat: float) -> float:
    """Undo the shift repeated positives give a probability (odds divided by ``repeat``)."""
    if repeat <= 1:
        return probability
    return probability / (repeat - (repeat - 1) * probability)


def predict(nlp: Language, texts: Sequence[str], batch_size: int = 256) -> list[dict[str, float]]:
    """Label probabilities for each text."""
    return [dict(doc.cats) for doc in nlp.pipe(texts, batch_size=batch_size)]


def labels_of(nlp: Language) -> tuple[str, ...]:
    return tuple(nlp.get_pipe(COMPONENT).labels)  # type: ignore[attr-defined]


def to_artifact(nlp: Language) -> tuple[bytes, str, str]:
    """(bytes, config, sha256) to store in the project."""
    data = nlp.to_bytes()
    return data, nlp.config.to_str(), hashlib.sha256(data).hexdigest()


def from_artifact(data: bytes, config: str, sha256: str | None = None) -> Language:
    """Load a stored classifier; ``CorruptModelError`` when it cannot be trusted."""
    if not data:
        raise CorruptModelError("the stored model is empty")
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise CorruptModelError("the stored model does not match its checksum")
    try:
        from spacy.util import load_model_from_config
        from thinc.api import Config

        nlp = load_model_from_config(Config().from_str(config), auto_fill=True)
        nlp.from_bytes(data)
        bow.install_lemma_norms(nlp)
        if not nlp.has_pipe(COMPONENT) or not labels_of(nlp):
            raise CorruptModelError("the stored model has no classifier")
        nlp(" ")  # a damaged weight table fails here rather than in the middle of a run
    except CorruptModelError:
        raise
    except Exception as exc:  # anything spaCy, thinc or msgpack raise means: not usable
        reason = type(exc).__name__
        raise CorruptModelError(f"the stored model cannot be loaded ({reason})") from exc
    return nlp
