"""Sentence segments inside turns: exact offsets, speakers inherited, every language offline."""

from __future__ import annotations

import random

import pytest

from qualcope.domain import SegmentSpec
from qualcope.errors import QualcopeError
from qualcope.ingest.turns import detect_turns
from qualcope.nlp.sentences import (
    check_language,
    pipeline,
    rule_sentence_starts,
    sentence_specs,
    sentencizer_punct,
)


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


TRICKY = [
    "",
    "   ",
    "No end",
    "Mr. Smith went to the U.S. in 2019. He stayed... for a while!",
    'She said: "Stop!" Then (after a pause) we left?! Yes.',
    "Why?? Because. [laughs] Really!\n\nNext line.\tTab. «Quote.» 3.5 million.",
    "Hij zei: ‘Nee.’ En toen... niets meer. (Pauze.) Oké!",
    "A。B？C！D. e.g. this; i.e. that. \u00a0Odd space. \u2003Em space!",
    ". . . ! ? Leading marks. ...",
]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_sentence_rule_gives_the_sentencizers_sentence_starts(lang: str) -> None:
    nlp = pipeline(lang)
    punct = sentencizer_punct(lang)
    assert punct is not None
    pieces = "Ja word U.S. ... . ! ? ?! “ ” ( ) [ ] ' \" — , : 3.5 。 é [lacht]".split()
    pieces += [" ", "\n", "\n\n", "\t"]
    rng = random.Random(7)
    texts = TRICKY + [
        "".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(rng.randint(0, 60)))
        for _ in range(300)
    ]
    for text in texts:
        full = nlp(text)  # the tokenizer and the sentencizer component
        expected = [token.idx for token in full if token.is_sent_start]
        assert rule_sentence_starts(nlp.make_doc(text), punct) == expected, repr(text)
