"""A one-line question of the codebook screen: a code's name, or a file to export or import.

Returns the typed text on Enter, None on Escape. The title is plain ``Text`` (it may
quote a code name); the typed value is never interpreted as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class CodebookPrompt(ModalScreen[str | None]):
    """Ask for one line of text."""

    DEFAULT_CSS = """
    CodebookPrompt {
        align: center middle;
    }
    CodebookPrompt > #codebook-prompt {
        width: 70;
        height: auto;
        padding: 0 1;
        border: round $primary;
        background: $surface;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="codebook-prompt"):
            yield Label(Text(self.title_text, style="bold"))
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label(Text("Enter accept · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
