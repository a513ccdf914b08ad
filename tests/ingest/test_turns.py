"""Speaker turns in plain text: every label style of the issue, exact offsets, interviewer marks."""

from __future__ import annotations

import pytest

from qualcope.domain import SegmentSpec
from qualcope.ingest.labels import is_interviewer
from qualcope.ingest.turns import detect_turns, find_turns


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


def test_header_lines_before_the_first_label_are_a_preamble_not_a_turn() -> None:
    text = "Interview 4\nDate: 12 May\n\nInterviewer: Shall we?\nRespondent: Yes."
    layout = find_turns(text)
    assert spoken(text, layout.turns) == [
        ("Interviewer", True, "Shall we?"),
        ("Respondent", False, "Yes."),
    ]
    assert [text[p.start : p.end] for p in layout.preambles] == ["Interview 4\nDate: 12 May"]
    assert [p.kind for p in layout.preambles] == ["preamble"]


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


# ---------------------------------------------------------------- formats in the wild
def layout_of(text: str, *interviewers: str) -> list[tuple[str | None, bool, str]]:
    return spoken(text, find_turns(text, interviewers).turns)


@pytest.mark.parametrize(
    "interviewer, respondent, note",
    [
        ("Enquêteur", "Enquêtée", "rires"),
        ("Intervieweuse", "Répondant 2", "incompréhensible"),
        ("I", "B", "lacht"),  # the German transcription rules: Interviewer, Befragte
        ("Befragerin", "Teilnehmer 3", "unverständlich"),
        ("Entrevistadora", "Entrevistado", "risas"),
        ("Intervistatore", "Intervistata", "risate"),
        ("Pesquisador", "Participante 1", "risos"),
    ],
)
def test_role_words_of_other_european_languages(
    interviewer: str, respondent: str, note: str
) -> None:
    """Each label speaks once and is a role word, so a sure label: the interviewer's turns are
    marked, the respondent's are not, and a bracketed laugh stays in the respondent's turn."""
    text = f"{interviewer} : Et alors ?\n{respondent}: Ja. [{note}] Sí.\n"
    assert layout_of(text) == [
        (interviewer, True, "Et alors ?"),
        (respondent, False, f"Ja. [{note}] Sí."),
    ]


def test_otter_export_with_header_block_bare_label_line_and_footer() -> None:
    text = (
        "Interview Maria - Otter.ai\n"
        "Fri, 3/12 10:00AM • 54:12\n"
        "SUMMARY KEYWORDS\nneighbourhood, bus line, council\n"
        "SPEAKERS\nMaria Jansen, Interviewer\n\n"
        "Interviewer  0:04\nSo tell me how it started.\n\n"
        "Maria Jansen  0:15\nYes, we started with a letter.\n\n"
        "Maria Jansen\nAnd then the council came.\n\n"  # the label line lost its timestamp
        "Interviewer  1:02\nThanks.\n\n"
        "Transcribed by https://otter.ai\n"
    )
    layout = find_turns(text)
    assert spoken(text, layout.turns) == [
        ("Interviewer", True, "So tell me how it started."),
        ("Maria Jansen", False, "Yes, we started with a letter."),
        ("Maria Jansen", False, "And then the council came."),
        ("Interviewer", True, "Thanks."),
    ]
    assert [turn.meta for turn in layout.turns] == [
        {"start": 4.0},
        {"start": 15.0},
        None,
        {"start": 62.0},
    ]
    preamble = [text[p.start : p.end] for p in layout.preambles]
    assert preamble[0].startswith("Interview Maria") and preamble[0].endswith("Interviewer")
    assert preamble[-1] == "Transcribed by https://otter.ai"
    assert layout.notes == []


@pytest.mark.parametrize(
    "label",
    ["Interviewee 1 & Interviewee 2", "Interviewees 1 and 2", "P1/P2", "Both", "All"],
)
def test_joint_labels_are_speakers_and_never_the_interviewer(label: str) -> None:
    text = f"Interviewer: Who decided?\n{label}: We did, together.\nInterviewer: Why?"
    assert layout_of(text) == [
        ("Interviewer", True, "Who decided?"),
        (label, False, "We did, together."),
        ("Interviewer", True, "Why?"),
    ]


