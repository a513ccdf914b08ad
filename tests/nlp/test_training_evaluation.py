"""What counts as a positive or a negative, how cues learn, and what evaluation reports."""

from __future__ import annotations

import pytest

from qualcope.nlp.evaluation import LanguageSetup, cross_validate, scores_of
from qualcope.nlp.results import Unit
from qualcope.nlp.training import (
    CUE_PRIOR,
    SpanLabel,
    covers,
    cue_precision,
    label_units,
    trainable_codes,
)
from qualcope.nlp.units import SegmentRow, units_of_document
from tests.nlp.synthetic import labelled


def unit(doc: int, start: int, end: int) -> Unit:
    return Unit(doc, None, start, end, "x" * (end - start))


def test_a_coding_covers_a_unit_when_it_holds_half_of_either() -> None:
    assert covers(0, 100, 10, 40)  # a short quote inside the sentence
    assert covers(0, 100, 0, 300)  # a long coding over several sentences
    assert not covers(0, 100, 90, 300)  # spills 10 characters into the sentence
    assert not covers(0, 100, 100, 120)  # touches only


def test_labels_from_codings_rejections_and_finished_documents() -> None:
    units = [unit(1, 0, 50), unit(1, 50, 100), unit(2, 0, 50), unit(2, 50, 100)]
    codings = [SpanLabel(1, 0, 50, 7), SpanLabel(2, 0, 40, 7)]
    rejections = [SpanLabel(2, 50, 100, 8), SpanLabel(2, 0, 50, 7)]
    data = label_units(units, codings, rejections, finished_documents={1}, codes={7, 8})
    by_span = {
        (u.document_id, u.start): known for u, known in zip(data.units, data.labels, strict=True)
    }
    assert by_span[(1, 0)] == {7: True, 8: False}  # finished: the missing code is a negative
    assert by_span[(1, 50)] == {7: False, 8: False}
    assert by_span[(2, 0)] == {7: True}  # a coding outweighs someone's rejection
    assert by_span[(2, 50)] == {8: False}  # unfinished: only the rejection is known
    # Only finished documents and decisions rate cues; a lone coding would flatter them.
    fair = {(u.document_id, u.start): f for u, f in zip(data.units, data.fair, strict=True)}
    assert fair[(1, 0)] == {7, 8} and fair[(2, 50)] == {8} and fair[(2, 0)] == {7}


def test_codes_need_enough_positives_and_negatives_to_be_learnt() -> None:
    units = [unit(1, i * 10, i * 10 + 10) for i in range(20)]
    codings = [SpanLabel(1, i * 10, i * 10 + 10, 3) for i in range(5)]
    codings += [SpanLabel(1, i * 10, i * 10 + 10, 4) for i in range(4)]
    data = label_units(units, codings, finished_documents={1}, codes={3, 4, 5})
    assert trainable_codes(data) == {3}


def test_a_cue_the_analyst_keeps_rejecting_falls_below_the_threshold() -> None:
    from qualcope.nlp.engine import SUGGEST_THRESHOLD

    units = [unit(1, i * 10, i * 10 + 10) for i in range(18)]
    rejected = [SpanLabel(1, i * 10, i * 10 + 10, 3) for i in range(16)]
    accepted = [SpanLabel(1, 160, 170, 3), SpanLabel(1, 170, 180, 3)]
    data = label_units(units, accepted, rejected, accepted=accepted, codes={3})
    hits = [[(3, "higher up")] for _ in range(16)] + [[(3, "alderman")] for _ in range(2)]
    precision = cue_precision(data, hits)
    assert precision[(3, "higher up")] < SUGGEST_THRESHOLD < CUE_PRIOR
    assert precision[(3, "alderman")] > precision[(3, "higher up")]


