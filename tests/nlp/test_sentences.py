"""Sentence segments inside turns: exact offsets, speakers inherited, every language offline."""

from __future__ import annotations

import pytest

from qualcope.domain import SegmentSpec
from qualcope.errors import QualcopeError
from qualcope.ingest.turns import detect_turns
from qualcope.nlp.sentences import check_language, sentence_specs


def test_sentences_lie_inside_their_turn_with_exact_offsets() -> None:
    text = "Interviewer: Why? Tell me.\n\nAna: It was hard. [laughs] Really hard!  And then... no."
    turns = detect_turns(text)
    sentences = sentence_specs(text, turns, "en")
    assert [text[s.start : s.end] for s in sentences] == [
        "Why?",
        "Tell me.",
        "It was hard.",
        "[laughs] Really hard!",
        "And then... no.",
    ]
    for sentence in sentences:
        turn = turns[sentence.turn_index]
        assert turn.start <= sentence.start < sentence.end <= turn.end
        assert (sentence.speaker, sentence.is_interviewer) == (turn.speaker, turn.is_interviewer)


def test_sentences_cover_all_words_of_each_turn() -> None:
    text = "R: Ik zocht een atelier. [lacht] Toen stond het gebouw leeg. Dus ja!\nI: Oké."
    turns = detect_turns(text)
    sentences = sentence_specs(text, turns, "nl")
    for turn in turns:
        inside = [s for s in sentences if s.turn_index == turn.turn_index]
        words = " ".join(text[s.start : s.end] for s in inside).split()
        assert words == text[turn.start : turn.end].split()


def test_an_empty_list_of_turns_gives_no_sentences() -> None:
    assert sentence_specs("", [], "en") == []
    assert sentence_specs("x", [SegmentSpec("turn", 0, 1)], "en")[0].end == 1


def test_unknown_language_is_a_user_error() -> None:
    assert check_language(" NL ") == "nl"
    with pytest.raises(QualcopeError, match="unknown language 'zz'"):
        check_language("zz")
