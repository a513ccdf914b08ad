"""The suggestion queue: review candidate segments one key at a time.

``a``/Enter accepts (a coding with origin 'suggestion'), ``x`` rejects (kept
as a negative example), ``s`` skips, ``o`` accepts under another code; ``m``
switches between most likely first and least sure first (uncertainty: the
quickest way to teach the model), ``f`` shows one code or all, ``l`` learns:
retrains the classifier and recomputes the suggestions in a thread worker
with a progress bar, while decisions go on. It also starts by itself after
RETRAIN_EVERY decisions.

Self-contained: it talks to the services in workers (reads replace each
other; decisions go through one queue in key order), so any host app can push
it. It never imports SQLAlchemy and shows every text as ``Text``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.worker import get_current_worker

from qualcope.domain import ActionSummary, CodeNode, ProgressUpdate, SuggestionView
from qualcope.errors import QualcopeError
from qualcope.services import codebook
from qualcope.services import suggestions as service
from qualcope.services.project import Project
from qualcope.tui import actions
from qualcope.tui.widgets.suggestion_detail import SuggestionDetail
from qualcope.tui.widgets.suggestion_list import SuggestionList
from qualcope.tui.widgets.suggestion_progress import SuggestionProgress
from qualcope.tui.widgets.transcript import safe_text

T = TypeVar("T")
QUEUE_LIMIT = 2000
PROGRESS_EVERY = 0.1  # seconds: progress updates replace each other in between
ORDER_NAMES = {"score": "most likely first", "uncertainty": "least sure first"}


class SuggestionQueueScreen(Screen[None]):
    """Review this coder's suggestions (of one document, or all)."""

    DEFAULT_CSS = """
    SuggestionQueueScreen #suggestion-title { padding: 0 1; background: $boost; width: 1fr; }
    SuggestionQueueScreen #suggestion-body { height: 1fr; }
    SuggestionQueueScreen SuggestionList { width: 1fr; }
    """
    WHERE = actions.SUGGESTIONS
    BINDINGS = actions.bindings(actions.SUGGESTIONS)

    def __init__(self, project: Project, document_id: int | None = None) -> None:
        super().__init__()
        self.project = project
        self.document_id = document_id
        self.order = "score"
        self.code: CodeNode | None = None
        self.codes: list[CodeNode] = []
        self.decisions = 0  # since the last learning run
        self._jobs: deque[tuple[Callable[[], Any], Callable[[Any], None] | None]] = deque()
        self._writing = False
        self._last_progress = 0.0

    def compose(self) -> ComposeResult:
        yield Label(Text("Suggestions"), id="suggestion-title")
        with Horizontal(id="suggestion-body"):
            yield SuggestionList(id="suggestion-list")
            yield SuggestionDetail(id="suggestion-detail")
        yield SuggestionProgress(id="suggestion-progress")
        yield Footer()

    @property
    def queue(self) -> SuggestionList:
        return self.query_one(SuggestionList)

    @property
    def progress(self) -> SuggestionProgress:
        return self.query_one(SuggestionProgress)

    def on_mount(self) -> None:
        self.queue.focus()
        self._read(lambda: codebook.tree(self.project), self._got_codes, group="sugg-codes")
        self.reload(first=True)

    # ------------------------------------------------------------ reading
    def _read(self, call: Callable[[], T], then: Callable[[T], None], *, group: str) -> None:
        """Run a service call off the event loop; a newer read of the same group wins."""

        async def job() -> None:
            try:
                result = await asyncio.to_thread(call)
            except QualcopeError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            then(result)

        self.run_worker(job(), group=group, exclusive=True, exit_on_error=False)

    def _got_codes(self, nodes: list[CodeNode]) -> None:
        self.codes = nodes

    def reload(self, *, keep: int | None = None, first: bool = False) -> None:
        code_path = self.code.path if self.code else None

        def load() -> tuple[list[SuggestionView], bool]:
            views = service.list_suggestions(
                self.project,
                code=code_path,
                document_id=self.document_id,
                order=self.order,
                limit=QUEUE_LIMIT,
            )
            never = (
                first
                and not views
                and not service.list_suggestions(self.project, status=service.STATUSES, limit=1)
            )
            return views, never

        def show(result: tuple[list[SuggestionView], bool]) -> None:
            views, never_suggested = result
            self.queue.show(views, keep=keep)
            self._title()
            self._show_current()
            if never_suggested:
                self.action_learn()

        self._read(load, show, group="sugg-list")

    def _title(self) -> None:
        title = Text("Suggestions", style="bold")
        title.append(f" · {safe_text(self.code.path) if self.code else 'all codes'}")
        title.append(f" · {ORDER_NAMES.get(self.order, self.order)}")
        title.append(f" · {len(self.queue.views)} open")
        if self.project.blind:  # learnt from this coder's own codings and decisions only
            title.append(" · blind")
        self.query_one("#suggestion-title", Label).update(title)

    def _show_current(self) -> None:
        view = self.queue.current
        detail = self.query_one(SuggestionDetail)
        detail.show(view)
        if view is not None:
            self._read(
                lambda: service.context(self.project, view.id),
                lambda ctx: self._show_context(view, ctx),
                group="sugg-context",
            )

    def _show_context(self, view: SuggestionView, ctx: tuple[str, str, str]) -> None:
        if self.queue.current is not None and self.queue.current.id == view.id:
            self.query_one(SuggestionDetail).show(view, ctx)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_current()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_accept()

    def after_history(self, summary: ActionSummary) -> None:
        """The app undid or redid something: the queue may have changed."""
        self.reload()

    # ------------------------------------------------------------ deciding
    def _write(self, call: Callable[[], T], then: Callable[[T], None] | None = None) -> None:
        """Queue one decision; decisions reach the project in the order keys were pressed."""
        self._jobs.append((call, then))
        if not self._writing:
            self._writing = True
            self.run_worker(self._drain(), group="sugg-writer", exit_on_error=False)

    async def _drain(self) -> None:
        try:
            while self._jobs:
                call, then = self._jobs.popleft()
                try:
                    result = await asyncio.to_thread(call)
                except QualcopeError as error:
                    self.notify(str(error), severity="error", markup=False)
                    self.reload()
                    continue
                if then is not None:
                    then(result)
        finally:
            self._writing = False

    def _decide(self, verb: str, call: Callable[[int], Any]) -> None:
        view = self.queue.current
        if view is None:
            self.app.bell()
            return
        self.queue.drop(view.id)
        self._title()
        self._show_current()
        self._write(lambda: call(view.id))
        self.decisions += 1
        if self.decisions >= service.RETRAIN_EVERY and not self.progress.running:
            self.action_learn()

    def action_accept(self) -> None:
        self._decide("accept", lambda sid: service.accept(self.project, sid))

    def action_reject(self) -> None:
        self._decide("reject", lambda sid: service.reject(self.project, sid))

    def action_skip(self) -> None:
        self._decide("skip", lambda sid: service.skip(self.project, sid))

    def action_accept_other(self) -> None:
        view = self.queue.current
        if view is None or not self.codes:
            self.app.bell()
            return
        from qualcope.tui.screens.picker import CodePicker

        def chosen(code_id: int | None) -> None:
            if code_id is None or self.queue.current is None:
                return
            self._decide("accept", lambda sid: service.accept(self.project, sid, code_id))

        self.app.push_screen(CodePicker(self.codes, "Accept under which code?"), chosen)

    # ------------------------------------------------------------ viewing
    def action_toggle_order(self) -> None:
        self.order = "uncertainty" if self.order == "score" else "score"
        self.reload()

    def action_filter_code(self) -> None:
        if not self.codes:
            self.app.bell()
            return
        from qualcope.tui.screens.picker import CodePicker

        def chosen(code_id: int | None) -> None:
            self.code = next((c for c in self.codes if c.id == code_id), None)
            self.reload()

        self.app.push_screen(CodePicker(self.codes, "Show suggestions of (Esc: all codes)"), chosen)

    def action_close(self) -> None:
        self.app.pop_screen()

    # ------------------------------------------------------------ learning
    def action_learn(self) -> None:
        """Retrain and recompute the suggestions in a thread; deciding goes on meanwhile."""
        if self.progress.running:
            self.notify("already learning", markup=False, timeout=2)
            return
        self.decisions = 0
        self.progress.start("learning from your decisions")
        self.run_worker(self._learn, thread=True, group="sugg-learn", exclusive=True)

    def _learn(self) -> None:
        worker = get_current_worker()
        code_path = self.code.path if self.code else None
        try:
            run = service.suggest(
                self.project,
                code=code_path,
                document_id=self.document_id,
                retrain=True,
                on_progress=self._progress_from_thread,
                should_stop=lambda: worker.is_cancelled,
            )
        except QualcopeError as error:
            message = str(error)
            self.app.call_from_thread(self._learned, None, message)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._learned, run, "")

    def _progress_from_thread(self, update: ProgressUpdate) -> None:
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_EVERY and update.done != update.total:
            return  # the next update replaces this one
        self._last_progress = now
        self.app.call_from_thread(self.progress.advance, update)

    def _learned(self, run: Any, error: str) -> None:
        self.progress.finish()
        if run is None:
            self.notify(error, severity="error", markup=False)
            return
        for warning in run.warnings:
            self.notify(warning, severity="warning", markup=False)
        if run.message and not run.created and not run.updated:
            self.notify(run.message, markup=False)
        else:
            learnt = sum(len(info.labels) for info in run.models)
            model = f"classifier for {learnt} codes" if learnt else "cue phrases only"
            self.notify(f"{run.created} new suggestions ({model})", markup=False, timeout=4)
        current = self.queue.current
        self.reload(keep=current.id if current else None)


# The app's hook name for this screen (actions.HOOKS).
SuggestionsScreen = SuggestionQueueScreen