def test_units_are_respondent_sentences_else_turns_else_split_here() -> None:
    text = "Q: Why?\n\nA: Because. We left early!\n\nQ: And?"
    q1, a, q2 = (text.index("Why?"), text.index("Because"), text.index("And?"))
    a_end = text.index("!") + 1
    turns = [
        SegmentRow(1, "turn", q1, q1 + 4, True),
        SegmentRow(2, "turn", a, a_end, False),
        SegmentRow(5, "turn", q2, q2 + 4, True),
    ]
    sentences = [
        SegmentRow(3, "sentence", a, a + 8, False),
        SegmentRow(4, "sentence", a + 9, a_end, False),
    ]
    assert [u.text for u in units_of_document(1, text, turns + sentences, "en")] == [
        "Because.",
        "We left early!",
    ]
    assert [u.segment_id for u in units_of_document(1, text, turns, "en")] == [2]
    plain = "Wij zijn toen gestopt.  Daarna niet meer gegaan! Klaar."
    split = units_of_document(9, plain, [], "nl")
    assert [plain[u.start : u.end] for u in split] == [u.text for u in split]
    assert len(split) == 3 and all(u.segment_id is None for u in split)


def test_scores_follow_their_definitions() -> None:
    s = scores_of(tp=2, predicted=3, support=4)
    assert (s.precision, s.recall) == pytest.approx((2 / 3, 1 / 2))
    assert s.f1 == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))
    assert scores_of(0, 0, 5).f1 == 0.0


def test_evaluation_reports_every_method_per_code_and_macro() -> None:
    rows = labelled(n_pos=20, n_neg=120, seed=5)
    units, codings = [], []
    position = 0
    for i, (text, known) in enumerate(rows):
        doc = i % 6  # six documents: folds split documents
        units.append(Unit(doc, None, position, position + len(text), text))
        codings += [
            SpanLabel(doc, position, position + len(text), c) for c, v in known.items() if v
        ]
        position += len(text) + 1
    data = label_units(units, codings, finished_documents=range(6), codes={1, 2})
    cues = {1: ["alderman"], 2: []}  # code 2 has no cue: cue-only finds nothing for it
    setup = {"en": LanguageSetup(cues, {1: ["We complained to the mayor."], 2: []})}
    result = cross_validate(
        data, dict.fromkeys(range(6), "en"), setup, {1: "G/One", 2: "G/Two"}, folds=3
    )
    assert result is not None and result.split == "document" and result.folds == 3
    by_code = {c.code_id: c for c in result.codes}
    truth_1 = sum(1 for _, k in rows if k[1])
    fired = [
        known[1]
        for u, known in zip(data.units, data.labels, strict=True)
        if "alderman" in u.text.lower()
    ]
    right = sum(fired)
    cue_1 = by_code[1].by_method["cue"]
    assert (cue_1.support, cue_1.predicted, cue_1.true_positives) == (truth_1, len(fired), right)
    assert by_code[2].by_method["cue"].predicted == 0
    assert by_code[2].by_method["classifier"].f1 > 0.5  # learnt from the coded examples alone
    assert result.macro["cue"].f1 == pytest.approx((cue_1.f1 + 0.0) / 2)
    assert set(result.groups) == {"G"}
    # Intervals over documents hold the estimates; the comparison uses paired resamples.
    assert result.unit == "sentence" and result.resamples == 200
    for scores in [
        *(s for c in result.codes for s in c.by_method.values()),
        *result.macro.values(),
    ]:
        assert scores.f1_low is not None and scores.f1_high is not None
        assert scores.f1_low <= scores.f1_high
    assert (
        result.macro["combined"].f1_low
        <= result.macro["combined"].f1
        <= result.macro["combined"].f1_high
    )
    assert result.difference is not None
    assert result.difference.value == pytest.approx(
        result.macro["combined"].f1 - result.macro["cue"].f1
    )
    shown, every = result.calibration
    assert shown.floor > 0 and every.floor == 0 and 0 < shown.count <= every.count
    assert 0 <= shown.ece <= 1
    assert [(b.low, b.codes) for b in result.curve] == [(20, 2)]  # 20 positives each
    assert any("is noise" in n for n in result.notes)
    assert any("nothing is tuned" in n for n in result.notes)


