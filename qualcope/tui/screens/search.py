"""The search dialog: a query, plain or regex, in this document or the whole project.

The options are ``OptionToggle`` boxes that read ``[x] regex`` / ``[ ] regex``.
Toggling one keeps the focus on it and leaves the query as it was (the query
is never selected, so no key can wipe it by surprise); a character typed on a
box goes to the end of the query. Enter runs the search from any control,
Esc cancels.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from qualcope.tui.widgets.key_hint import KeyHint
from qualcope.tui.widgets.option_toggle import OptionToggle

KEYS = [("Enter", "search"), ("Tab", "next"), ("Space", "toggle an option"), ("Esc", "cancel")]


@dataclass(frozen=True)
class SearchRequest:
    query: str
    use_regex: bool = False
    whole_project: bool = False


class SearchDialog(ModalScreen[SearchRequest | None]):
    """Returns the request on Enter, None on Esc."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # The Input submits on its own; this serves Enter on the option boxes.
        Binding("enter", "submit", "Search", show=False),
    ]

    def __init__(self, previous: SearchRequest | None = None) -> None:
        super().__init__()
        self.previous = previous or SearchRequest("")

    def compose(self) -> ComposeResult:
        with Vertical(id="search", classes="dialog"):
            yield Label(Text("Search"), classes="dialog-title")
            # select_on_focus off: coming back to the query must not select it, or the next
            # key typed would replace the whole query.
            yield Input(
                self.previous.query,
                placeholder="words or a pattern",
                id="search-query",
                select_on_focus=False,
            )
            with Horizontal(id="search-options"):
                yield OptionToggle("regex", self.previous.use_regex, id="search-regex")
                yield OptionToggle(
                    "whole project", self.previous.whole_project, id="search-project"
                )
            yield KeyHint(KEYS, id="search-hint")

    @property
    def query_input(self) -> Input:
        return self.query_one("#search-query", Input)

    def on_key(self, event: events.Key) -> None:
        """A character typed on an option box is meant for the query: append it there."""
        if not isinstance(self.focused, OptionToggle):
            return
        if event.character is None or not event.is_printable or event.character == " ":
            return
        event.stop()
        event.prevent_default()
        query = self.query_input
        query.focus()
        query.cursor_position = len(query.value)
        query.insert_text_at_cursor(event.character)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        query = self.query_input.value
        if not query.strip():
            self.app.bell()
            return
        self.dismiss(
            SearchRequest(
                query,
                use_regex=self.query_one("#search-regex", OptionToggle).value,
                whole_project=self.query_one("#search-project", OptionToggle).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
