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

    units = [unit(1, i * 10, i * 10 + 10) for i in range(14)]
    rejected = [SpanLabel(1, i * 10, i * 10 + 10, 3) for i in range(12)]
    accepted = [SpanLabel(1, 120, 130, 3), SpanLabel(1, 130, 140, 3)]
    data = label_units(units, accepted, rejected, accepted=accepted, codes={3})
    hits = [[(3, "higher up")] for _ in range(12)] + [[(3, "alderman")] for _ in range(2)]
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
