"""Pipelines per language: blank + sentencizer + lookup lemmatizer, nothing downloaded."""

from __future__ import annotations

import pytest

from qualcope.nlp.engine import Engine
from qualcope.nlp.pipeline import (
    base_pipeline,
    has_lemmas,
    spacy_lang,
    trained_pipeline_warning,
)


@pytest.mark.parametrize(
    ("lang", "text", "lemmas"),
    [
        ("en", "We stopped going. They went home.", {"stopped": "stop", "went": "go"}),
        (
            "nl",
            "Ik ben afgehaakt. Zij wegbleef.",
            {"afgehaakt": "afhaken", "wegbleef": "wegblijven"},
        ),
    ],
)
def test_blank_pipeline_splits_sentences_and_looks_up_lemmas(
    lang: str, text: str, lemmas: dict[str, str]
) -> None:
    nlp = base_pipeline(lang)
    assert has_lemmas(nlp)
    doc = nlp(text)
    assert len(list(doc.sents)) == 2
    found = {t.text: t.lemma_ for t in doc if t.text in lemmas}
    assert found == lemmas


def test_a_language_without_tables_or_without_spacy_support_still_works() -> None:
    assert spacy_lang("en-GB") == "en" and spacy_lang("NL") == "nl"
    assert spacy_lang("tlh") == "xx"  # no spaCy language: the multi-language tokenizer
    nlp = base_pipeline("tlh")
    assert not has_lemmas(nlp)
    assert len(list(nlp("Qapla'. nuqneH!").sents)) == 2


def test_a_missing_trained_pipeline_gives_a_warning_and_the_blank_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUALCOPE_SPACY_PIPELINE_EN", "en_no_such_pipeline_sm")
    warning = trained_pipeline_warning("en")
    assert warning is not None and "not installed" in warning
    engine = Engine("en", {1: ["stop going"]})  # falls back to the blank pipeline
    (analysis,) = list(engine.analyse(["I stopped going."]))
    assert [h.cue for h in analysis.hits] == ["stop going"]
