"""The memo editor: a coding's or a document's memo in a text area; Ctrl+S saves."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class MemoEditor(ModalScreen[str | None]):
    """Edit a memo: returns the new text (Ctrl+S), or None when cancelled (Esc)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    def __init__(self, title: str, memo: str) -> None:
        super().__init__()
        self.title_text = title
        self.memo = memo

    def compose(self) -> ComposeResult:
        with Vertical(id="memo", classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield TextArea(self.memo, id="memo-text", soft_wrap=True, show_line_numbers=False)
            yield Label(Text("Ctrl+S save · Esc cancel · an empty memo removes it", style="dim"))

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