@pytest.mark.parametrize(
    "label",
    [
        "P1 (Mother)",
        "Respondent 3 (coordinator)",
        "Dr. A. van den Berg",
        "Anne Marie Van der Berg",
        "Mary-Jo O'Neil",
    ],
)
def test_qualified_labels_and_names_with_particles_titles_and_initials(label: str) -> None:
    text = f"Interviewer: Who are you?\n\n{label}: I work here.\n\nInterviewer: Thanks."
    assert layout_of(text)[1] == (label, False, "I work here.")


@pytest.mark.parametrize(
    "label",
    ["Interviewer 2", "Researcher 1", "Moderator", "Facilitator", "Q", "Interviewer (Anna)"],
)
def test_numbered_and_named_interviewers(label: str) -> None:
    text = f"{label}: Shall we start?\nRespondent: Yes.\n{label}: Good."
    assert [t[:2] for t in layout_of(text)] == [(label, True), ("Respondent", False), (label, True)]


def test_timestamped_labels_in_every_position() -> None:
    text = (
        "[00:01:12] Maria: First.\n"
        "Interviewer (00:01:20): Second.\n"
        "00:01:31 Maria: Third.\n"
        "Interviewer [00:01:40]: Fourth."
    )
    layout = find_turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in layout.turns] == [
        ("Maria", "First."),
        ("Interviewer", "Second."),
        ("Maria", "Third."),
        ("Interviewer", "Fourth."),
    ]
    assert [t.meta for t in layout.turns] == [{"start": s} for s in (72.0, 80.0, 91.0, 100.0)]


def test_film_style_caps_label_lines() -> None:
    text = (
        "INTERVIEWER\nHow did you hear of it?\n\nMARIA JANSEN\nFrom my neighbour.\n"
        "She told me.\n\nINTERVIEWER\nAnd then?\n\nMARIA JANSEN\nOK\nI went."
    )
    assert layout_of(text) == [
        ("INTERVIEWER", True, "How did you hear of it?"),
        ("MARIA JANSEN", False, "From my neighbour.\nShe told me."),
        ("INTERVIEWER", True, "And then?"),
        ("MARIA JANSEN", False, "OK\nI went."),
    ]


def test_qualcoder_bracket_tags() -> None:
    text = "[id1] hello, I like it.\n\n[id2] I am struggling.\n\n[id1] yes, I agree."
    assert layout_of(text) == [
        ("id1", False, "hello, I like it."),
        ("id2", False, "I am struggling."),
        ("id1", False, "yes, I agree."),
    ]


def test_a_label_line_not_taken_is_reported_with_its_line_and_turn() -> None:
    text = (
        "Interviewer: How did it go?\n\n"
        "Respondent: Fine.\n"
        "Maria jansen: It went well, I think.\n\n"  # not capitalised like a name: not taken
        "Interviewer: Good."
    )
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == ["Interviewer", "Respondent", "Interviewer"]
    assert [(n.line, n.label, n.kept_in) for n in layout.notes] == [
        (4, "Maria jansen", "Respondent's turn")
    ]
    assert "line 4: 'Maria jansen' looks like a speaker label" in str(layout.notes[0])


def test_when_only_the_interviewer_is_labelled_the_unlabelled_voice_is_the_respondent() -> None:
    text = (
        "Q: How did it go?\nIt went well, I think.\nWe met twice.\n"
        "Q: And then?\nmaria jansen: nothing happened.\nQ: Thanks."
    )
    layout = find_turns(text)
    assert spoken(text, layout.turns) == [
        ("Q", True, "How did it go?"),
        (None, False, "It went well, I think.\nWe met twice."),
        ("Q", True, "And then?"),
        (None, False, "maria jansen: nothing happened."),
        ("Q", True, "Thanks."),
    ]
    assert layout.preambles == []


def test_only_interviewer_labels_with_blank_lines_keep_whole_paragraphs() -> None:
    text = (
        "Title line\n\nINTERVIEWER: A long question\nwrapped over two lines?\n\n"
        "The answer, also\nwrapped.\n\nINTERVIEWER: Next?\n\nNo."
    )
    assert spoken(text, find_turns(text).turns) == [
        (None, False, "Title line"),
        ("INTERVIEWER", True, "A long question\nwrapped over two lines?"),
        (None, False, "The answer, also\nwrapped."),
        ("INTERVIEWER", True, "Next?"),
        (None, False, "No."),
    ]


