"""Labels with times as transcription services write them, and times that are someone's words."""

from __future__ import annotations

import pytest

from qualcope.ingest.turns import find_turns

SAID = ["How did it start?", "With a letter.", "And then?", "Nothing at all."]
WHO = ["Maria Jansen", "Piet de Vries"] * 2
TIMES = ["00:02", "00:08", "00:15", "00:21"]


@pytest.mark.parametrize(
    "label",
    [
        "[{who}] 10:{time}\n",  # Zoom: a bracket tag, then the time, then the words below
        "{who}: ({time})\n",  # Rev
        "{who}: [{time}] ",
        "{who} - {time}\n",  # a name, a dash and the time on its own line
        "{who} | {time}\n",
        "{time} {who}\n",  # the time first
        "[{time}] {who}\n",
    ],
)
def test_service_labels_with_times_keep_the_time_out_of_the_words(label: str) -> None:
    text = "\n\n".join(
        label.format(who=who, time=time) + said
        for who, time, said in zip(WHO, TIMES, SAID, strict=True)
    )
    layout = find_turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in layout.turns] == list(
        zip(WHO, SAID, strict=True)
    ), text
    starts = [t.meta["start"] for t in layout.turns if t.meta]
    assert len(starts) == 4 and starts == sorted(starts)
    assert not layout.preambles and not layout.notes


def test_a_line_ending_with_a_time_is_someones_words_not_a_label() -> None:
    """Before, 'The bus came at 10:30' alone on its line became a speaker 'The bus came at'
    and the next line its turn: Maria's words were filed under no one she knew, silently."""
    text = (
        "Interviewer: When did you meet?\n\nMaria: We met early.\nThe bus came at 10:30\n"
        "and then we talked.\n\n10:45 we were at the hall\n\nInterviewer: And?\n\n"
        "Maria: Nothing.\n\nInterviewer: Thanks.\n\nMaria: Bye."
    )
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == ["Interviewer", "Maria"] * 3
    assert text[layout.turns[1].start : layout.turns[1].end] == (
        "We met early.\nThe bus came at 10:30\nand then we talked.\n\n10:45 we were at the hall"
    )
    assert layout.notes == []


def test_a_label_line_with_a_time_not_taken_is_reported_in_a_transcript_of_them() -> None:
    text = (
        "Maria Jansen  0:04\nHow?\n\nPiet  0:10\nWell.\n\nMaria Jansen  0:15\nAnd?\n\n"
        "speaker 3  0:20\nNo.\n\nPiet  0:25\nYes."
    )
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == ["Maria Jansen", "Piet", "Maria Jansen", "Piet"]
    assert [str(note) for note in layout.notes] == [
        "line 10: 'speaker 3' looks like a speaker label but was not taken; its words stay in "
        "Maria Jansen's turn (add it with --speaker if it is one)"
    ]
    named = find_turns(text, speakers=["speaker 3"])
    assert [t.speaker for t in named.turns][3] == "speaker 3" and not named.notes


def test_teams_transcripts_of_cues_with_the_name_below_the_times() -> None:
    """Teams wrote its 2020-2021 transcripts so (as Word or text): before, every turn was a
    turn of no one, the times counted as words."""
    cues = ["0:0:0.0 --> 0:0:5.120", "0:0:5.120 --> 0:0:9.0", "0:0:9.0 --> 0:0:12.0"]
    cues.append("0:0:12.0 --> 0:0:15.0")
    text = "Transcript\n\n" + "\n\n".join(
        f"{cue}\n{who}\n{said}" for cue, who, said in zip(cues, WHO, SAID, strict=True)
    )
    layout = find_turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in layout.turns] == list(
        zip(WHO, SAID, strict=True)
    )
    assert [t.meta["start"] for t in layout.turns if t.meta] == [0.0, 5.12, 9.0, 12.0]
    assert [text[p.start : p.end] for p in layout.preambles] == ["Transcript"]


@pytest.mark.parametrize(
    "agenda", ["09:00 Opening\n10:30 Coffee Break", "Opening 09:00\nCoffee Break 10:30"]
)
def test_an_agenda_in_an_answer_is_not_a_list_of_speakers(agenda: str) -> None:
    """Lines of a name-like phrase and a time are labels in a transcript of such lines, not
    among colon labels: 'Coffee Break 10:30' in Maria's answer was a speaker, silently, and
    the line '09:00 Opening' was in no turn at all."""
    text = (
        f"Interviewer: What was the plan?\n\nMaria: The day went so:\n{agenda}\n"
        "and then we left.\n\nInterviewer: And?\n\nMaria: Nothing."
    )
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == ["Interviewer", "Maria"] * 2
    assert text[layout.turns[1].start : layout.turns[1].end] == (
        f"The day went so:\n{agenda}\nand then we left."
    )
