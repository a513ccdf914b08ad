"""What the coding screen changes in the project, and how it re-reads the truth afterwards.

A mixin of ``CodingScreen``. Every change is one service call queued on the
app's write queue (``QualcopeApp.write``). A successful coding call returns
the coding as stored, which replaces the local copy; other changes re-read
the codings of the region they touched (``codings_at``, indexed, so the
cost does not grow with the document). Each action's region is remembered
by its action id, so undo and redo re-read just that region; an action from
before a restart re-reads the whole document in a worker. On an error the
app shows it and the touched region is re-read, so the screen always shows
the project's true state. Blind (``Project.blind``), every read is of the coder's own
codings, so remove, recode, memo and link only ever offer those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text

from qualcope.domain import ActionSummary, CodingView
from qualcope.errors import QualcopeError, StaleEditError
from qualcope.services import codings, documents, ownership
from qualcope.tui.screens.link import LinkDialog, link_targets, value_codes
from qualcope.tui.screens.memo import MemoEditor
from qualcope.tui.widgets.codebook_confirm import CodebookConfirm
from qualcope.tui.widgets.transcript import safe_text

if TYPE_CHECKING:
    from qualcope.tui.screens.coding import CodingScreen

    Base = CodingScreen
else:
    Base = object


class CodingActions(Base):
    """Apply, remove, recode, memo, link, finish; refresh after undo."""

    # -------------------------------------------------------------- helpers
    def alive(self, callback: Any) -> Any:
        """The callback, skipped when the screen was closed before the answer came."""

        def call(*args: Any) -> Any:
            return callback(*args) if self.is_attached else None

        return call

    def _with_action_id(self, call: Any) -> Any:
        project = self.qapp.project

        def run() -> tuple[Any, int | None]:
            result = call()
            return result, project.last_action_id

        return run

    def remember(self, action_id: int | None, start: int, end: int) -> None:
        if self.doc is not None and action_id is not None:
            self.doc.journal[action_id] = (start, end)

    def refresh_region(self, start: int, end: int, keep: int | None = None) -> None:
        """Re-read the codings overlapping [start, end) and show them."""
        doc = self.doc
        if doc is None:
            return
        project, generation = self.qapp.project, doc.generation

        def fresh(found: list[CodingView]) -> None:
            if self.doc is not doc:
                return
            if doc.generation != generation:  # changed while reading: this answer may be stale
                self.refresh_region(start, end, keep)
                return
            doc.generation += 1
            doc.codings.replace_region(start, end, found)
            self.view.redraw()
            self.sync(keep_coding=keep)

        self.read_awaited(
            lambda: codings.codings_at(project, doc.id, start, end, project.visible_coder),
            self.alive(fresh),
            group=f"region-{start}-{end}",
        )

    def _region_of(self, coding: CodingView) -> tuple[int, int]:
        """The coding's span, widened to the codings linked to or from it."""
        assert self.doc is not None
        start, end = coding.start, coding.end
        linked = {link.target_coding_id for link in coding.links}
        for other in self.doc.codings.all():
            if other.id in linked or any(x.target_coding_id == coding.id for x in other.links):
                start, end = min(start, other.start), max(end, other.end)
        return start, end

    def _stored(self, view: CodingView, action_id: int | None, region: tuple[int, int]) -> None:
        if self.doc is None or view.document_id != self.doc.id:
            return
        self.remember(action_id, *region)
        self.doc.generation += 1
        self.doc.codings.add(view)
        self.view.redraw()
        self.sync(keep_coding=view.id)

    def _current(self) -> CodingView | None:
        current = self.panel.current
        if current is None:
            self.notify("no coding at the selection", markup=False)
        return current

    # --------------------------------------------------------------- coding
    def apply_code(self, code_id: int) -> None:
        doc = self.doc
        if doc is None or doc.selection.is_empty:
            self.app.bell()
            return
        start, end = doc.selection.span
        if doc.selection.extending:  # coding ends extend mode: the next move starts afresh
            doc.selection.finish_extend()
            self.sync()
        project = self.qapp.project
        self.status.set(saving="saving…")
        self.qapp.write(
            self._with_action_id(lambda: codings.add_coding(project, doc.id, start, end, code_id)),
            self.alive(
                lambda result: self._after_write(self._stored, result[0], result[1], (start, end))
            ),
            self.alive(lambda _error: self._after_error(start, end)),
        )

    def _after_write(self, then: Any, *args: Any) -> None:
        then(*args)
        if self.qapp.pending_writes == 0:
            self.status.set(saving="")

    def _after_error(self, start: int, end: int) -> None:
        self.status.set(saving="")
        self.refresh_region(start, end)

    def action_pick_code(self) -> None:
        if self.doc is None:
            return
        self.qapp.pick_code(
            "Apply a code to the selection", lambda code_id: code_id and self.apply_code(code_id)
        )

    def action_remove_coding(self) -> None:
        current = self._current()
        if current is not None:
            self._with_owner_consent(current, "remove", lambda ok: self._remove(current, ok))

    def _remove(self, current: CodingView, others_confirmed: bool) -> None:
        region = self._region_of(current)
        project = self.qapp.project

        def removed(result: tuple[None, int | None]) -> None:
            self.remember(result[1], *region)
            if self.doc is not None:
                self.doc.generation += 1
                self.doc.codings.remove(current.id)
            self.refresh_region(*region)
            self.status.set(saving="")
            self.notify(f"Removed {self._described(current)} · u to undo", markup=False)

        self.status.set(saving="saving…")
        self.qapp.write(
            self._with_action_id(
                lambda: codings.remove_coding(
                    project, current.id, others_confirmed=others_confirmed
                )
            ),
            self.alive(removed),
            self.alive(lambda _error: self._after_error(*region)),
        )

    def action_recode(self) -> None:
        current = self._current()
        if current is not None:
            self._with_owner_consent(current, "recode", lambda ok: self._recode(current, ok))

    def _recode(self, current: CodingView, others_confirmed: bool) -> None:
        project = self.qapp.project
        region = (current.start, current.end)

        def recoded(result: tuple[CodingView, int | None]) -> None:
            self._after_write(self._stored, result[0], result[1], region)
            if result[0].code_id != current.code_id:
                new_name = result[0].code_path.rpartition("/")[2]
                self.notify(
                    f"Recoded {self._described(current)} to {new_name} · u to undo", markup=False
                )

        def chosen(code_id: int | None) -> None:
            if code_id:
                self.qapp.write(
                    self._with_action_id(
                        lambda: codings.recode(
                            project, current.id, code_id, others_confirmed=others_confirmed
                        )
                    ),
                    self.alive(recoded),
                    self.alive(lambda _error: self._after_error(*region)),
                )

        self.qapp.pick_code("Recode to…", chosen)

    def _described(self, coding: CodingView) -> str:
        """'Avoidance' for one's own coding, "Avoidance (Reference coder's)" for another's."""
        name = coding.code_path.rpartition("/")[2]
        return name if coding.coder == self.qapp.project.coder else f"{name} ({coding.coder}'s)"

    def _with_owner_consent(
        self, coding: CodingView, verb: str, then: Callable[[bool], None]
    ) -> None:
        """Run ``then(confirmed)`` on one's own coding at once; on another coder's, only when
        the project allows it and the coder says yes ("remove Reference coder's coding?")."""
        project = self.qapp.project
        if coding.coder == project.coder:
            then(False)
            return

        def answered(choice: str | None) -> None:
            if choice == "y":
                then(True)

        def decided(policy: str) -> None:
            if policy == ownership.PROTECT:
                self.notify(
                    f"{coding.coder}'s coding is protected: this project keeps other coders' "
                    "codings as they left them (qualcope others-codings)",
                    severity="warning",
                    markup=False,
                )
                return
            name = coding.code_path.rpartition("/")[2]
            who = safe_text(coding.coder)
            question = Text(f"{verb.capitalize()} {who}'s coding?\n\n", style="bold")
            quote = self.doc.text[coding.start : coding.end] if self.doc is not None else ""
            question.append(safe_text(name), style="bold")
            question.append(f": {safe_text(quote[:200])}{'…' if len(quote) > 200 else ''}")
            question.append(f"\n\nIt is {who}'s work; u undoes it.")
            self.app.push_screen(
                CodebookConfirm(question, [("y", f"{verb} it"), ("n", "keep it")]), answered
            )

        self.read_awaited(
            lambda: ownership.others_codings_policy(project),
            self.alive(decided),
            group="ownership",
        )

    def action_memo(self) -> None:
        current = self._current()
        if current is None:
            return
        project = self.qapp.project
        region = (current.start, current.end)

        def save(memo: str, overwrite: bool) -> None:
            self.qapp.write(
                self._with_action_id(
                    lambda: codings.set_memo(
                        project, current.id, memo, current.version, overwrite=overwrite
                    )
                ),
                self.alive(
                    lambda result: self._after_write(self._stored, result[0], result[1], region)
                ),
                self.alive(lambda error: failed(memo, error)),
            )

        def failed(memo: str, error: QualcopeError) -> None:
            self._after_error(*region)
            if isinstance(error, StaleEditError):  # someone saved the coding meanwhile
                self.app.push_screen(
                    CodebookConfirm(
                        Text(str(error)), [("r", "reload (drop my memo)"), ("o", "overwrite")]
                    ),
                    lambda choice: choice == "o" and save(memo, True),
                )

        def edited(memo: str | None) -> None:
            if memo is None or memo.strip() == current.memo:
                return
            save(memo, False)

        title = f"Memo on {current.code_path.rpartition('/')[2]} ({current.coder})"
        self.app.push_screen(MemoEditor(title, current.memo), edited)

    def action_link(self) -> None:
        current = self._current()
        doc = self.doc
        if current is None or doc is None:
            return
        targets = link_targets(current, doc.codings.all())[:300]
        if not targets:
            self.notify("no other coding in this document to link to", markup=False)
            return
        project = self.qapp.project
        region = self._region_of(current)

        def chosen(choice: tuple[int, int | None] | None) -> None:
            if choice is None:
                return
            target_id, favoured = choice
            target = doc.codings.get(target_id)
            low = min(region[0], target.start if target else region[0])
            high = max(region[1], target.end if target else region[1])

            def linked(result: tuple[Any, int | None]) -> None:
                self.remember(result[1], low, high)
                self.refresh_region(low, high, keep=current.id)

            self.qapp.write(
                self._with_action_id(
                    lambda: codings.link(project, current.id, target_id, favoured)
                ),
                self.alive(linked),
                self.alive(lambda _error: self._after_error(low, high)),
            )

        self.app.push_screen(LinkDialog(current, targets, value_codes(self.qapp.codes)), chosen)

    # ------------------------------------------------------------ document
    def action_document_memo(self) -> None:
        doc = self.doc
        if doc is None:
            return
        project = self.qapp.project

        def save(memo: str, overwrite: bool) -> None:
            def saved(_result: None) -> None:
                doc.memo = memo.strip()
                self.notify("document memo saved", markup=False, timeout=2)

            def failed(error: QualcopeError) -> None:
                self._reread(error)
                if isinstance(error, StaleEditError):  # saved in another window meanwhile
                    self.app.push_screen(
                        CodebookConfirm(
                            Text(str(error)), [("r", "reload (drop my memo)"), ("o", "overwrite")]
                        ),
                        lambda choice: choice == "o" and save(memo, True),
                    )

            self.qapp.write(
                lambda: documents.set_document_memo(
                    project, doc.id, memo, expected_text=doc.memo, overwrite=overwrite
                ),
                self.alive(saved),
                self.alive(failed),
            )

        def edited(memo: str | None) -> None:
            if memo is None or memo.strip() == doc.memo:
                return
            save(memo, False)

        self.app.push_screen(MemoEditor(f"Memo on {doc.view.ref.name}", doc.memo), edited)

    def action_toggle_finished(self) -> None:
        doc = self.doc
        if doc is None:
            return
        project, finished = self.qapp.project, not doc.finished

        def saved(_result: None) -> None:
            doc.finished = finished
            self.status.set(finished="finished ✓" if finished else "")
            self.notify("marked finished" if finished else "marked not finished", timeout=2)

        self.qapp.write(
            lambda: documents.set_finished(project, doc.id, finished),
            self.alive(saved),
            self.alive(self._reread),
        )

    def _reread(self, _error: QualcopeError | None = None) -> None:
        """Read the whole document again (after an error or an unknown undo), keeping what
        was selected and how (a sentence stays a sentence, a turn a turn)."""
        if self.doc is not None:
            doc = self.doc
            self.open(doc.id, then=doc.selection.span, keep=doc.selection.state())

    def after_history(self, summary: ActionSummary) -> None:
        """After undo or redo: re-read what it touched."""
        doc = self.doc
        if doc is None:
            return
        region = doc.journal.get(summary.action_id)
        if region is not None:
            self.refresh_region(*region)
        else:
            self._reread()
