"""A header of role lines above the talk is preamble, and names the interviewer."""

from __future__ import annotations

from pathlib import Path

import docx

from qualcope.ingest import read_transcript
from qualcope.ingest.turns import find_turns


def read(text: str) -> tuple[list[tuple[str | None, bool, str]], list[str]]:
    layout = find_turns(text)
    turns = [(t.speaker, t.is_interviewer, text[t.start : t.end]) for t in layout.turns]
    return turns, [text[p.start : p.end] for p in layout.preambles]


TALK = "Anna: How did it start?\n\nKarel: With a school.\n\nAnna: And then?\n\nKarel: We waited.\n"
ANNA_ASKS = [
    ("Anna", True, "How did it start?"),
    ("Karel", False, "With a school."),
    ("Anna", True, "And then?"),
    ("Karel", False, "We waited."),
]


def test_a_header_naming_the_speakers_is_preamble_and_names_the_interviewer() -> None:
    header = (
        "Interview 7\nInterviewer: Anna de Vries\nInterviewee: Karel Peeters (coordinator)\n"
        "Date: 12 March 2023"
    )
    turns, preambles = read(f"{header}\n\n{TALK}")
    assert turns == ANNA_ASKS
    assert preambles == [header]


def test_yaml_front_matter_of_a_markdown_transcript() -> None:
    front = "---\ntitle: Interview 7\ninterviewer: Anna\n---"
    turns, preambles = read(f"{front}\n\n{TALK.replace('Anna:', '**Anna:**')}")
    assert turns == ANNA_ASKS and preambles == [front]


def test_a_header_named_by_initials_in_its_qualifier() -> None:
    text = "Interviewer: Anna de Vries (AdV)\n\n" + TALK.replace("Anna:", "AdV:")
    turns, preambles = read(text)
    assert [(who, asks) for who, asks, _ in turns] == [
        ("AdV", True),
        ("Karel", False),
        ("AdV", True),
        ("Karel", False),
    ]
    assert preambles == ["Interviewer: Anna de Vries (AdV)"]


def test_a_header_above_role_labelled_turns() -> None:
    header = "Interviewer: Dr. Smith\nParticipant: P07"
    text = f"{header}\n\nI: How did it start?\nR: With a school.\nI: And then?\nR: We waited."
    turns, preambles = read(text)
    assert [who for who, _, _ in turns] == ["I", "R", "I", "R"] and preambles == [header]


def test_a_first_turn_that_greets_someone_stays_a_turn() -> None:
    text = "Interviewer: Welcome Karel.\n\n" + TALK
    turns, preambles = read(text)
    assert turns[0] == ("Interviewer", True, "Welcome Karel.") and preambles == []
    assert [who for who, asks, _ in turns if asks] == ["Interviewer"]  # Anna is not marked


def test_a_role_label_that_speaks_again_is_never_a_header() -> None:
    text = "Interviewer: Karel Peeters\nKarel: Yes, that's me.\nInterviewer: Good.\nKarel: Ok."
    turns, preambles = read(text)
    assert [who for who, _, _ in turns] == ["Interviewer", "Karel", "Interviewer", "Karel"]
    assert preambles == []


def test_a_header_listing_several_people() -> None:
    header = "Interviewers: Anna de Vries and Ben Smit\nParticipants: Karel, Els & Jan"
    text = f"{header}\n\n{TALK}Els: Me too.\nBen: Thanks.\n"
    turns, preambles = read(text)
    assert preambles == [header]
    assert [(who, asks) for who, asks, _ in turns][-2:] == [("Els", False), ("Ben", True)]


def test_a_word_table_of_who_took_part_names_the_interviewer(tmp_path: Path) -> None:
    """A Word table above the talk is read as tab-separated lines: preamble, whose
    interviewer row names the speaker 'Anna'."""
    document = docx.Document()
    document.add_paragraph("Interview 7")
    table = document.add_table(rows=0, cols=2)
    for role, name in [("Interviewer", "Anna de Vries"), ("Interviewee", "Karel Peeters")]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = role, name
    for line in TALK.split("\n\n"):
        document.add_paragraph(line.strip())
    document.save(tmp_path / "meta.docx")
    transcript = read_transcript(tmp_path / "meta.docx")
    turns = [
        (t.speaker, t.is_interviewer, transcript.text[t.start : t.end]) for t in transcript.turns
    ]
    assert turns == ANNA_ASKS
    assert [transcript.text[p.start : p.end] for p in transcript.preambles] == [
        "Interview 7\nInterviewer\tAnna de Vries\nInterviewee\tKarel Peeters"
    ]
