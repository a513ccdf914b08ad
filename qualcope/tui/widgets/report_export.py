"""Ask where to export a report table: a file name whose extension gives the format."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

FORMATS_HELP = ".md  .csv  .xlsx  .tex  .html  .json  .txt"


class ExportPrompt(ModalScreen[str | None]):
    """Returns the file name typed (Enter), or None (Esc)."""

    DEFAULT_CSS = """
    ExportPrompt { align: center middle; }
    ExportPrompt > #export-box {
        width: 70; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True)]

    def __init__(self, suggestion: str = "report.md") -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(Text("Export the table to a file", style="bold"))
            yield Input(value=self.suggestion, id="export-path")
            yield Label(Text(f"The extension gives the format: {FORMATS_HELP}", style="dim"))
            yield Label(Text("Enter export · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
