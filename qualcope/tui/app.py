"""The qualcope Textual app: screens, the write queue, reads in workers, undo/redo, hooks.

Owns how the workspace talks to the service layer. Reads run in workers
(``asyncio.to_thread`` inside an exclusive async worker, so a newer read
cancels an older one and the event loop never waits on the database).
Writes go through one queue drained by one worker, so they reach the
project in the order the keys were pressed and typing never waits for the
disk. A ``QualcopeError`` becomes a notification (never a traceback) and the
caller re-reads the true state. The app never imports SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import importlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from qualcope.domain import ActionSummary, CodeNode
from qualcope.errors import NothingToDoError, QualcopeError
from qualcope.services import codebook, history
from qualcope.services.project import Project
from qualcope.tui import actions
from qualcope.tui.key_order import KeyStream
from qualcope.tui.palette import QualcopeCommands
from qualcope.tui.screens.documents import DocumentsScreen
from qualcope.tui.screens.help import HelpScreen
from qualcope.tui.screens.picker import CodePicker

T = TypeVar("T")


@dataclass
class WriteJob:
    call: Callable[[], Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[QualcopeError], None] | None


class QualcopeApp(App[None]):
    """The coding workspace on one project, for one coder."""

    CSS_PATH = "qualcope.tcss"
    TITLE = "qualcope"
    BINDINGS = actions.bindings(actions.APP)
    COMMANDS = App.COMMANDS | {QualcopeCommands}

    def __init__(self, project: Project, *, document_id: int | None = None) -> None:
        super().__init__()
        self.project = project
        self.start_document = document_id
        self.codes: list[CodeNode] = []
        self._jobs: deque[WriteJob] = deque()
        self._writing = False
        self.pending_writes = 0
        # Actions this app wrote (the live view leaves them out) and writes queued so far.
        self.own_actions: set[int] = set()
        self.write_serial = 0
        self.keys = KeyStream(self)
        where = project.path.name if project.path is not None else project.location
        blind = " · blind" if project.blind else ""  # blind double coding: say so everywhere
        self.sub_title = f"coder {project.coder}{blind} · {where}"

    def on_mount(self) -> None:
        self.push_screen(DocumentsScreen())
        self.reload_codes()
        if self.start_document is not None:
            from qualcope.tui.screens.coding import CodingScreen

            self.push_screen(CodingScreen(self.start_document))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """None from Textual's own provider: ``QualcopeCommands`` lists qualcope's commands,
        then the few of Textual's worth keeping (``palette.kept_system_commands``)."""
        return ()

    # --------------------------------------------------------------- keys
    async def on_event(self, event: events.Event) -> None:
        """A key the app receives goes to the ordered key stream first (``key_order``)."""
        if isinstance(event, events.Key) and not event.is_forwarded and await self.keys.take(event):
            return
        await super().on_event(event)

    async def dispatch_usual_key(self, event: events.Key) -> None:
        """A key the stream does not run itself, handled as Textual handles keys."""
        await super().on_event(event)

    def keys_may_go(self) -> None:
        """Something the held keys waited for is done: run them (after this handler)."""
        if self.keys.held:
            self.call_later(self.keys.release)

    # ------------------------------------------------------------ reading
    def read(
        self,
        call: Callable[[], T],
        on_done: Callable[[T], None],
        *,
        group: str,
        on_error: Callable[[QualcopeError], None] | None = None,
    ) -> Worker[None]:
        """Run a service call off the event loop; a newer read of the same group wins."""

        async def job() -> None:
            try:
                result = await asyncio.to_thread(call)
            except QualcopeError as error:
                self.notify(str(error), severity="error", markup=False)
                if on_error is not None:
                    on_error(error)
                return
            on_done(result)

        return self.run_worker(job(), group=group, exclusive=True, exit_on_error=True)

    def reload_codes(self) -> None:
        """Read the code tree again and show it on every screen that shows codes."""

        def done(nodes: list[CodeNode]) -> None:
            self.codes = nodes
            for screen in self.screen_stack:
                show = getattr(screen, "show_codes", None)
                if show is not None and screen.is_mounted:  # else it shows them on mounting
                    show(nodes)

        self.read(lambda: codebook.tree(self.project), done, group="codes")

    # ------------------------------------------------------------ writing
    def write(
        self,
        call: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[QualcopeError], None] | None = None,
    ) -> None:
        """Queue one user action; it runs after the ones queued before it."""
        self._jobs.append(WriteJob(call, on_done, on_error))
        self.pending_writes += 1
        self.write_serial += 1
        if not self._writing:
            self._writing = True
            self.run_worker(self._drain(), group="writer", exit_on_error=True)

    async def _drain(self) -> None:
        while self._jobs:
            job = self._jobs.popleft()
            try:
                result = await asyncio.to_thread(self._own(job.call))
            except QualcopeError as error:
                self.pending_writes -= 1
                severity = "information" if isinstance(error, NothingToDoError) else "error"
                self.notify(str(error), severity=severity, markup=False)
                if job.on_error is not None:
                    job.on_error(error)
                self.keys_may_go()
                continue
            except Exception as error:  # noqa: BLE001 - a bug must not lose the session
                self.pending_writes -= 1
                self.log.error(repr(error))
                self.notify(
                    f"unexpected error, nothing was saved: {error!r}",
                    severity="error",
                    markup=False,
                )
                if job.on_error is not None:
                    job.on_error(QualcopeError(str(error)))
                self.keys_may_go()
                continue
            self.pending_writes -= 1
            if job.on_done is not None:
                job.on_done(result)
            self.keys_may_go()
        self._writing = False

    def _own(self, call: Callable[[], T]) -> Callable[[], T]:
        """The call, remembering the action it wrote as this app's own (``own_actions``)."""

        def run() -> T:
            self.project.last_action_id = None
            try:
                return call()
            finally:
                if self.project.last_action_id is not None:
                    self.own_actions.add(self.project.last_action_id)

        return run

    @property
    def writing(self) -> bool:
        """Whether a write is queued or running."""
        return bool(self._jobs) or self._writing

    async def action_quit(self) -> None:
        """Quit once every key typed before is run and every queued change is saved (so a
        key pressed just before is kept)."""
        if self._jobs or self._writing or self.keys.held:
            self.notify("saving the last change…", markup=False, timeout=2)
        while self._jobs or self._writing or self.keys.held:
            await self.keys.release()  # here: this action holds up the app's own queue
            await asyncio.sleep(0.02)
        self.exit()

    async def settled(self) -> None:
        """Wait until no write is queued and no worker runs (tests and benchmarks)."""
        for _ in range(200):
            await asyncio.sleep(0)
            busy = [
                w for w in self.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)
            ]
            if not busy and not self._jobs and not self._writing:
                return
            for worker in busy:
                try:
                    await worker.wait()
                except Exception:  # noqa: BLE001, S110 - a failed or cancelled worker is settled
                    pass

    # ------------------------------------------------------- undo and redo
    def action_undo(self) -> None:
        self._history(history.undo)

    def action_redo(self) -> None:
        self._history(history.redo)

    def _history(self, operation: Callable[[Project], ActionSummary]) -> None:
        def done(summary: ActionSummary) -> None:
            verb = "Undone" if summary.kind == "undo" else "Redone"
            self.notify(f"{verb}: {summary.label}", markup=False, timeout=3)
            for screen in self.screen_stack:  # the screens under a dialog re-read too
                refresh = getattr(screen, "after_history", None)
                if refresh is not None:
                    refresh(summary)
            if "code" in summary.label:
                self.reload_codes()

        self.write(lambda: operation(self.project), done)

    # -------------------------------------------------------------- screens
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            where = getattr(self.screen, "WHERE", actions.APP)
            self.push_screen(HelpScreen(self.codes, where))

    def action_open_codebook(self) -> None:
        self._open_hook("open_codebook")

    def action_open_report(self) -> None:
        self._open_hook("open_report")

    def action_open_suggestions(self) -> None:
        self._open_hook("open_suggestions")

    def action_open_reconcile(self) -> None:
        self._open_hook("open_reconcile")

    def _open_hook(self, action: str) -> None:
        module_name, class_name = actions.HOOKS[action]
        try:
            screen_class = getattr(importlib.import_module(module_name), class_name)
            screen: Screen[Any] = screen_class(self.project)
        except (ImportError, AttributeError, TypeError) as error:
            self.notify(f"this screen is not available: {error}", severity="error", markup=False)
            return
        self.push_screen(screen)

    def pick_code(self, title: str, then: Callable[[int | None], None]) -> None:
        """Open the code picker (one instance, installed once) and call then(code id)."""
        if not self.is_screen_installed("picker"):
            self.install_screen(CodePicker(self.codes, title), "picker")
        picker = self.get_screen("picker")
        assert isinstance(picker, CodePicker)
        self.push_screen(picker.prepare(self.codes, title), then)

    def open_document(self, document_id: int) -> None:
        """Open a document on the coding screen (replacing the one open, if any)."""
        from qualcope.tui.screens.coding import CodingScreen

        if isinstance(self.screen, CodingScreen):
            self.screen.open(document_id)
        else:
            self.push_screen(CodingScreen(document_id))
