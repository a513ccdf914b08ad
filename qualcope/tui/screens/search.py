"""The search dialog: a query, plain or regex, in this document or the whole project."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label


@dataclass(frozen=True)
class SearchRequest:
    query: str
    use_regex: bool = False
    whole_project: bool = False


class SearchDialog(ModalScreen[SearchRequest | None]):
    """Returns the request on Enter, None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, previous: SearchRequest | None = None) -> None:
        super().__init__()
        self.previous = previous or SearchRequest("")

    def compose(self) -> ComposeResult:
        with Vertical(id="search", classes="dialog"):
            yield Label(Text("Search"), classes="dialog-title")
            yield Input(self.previous.query, placeholder="words or a pattern", id="search-query")
            with Horizontal(id="search-options"):
                yield Checkbox("regular expression", self.previous.use_regex, id="search-regex")
                yield Checkbox("whole project", self.previous.whole_project, id="search-project")
            yield Label(Text("Enter search · Tab options · Esc cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#search-query", Input).focus()

    def _submit(self) -> None:
        query = self.query_one("#search-query", Input).value
        if not query.strip():
            self.app.bell()
            return
        self.dismiss(
            SearchRequest(
                query,
                use_regex=self.query_one("#search-regex", Checkbox).value,
                whole_project=self.query_one("#search-project", Checkbox).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