def test_a_given_speaker_is_taken_even_when_it_does_not_look_like_a_name() -> None:
    text = "Interviewer: How did it go?\nmaria jansen: Well.\nInterviewer: Good."
    assert [t.speaker for t in find_turns(text).turns] == ["Interviewer", None, "Interviewer"]
    layout = find_turns(text, speakers=["Maria Jansen"])
    assert spoken(text, layout.turns)[1] == ("maria jansen", False, "Well.")
    assert layout.notes == []


def test_bare_name_lines_in_a_label_line_transcript_are_reported_when_unknown() -> None:
    text = (
        "Interviewer  0:04\nHow did it go?\n\n"
        "Maria Jansen  0:15\nWell.\n\n"
        "Peter Smit\nI disagree.\n"  # a speaker the file never gives a timestamp
    )
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == ["Interviewer", "Maria Jansen"]
    assert [(n.line, n.label) for n in layout.notes] == [(7, "Peter Smit")]
    fixed = find_turns(text, speakers=["Peter Smit"])
    assert [t.speaker for t in fixed.turns] == ["Interviewer", "Maria Jansen", "Peter Smit"]
    assert fixed.notes == []


def test_prose_with_a_colon_in_a_labelled_transcript_stays_in_its_turn_quietly() -> None:
    text = (
        "Interviewer: What did they say?\n"
        "Respondent: They said one thing:\n"
        "we will never fund it, so I said: fine then.\n"
        "Interviewer: Monday: did you go?"
    )
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == ["Interviewer", "Respondent", "Interviewer"]
    assert layout.notes == []


# ---------------------------------------------------------------- tab and dash separators
def test_a_table_pasted_as_text_has_its_speakers_in_the_first_cell() -> None:
    text = (
        "Interviewer\tHow did it start?\n"
        "Maria Jansen\t00:00:05\tWith a school: we asked the city.\n"
        "Interviewer\tAnd then?\n"
        "00:01:10\tMaria Jansen\tWe waited.\n"
    )
    layout = find_turns(text)
    assert spoken(text, layout.turns) == [
        ("Interviewer", True, "How did it start?"),
        ("Maria Jansen", False, "With a school: we asked the city."),
        ("Interviewer", True, "And then?"),
        ("Maria Jansen", False, "We waited."),
    ]
    assert [t.meta for t in layout.turns] == [None, {"start": 5.0}, None, {"start": 70.0}]


@pytest.mark.parametrize("dash", ["-", "–", "—"])
def test_labels_set_off_by_a_spaced_dash(dash: str) -> None:
    text = (
        f"Interviewer {dash} How did it start?\n\nJean-Pierre {dash} With a school - an old one."
        f"\n\nInterviewer {dash} And then?\n\nJean-Pierre {dash} We waited.\n\n"
        f"Peter Smit {dash} I disagree.\n"
    )
    assert layout_of(text) == [
        ("Interviewer", True, "How did it start?"),
        ("Jean-Pierre", False, "With a school - an old one."),
        ("Interviewer", True, "And then?"),
        ("Jean-Pierre", False, "We waited."),
        ("Peter Smit", False, "I disagree."),  # once, but in a transcript of dash labels
    ]


def test_tabs_and_dashes_that_are_not_turns_stay_preamble_or_prose() -> None:
    # a table of values before a colon transcript: each row once, so no speakers
    table = "Participant\tP3\nInterviewer\tAnna\nDate\t12 May\n\n"
    text = table + "Anna: Shall we?\nP3: Yes.\nAnna: Ok."
    layout = find_turns(text)
    assert [text[p.start : p.end] for p in layout.preambles] == [table.strip()]
    assert [t.speaker for t in layout.turns] == ["Anna", "P3", "Anna"] and not layout.notes
    for prose in (
        # dashes in prose, one name-like start recurring
        "Amsterdam - the city - was slow.\nAmsterdam - again - said no.\nWe waited - a year.",
        # a table whose first column repeats one value only
        "Budget\tItem\nCity\t100\nCity\t200\nCity\t300",
    ):
        layout = find_turns(prose)
        assert spoken(prose, layout.turns) == [(None, False, prose)] and not layout.notes


