"""Cue matching: phrases and their inflected forms, English and Dutch, offsets exact."""

from __future__ import annotations

import pytest
import spacy

from qualcope.nlp import lemmas
from qualcope.nlp.cues import CUES_KEY, FACTORY, add_cue_matcher, cue_hits, phrase_variants
from qualcope.nlp.engine import JOINER, Engine
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
    # (A verb and its particle with the object between, "dropped it out", do match: below.)
    text = "The stop was going nowhere. A stopover. We dropped. It was out."
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


def spans(lang: str, cues: dict[str, list[str]], text: str) -> list[tuple[str, str, int, int]]:
    nlp = spacy.blank(lang)
    add_cue_matcher(nlp, cues)
    return cue_hits(nlp(text))


def test_dutch_separable_verb_is_found_with_its_particle_later_in_the_sentence() -> None:
    text = "Ik haakte na twee weken af. Nu haak ik af. Veel buren haken er ook af!"
    hits = spans("nl", {"a": ["afhaken"]}, text)
    expected = ["haakte na twee weken af", "haak ik af", "haken er ook af"]
    assert [(label, cue, text[s:e]) for label, cue, s, e in hits] == [
        ("a", "afhaken", found) for found in expected
    ]
    (first, *_) = hits
    assert (first[2], first[3]) == (text.index("haakte"), text.index(" af.") + 3)


def test_dutch_separable_verb_contiguous_forms_still_match() -> None:
    text = "Ik ben afgehaakt. Ik besloot af te haken. Omdat ik afhaakte. Ik haak af."
    assert found("nl", {"a": ["afhaken"]}, text) == [
        ("a", "afhaken", "afgehaakt"),
        ("a", "afhaken", "af te haken"),
        ("a", "afhaken", "afhaakte"),
        ("a", "afhaken", "haak af"),
    ]


def test_english_phrasal_verb_is_found_with_the_object_between() -> None:
    text = "She gave it up. He gives the plan up. Giving their hopes up was hard. I gave up."
    hits = spans("en", {"avoid": ["give up"]}, text)
    assert [(label, cue, text[s:e]) for label, cue, s, e in hits] == [
        ("avoid", "give up", "gave it up"),
        ("avoid", "give up", "gives the plan up"),
        ("avoid", "give up", "Giving their hopes up"),
        ("avoid", "give up", "gave up"),  # the contiguous match, once
    ]
    assert (hits[0][2], hits[0][3]) == (4, 14)


def test_the_particle_may_come_at_most_eight_tokens_later_in_dutch_and_five_in_english() -> None:
    dutch = "Ik haakte toen na twee lange en zware weken af."  # 'af' is the 8th token on
    assert found("nl", {"a": ["afhaken"]}, dutch) == [("a", "afhaken", dutch[3:-1])]
    english = "She gave all of her books up."  # four tokens between
    assert found("en", {"a": ["give up"]}, english) == [("a", "give up", english[4:-1])]


def test_separated_match_is_a_span_of_the_cue_group_with_label_and_id() -> None:
    nlp = spacy.blank("en")
    matcher = nlp.add_pipe(FACTORY)
    matcher.add_cues("code:3", ["drop out"])
    doc = nlp("They dropped the course out, sadly.")
    (span,) = doc.spans[CUES_KEY]
    assert (span.text, span.label_, span.id_) == ("dropped the course out", "code:3", "drop out")


@pytest.mark.parametrize(
    ("lang", "cue", "text"),
    [
        ("nl", "afhaken", "Ik haakte. Af en toe ging ik nog."),  # sentence end between
        ("nl", "afhaken", "Haak je? Af en toe."),
        ("nl", "afhaken", "Ik haakte; af en toe."),
        ("nl", "afhaken", "Ik haakte\naf en toe."),  # a line break between
        ("nl", "afhaken", "Ik haakte toen na twee lange en zware weken pas af."),  # 9: too far
        ("en", "give up", "She gave it. Up the hill we went."),
        ("en", "give up", "She gave it\n\nup the hill."),
        ("en", "give up", "She gave all of her old books up."),  # 5 between: too far
        ("en", "give up", "The gift was up there."),  # no form of the verb
    ],
)
def test_separated_match_stays_within_a_sentence_and_a_small_window(
    lang: str, cue: str, text: str
) -> None:
    assert spans(lang, {"x": [cue]}, text) == []


@pytest.mark.parametrize(
    ("lang", "cue", "text"),
    [
        ("nl", "opa", "Mijn pa stond vroeg op."),  # "opa" is no particle + verb
        ("nl", "aandacht", "Ik dacht er niet aan."),  # "dacht" is no infinitive
        ("en", "higher up", "Higher prices up north."),  # "higher" is no verb
        ("en", "stop going", "We stop all going."),  # "going" is no particle
    ],
)
def test_only_a_verb_and_a_particle_are_matched_apart(lang: str, cue: str, text: str) -> None:
    assert spans(lang, {"x": [cue]}, text) == []


@pytest.mark.parametrize(
    ("lang", "cues", "texts", "inside"),
    [
        ("nl", ["afhaken"], ["Toen haakte ik", "af en toe ging ik."], "Ik haak af."),
        ("en", ["give up"], ["Then she gave it", "up was the budget."], "She gave it up."),
    ],
)
def test_separated_match_never_spans_two_units(
    lang: str, cues: list[str], texts: list[str], inside: str
) -> None:
    engine = Engine(lang, {1: cues})
    texts = [*texts, inside, *texts]
    units = [Unit(1, None, i * 100, i * 100 + len(t), t) for i, t in enumerate(texts)]
    # The same words in one sentence do match; joined by the engine's blank line they don't.
    assert spans(lang, {"x": cues}, " ".join(texts[:2])) != []
    assert spans(lang, {"x": cues}, JOINER.join(texts[:2])) == []
    in_blocks = [a.hits for a in engine.analyse_units(units)]
    assert in_blocks == [a.hits for a in engine.analyse(texts)]
    assert [len(hits) for hits in in_blocks] == [0, 0, 1, 0, 0]
    (hit,) = in_blocks[2]
    assert inside[hit.start : hit.end] in ("haak af", "gave it up")
