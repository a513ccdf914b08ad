"""Other coders' changes, live, on the coding screen: a mixin of ``CodingScreen``.

On a beat (``LIVE_SECONDS``) the screen asks the event log what changed since the newest
event it has seen (``services.live.changes_since``), leaving out the actions this app made
itself (``QualcopeApp.own_actions``: it already shows them). The codings of each touched span
are re-read in the same worker, so the event loop only swaps them into the index and redraws;
the selection, the scroll position and the coding current in the panel stay as they were. A
message names who changed what ("ana added Avoidance"); a codebook change reloads the codes.

A beat is skipped while the previous one reads or a write of this app is on its way, and its
answer is dropped (and asked again on the next beat) when one of this app's writes ran
meanwhile, so an action of this app is never taken for someone else's. Keys never wait for a
beat: it changes only what another coder changed.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from qualcope.domain import CodingView
from qualcope.errors import QualcopeError
from qualcope.services import codings, live

if TYPE_CHECKING:
    from qualcope.tui.document_state import OpenDocument
    from qualcope.tui.screens.coding import CodingScreen

    Base = CodingScreen
else:
    Base = object

LIVE_SECONDS = 1.0
# More changes than this in one beat are summed up in one message per coder.
MESSAGES = 3

Fresh = list[tuple[int, int, list[CodingView]]]


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, in text order."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


class CodingLive(Base):
    """Show other coders' new, changed and removed codings as they are made."""

    _live_busy = False

    def start_live(self) -> None:
        self.set_interval(LIVE_SECONDS, self.live_beat, name="live")

    def live_beat(self) -> None:
        """Ask what others changed since the last beat (in a worker; never blocks keys)."""
        doc, app = self.doc, self.qapp
        if doc is None or self._live_busy or app.writing or not self.is_attached:
            return
        self._live_busy = True
        project, after, own = app.project, doc.live_after, frozenset(app.own_actions)
        seen = doc.live_seen
        serial, generation, length = app.write_serial, doc.generation, len(doc.text)

        def read() -> tuple[live.LiveChanges, Fresh]:
            changes = live.changes_since(project, after, doc.id, ignore_actions=own, seen=seen)
            if doc.id in changes.deleted_documents:
                return changes, []  # nothing left to read
            spans = [span for change in changes.codings for span in change.spans]
            if changes.truncated:
                spans = [(0, length)]
            fresh = [
                (start, end, codings.codings_at(project, doc.id, start, end, project.visible_coder))
                for start, end in merged(spans)
            ]
            return changes, fresh

        async def job() -> None:
            try:
                result = await asyncio.to_thread(read)
            except QualcopeError:  # busy or gone for a moment: the next beat asks again
                return
            finally:
                self._live_busy = False
            if self.is_attached and self.doc is doc:
                if not app.writing and app.write_serial == serial:
                    self._show_live(doc, generation, *result)

        self.run_worker(job(), group="live", exclusive=True, exit_on_error=False)

    def _show_live(
        self, doc: OpenDocument, generation: int, changes: live.LiveChanges, fresh: Fresh
    ) -> None:
        if doc.id in changes.deleted_documents:
            self._leave_deleted(*changes.deleted_documents[doc.id])
            return
        doc.live_after = changes.last_event_id
        doc.live_seen = changes.seen
        self.qapp.own_actions.update(changes.own_actions)
        if doc.generation == generation:
            for start, end, found in fresh:
                doc.codings.replace_region(start, end, found)
            if fresh:
                doc.generation += 1
                self._show_live_codings(doc)
        else:  # this app changed the codings meanwhile: re-read the spans as after a write
            for start, end, _found in fresh:
                self.refresh_region(start, end)
        for coding_id in changes.linked_codings:
            coding = doc.codings.get(coding_id)
            if coding is not None:
                self.refresh_region(*self._region_of(coding))
        if changes.codebook_changed:
            self.qapp.reload_codes()
        self._tell(changes)

    def _leave_deleted(self, name: str, who: str) -> None:
        """The open document was deleted (``qualcope document delete``): say so and go back
        to the documents, closing what is open over this screen (a picker, a memo)."""
        self.notify(
            f"{who} deleted {name}: back to the documents", title="Live", markup=False, timeout=8
        )
        self.doc = None  # nothing of it is saved on the way out (no reading position)
        while len(self.app.screen_stack) > 1 and self in self.app.screen_stack:
            self.app.pop_screen()

    def _show_live_codings(self, doc: OpenDocument) -> None:
        """Redraw the codings without moving the selection, the scroll or the current one."""
        sel = doc.selection
        self.panel.show_codings(doc.codings.overlapping(sel.start, sel.end))
        self.view.current_coding = self.panel.current
        self.view.redraw()

    def _tell(self, changes: live.LiveChanges) -> None:
        lines = [change.describe() for change in changes.codings]
        lines += [f"{who} changed the codebook" for who in changes.codebook_coders]
        if changes.truncated:
            lines.append("many changes by others: the document was read again")
        if not lines:
            return
        if len(lines) > MESSAGES:
            lines = [*lines[: MESSAGES - 1], f"and {len(lines) - MESSAGES + 1} more changes"]
        self.notify("\n".join(lines), title="Live", markup=False, timeout=4)