def test_paragraphs_opening_with_a_dash_in_a_colon_transcript_stay_in_their_turns() -> None:
    answer = "Interviewer: Why?\nMaria: We waited.\nSo - it took a year.\nAnd - nobody came.\n"
    text = answer * 3
    layout = find_turns(text)
    assert [t.speaker for t in layout.turns] == ["Interviewer", "Maria"] * 3
    assert text[layout.turns[1].start : layout.turns[1].end] == (
        "We waited.\nSo - it took a year.\nAnd - nobody came."
    )


MARKDOWN_TURNS = [
    ("Interviewer", True, "How did it start?"),
    ("Maria Jansen", False, "With a letter."),
    ("Interviewer", True, "And then?"),
    ("Maria Jansen", False, "Nothing at all."),
]


@pytest.mark.parametrize(
    "shape",
    [
        "{}: {}",  # plain, for reference
        "__{}:__ {}",
        "__{}__: {}",
        "*{}:* {}",
        "*{}*: {}",
        "_{}:_ {}",
        "- {}: {}",
        "* **{}**: {}",
        "+ **{}:** {}",
        "• {}: {}",
        "1. {}: {}",
        "- [00:01:12] {}: {}",
    ],
)
def test_markdown_emphasis_and_list_items_around_labels(shape: str) -> None:
    """A transcript kept in Markdown or notes: every label style a writer's emphasis or a
    list item gives is a label (before, `- Maria: ...` lines were one turn of no one)."""
    lines = [shape.format(speaker, said) for speaker, _, said in MARKDOWN_TURNS]
    for separator in ("\n", "\n\n"):
        text = separator.join(lines)
        assert spoken(text, detect_turns(text)) == MARKDOWN_TURNS, text


def test_a_list_in_someones_turn_stays_in_it() -> None:
    """List items of key and value inside an answer or a header are no speakers, even when
    they recur; a list item is a label where a transcript is written so, or by a name that
    labels other lines too."""
    answer = (
        "Interviewer: What went wrong?\n\nRespondent: Two things:\n- Budget: too small.\n"
        "- Staff: none.\n\nInterviewer: And in the other project?\n\nRespondent: The same:\n"
        "- Budget: too small.\n- Staff: none.\n\nInterviewer: Thank you."
    )
    layout = find_turns(answer)
    assert [t.speaker for t in layout.turns] == ["Interviewer", "Respondent"] * 2 + ["Interviewer"]
    assert spoken(answer, layout.turns)[1][2] == "Two things:\n- Budget: too small.\n- Staff: none."
    talk = "\n\nAnna: How?\n\nPiet: So.\n\nAnna: Then?\n\nPiet: No."
    header = "# Interview 3\n- Date: 12 March\n- Place: town hall" + talk
    layout = find_turns(header)
    assert [t.speaker for t in layout.turns] == ["Anna", "Piet"] * 2
    assert [header[p.start : p.end] for p in layout.preambles] == [header[: header.index("\n\n")]]
    mixed = "Anna: Hello.\n\nPiet: Hi.\n\n- Anna: And then?\n\nPiet: Nothing."
    assert [t.speaker for t in detect_turns(mixed)] == ["Anna", "Piet", "Anna", "Piet"]


@pytest.mark.parametrize("separator", [" -- ", " > ", " | ", "\t", ". ", ") ", " = "])
def test_a_named_speaker_is_taken_before_any_separator(separator: str) -> None:
    """`--speaker LABEL` takes the label at a line start whatever separates it from the
    words, shapes qualcope does not take from an unknown label; a line that only starts with
    the name, as a sentence does, is not a label."""
    text = separator.join(["Spreker 1", "Hoe begon het?\n\nSpreker 2"]) + separator
    text += "Met een brief.\n\nSpreker 1 ging toen naar huis."
    layout = find_turns(text, speakers=["Spreker 1", "spreker 2"])
    assert spoken(text, layout.turns) == [
        ("Spreker 1", False, "Hoe begon het?"),
        ("Spreker 2", False, "Met een brief.\n\nSpreker 1 ging toen naar huis."),
    ]
    assert [t.speaker for t in find_turns(text).turns] == [None, None, None]
