"""Speaker turns in plain text: every label style of the issue, exact offsets, interviewer marks."""

from __future__ import annotations

import pytest

from qualcope.domain import SegmentSpec
from qualcope.ingest.turns import detect_turns, is_interviewer


def spoken(text: str, turns: list[SegmentSpec]) -> list[tuple[str | None, bool, str]]:
    return [(t.speaker, t.is_interviewer, text[t.start : t.end]) for t in turns]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Interviewer: How did it start?\n\nRespondent 3: With a letter.",
            [("Interviewer", True, "How did it start?"), ("Respondent 3", False, "With a letter.")],
        ),
        (
            "I: Waarom?\nR: Omdat het moest.\nI: En toen?\nR: Niets.",
            [
                ("I", True, "Waarom?"),
                ("R", False, "Omdat het moest."),
                ("I", True, "En toen?"),
                ("R", False, "Niets."),
            ],
        ),
        (
            "ANA: We met twice.\nBEN: Three times.\nANA: Twice!",
            [
                ("ANA", False, "We met twice."),
                ("BEN", False, "Three times."),
                ("ANA", False, "Twice!"),
            ],
        ),
        (
            "[Moderator] Welcome all.\n[Marleen] Thanks.\n[Moderator] Let's start.",
            [
                ("Moderator", True, "Welcome all."),
                ("Marleen", False, "Thanks."),
                ("Moderator", True, "Let's start."),
            ],
        ),
        (
            "**Interviewer:** Why?\n\n**Ana Smith:** Because.\n\n**Ana Smith**: Really.",
            [
                ("Interviewer", True, "Why?"),
                ("Ana Smith", False, "Because."),
                ("Ana Smith", False, "Really."),
            ],
        ),
    ],
    ids=["roles", "I/R", "NAME", "[Name]", "markdown"],
)
def test_label_styles(text: str, expected: list[tuple[str, bool, str]]) -> None:
    assert spoken(text, detect_turns(text)) == expected


def test_a_turn_runs_over_paragraphs_until_the_next_label() -> None:
    text = "Ana: First part.\n\nSecond part, same answer.\nQ: Next?\nAna: Yes."
    turns = detect_turns(text)
    assert spoken(text, turns)[0] == ("Ana", False, "First part.\n\nSecond part, same answer.")
    assert [t.turn_index for t in turns] == [0, 1, 2]


def test_timestamps_go_to_meta_not_into_the_turn() -> None:
    text = "[00:01:23] Ana: Hello.\n[00:01:30] Ben: Hi.\nAna (01:35): Bye."
    turns = detect_turns(text)
    assert spoken(text, turns) == [
        ("Ana", False, "Hello."),
        ("Ben", False, "Hi."),
        ("Ana", False, "Bye."),
    ]
    assert [t.meta for t in turns] == [{"start": 83.0}, {"start": 90.0}, {"start": 95.0}]


def test_otter_style_label_line_with_time_then_text() -> None:
    text = "Ana Smith  0:03\nHello there.\n\nBen  0:09\nHi Ana.\n\nAna Smith  0:12\nBye."
    assert spoken(text, detect_turns(text)) == [
        ("Ana Smith", False, "Hello there."),
        ("Ben", False, "Hi Ana."),
        ("Ana Smith", False, "Bye."),
    ]


def test_a_colon_in_prose_is_not_a_speaker() -> None:
    text = "Note: this was recorded at home.\n\nThe thing is: nobody came. Time 10:30 was late."
    turns = detect_turns(text)
    assert [t.speaker for t in turns] == [None, None]
    assert spoken(text, turns)[0][2] == "Note: this was recorded at home."


def test_bracketed_notes_are_not_speakers() -> None:
    text = "Interviewer: Hi.\n[laughs] okay.\n[Inaudible] then.\nRespondent: So [pause] yes."
    assert [t.speaker for t in detect_turns(text)] == ["Interviewer", "Respondent"]


def test_header_lines_before_the_first_label_are_a_turn_without_speaker() -> None:
    text = "Interview 4\nDate: 12 May\n\nInterviewer: Shall we?\nRespondent: Yes."
    assert spoken(text, detect_turns(text)) == [
        (None, False, "Interview 4\nDate: 12 May"),
        ("Interviewer", True, "Shall we?"),
        ("Respondent", False, "Yes."),
    ]


def test_text_without_labels_is_split_into_paragraphs() -> None:
    text = "First thought.\nStill first.\n\n\nSecond thought."
    assert spoken(text, detect_turns(text)) == [
        (None, False, "First thought.\nStill first."),
        (None, False, "Second thought."),
    ]


def test_interviewer_marking_by_role_word_or_given_name() -> None:
    assert is_interviewer("Interviewer 2") and is_interviewer("Q") and is_interviewer("I")
    assert is_interviewer("Interviewster") and not is_interviewer("Respondent")
    assert not is_interviewer("Ana") and is_interviewer("ana", ["Ana"])
    text = "Ana: Why?\nBen: Because.\nAna: Thanks."
    assert [t.is_interviewer for t in detect_turns(text, ["Ana"])] == [True, False, True]
