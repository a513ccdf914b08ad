"""Adding, renaming and editing codes: a mixin of ``CodebookScreen``.

An edit of a code another coder saved since the screen showed it (``StaleEditError``) asks
whether to keep theirs (reload) or overwrite it; the question runs in the editing worker
(the form saves in one), so the screen and the form stay responsive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work

from qualcope.domain import CodeNode
from qualcope.errors import StaleEditError
from qualcope.services import codebook_edit
from qualcope.tui.widgets.codebook_confirm import CodebookConfirm
from qualcope.tui.widgets.codebook_form import CodebookForm
from qualcope.tui.widgets.codebook_prompt import CodebookPrompt

if TYPE_CHECKING:
    from qualcope.tui.screens.codebook import CodebookScreen

    Base = CodebookScreen
else:
    Base = object


class CodebookNaming(Base):
    """Keys that add a code or group, rename one, or edit its fields."""

    async def overwrite_stale(self, error: StaleEditError, node: CodeNode) -> bool:
        """Another coder saved the code meanwhile: True to overwrite, else (after saying so)
        False to keep theirs. Call from a worker."""
        choice = await self.app.push_screen_wait(
            CodebookConfirm(
                Text(str(error)), [("r", "reload (drop my change)"), ("o", "overwrite")]
            )
        )
        if choice != "o":
            self.notify(
                f"your change to {node.name!r} was dropped; the code is shown as saved",
                markup=False,
            )
        return choice == "o"

    @work(group="codebook-edit")
    async def action_add(self, kind: str) -> None:
        node = self.current
        parent = node if node is None or node.is_group else self._parent_of(node)
        where = f"in {parent.path!r}" if parent is not None else "at the top level"
        name = await self.app.push_screen_wait(CodebookPrompt(f"New {kind} {where}"))
        if not name:
            return
        parent_id = parent.id if parent is not None else None
        added = await self.call(lambda: codebook_edit.add_code(self.project, name, parent_id, kind))
        if added is not None:
            await self.refresh_tree(added.id, changed=True)

    def _parent_of(self, node: CodeNode) -> CodeNode | None:
        return next((n for n in self.nodes if n.id == node.parent_id), None)

    @work(group="codebook-edit")
    async def action_rename(self) -> None:
        node = self._chosen()
        if node is None:
            return
        name = await self.app.push_screen_wait(
            CodebookPrompt(f"Rename {node.path!r}", value=node.name)
        )
        if not name or name == node.name:
            return
        _, error = await self.attempt(
            lambda: codebook_edit.rename_code(
                self.project, node.id, name, expected_version=node.version
            )
        )
        if isinstance(error, StaleEditError) and await self.overwrite_stale(error, node):
            await self.edit(
                lambda: codebook_edit.rename_code(self.project, node.id, name, overwrite=True),
                node.id,
            )
            return
        if error is not None and not isinstance(error, StaleEditError):
            self.notify(str(error), severity="error", markup=False)
        await self.refresh_tree(node.id, changed=error is None)

    @work(group="codebook-edit")
    async def action_edit(self) -> None:
        node = self._chosen()
        if node is None:
            return

        async def save(changes: dict[str, Any]) -> str | None:
            _, error = await self.attempt(
                lambda: codebook_edit.update_code(
                    self.project, node.id, changes, expected_version=node.version
                )
            )
            if isinstance(error, StaleEditError):  # in the form's saving worker
                if not await self.overwrite_stale(error, node):
                    return None  # the form closes and the tree is read again
                _, error = await self.attempt(
                    lambda: codebook_edit.update_code(
                        self.project, node.id, changes, overwrite=True
                    )
                )
            return str(error) if error is not None else None

        if await self.app.push_screen_wait(CodebookForm(node, save)):
            await self.refresh_tree(node.id, changed=True)
