"""Plain, frozen values that cross the layers (no SQLAlchemy, no Textual).

Services return these; the CLI, the TUI, the reporter and the interchange
formats take them. Offsets are Python string indices (code points) into a
document's canonical text, end-exclusive, as in REFI-QDA.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

PATH_SEPARATOR = "/"

DEFAULT_ROLES: tuple[str, ...] = (
    "citizen co-producer",
    "public servant",
    "project coordinator",
)

CODE_KINDS = ("code", "group")
SEGMENT_KINDS = ("turn", "sentence", "preamble")
CODING_ORIGINS = ("manual", "suggestion", "import")


def name_key(name: str) -> str:
    """The comparison key of a code name: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def split_path(path: str) -> list[str]:
    """Split a code path such as 'Coping strategies/Avoidance' into names."""
    return [part.strip() for part in path.split(PATH_SEPARATOR) if part.strip()]


@dataclass(frozen=True)
class Span:
    """A character span [start, end) of one document."""

    document_id: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span {self.start}-{self.end}")

    def overlaps(self, other: Span) -> bool:
        return (
            self.document_id == other.document_id
            and self.start < other.end
            and other.start < self.end
        )


@dataclass(frozen=True)
class CodeSpec:
    """A code as written in a codebook file (no database ids)."""

    name: str
    kind: str = "code"
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    colour: str | None = None
    shortcut: str | None = None
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    children: tuple[CodeSpec, ...] = ()
    guid: str | None = None


@dataclass(frozen=True)
class CodebookSpec:
    """A whole codebook as read from or written to a file."""

    name: str
    description: str = ""
    codes: tuple[CodeSpec, ...] = ()

    def walk(self) -> list[tuple[str, CodeSpec]]:
        """Every code with its path, parents before children, in file order."""
        out: list[tuple[str, CodeSpec]] = []
        stack: list[tuple[str, CodeSpec]] = [(c.name, c) for c in reversed(self.codes)]
        while stack:
            path, spec = stack.pop()
            out.append((path, spec))
            stack.extend(
                (f"{path}{PATH_SEPARATOR}{child.name}", child) for child in reversed(spec.children)
            )
        return out


@dataclass(frozen=True)
class CodeNode:
    """A code of the project's code tree."""

    id: int
    guid: str
    parent_id: int | None
    name: str
    path: str
    kind: str
    definition: str
    inclusion: str
    exclusion: str
    example: str
    colour: str | None
    shortcut: str | None
    cues: dict[str, tuple[str, ...]]
    sort_order: int
    depth: int
    version: int = 1
    coding_count: int = 0
    my_coding_count: int = 0

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


@dataclass(frozen=True)
class CodebookChange:
    """One line of the summary of a codebook import or edit."""

    action: str  # 'added', 'updated', 'kept', 'moved', 'merged', 'deleted'
    path: str
    detail: str = ""


@dataclass(frozen=True)
class DocumentRef:
    """A document as listed (no text)."""

    id: int
    guid: str
    name: str
    case: str | None
    role: str | None
    participant: str | None
    language: str
    words: int
    respondent_turns: int = 0
    interviewer_turns: int = 0
    coded_turns: int = 0  # respondent turns holding a coding of the listing coder
    finished: bool = False
    source_format: str = ""
    coded_turns_all: int = 0  # respondent turns holding a coding of any coder

    @property
    def progress(self) -> float:
        """Share of respondent turns with at least one coding of this coder (0..1)."""
        return self.coded_turns / self.respondent_turns if self.respondent_turns else 0.0

    @property
    def progress_all(self) -> float:
        """Share of respondent turns with at least one coding of any coder (0..1)."""
        return self.coded_turns_all / self.respondent_turns if self.respondent_turns else 0.0


@dataclass(frozen=True)
class SegmentView:
    """A turn or a sentence of a document (a sentence has no id; ``parent_id`` is its turn)."""

    id: int | None
    document_id: int
    kind: str
    start: int
    end: int
    speaker: str | None
    is_interviewer: bool
    turn_index: int
    parent_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class CodingView:
    """A coding as shown to a user."""

    id: int
    guid: str
    document_id: int
    start: int
    end: int
    snippet: str
    code_id: int
    code_path: str
    colour: str | None
    coder: str
    memo: str
    origin: str
    created_at: datetime
    version: int = 1
    links: tuple[LinkView, ...] = ()


@dataclass(frozen=True)
class LinkView:
    """A coping-strategy coding pointing at the value-conflict coding it copes with."""

    id: int
    source_coding_id: int
    target_coding_id: int
    target_code_path: str
    favoured_code_id: int | None
    favoured_code_path: str | None


@dataclass(frozen=True)
class SuggestionView:
    """A candidate segment for a code, with the reason it was proposed."""

    id: int
    document_id: int
    segment_id: int | None
    start: int
    end: int
    code_id: int
    code_path: str
    score: float
    reason: str
    method: str
    status: str
    text: str = ""
    code_figure: str = ""  # how well this code is suggested: the classifier on unseen documents


@dataclass(frozen=True)
class ProgressUpdate:
    """Progress of a long operation, reported to the CLI or the TUI."""

    done: int
    total: int | None
    message: str = ""
    words: int = 0


ProgressCallback = Callable[[ProgressUpdate], None]
StopCallback = Callable[[], bool]


def no_progress(_: ProgressUpdate) -> None:
    """A progress callback that ignores updates."""


def never_stop() -> bool:
    """A stop callback that never asks to stop."""
    return False


@dataclass(frozen=True)
class ActionSummary:
    """What an undo or redo did, for the status line."""

    action_id: int
    label: str
    kind: str  # 'undo' or 'redo'


@dataclass(frozen=True)
class DocumentView:
    """A document with its canonical text, for reading and coding."""

    ref: DocumentRef
    text: str
    memo: str = ""


@dataclass(frozen=True)
class SegmentSpec:
    """A segment to store: produced by ingest, stored by the import service."""

    kind: str  # 'turn', 'sentence' or 'preamble' (no speaker: a title, a footer)
    start: int
    end: int
    speaker: str | None = None
    is_interviewer: bool = False
    turn_index: int = 0
    meta: dict[str, object] | None = None
