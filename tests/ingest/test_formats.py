"""Every transcript format of the issue: canonical text, turns with exact offsets, timestamps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from qualcope.errors import ImportFileError
from qualcope.ingest import Transcript, read_transcript

MakeFile = Callable[[bytes | str, str], Path]


def turns_of(transcript: Transcript) -> list[tuple[str | None, bool, str]]:
    text = transcript.text
    return [(t.speaker, t.is_interviewer, text[t.start : t.end]) for t in transcript.turns]


def test_txt_keeps_the_file_text_and_finds_turns(make_file: MakeFile) -> None:
    raw = "Interviewer: How did you join?\r\n\r\nRespondent: A neighbour asked me. [laughs]\r\n"
    transcript = read_transcript(make_file(raw.encode(), "a.txt"))
    assert (
        transcript.text
        == "Interviewer: How did you join?\n\nRespondent: A neighbour asked me. [laughs]\n"
    )
    assert transcript.changes == {"CRLF -> LF": 3}
    assert transcript.offsets.to_stored(len(raw)) == len(transcript.text)
    assert turns_of(transcript) == [
        ("Interviewer", True, "How did you join?"),
        ("Respondent", False, "A neighbour asked me. [laughs]"),
    ]
    assert (transcript.source_format, transcript.words) == ("txt", 9)


def test_md_with_bold_labels(make_file: MakeFile) -> None:
    raw = "# Interview 2\n\n**I:** Waarom?\n\n**R:** Omdat *het* moest.\n"
    transcript = read_transcript(make_file(raw, "b.md"))
    assert transcript.source_format == "md"
    assert turns_of(transcript) == [("I", True, "Waarom?"), ("R", False, "Omdat *het* moest.")]
    assert [transcript.text[p.start : p.end] for p in transcript.preambles] == ["# Interview 2"]


def _docx(
    path: Path, paragraphs: list[tuple[str | None, str]], table: list[list[str]] | None = None
) -> Path:
    document = docx.Document()
    for label, text in paragraphs:
        paragraph = document.add_paragraph()
        if label is not None:
            paragraph.add_run(label).bold = True
        paragraph.add_run(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def test_docx_bold_labels_become_turns_and_the_text_is_the_documents(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "c.docx",
        [
            (None, "Interview with a coordinator"),
            ("Interviewer:", " What do you do?"),
            ("Sam", ": I coordinate."),  # bold label, colon outside the bold run
            (None, "And I chair the steering group."),  # continues Sam's turn
            ("Interviewer:", " Thanks."),
        ],
    )
    transcript = read_transcript(path)
    assert transcript.text == (  # paragraph by paragraph, as Word shows it
        "Interview with a coordinator\nInterviewer: What do you do?\n"
        "Sam: I coordinate.\nAnd I chair the steering group.\nInterviewer: Thanks."
    )
    assert [transcript.text[p.start : p.end] for p in transcript.preambles] == [
        "Interview with a coordinator"
    ]
    assert turns_of(transcript) == [
        ("Interviewer", True, "What do you do?"),
        ("Sam", False, "I coordinate.\nAnd I chair the steering group."),
        ("Interviewer", True, "Thanks."),
    ]


def test_docx_plain_labels_and_a_speaker_table(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "d.docx",
        [(None, "Interviewer: Shall we start?")],
        table=[["Respondent", "00:00:05", "Yes, fine."], ["Interviewer", "00:00:09", "Good."]],
    )
    transcript = read_transcript(path)
    assert turns_of(transcript) == [
        ("Interviewer", True, "Shall we start?"),
        ("Respondent", False, "Yes, fine."),
        ("Interviewer", True, "Good."),
    ]
    assert transcript.turns[1].meta == {"start": 5.0}
    # The time cell is the document's text (a reader sees it) but part of the label, not of
    # the turn's words.
    assert "Respondent\t00:00:05\tYes, fine." in transcript.text


def test_odt(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for line in ("Interviewer: Hoe begon het?", "Respondent: Met een brief.", "Interviewer: En?"):
        document.text.addElement(P(text=line))
    document.save(str(tmp_path / "e.odt"))
    transcript = read_transcript(tmp_path / "e.odt")
    assert transcript.source_format == "odt"
    assert turns_of(transcript) == [
        ("Interviewer", True, "Hoe begon het?"),
        ("Respondent", False, "Met een brief."),
        ("Interviewer", True, "En?"),
    ]


def test_odt_with_encryption_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "secret.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "META-INF/manifest.xml",
            "<manifest:manifest><manifest:file-entry><manifest:encryption-data/>"
            "</manifest:file-entry></manifest:manifest>",
        )
        archive.writestr("content.xml", b"\x8f\x00garbage")
    with pytest.raises(ImportFileError, match="secret.odt: is a password-protected OpenDocument"):
        read_transcript(path)


VTT = """\ufeffWEBVTT - interview 3

