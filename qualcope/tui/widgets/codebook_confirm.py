"""A confirmation of the codebook screen that states the numbers and offers choices.

``CodebookConfirm(message, [("y", "delete"), ...])`` returns the key of the chosen
choice, or None on Escape; other keys do nothing. The message is ``Text`` (it
quotes code names, which are untrusted).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class CodebookConfirm(ModalScreen[str | None]):
    """Ask the user to choose one of a few keys."""

    DEFAULT_CSS = """
    CodebookConfirm {
        align: center middle;
    }
    CodebookConfirm > #codebook-confirm {
        width: 72;
        height: auto;
        padding: 0 1;
        border: round $warning;
        background: $surface;
    }
    CodebookConfirm #confirm-choices {
        margin-top: 1;
    }
    """

    def __init__(self, message: Text | str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.message = message if isinstance(message, Text) else Text(message)
        self.choices = dict(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="codebook-confirm"):
            yield Static(self.message, markup=False)
            options = Text()
            for key, what in self.choices.items():
                options.append(f" {key} ", style="reverse bold")
                options.append(f" {what}   ")
            options.append(" Esc ", style="reverse")
            options.append(" cancel")
            yield Label(options, id="confirm-choices")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if event.character in self.choices:
            self.dismiss(event.character)
        elif event.key in self.choices:
            self.dismiss(event.key)
        elif event.key == "escape":
            self.dismiss(None)
