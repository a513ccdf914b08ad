"""The read-only "codebook document": the whole codebook as formatted text.

Renders the Markdown that ``qualcope codebook export FILE.md`` writes (definitions,
criteria, examples, cue phrases and coding counts). That Markdown escapes every
character of codebook text that Markdown would interpret, so a code's text cannot
become a link, a heading or HTML here. Escape or q closes it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown


class CodebookDocument(ModalScreen[None]):
    """A scrollable view of the codebook document."""

    DEFAULT_CSS = """
    CodebookDocument {
        align: center middle;
    }
    CodebookDocument > #codebook-document {
        width: 95%;
        height: 95%;
        border: round $primary;
        background: $surface;
    }
    CodebookDocument #document-scroll {
        height: 1fr;
    }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with Vertical(id="codebook-document"):
            with VerticalScroll(id="document-scroll"):
                yield Markdown(self.markdown, open_links=False)
            yield Label("↑↓ PgUp PgDn scroll · Esc close", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#document-scroll", VerticalScroll).focus()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#document-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