NOTE recorded on Teams

1
00:00:01.000 --> 00:00:04.500 align:start
<v Interviewer>Thanks for joining. &amp; welcome.</v>

00:00:05.000 --> 00:00:08.000
<v.loud Ana Smith>We started in <i>2019</i>,
with six people.</v>

00:00:08.200 --> 00:00:10.000
<v Ana Smith>Then it grew.</v>

00:00:10.500 --> 00:00:12.000
Interviewer: And now?

00:00:12.500 --> 00:00:14.000
<v Ana Smith>Now we are forty.</v><v Interviewer>Wow.</v>
"""


def test_vtt_voice_tags_prefixes_merging_and_timestamps_in_meta(make_file: MakeFile) -> None:
    transcript = read_transcript(make_file(VTT, "f.vtt"))
    assert transcript.text == (
        "Interviewer: Thanks for joining. & welcome.\n\n"
        "Ana Smith: We started in 2019, with six people. Then it grew.\n\n"
        "Interviewer: And now?\n\nAna Smith: Now we are forty.\n\nInterviewer: Wow."
    )
    assert turns_of(transcript)[1] == (
        "Ana Smith",
        False,
        "We started in 2019, with six people. Then it grew.",
    )
    assert [t.is_interviewer for t in transcript.turns] == [True, False, True, False, True]
    assert transcript.turns[1].meta == {"start": 5.0, "end": 10.0, "parts": 2}
    assert "-->" not in transcript.text and "00:00" not in transcript.text


SRT = """1
00:00:01,000 --> 00:00:03,000
Interviewer: What happened
at the first meeting?

2
00:00:03,500 --> 00:00:06,000
<i>Respondent:</i> Nobody came.

3
00:00:06,000 --> 00:00:07,250
{\\an8}Respondent: Really nobody.
"""


def test_srt(make_file: MakeFile) -> None:
    transcript = read_transcript(make_file(SRT, "g.srt"))
    assert turns_of(transcript) == [
        ("Interviewer", True, "What happened at the first meeting?"),
        ("Respondent", False, "Nobody came. Really nobody."),
    ]
    assert transcript.turns[1].meta == {"start": 3.5, "end": 7.25, "parts": 2}


LOWER_CASE_CUE = """WEBVTT

00:00:01.000 --> 00:00:04.000
Interviewer: How did it start?

00:00:05.000 --> 00:00:08.000
Maria: With a school.

00:00:09.000 --> 00:00:12.000
Interviewer: And then?

00:00:13.000 --> 00:00:15.000
peter smit: I disagree.

00:00:15.500 --> 00:00:16.000
Strongly.

00:00:16.000 --> 00:00:18.000
Maria: We waited.
"""


def test_a_cue_label_not_taken_is_its_own_turn_and_listed(make_file: MakeFile) -> None:
    """Carried on as the previous cue's speaker, Peter's words would be the interviewer's:
    his cue and the next, unlabelled, are turns without a speaker (a cue each, as in a file
    without labels), and the label is listed with its line. Given with --speaker, it is
    taken."""
    path = make_file(LOWER_CASE_CUE, "lower.vtt")
    transcript = read_transcript(path)
    assert turns_of(transcript)[2:5] == [
        ("Interviewer", True, "And then?"),
        (None, False, "peter smit: I disagree."),
        (None, False, "Strongly."),
    ]
    assert transcript.label_notes == (
        "line 12: 'peter smit' looks like a speaker label but was not taken; its words stay in "
        "a turn of its own, without a speaker (add it with --speaker if it is one)",
    )
    given = read_transcript(path, speakers=["peter smit"])
    assert turns_of(given)[3] == ("peter smit", False, "I disagree. Strongly.")
    assert given.label_notes == ()


DIALOGUE_SRT = """1
00:00:01,000 --> 00:00:03,000
Interviewer: Did anyone come?

