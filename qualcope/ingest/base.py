"""The values the readers produce: a transcript (canonical text + turns) and raw pieces."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from qualcope.domain import SegmentSpec

# Suffix -> source format name stored with the document.
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
    """A file read and normalised: its canonical text and speaker turns with exact offsets."""

    text: str
    turns: tuple[SegmentSpec, ...]
    source_format: str
    encoding: str = "utf-8"
    encoding_detected: bool = False
    removed_controls: int = 0
    warnings: tuple[str, ...] = ()

    @cached_property  # stored in __dict__ (fine on a frozen dataclass) and pickled with it
    def words(self) -> int:
        """Words spoken (inside turns); speaker labels do not count."""
        return sum(len(self.text[t.start : t.end].split()) for t in self.turns)


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
