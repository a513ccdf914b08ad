"""Someone's words that look like a label stay their words, said; names stay speakers."""

from __future__ import annotations

import pytest

from qualcope.ingest.turns import find_turns

ANSWER = "Interviewer: Why?\n\nMaria: Two things went wrong, and the problem was {line}\n\n"
END = "Interviewer: And then?\n\nMaria: Nothing."


@pytest.mark.parametrize(
    "line", ["Problem: nobody listened.", "The Problem: nobody listened.", "Yes: we did."]
)
def test_a_common_word_before_a_colon_is_not_a_speaker_who_speaks_once(line: str) -> None:
    """Before, 'Problem: nobody listened.' in Maria's answer was a turn of a speaker
    'Problem', without a word; a word the text also writes in lower case is no name."""
    text = ANSWER.format(line="big.\nyes, big.\n" + line) + END
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == ["Interviewer", "Maria"] * 2
    assert text[layout.turns[1].start : layout.turns[1].end].endswith(line)
    label = line.split(":")[0]
    assert [str(note) for note in layout.notes] == [
        f"line 5: {label!r} looks like a speaker label but was not taken; its words stay in "
        "Maria's turn (add it with --speaker if it is one)"
    ]
    assert [t.speaker for t in find_turns(text, speakers=[label]).turns][2] == label


@pytest.mark.parametrize(
    "name", ["Jan", "Dr. A. van den Berg", "Anne Marie Van der Berg", "Committee 1"]
)
def test_a_name_that_speaks_once_is_still_a_speaker(name: str) -> None:
    text = ANSWER.format(line="big, for the committee.") + f"{name}: I disagree.\n\n" + END
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == [
        "Interviewer",
        "Maria",
        name,
        "Interviewer",
        "Maria",
    ]
    assert layout.notes == []


@pytest.mark.parametrize(
    "interviewer, respondent",
    [("Int.", "Resp."), ("Int", "Resp"), ("Intv.", "Maria"), ("IV", "IP"), ("Interv.", "B")],
)
def test_abbreviated_role_words(interviewer: str, respondent: str) -> None:
    """'Int.:' was a speaker like any other: the interviewer's questions counted as answers."""
    text = f"{interviewer}: How?\n\n{respondent}: So.\n\n{interviewer}: Then?\n\n{respondent}: No."
    marks = [(t.speaker, t.is_interviewer) for t in find_turns(text).turns]
    assert marks == [(interviewer, True), (respondent, False)] * 2
