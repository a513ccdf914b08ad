"""The same interview as .txt, .md, .docx, .odt and .rtf gives the same turns and words.

Every format's reader hands its text to one turn rule, so labels never leak into or vanish
from the text differently by format: consecutive paragraphs of one speaker are one turn when
only the first has a label, and two turns when both have one, everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from odf.opendocument import OpenDocumentText
from odf.text import P

from qualcope.ingest import Transcript, read_transcript

PARAGRAPHS = [
    "Interview 3 - citizen panel",
    "12/03/2023 - 10:00 - 54 min – Anna",
    "",
    "Interviewer: How did you end up on the panel?",
    "",
    "Maria Jansen: A letter came. I did not expect it.",
    "I almost threw it away.",
    "",
    "Maria Jansen: And my neighbour said: go.",
    "",
    "Interviewer 2: What happened at the first meeting?",
    "",
    "P1 (Mother): We were told the plan was decided [laughs].",
    "",
    "Interviewee 1 & Interviewee 2: We both stopped going after that.",
]
EXPECTED = [
    ("Interviewer", True, "How did you end up on the panel?"),
    ("Maria Jansen", False, "A letter came. I did not expect it.\nI almost threw it away."),
    ("Maria Jansen", False, "And my neighbour said: go."),
    ("Interviewer 2", True, "What happened at the first meeting?"),
    ("P1 (Mother)", False, "We were told the plan was decided [laughs]."),
    ("Interviewee 1 & Interviewee 2", False, "We both stopped going after that."),
]


def as_txt(folder: Path) -> Path:
    path = folder / "interview.txt"
    path.write_bytes("\r\n".join(PARAGRAPHS).encode("utf-8"))  # Word's "save as text": CRLF
    return path


def as_md(folder: Path) -> Path:
    path = folder / "interview.md"
    path.write_text("\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    return path


def as_docx(folder: Path) -> Path:
    document = docx.Document()
    for paragraph in PARAGRAPHS:
        document.add_paragraph(paragraph)
    path = folder / "interview.docx"
    document.save(str(path))
    return path


def as_bold_docx(folder: Path) -> Path:
    """Labels in bold runs, the colon inside or outside them (as transcribers type them)."""
    document = docx.Document()
    for index, paragraph in enumerate(PARAGRAPHS):
        para = document.add_paragraph()
        label, colon, rest = paragraph.partition(": ")
        if colon and "/" not in label and not label[0].isdigit():
            inside = index % 2 == 0
            para.add_run(label + (":" if inside else "")).bold = True
            para.add_run(("" if inside else ":") + " " + rest)
        else:
            para.add_run(paragraph)
    path = folder / "interview-bold.docx"
    document.save(str(path))
    return path


def as_odt(folder: Path) -> Path:
    document = OpenDocumentText()
    for paragraph in PARAGRAPHS:
        document.text.addElement(P(text=paragraph))
    path = folder / "interview.odt"
    document.save(str(path))
    return path


def as_rtf(folder: Path) -> Path:
    def escape(text: str) -> str:
        out = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
        return "".join(ch if ord(ch) < 128 else f"\\u{ord(ch)}?" for ch in out)

    body = "\\par\n".join(escape(p) for p in PARAGRAPHS)
    path = folder / "interview.rtf"
    path.write_text("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl\\f0 Arial;}\\f0 " + body + "}", "ascii")
    return path


WRITERS: list[Callable[[Path], Path]] = [as_txt, as_md, as_docx, as_bold_docx, as_odt, as_rtf]


def spoken(transcript: Transcript) -> list[tuple[str | None, bool, str]]:
    text = transcript.text
    return [(t.speaker, t.is_interviewer, text[t.start : t.end]) for t in transcript.turns]


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.__name__)
def test_every_format_gives_the_same_turns_and_preamble(tmp_path: Path, writer: Callable) -> None:
    transcript = read_transcript(writer(tmp_path))
    assert spoken(transcript) == EXPECTED
    preamble = [transcript.text[p.start : p.end] for p in transcript.preambles]
    assert preamble == ["Interview 3 - citizen panel\n12/03/2023 - 10:00 - 54 min – Anna"]
    assert transcript.label_notes == ()
    respondent = [t for t in transcript.turns if not t.is_interviewer]
    assert sum(len(transcript.text[t.start : t.end].split()) for t in respondent) == 32


def test_the_texts_are_the_same_paragraphs(tmp_path: Path) -> None:
    texts = {w.__name__: read_transcript(w(tmp_path)).text.strip("\n") for w in WRITERS}
    assert len(set(texts.values())) == 1, texts
