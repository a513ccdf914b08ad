"""The coding screen: read a transcript, move and select, and code it.

Owns the screen's layout and everything about moving: sentences, turns,
pages, extended and fine selections, the mouse, search hits and the
"current coding" of the panel. What changes the project (apply, remove,
recode, memo, link, finished, refresh after undo) is in
``qualcope.tui.coding_actions``. The document is loaded in a worker; each
key press only redraws the lines on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList

from qualcope.domain import CodeNode
from qualcope.errors import QualcopeError
from qualcope.services.search import SearchHit
from qualcope.tui import actions
from qualcope.tui.coding_actions import CodingActions
from qualcope.tui.coding_live import CodingLive
from qualcope.tui.coding_search import CodingSearch
from qualcope.tui.document_state import (
    OpenDocument,
    all_codings,
    load_document,
    position_saver,
    save_position_now,
)
from qualcope.tui.highlights import CodingIndex
from qualcope.tui.layout import Layout
from qualcope.tui.selection import FINE, TURN
from qualcope.tui.widgets.code_tree import CodeTree
from qualcope.tui.widgets.codings_panel import CodingsPanel
from qualcope.tui.widgets.key_bar import KeyBar
from qualcope.tui.widgets.status_line import StatusLine
from qualcope.tui.widgets.transcript import TranscriptView

if TYPE_CHECKING:
    from qualcope.tui.app import QualcopeApp

T = TypeVar("T")

# Columns beside the text: the side panel (#side in qualcope.tcss), the scrollbar, the gutter.
SIDE = 34 + 2 + 3 + 1


class CodingScreen(CodingActions, CodingSearch, CodingLive, Screen[None]):
    """One document, its codings and the codebook."""

    WHERE = actions.CODING
    BINDINGS = actions.bindings(actions.CODING, actions.FINE)

    def __init__(self, document_id: int) -> None:
        super().__init__()
        self.document_id = document_id
        self.doc: OpenDocument | None = None
        self.hits: list[SearchHit] = []
        self.awaited_reads: set[str] = set()  # groups of reads the next keys wait for

    @property
    def qapp(self) -> QualcopeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="workspace"):
            yield TranscriptView(id="transcript")
            with Vertical(id="side"):
                yield Label("Codes", classes="panel-title")
                yield CodeTree(id="codes")
                yield Label("At the selection", classes="panel-title")
                yield CodingsPanel(id="at-cursor")
        yield StatusLine(id="status")
        yield KeyBar(actions.CODING, id="keys")

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def panel(self) -> CodingsPanel:
        return self.query_one(CodingsPanel)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.status.set(coder=self.coder_label)
        self.show_codes(self.qapp.codes)
        self.view.focus()
        self.open(self.document_id)
        self.start_live()

    @property
    def coder_label(self) -> str:
        """'coder ana', and '· blind' when only ana's own codings are shown."""
        project = self.qapp.project
        return f"coder {project.coder}" + (" · blind" if project.blind else "")

    def on_screen_resume(self) -> None:
        self.qapp.reload_codes()

    def show_codes(self, codes: list[CodeNode]) -> None:
        self.query_one(CodeTree).set_codes(codes, actions.RESERVED_KEYS)
        self.shortcuts = {
            c.shortcut: c
            for c in codes
            if c.shortcut and not c.is_group and c.shortcut not in actions.RESERVED_KEYS
        }

    # -------------------------------------------------------------- loading
    def open(
        self,
        document_id: int,
        then: tuple[int, int] | None = None,
        keep: tuple[str, int, int | None, int, int, bool] | None = None,
    ) -> None:
        """Load a document in a worker; select span `then` when it is shown (or restore the
        selection state `keep`, after a re-read of the same document)."""
        if self.doc is not None and self.doc.id != document_id:
            self.save_position()  # the document being left
        self.document_id = document_id
        project = self.qapp.project
        # Before the first layout the view has no size yet: estimate it (the text re-wraps,
        # quickly, if the estimate was wrong), so loading overlaps drawing the screen.
        width = self.view.text_width if self.view.size.width else self.app.size.width - SIDE
        height = max(10, self.view.size.height or self.app.size.height)

        def shown(doc: OpenDocument) -> None:
            self.doc = doc
            self.sub_title = f"{doc.view.ref.name} · {self.coder_label}"
            self.view.show(doc.layout, doc.codings)
            self.view.scroll_to(y=0, animate=False, immediate=True)
            if doc.layout.width != self.view.text_width:
                self.rewrap(self.view.text_width)
            if keep is not None:
                doc.selection.restore(keep)
            elif then is not None:
                doc.selection.select(*then)
            self.view.set_hits(self._hit_spans())
            self.sync()
            self.status.set(finished="finished ✓" if doc.finished else "")
            # The rest of the codings once the first screen is on the terminal.
            self.set_timer(0.05, lambda: self.load_all_codings(doc))

        def failed(_error: object) -> None:
            if self.doc is None and self.is_current:  # nothing to show: back to the list
                self.app.pop_screen()

        self.read_awaited(  # keys typed now wait for this document
            lambda: load_document(project, document_id, width, height, then),
            self.alive(shown),
            group="load",
            on_error=self.alive(failed),
        )

    def load_all_codings(self, doc: OpenDocument) -> None:
        """Read every coding in the background (again if the codings changed meanwhile)."""
        project, generation = self.qapp.project, doc.generation

        def loaded(index: CodingIndex) -> None:
            if self.doc is not doc:
                return
            if doc.generation != generation:
                self.load_all_codings(doc)
                return
            doc.codings, doc.complete = index, True
            self.view.codings = index
            self.view.redraw()
            self.sync()

        self.qapp.read(
            lambda: all_codings(project, doc.id), self.alive(loaded), group="all-codings"
        )

    def on_transcript_view_width_changed(self, event: TranscriptView.WidthChanged) -> None:
        self.rewrap(event.width)

    def rewrap(self, width: int) -> None:
        doc = self.doc
        if doc is None:
            return

        def wrapped(layout: Layout) -> None:
            if self.doc is doc:
                doc.layout = layout
                self.view.set_layout(layout)

        self.qapp.read(
            lambda: Layout(doc.text, doc.blocks, width), self.alive(wrapped), group="wrap"
        )

    # ------------------------------------------------------- showing state
    def sync(self, keep_coding: int | None = None) -> None:
        """Show the selection, the codings at it and the status (after every move)."""
        doc = self.doc
        if doc is None:
            return
        sel = doc.selection
        edge = None
        if sel.mode == FINE:
            edge = max(sel.start, sel.end - 1) if sel.active_end else sel.start
        self.panel.show_codings(doc.codings.overlapping(sel.start, sel.end), keep=keep_coding)
        self.view.current_coding = self.panel.current
        self.view.set_selection(sel.start, sel.end, edge=edge, keep=sel.cursor_offset)
        words = len(doc.text[sel.start : sel.end].split())
        mode = {FINE: "FINE", TURN: "TURN"}.get(sel.mode, "SENTENCE")
        if sel.extending:
            mode += "+EXTEND"
        if sel.mode == FINE:
            mode += " (end)" if sel.active_end else " (start)"
        self.status.set(mode=mode, selection=f"{words} words at {sel.start}–{sel.end}")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list is self.panel:
            self.view.current_coding = self.panel.current
            self.view.redraw()

    def move(self, operation: str, *args: int) -> None:
        if self.doc is None or self.doc.selection.is_empty:
            return
        getattr(self.doc.selection, operation)(*args)
        self.sync()

    # ------------------------------------------------------------- moving
    def action_next_sentence(self) -> None:
        self.move("move_sentence", 1)

    def action_previous_sentence(self) -> None:
        self.move("move_sentence", -1)

    def action_next_turn(self) -> None:
        self.move("move_turn", 1)

    def action_previous_turn(self) -> None:
        self.move("move_turn", -1)

    def _page(self, direction: int) -> None:
        if self.doc is None:
            return
        line = self.view.cursor_line(self.doc.selection.cursor_offset)
        target = self.view.offset_at_line(line + direction * self.view.line_page())
        self.view.scroll_relative(y=direction * self.view.line_page(), animate=False)
        self.move("goto", target)

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_top(self) -> None:
        self.move("goto", 0)

    def action_bottom(self) -> None:
        self.move("goto_last")

    def action_extend(self) -> None:
        self.move("toggle_extend")

    def action_fine(self) -> None:
        self.move("toggle_fine")

    def action_collapse(self) -> None:
        self.view.focus()
        if self.doc is not None and self.doc.selection.collapse():
            self.sync()

    def action_edge_word(self, step: int) -> None:
        if self.doc is not None:
            self.doc.selection.move_edge(step, by_word=True)
            self.sync()

    def action_edge_char(self, step: int) -> None:
        if self.doc is not None:
            self.doc.selection.move_edge(step, by_word=False)
            self.sync()

    def action_swap_edge(self) -> None:
        if self.doc is not None and self.doc.selection.mode == FINE:
            self.doc.selection.swap_edge()
            self.sync()

    def action_previous_coding(self) -> None:
        self.panel.cycle(-1)

    def action_next_coding(self) -> None:
        self.panel.cycle(1)

    def action_toggle_panel(self) -> None:
        side = self.query_one("#side")
        side.display = not side.display

    def action_close(self) -> None:
        self.save_position()
        self.app.pop_screen()

    def save_position(self) -> None:
        """Remember where the coder is in the open document (queued; not undoable, not in
        the event log), so it reopens there."""
        saver = position_saver(self.qapp.project, self.doc) if self.doc is not None else None
        if saver is not None:
            self.qapp.write(saver)

    def on_unmount(self) -> None:
        # Quitting: the write queue no longer runs, so write now (nothing when already saved).
        if self.doc is not None:
            save_position_now(self.qapp.project, self.doc)

    def select_span(self, start: int, end: int) -> None:
        if self.doc is not None:
            self.doc.selection.select(start, end)
            self.sync()

    def jump_to_code(self, code_id: int) -> None:
        """Select the next coding of a code in this document (command palette)."""
        if self.doc is None:
            return
        found = self.doc.codings.next_of_code(code_id, self.doc.selection.start)
        if found is None:
            self.notify("no coding of this code in the document", markup=False)
        else:
            self.select_span(found.start, found.end)
            self.sync(keep_coding=found.id)

    # -------------------------------------------------------------- mouse
    def on_transcript_view_span_picked(self, event: TranscriptView.SpanPicked) -> None:
        self.select_span(event.start, event.end)

    def on_transcript_view_clicked(self, event: TranscriptView.Clicked) -> None:
        self.move("goto", event.offset)

    # ------------------------------------------------ the ordered key stream
    def ordered_keys(self, event: events.Key) -> bool:
        """Keys go through the app's ordered stream (``key_order``) while the focus is on
        the transcript, the code tree or the codings panel (not in a dialog's input)."""
        return self.focused is None or isinstance(
            self.focused, TranscriptView | CodeTree | CodingsPanel
        )

    def keys_must_wait(self) -> bool:
        """Keys wait while the document loads, a write is queued or codings are re-read:
        each key must act on what the keys before it made."""
        return self.doc is None or self.qapp.pending_writes > 0 or bool(self.awaited_reads)

    def shortcut(self, event: events.Key) -> bool:
        """A codebook shortcut applies its code (workspace keys win: they are reserved)."""
        code = getattr(self, "shortcuts", {}).get(event.character or "")
        if code is None:
            return False
        self.apply_code(code.id)
        return True

    def read_awaited(
        self,
        call: Callable[[], T],
        done: Callable[[T], None],
        *,
        group: str,
        on_error: Callable[[QualcopeError], None] | None = None,
    ) -> None:
        """A read whose answer changes what the next key acts on: keys wait for it."""
        self.awaited_reads.add(group)

        def finished(result: T) -> None:
            self.awaited_reads.discard(group)
            done(result)
            self.qapp.keys_may_go()

        def failed(error: QualcopeError) -> None:
            self.awaited_reads.discard(group)
            if on_error is not None:
                on_error(error)
            self.qapp.keys_may_go()

        self.qapp.read(call, finished, group=group, on_error=failed)

    def on_code_tree_code_chosen(self, event: CodeTree.CodeChosen) -> None:
        self.apply_code(event.code.id)
        self.view.focus()

    # --------------------------------------------------------- search hits
    def _hit_spans(self) -> list[tuple[int, int]]:
        return [(h.start, h.end) for h in self.hits if h.document_id == self.document_id]

    def show_hits(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        self.view.set_hits(self._hit_spans())

    def action_next_hit(self) -> None:
        self._goto_hit(1)

    def action_previous_hit(self) -> None:
        self._goto_hit(-1)

    def _goto_hit(self, step: int) -> None:
        if not self.hits or self.doc is None:
            self.notify("no search hits: press / to search", markup=False)
            return
        position = (self.document_id, self.doc.selection.start)
        keys = [(h.document_id, h.start) for h in self.hits]
        order = {d: i for i, d in enumerate(dict.fromkeys(k[0] for k in keys))}
        here = (order.get(position[0], -1), position[1])
        ranked = [((order[d], s), h) for (d, s), h in zip(keys, self.hits, strict=True)]
        if step > 0:
            after = [h for k, h in ranked if k > here]
            target = after[0] if after else self.hits[0]
        else:
            before = [h for k, h in ranked if k < here]
            target = before[-1] if before else self.hits[-1]
        self.goto_hit(target)

    def goto_hit(self, hit: SearchHit) -> None:
        index = self.hits.index(hit) + 1 if hit in self.hits else 0
        self.status.set(search=f"hit {index}/{len(self.hits)}")
        if hit.document_id == self.document_id:
            self.select_span(hit.start, hit.end)
        else:
            self.open(hit.document_id, then=(hit.start, hit.end))
