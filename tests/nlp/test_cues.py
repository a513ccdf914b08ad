"""Cue matching: phrases and their inflected forms, English and Dutch, offsets exact."""

from __future__ import annotations

import pytest
import spacy

from qualcope.nlp import lemmas
from qualcope.nlp.cues import CUES_KEY, FACTORY, add_cue_matcher, cue_hits, phrase_variants
from qualcope.nlp.engine import Engine
from qualcope.nlp.results import Unit


def found(lang: str, cues: dict[str, list[str]], text: str) -> list[tuple[str, str, str]]:
    nlp = spacy.blank(lang)
    add_cue_matcher(nlp, cues)
    doc = nlp(text)
    return [(label, cue, text[s:e]) for label, cue, s, e in cue_hits(doc)]


def test_english_cue_finds_inflected_forms_and_any_case() -> None:
    text = "So I Stopped going. She stops going too. We went to the Mayor. He dropped out."
    hits = found("en", {"avoid": ["stop going", "drop out"], "esc": ["go to the mayor"]}, text)
    assert ("avoid", "stop going", "Stopped going") in hits
    assert ("avoid", "stop going", "stops going") in hits
    assert ("esc", "go to the mayor", "went to the Mayor") in hits
    assert ("avoid", "drop out", "dropped out") in hits


def test_english_cue_does_not_match_other_words_or_broken_phrases() -> None:
    text = "The stop was going nowhere. A stopover. We dropped it out."
    assert found("en", {"avoid": ["stop going", "drop out"]}, text) == []


def test_dutch_cue_finds_inflected_forms() -> None:
    text = "Toen ben ik afgehaakt. We hebben een klacht ingediend bij de Burgemeester."
    hits = found("nl", {"a": ["afhaken"], "e": ["klacht indienen", "bij de burgemeester"]}, text)
    assert ("a", "afhaken", "afgehaakt") in hits
    assert ("e", "klacht indienen", "klacht ingediend") in hits
    assert ("e", "bij de burgemeester", "bij de Burgemeester") in hits


def test_variants_come_from_the_lookup_tables_read_in_reverse() -> None:
    variants = phrase_variants(["stop", "going"], "en")
    assert variants[0] == ("stop", "going")  # the cue itself first
    assert ("stopped", "going") in variants and ("stopping", "went") in variants
    assert "afgehaakt" in lemmas.forms_of("afhaken", "nl")
    assert lemmas.forms_of("Gewerkt", "xx") == frozenset({"gewerkt"})  # no table: itself


def test_results_are_spans_of_a_registered_factory() -> None:
    nlp = spacy.blank("en")
    matcher = nlp.add_pipe(FACTORY)
    matcher.add_cues("code:7", ["higher up"])
    doc = nlp("It was decided higher up, they said.")
    (span,) = doc.spans[CUES_KEY]
    assert (span.text, span.label_, span.id_) == ("higher up", "code:7", "higher up")


@pytest.mark.parametrize("cue", ["", "  ", "!!!", "…", "--"])
def test_a_cue_without_a_word_adds_no_pattern(cue: str) -> None:
    nlp = spacy.blank("en")
    matcher = add_cue_matcher(nlp, {"x": [cue]})
    assert len(matcher) == 0
    assert cue_hits(nlp("!!! ... -- …")) == []


def test_hit_offsets_map_back_exactly_to_the_document_text() -> None:
    # Combining accents, an emoji and CRLF-free multi-byte text before the cue.
    document = "Intro: café\u0301 😀 naïve. Then I Stopped going, and we went to the mayor."
    start = document.index("Then")
    unit = Unit(1, None, start, len(document), document[start:])
    engine = Engine("en", {5: ["stop going"], 6: ["go to the mayor"]})
    (analysis,) = list(engine.analyse([unit.text]))
    spans = {h.code_id: document[unit.start + h.start : unit.start + h.end] for h in analysis.hits}
    assert spans == {5: "Stopped going", 6: "went to the mayor"}
    (first, second) = sorted(engine.candidates(unit, analysis), key=lambda c: c.code_id)
    assert first.reason == 'cue "stop going" (as "Stopped going")'
    assert (first.unit.start, first.unit.end) == (start, len(document))
    assert second.method == "cue"


def test_units_processed_in_blocks_give_the_same_hits_as_one_by_one() -> None:
    texts = [
        "We stopped going.",
        "Higher",  # no cue may span two units: 'higher' + 'up' of the next one
        "up was the budget.",
        "It was decided higher up, and then we went to the mayor.",
        "",
        "Ça va: we dropped out 😀 and stopped going again.",
    ] * 30
    units = [Unit(1, None, i * 100, i * 100 + len(t), t) for i, t in enumerate(texts)]
    engine = Engine("en", {1: ["stop going", "drop out"], 2: ["higher up", "go to the mayor"]})
    one_by_one = [a.hits for a in engine.analyse(texts)]
    in_blocks = [a.hits for a in engine.analyse_units(units)]
    assert in_blocks == one_by_one
    assert sum(len(h) for h in in_blocks) == 30 * 5
