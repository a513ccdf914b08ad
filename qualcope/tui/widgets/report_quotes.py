"""The quotes behind a report cell: a modal list of coded passages with their provenance."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from qualcope.report.model import Quote

MAX_SHOWN = 200


def quote_text(quote: Quote) -> Text:
    """A passage and its source as rich Text (never markup: transcripts hold '[laughs]')."""
    text = Text()
    text.append(quote.text.strip())
    text.append("\n— ", style="dim")
    text.append(quote.source(), style="dim italic")
    return text


class QuotesView(ModalScreen[None]):
    """Coded passages behind one cell; Esc closes."""

    DEFAULT_CSS = """
    QuotesView { align: center middle; }
    QuotesView > #quotes-box {
        width: 90%; height: 85%; border: round $accent; background: $surface; padding: 0 1;
    }
    QuotesView .quote { margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close", priority=True)]

    def __init__(self, title: str, quotes: Sequence[Quote]) -> None:
        super().__init__()
        self.title_text = title
        self.quotes = list(quotes)

    def compose(self) -> ComposeResult:
        shown = self.quotes[:MAX_SHOWN]
        more = len(self.quotes) - len(shown)
        with Vertical(id="quotes-box"):
            heading = Text(self.title_text, style="bold")
            heading.append(f"  ({len(self.quotes)} passages)", style="dim")
            yield Label(heading, id="quotes-title")
            with VerticalScroll(id="quotes-list"):
                if not shown:
                    yield Static(Text("No coded passages behind this cell."), classes="quote")
                for quote in shown:
                    yield Static(quote_text(quote), classes="quote")
                if more > 0:
                    yield Static(
                        Text(
                            f"… and {more} more (export them with `qualcope report quotes`)",
                            style="dim",
                        )
                    )
            yield Label(Text("Esc close", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