def test_passages_are_respondent_turns_or_the_sentences_of_a_turn() -> None:
    text = "Q: Why?\n\nA: Because. We left early!\n\nQ: And?\n\nA: No. Never again."
    q1, a, q2 = (text.index("Why?"), text.index("Because"), text.index("And?"))
    a_end, b = text.index("!") + 1, text.index("No.")
    turns = [
        SegmentRow(1, "turn", q1, q1 + 4, True),
        SegmentRow(2, "turn", a, a_end, False),
        SegmentRow(5, "turn", q2, q2 + 4, True),
        SegmentRow(6, "turn", b, len(text), False),
    ]
    sentences = [
        SegmentRow(2, "sentence", a, a + 8, False),
        SegmentRow(2, "sentence", a + 9, a_end, False),
        SegmentRow(6, "sentence", b, b + 3, False),
        SegmentRow(6, "sentence", b + 4, len(text), False),
    ]
    passages = units_of_document(1, text, turns + sentences, "en", unit="turn")
    assert [u.text for u in passages] == ["Because. We left early!", "No. Never again."]
    # Sentences without their turn rows: grouped by the turn that holds them.
    grouped = units_of_document(1, text, sentences, "en", unit="turn")
    assert [(u.segment_id, u.text) for u in grouped] == [
        (2, passages[0].text),
        (6, passages[1].text),
    ]
    # No segments at all: no turns to speak of, so the passages are the sentences.
    plain = "Wij zijn toen gestopt. Daarna niet meer gegaan!"
    assert len(units_of_document(9, plain, [], "nl", unit="turn")) == 2
    with pytest.raises(ValueError, match="unknown unit"):
        units_of_document(1, text, turns, "en", unit="paragraph")


def test_passage_evaluation_counts_turns_not_sentences() -> None:
    # Six documents of four respondent turns of two sentences; in each document two turns
    # hold two coded sentences each (4 codings), so code 1 has 2 positive turns per document.
    positive = "We complained to the alderman about the bus. They answered our letter."
    negative = "The bus was late again. We had coffee in the garden."
    units, sentence_units, codings = [], [], []
    for doc in range(6):
        position = 0
        for turn in range(4):
            text = positive if turn < 2 else negative
            units.append(Unit(doc, turn, position, position + len(text), text))
            cut = text.index(". ") + 1
            sentence_units += [
                Unit(doc, turn, position, position + cut, text[:cut]),
                Unit(doc, turn, position + cut + 1, position + len(text), text[cut + 1 :]),
            ]
            if turn < 2:
                codings += [
                    SpanLabel(doc, position, position + cut, 1),
                    SpanLabel(doc, position + cut + 1, position + len(text), 1),
                ]
            position += len(text) + 2
    setup = {"en": LanguageSetup({1: ["alderman"]}, {1: []})}
    found = {}
    for kind, chosen in (("passage", units), ("sentence", sentence_units)):
        data = label_units(chosen, codings, finished_documents=range(6), codes={1})
        found[kind] = cross_validate(
            data, dict.fromkeys(range(6), "en"), setup, {1: "G/One"}, folds=3, unit=kind, epochs=2
        )
    passage, sentence = found["passage"], found["sentence"]
    assert passage is not None and sentence is not None
    assert (passage.unit, passage.units, passage.documents) == ("passage", 24, 6)
    assert passage.codes[0].positives == 12 and sentence.codes[0].positives == 24
    cue = passage.codes[0].by_method["cue"]
    assert (cue.support, cue.predicted, cue.true_positives) == (12, 12, 12)
    assert sentence.codes[0].by_method["cue"].true_positives == 12  # one sentence per turn
    assert passage.folds == sentence.folds == 3 and passage.split == "document"
