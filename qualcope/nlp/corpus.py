"""The project as the suggestion engine sees it: codes with cues, units, and labels.

The suggestions service reads these from the database in one go; everything
here is plain Python (no SQL), so training and evaluation can be tested and
benchmarked without a project.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcope.domain import ProgressCallback, StopCallback, never_stop, no_progress
from qualcope.nlp.results import ModelInfo, Unit
from qualcope.nlp.training import (
    NEGATIVES_CODED_THROUGH,
    LabelledUnits,
    SpanLabel,
    classifier_examples,
    code_label,
    codebook_texts,
    coded_through,
    label_units,
    parse_label,
    trainable_codes,
)

if TYPE_CHECKING:
    from qualcope.nlp.classifier import Classifier

MODEL_KIND = "textcat"


@dataclass
class Codebook:
    """The codes suggestions are for (groups excluded): paths, cues per language, examples."""

    paths: dict[int, str] = field(default_factory=dict)
    cues: dict[int, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    examples: dict[int, str] = field(default_factory=dict)

    def cues_for(self, lang: str, codes: Iterable[int] | None = None) -> dict[int, list[str]]:
        chosen = set(codes) if codes is not None else set(self.paths)
        return {c: list(self.cues.get(c, {}).get(lang, ())) for c in self.paths if c in chosen}

    def texts_for(self, lang: str) -> dict[int, list[str]]:
        return {
            c: codebook_texts(self.examples.get(c, ""), self.cues.get(c, {}).get(lang, ()))
            for c in self.paths
        }

    def fingerprint(self) -> str:
        payload = [
            [c, self.paths[c], self.cues.get(c, {}), self.examples.get(c, "")] for c in self.paths
        ]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def has_cues(self) -> bool:
        return any(phrases for cues in self.cues.values() for phrases in cues.values())


@dataclass
class Corpus:
    """Units per document and what the analysts said about them."""

    languages: dict[int, str] = field(default_factory=dict)
    units: dict[int, list[Unit]] = field(default_factory=dict)
    codings: list[SpanLabel] = field(default_factory=list)
    rejections: list[SpanLabel] = field(default_factory=list)
    accepted: list[SpanLabel] = field(default_factory=list)
    finished: set[int] = field(default_factory=set)
    negatives: str = NEGATIVES_CODED_THROUGH  # the rule for unfinished documents

    def coded_through(self) -> set[int]:
        """Unfinished documents taken as fully coded (empty unless that rule is on)."""
        if self.negatives != NEGATIVES_CODED_THROUGH:
            return set()
        units = [u for d in sorted(self.units) for u in self.units[d]]
        return coded_through(units, self.codings) - self.finished

    def labelled_documents(self) -> set[int]:
        """Documents with anything known about them: finished, coded or decided on."""
        found = set(self.finished)
        found.update(s.document_id for s in self.codings)
        found.update(s.document_id for s in self.rejections)
        return found

    def units_of(self, lang: str, documents: Iterable[int] | None = None) -> list[Unit]:
        chosen = sorted(documents) if documents is not None else sorted(self.languages)
        return [u for d in chosen if self.languages.get(d) == lang for u in self.units.get(d, [])]

    def labelled(
        self,
        lang: str,
        codes: Iterable[int],
        documents: Iterable[int] | None = None,
        finished: Iterable[int] | None = None,
    ) -> LabelledUnits:
        """Units of a language with what is known about them (see ``training.label_units``)."""
        chosen = self.labelled_documents() if documents is None else documents
        return label_units(
            self.units_of(lang, chosen),
            self.codings,
            self.rejections,
            self.finished if finished is None else finished,
            codes,
            self.accepted,
            negatives=self.negatives,
        )

    def evaluation_documents(self) -> tuple[set[int], list[str]]:
        """Documents whose every sentence is labelled, and a note on how they were chosen."""
        if self.finished:
            return set(self.finished), []
        coded = {s.document_id for s in self.codings}
        note = (
            "no document is marked finished: every document with a coding is taken as fully coded"
        )
        return coded, [note] if coded else []


@dataclass(frozen=True)
class TrainedModel:
    nlp: Classifier
    data: bytes
    config: str
    meta: dict[str, Any]


def train_model(
    lang: str,
    book: Codebook,
    corpus: Corpus,
    *,
    decisions: int = 0,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> TrainedModel | None:
    """Train the classifier of one language; None when no code has enough examples (or stopped).

    ``decisions`` (the project's decision count) is kept in the meta to tell when
    the model is due for retraining.
    """
    from qualcope.nlp import classifier as clf

    data = corpus.labelled(lang, book.paths)
    codes = trainable_codes(data)
    if not codes:
        return None
    began = time.perf_counter()
    examples = classifier_examples(data, codes, book.texts_for(lang))
    labels = [code_label(c) for c in sorted(codes)]
    nlp = clf.train(lang, examples, labels, on_progress=on_progress, should_stop=should_stop)
    if nlp is None:
        return None
    blob, config, digest = clf.to_artifact(nlp)
    positives, negatives = data.counts()
    meta = {
        "labels": labels,
        "codebook_hash": book.fingerprint(),
        "decisions": decisions,
        "examples": len(examples),
        "positives": {str(c): positives.get(c, 0) for c in sorted(codes)},
        "negatives": {str(c): negatives.get(c, 0) for c in sorted(codes)},
        "sha256": digest,
        "platt": nlp.meta.get("platt", [1.0, 0.0]),
        "held_out": {
            str(p[1]): counts
            for label, counts in nlp.meta.get("held_out", {}).items()
            if (p := parse_label(label))
        },
        "documents": len({u.document_id for u in data.units}),
        "complete_units": sum(1 for known in data.labels if known.complete),
        "negatives_rule": corpus.negatives,
        "seconds": round(time.perf_counter() - began, 2),
    }
    return TrainedModel(nlp, blob, config, meta)


def model_info(model_id: int | None, lang: str, meta: dict[str, Any]) -> ModelInfo:
    """What a stored model's meta says about it."""
    return ModelInfo(
        model_id=model_id,
        lang=lang,
        labels=tuple(p[1] for label in meta.get("labels", []) if (p := parse_label(label))),
        examples=int(meta.get("examples", 0)),
        positives={int(k): int(v) for k, v in meta.get("positives", {}).items()},
        negatives={int(k): int(v) for k, v in meta.get("negatives", {}).items()},
        codebook_hash=str(meta.get("codebook_hash", "")),
        seconds=float(meta.get("seconds", 0.0)),
        held_out={
            int(k): (int(v[0]), int(v[1]), int(v[2])) for k, v in meta.get("held_out", {}).items()
        },
    )


def retrain_due(
    meta: dict[str, Any], book: Codebook, decisions: int, every: int, negatives: str | None = None
) -> bool:
    """True when the codebook or the negatives rule changed, or ``every`` decisions were made
    since training."""
    if meta.get("codebook_hash") != book.fingerprint():
        return True
    if negatives is not None and meta.get("negatives_rule") != negatives:
        return True
    return decisions - int(meta.get("decisions", 0)) >= every
