"""Loading a document for the coding screen: text, turns, sentences, codings, wrapped layout.

``load_document`` runs in a worker thread and calls services only; the
result is everything the screen needs, already indexed, so the event loop
does no work proportional to the document's size. It reads only the codings
of the first screens (and of a span to show), so the first screen of a long
transcript comes as fast as a short one's; ``all_codings`` then reads the rest
in the background. A blind coder (``Project.blind``) is shown only their own codings: the
services filter by ``project.visible_coder``.

A document reopens where this coder left it: ``load_document`` selects the remembered span
(``services.reading_positions``) unless it is asked to show another one, and
``position_saver`` is the write the coding screen queues when the coder leaves a document.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from qualcope.domain import DocumentView, SegmentView
from qualcope.errors import QualcopeError
from qualcope.services import codings, documents, live, reading_positions
from qualcope.services.project import Project
from qualcope.tui.highlights import CodingIndex
from qualcope.tui.layout import Block, Layout, paragraphs
from qualcope.tui.selection import Selection, Unit


@dataclass
class OpenDocument:
    """A document open on the coding screen."""

    view: DocumentView
    blocks: list[Block]
    selection: Selection
    layout: Layout
    codings: CodingIndex
    finished: bool = False
    memo: str = ""
    complete: bool = False  # all codings read (else only those near the first screen)
    generation: int = 0  # bumped by every local change of the codings
    # Regions of this document touched by each of this session's actions (for undo).
    journal: dict[int, tuple[int, int]] = field(default_factory=dict)
    # Where this coder left the document last time (selected on opening), or None.
    remembered: tuple[int, int] | None = None
    saved: tuple[int, int] | None = None  # the span last remembered (so leaving writes once)
    # The newest event of the log this screen shows (read before the codings: ``coding_live``).
    live_after: int = 0
    live_seen: frozenset[int] = frozenset()  # late-commit window already shown (PostgreSQL)

    @property
    def id(self) -> int:
        return self.view.ref.id

    @property
    def text(self) -> str:
        return self.view.text


def build_blocks(text: str, turns: list[SegmentView]) -> list[Block]:
    """Blocks of the turns and preambles (in text order), or of the text's lines."""
    blocks = [
        Block(t.start, t.end, t.speaker, t.is_interviewer, t.kind == "preamble") for t in turns
    ]
    return blocks or paragraphs(text)


def build_units(blocks: list[Block], sentences: list[SegmentView]) -> list[Unit]:
    starts = [b.start for b in blocks]
    units = []
    for sentence in sentences:
        turn = max(0, bisect_right(starts, sentence.start) - 1)
        units.append(Unit(sentence.start, sentence.end, turn))
    return units


def restore_selection(selection: Selection, start: int, end: int) -> None:
    """Select a remembered span as it was made: a sentence or a turn in its own mode (so
    ``j`` and ``J`` go on from it), any other span as a fine selection."""
    if not 0 <= start < end <= len(selection.text):
        return  # not a span of this text: start at the top
    sentence = selection.unit_at(start)
    if selection.units and selection.units[sentence].start == start:
        if selection.units[sentence].end == end:
            selection.goto(start)
            return
        if (start, end) in selection.turns:
            selection.goto_turn(start)
            return
    selection.select(start, end)


def position_saver(project: Project, doc: OpenDocument) -> Callable[[], None] | None:
    """The write that remembers where the coder is in `doc`, to queue with
    ``QualcopeApp.write`` when they leave it; None when that is already remembered.

    The span is read now, not when the write runs (the coder may be elsewhere by then).
    """
    span = doc.selection.span
    if doc.selection.is_empty or span == doc.saved:
        return None
    doc.saved = span
    document_id, (start, end) = doc.id, span
    return lambda: reading_positions.remember_position(project, document_id, start, end)


def save_position_now(project: Project, doc: OpenDocument) -> None:
    """Remember where the coder is in `doc` at once, on the calling thread: for a screen being
    unmounted as the app quits, when queued writes no longer run. A failure (the project is
    busy) only loses the position, never anything of the study, so it is not raised."""
    saver = position_saver(project, doc)
    if saver is None:
        return
    try:
        saver()
    except QualcopeError:
        doc.saved = None


def load_document(
    project: Project,
    document_id: int,
    width: int,
    height: int = 50,
    show: tuple[int, int] | None = None,
) -> OpenDocument:
    """Everything the coding screen shows of a document (call in a worker).

    Without a span to `show`, the span this coder left the document at is selected (and
    shown: its codings are read too). The codings are those of the first screens and around
    the span shown.
    """
    live_after, live_seen = live.live_start(project)  # first: a change while loading is shown
    remembered = reading_positions.remembered_position(project, document_id)
    view = documents.get_document(project, document_id)
    segments = documents.list_segments(project, document_id, with_text=False)
    turns = [s for s in segments if s.kind in ("turn", "preamble")]
    sentences = [s for s in segments if s.kind == "sentence"]
    blocks = build_blocks(view.text, turns)
    selection = Selection(
        view.text, build_units(blocks, sentences), [(b.start, b.end) for b in blocks]
    )
    layout = Layout(view.text, blocks, width)
    index = CodingIndex()
    if show is None and remembered is not None:
        restore_selection(selection, *remembered)
        show = selection.span
    regions = [(0, layout.ends[min(len(layout), 3 * height) - 1] + 1 if len(layout) else 0)]
    if show is not None:
        regions.append((max(0, show[0] - 3000), show[1] + 3000))
    for start, end in regions:
        found = codings.codings_at(project, document_id, start, end, project.visible_coder)
        index.replace_region(start, end, found)
    return OpenDocument(
        view,
        blocks,
        selection,
        layout,
        index,
        finished=view.ref.finished,
        memo=view.memo,
        remembered=remembered,
        saved=remembered,
        live_after=live_after,
        live_seen=live_seen,
    )


def all_codings(project: Project, document_id: int) -> CodingIndex:
    """Every coding of a document shown to this coder, indexed (call in a worker)."""
    return CodingIndex(codings.codings_for_document(project, document_id, project.visible_coder))
