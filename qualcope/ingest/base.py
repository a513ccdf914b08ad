"""The values the readers produce: a transcript (canonical text + turns) and raw pieces."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from qualcope.domain import SegmentSpec
from qualcope.ingest.inline_codes import InlineCoding
from qualcope.ingest.normalise import CONTROL, ESCAPE
from qualcope.ingest.offsets import OffsetMap

# Suffix -> source format name stored with the document.
# Whole projects of other tools (REFI-QDA, QualCoder, Taguette): `qualcope import project`.
PROJECT_SUFFIXES = (".qdpx", ".qda", ".sqlite3", ".sqlite")
SUPPORTED_SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".docx": "docx",
    ".odt": "odt",
    ".vtt": "vtt",
    ".srt": "srt",
    ".rtf": "rtf",
}


@dataclass(frozen=True)
class Transcript:
    """A file read and normalised: its canonical text, speaker turns and preamble spans with
    exact offsets, the map from the file's positions, and what the reader changed or left out.
    """

    text: str
    turns: tuple[SegmentSpec, ...]
    source_format: str
    encoding: str = "utf-8"
    encoding_detected: bool = False
    offsets: OffsetMap = field(default_factory=OffsetMap)
    changes: dict[str, int] = field(default_factory=dict)  # normalise's counts by kind
    preambles: tuple[SegmentSpec, ...] = ()
    label_notes: tuple[str, ...] = ()  # lines that look like labels but were not taken
    left_out: tuple[str, ...] = ()  # what a reader of the file sees that was not imported
    warnings: tuple[str, ...] = ()
    bom: bool = False  # the file started with a byte-order mark (not part of the text)
    # Labels the file's structure showed, at stored offsets (kept to re-detect turns later).
    hints: tuple[LabelHint, ...] = ()
    # Codings a tool wrote into the text as marks (qcoder), at stored offsets: made codings.
    inline_codings: tuple[InlineCoding, ...] = ()

    @property
    def removed_controls(self) -> int:
        return self.changes.get(CONTROL, 0) + self.changes.get(ESCAPE, 0)

    @cached_property  # stored in __dict__ (fine on a frozen dataclass) and pickled with it
    def words(self) -> int:
        """Words spoken (inside turns); speaker labels and preambles do not count."""
        return sum(len(self.text[t.start : t.end].split()) for t in self.turns)

    @cached_property
    def speakers(self) -> tuple[tuple[str, int, bool], ...]:
        """(speaker, turns, interviewer?) in order of first turn; unlabelled turns as ''."""
        counts: dict[str, int] = {}
        marks: dict[str, bool] = {}
        for turn in self.turns:
            name = turn.speaker or ""
            if name in counts:
                counts[name] += 1
            else:
                counts[name], marks[name] = 1, turn.is_interviewer
        return tuple((name, n, marks[name]) for name, n in counts.items())


@dataclass(frozen=True)
class LabelHint:
    """A speaker label that a file's structure shows (a bold leading run, a table's speaker
    cell), at offsets into a reader's raw text.

    The label occupies ``[start, content)``: the label's own characters, then whatever lies
    between it and the first word of the turn (a colon, spaces, a tab, a timestamp cell). The
    turn's words begin at ``content``. ``label`` is the speaker as it should be shown (no
    colon); ``timestamp`` the seconds of a time stamp that came with it.
    """

    start: int
    content: int
    label: str
    timestamp: float | None = None


@dataclass(frozen=True)
class RawText:
    """The text a structured reader (.docx, .odt) extracts, before normalisation.

    ``text`` is what a reader of the document sees, paragraph by paragraph: paragraphs joined
    by ``\n`` (an empty paragraph is an empty line), a table row one line with its cells
    joined by ``\t``. ``hints`` are the speaker labels its structure shows, in text order;
    ``left_out`` says what a reader sees that is not imported ("2 comments", "1 footnote").
    """

    text: str
    hints: tuple[LabelHint, ...] = ()
    left_out: tuple[str, ...] = ()


@dataclass
class Piece:
    """One utterance as a structured reader finds it (a cue, a paragraph), before assembly."""

    speaker: str | None
    text: str
    meta: dict[str, object] = field(default_factory=dict)