2
00:00:03,500 --> 00:00:06,000
- Nobody came.
- Really nobody?

3
00:00:06,500 --> 00:00:07,250
Interviewer: So?
"""


def test_a_cue_of_two_speakers_by_dialogue_dashes_is_a_turn_a_line(make_file: MakeFile) -> None:
    """The subtitle convention for two speakers in one cue: joined, both lines were the
    interviewer's (the cue before). Each line is a turn without a speaker, and it is said."""
    transcript = read_transcript(make_file(DIALOGUE_SRT, "d.srt"))
    assert turns_of(transcript) == [
        ("Interviewer", True, "Did anyone come?"),
        (None, False, "- Nobody came."),
        (None, False, "- Really nobody?"),
        ("Interviewer", True, "So?"),
    ]
    assert transcript.warnings == (
        "1 cue of several speakers (dialogue dashes, the first at line 5): each line is a "
        "turn without a speaker",
    )


def test_dialogue_lines_that_name_their_speakers_are_theirs(make_file: MakeFile) -> None:
    """'- Respondent: Nobody came.' names its speaker: a turn of that speaker, and the
    warning about dialogue lines without a speaker counts only those left without one."""
    srt = DIALOGUE_SRT.replace("- Nobody came.", "- Respondent: Nobody came.")
    transcript = read_transcript(make_file(srt, "d.srt"))
    assert turns_of(transcript) == [
        ("Interviewer", True, "Did anyone come?"),
        ("Respondent", False, "Nobody came."),
        (None, False, "- Really nobody?"),
        ("Interviewer", True, "So?"),
    ]
    assert transcript.warnings == (
        "1 cue of several speakers (dialogue dashes, the first at line 5): each line is a "
        "turn without a speaker",
    )
    named = srt.replace("- Really nobody?", "- Interviewer: Really nobody?")
    transcript = read_transcript(make_file(named, "e.srt"))
    # The interviewer's two cues in a row are one turn, as any cues of one speaker.
    assert [t[0] for t in turns_of(transcript)] == ["Interviewer", "Respondent", "Interviewer"]
    assert transcript.warnings == ()


def test_rtf(make_file: MakeFile) -> None:
    rtf = (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}"
        r"\f0 Interviewer: Hoe ging het caf\'e9?\par"
        r"\b Respondent:\b0  Goed, \u8220?echt\u8221? goed.\par}"
    )
    transcript = read_transcript(make_file(rtf.encode("ascii"), "h.rtf"))
    assert turns_of(transcript) == [
        ("Interviewer", True, "Hoe ging het café?"),
        ("Respondent", False, "Goed, “echt” goed."),
    ]


def test_rtf_that_is_not_rtf(make_file: MakeFile) -> None:
    with pytest.raises(ImportFileError, match="is not an RTF document"):
        read_transcript(make_file("Interviewer: plain text", "i.rtf"))


@pytest.mark.parametrize("name", ["a.txt", "f.vtt", "g.srt"])
def test_offsets_are_exact_for_every_turn(make_file: MakeFile, name: str) -> None:
    content = {"a.txt": "Interviewer: Hé?\n\nRespondent: Ja 👍 ok.", "f.vtt": VTT, "g.srt": SRT}
    transcript = read_transcript(make_file(content[name], name))
    for turn in transcript.turns:
        piece = transcript.text[turn.start : turn.end]
        assert piece == piece.strip() and piece
        assert not piece.startswith(f"{turn.speaker}:")
