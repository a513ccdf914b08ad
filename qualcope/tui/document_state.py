"""Loading a document for the coding screen: text, turns, sentences, codings, wrapped layout.

``load_document`` runs in a worker thread and calls services only; the
result is everything the screen needs, already indexed, so the event loop
does no work proportional to the document's size. It reads only the codings
of the first screens (and of a span to show), so the first screen of a long
transcript comes as fast as a short one's; ``all_codings`` then reads the rest
in the background. A blind coder (``Project.blind``) is shown only their own codings: the
services filter by ``project.visible_coder``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from qualcope.domain import DocumentView, SegmentView
from qualcope.services import codings, documents
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


def load_document(
    project: Project,
    document_id: int,
    width: int,
    height: int = 50,
    show: tuple[int, int] | None = None,
) -> OpenDocument:
    """Everything the coding screen shows of a document (call in a worker).

    The codings are those of the first screens and around the span `show`.
    """
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
    regions = [(0, layout.ends[min(len(layout), 3 * height) - 1] + 1 if len(layout) else 0)]
    if show is not None:
        regions.append((max(0, show[0] - 3000), show[1] + 3000))
    for start, end in regions:
        found = codings.codings_at(project, document_id, start, end, project.visible_coder)
        index.replace_region(start, end, found)
    return OpenDocument(
        view, blocks, selection, layout, index, finished=view.ref.finished, memo=view.memo
    )


def all_codings(project: Project, document_id: int) -> CodingIndex:
    """Every coding of a document shown to this coder, indexed (call in a worker)."""
    return CodingIndex(codings.codings_for_document(project, document_id, project.visible_coder))
