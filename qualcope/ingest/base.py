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


@dataclass
class Piece:
    """One utterance as a structured reader finds it (a cue, a paragraph), before assembly."""

    speaker: str | None
    text: str
    meta: dict[str, object] = field(default_factory=dict)
