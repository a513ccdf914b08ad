"""The codebook screen: restructure the code tree during a coding session.

``CodebookScreen(project)`` shows every group and code with its colour, shortcut and
codings (all coders / this coder; a blind coder's own only), and the code under the cursor
in full. Keys add,
rename, move (up/down, in/out, anywhere), merge, delete (a confirmation states the
numbers), edit fields, undo/redo, export/import the codebook and open the read-only
codebook document. Every edit is one call of ``services.codebook_edit`` (one
transaction, undoable), run in a thread; a refusal becomes a one-line notification.
After each change the screen tells the app (``reload_codes`` when the app has it, and
a ``CodebookScreen.Changed`` message) so the coding screen shows the new codebook.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, Tree

from qualcope.domain import CodeNode
from qualcope.errors import NothingToDoError, QualcopeError
from qualcope.services import codebook, codebook_edit, history
from qualcope.services.project import Project
from qualcope.tui import actions
from qualcope.tui.codebook_naming import CodebookNaming
from qualcope.tui.widgets.codebook_confirm import CodebookConfirm
from qualcope.tui.widgets.codebook_detail import CodebookDetail
from qualcope.tui.widgets.codebook_document import CodebookDocument
from qualcope.tui.widgets.codebook_picker import CodebookPicker
from qualcope.tui.widgets.codebook_prompt import CodebookPrompt
from qualcope.tui.widgets.codebook_tree import CodebookTree, subtree_counts

T = TypeVar("T")


class CodebookScreen(CodebookNaming, Screen[None]):
    """Edit the codebook of a project."""

    DEFAULT_CSS = """
    CodebookScreen {
        layout: vertical;
    }
    CodebookScreen #codebook-title {
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    CodebookScreen #codebook-hint {
        width: 1fr;
        height: 1;
        padding: 0 1;
    }
    CodebookScreen #codebook-body {
        height: 1fr;
    }
    CodebookScreen #codebook-tree {
        width: 1fr;
        height: 1fr;
    }
    CodebookScreen #codebook-detail-box {
        width: 45%;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $primary 40%;
    }
    """
    WHERE = actions.CODEBOOK
    BINDINGS = actions.bindings(actions.CODEBOOK)
    HINT = "K J up/down · > < in/out · M move to · A add group · U redo · i import"

    class Changed(Message):
        """The codebook changed (posted after every edit, undo, redo or import)."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.nodes: list[CodeNode] = []
        self.pending = 0  # service calls running (tests wait for 0)
        self._lock = asyncio.Lock()  # edits reach the project in the order of the keys

    def compose(self) -> ComposeResult:
        yield Label("", id="codebook-title")
        with Horizontal(id="codebook-body"):
            yield CodebookTree(id="codebook-tree")
            with VerticalScroll(id="codebook-detail-box"):
                yield CodebookDetail(id="codebook-detail")
        yield Label(Text(self.HINT, style="dim"), id="codebook-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CodebookTree).focus()
        self.reload()

    # ---------------------------------------------------------------- state
    @property
    def code_tree(self) -> CodebookTree:
        return self.query_one(CodebookTree)

    @property
    def current(self) -> CodeNode | None:
        return self.code_tree.current

    async def attempt(self, call: Callable[[], T]) -> tuple[T | None, QualcopeError | None]:
        """Run a service call off the event loop: (result, None) or (None, the refusal)."""
        self.pending += 1
        try:
            async with self._lock:
                return await asyncio.to_thread(call), None
        except QualcopeError as error:
            return None, error
        except Exception as error:  # noqa: BLE001 - a bug must not end the session
            self.log.error(repr(error))
            return None, QualcopeError(f"unexpected error, nothing was saved: {error!r}")
        finally:
            self.pending -= 1

    async def call(self, call: Callable[[], T]) -> T | None:
        """Run a service call; a refusal becomes a one-line notification."""
        result, error = await self.attempt(call)
        if error is not None:
            severity = "information" if isinstance(error, NothingToDoError) else "error"
            self.notify(str(error), severity=severity, markup=False)
        return result

    @work(group="codebook-read")
    async def reload(self, select: int | None = None) -> None:
        await self.refresh_tree(select)

    async def refresh_tree(self, select: int | None = None, changed: bool = False) -> None:
        nodes = await self.call(lambda: codebook.tree(self.project))
        if nodes is None:
            return
        self.nodes = nodes
        self.code_tree.mine_only = self.project.blind
        self.code_tree.show(nodes, select)
        codes = sum(1 for n in nodes if not n.is_group)
        title = Text(f"Codebook · {codes} codes, {len(nodes) - codes} groups", style="bold")
        if self.project.blind:
            title.append(f"   codings: {self.project.coder} (blind)", style="dim")
        else:
            title.append(f"   codings: all coders / {self.project.coder}", style="dim")
        self.query_one("#codebook-title", Label).update(title)
        self._show_detail()
        if changed:
            reload_codes = getattr(self.app, "reload_codes", None)
            if callable(reload_codes):
                reload_codes()
            self.post_message(self.Changed())

    def _show_detail(self) -> None:
        node = self.current
        counts = subtree_counts(self.nodes).get(node.id) if node is not None else None
        self.query_one(CodebookDetail).show(node, counts, self.project.blind)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        self._show_detail()

    async def edit(self, call: Callable[[], Any], select: int | None = None) -> Any:
        """One edit, then the tree redrawn with the cursor on ``select``."""
        result = await self.call(call)
        if result is not None:
            await self.refresh_tree(select, changed=True)
        return result

    def _chosen(self) -> CodeNode | None:
        node = self.current
        if node is None:
            self.notify("the codebook is empty", timeout=3)
        return node

    # ---------------------------------------------------------------- moving
    @work(group="codebook-edit")
    async def action_reorder(self, offset: int) -> None:
        if node := self._chosen():
            await self.edit(
                lambda: codebook_edit.reorder_code(self.project, node.id, offset), node.id
            )

    @work(group="codebook-edit")
    async def action_indent(self) -> None:
        if node := self._chosen():
            await self.edit(lambda: codebook_edit.indent_code(self.project, node.id), node.id)

    @work(group="codebook-edit")
    async def action_outdent(self) -> None:
        if node := self._chosen():
            await self.edit(lambda: codebook_edit.outdent_code(self.project, node.id), node.id)

    def _subtree(self, node: CodeNode) -> set[int]:
        found = {node.id}
        for other in self.nodes:  # depth-first: parents come before their children
            if other.parent_id in found:
                found.add(other.id)
        return found

    @work(group="codebook-edit")
    async def action_move_to(self) -> None:
        node = self._chosen()
        if node is None:
            return
        picked = await self.app.push_screen_wait(
            CodebookPicker(
                f"Move {node.path!r} under…",
                self.nodes,
                exclude=self._subtree(node),
                allow_top=True,
            )
        )
        if picked is not None:
            await self.edit(
                lambda: codebook_edit.move_code(self.project, node.id, picked.code_id), node.id
            )

    # ---------------------------------------------------------- merge, delete
    @work(group="codebook-edit")
    async def action_merge(self) -> None:
        node = self._chosen()
        if node is None:
            return
        picked = await self.app.push_screen_wait(
            CodebookPicker(f"Merge {node.path!r} into…", self.nodes, exclude=self._subtree(node))
        )
        target = next((n for n in self.nodes if picked and n.id == picked.code_id), None)
        if target is None:
            return
        children = sum(1 for n in self.nodes if n.parent_id == node.id)
        message = Text(f"Merge {node.path!r} into {target.path!r}?\n\n", style="bold")
        message.append(
            f"{node.coding_count} codings move to {target.name!r} (a coding on the same span "
            f"by the same coder as one of {target.name!r} collapses into it; links are kept)"
            f"{f', {children} sub-codes move under it' if children else ''}; "
            f"{node.name!r} disappears. Undo restores it."
        )
        if await self.app.push_screen_wait(CodebookConfirm(message, [("y", "merge")])) != "y":
            return
        summary = await self.edit(
            lambda: codebook_edit.merge_codes(self.project, node.id, target.id), target.id
        )
        if summary is not None:
            self.notify(summary.message(), markup=False)

    @work(group="codebook-edit")
    async def action_delete(self) -> None:
        node = self._chosen()
        if node is None:
            return
        preview = await self.call(lambda: codebook_edit.delete_preview(self.project, node.id))
        if preview is None:
            return
        message = Text(preview.message())
        choices = [("y", "delete")]
        if preview.codings:
            choices = [("m", "merge the codings into…"), ("D", "delete the codings too")]
        choice = await self.app.push_screen_wait(CodebookConfirm(message, choices))
        if choice is None:
            return
        mode: codebook_edit.DeleteMode = "refuse"
        target: int | None = None
        if choice == "D":
            mode = "delete_codings"
        elif choice == "m":
            picked = await self.app.push_screen_wait(
                CodebookPicker(
                    f"Move the codings of {preview.path!r} to…",
                    self.nodes,
                    exclude=self._subtree(node),
                    codes_only=True,
                )
            )
            if picked is None:
                return
            mode, target = "merge_into", picked.code_id
        summary = await self.edit(
            lambda: codebook_edit.delete_code(self.project, node.id, mode, target),
            target if target is not None else node.parent_id,
        )
        if summary is not None:
            self.notify(summary.message(), markup=False)

    # ------------------------------------------------------------ history
    @work(group="codebook-edit")
    async def action_undo(self) -> None:
        await self._history(history.undo)

    @work(group="codebook-edit")
    async def action_redo(self) -> None:
        await self._history(history.redo)

    async def _history(self, operation: Callable[[Project], Any]) -> None:
        keep = self.current.id if self.current is not None else None
        summary = await self.edit(lambda: operation(self.project), keep)
        if summary is not None:
            verb = "Undone" if summary.kind == "undo" else "Redone"
            self.notify(f"{verb}: {summary.label}", markup=False, timeout=3)

    # ------------------------------------------------------ files, document
    @work(group="codebook-edit")
    async def action_export(self) -> None:
        path = await self.app.push_screen_wait(
            CodebookPrompt(
                "Export the codebook to (.yaml, .csv, .md or .qdc)", value="codebook.yaml"
            )
        )
        if path:
            spec = await self.call(
                lambda: codebook.export_codebook(self.project, Path(path).expanduser())
            )
            if spec is not None:
                self.notify(f"wrote {len(spec.walk())} codes to {path}", markup=False)

    @work(group="codebook-edit")
    async def action_import(self) -> None:
        path = await self.app.push_screen_wait(
            CodebookPrompt(
                "Import a codebook (.yaml, .csv, .qdc, QualCoder .txt), merged by code path"
            )
        )
        if not path:
            return
        notes: list[str] = []

        def run() -> list[Any]:
            spec, read_notes = codebook.read_codebook_with_notes(Path(path).expanduser())
            notes.extend(read_notes)
            return codebook.import_codebook(self.project, spec, source=path)

        changes = await self.edit(run, self.current.id if self.current else None)
        if changes is not None:
            counts = {a: sum(1 for c in changes if c.action == a) for a in ("added", "updated")}
            # What reading the file folded, tolerated or left out is said, never dropped.
            said = "".join(f"\n{note}" for note in notes)
            self.notify(
                f"{path}: {counts['added']} added, {counts['updated']} updated{said}",
                markup=False,
                timeout=8 if notes else 5,
            )

    @work(group="codebook-edit")
    async def action_document(self) -> None:
        markdown = await self.call(lambda: codebook_edit.codebook_document(self.project))
        if markdown is not None:
            await self.app.push_screen_wait(CodebookDocument(markdown))

    def action_close(self) -> None:
        self.dismiss(None)
