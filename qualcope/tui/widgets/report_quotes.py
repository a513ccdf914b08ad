"""The quotes behind a report cell: a modal list of coded passages with their provenance.

Enter on a passage closes the list with that quote, so the report screen can open its
transcript with the passage selected.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcope.report.model import Quote

MAX_SHOWN = 200


def quote_text(quote: Quote) -> Text:
    """A passage and its source as rich Text (never markup: transcripts hold '[laughs]')."""
    text = Text()
    text.append(quote.text.strip())
    text.append("\n— ", style="dim")
    text.append(quote.source(), style="dim italic")
    return text


class QuotesView(ModalScreen[Quote | None]):
    """Coded passages behind one cell; Enter returns the highlighted one, Esc closes."""

    DEFAULT_CSS = """
    QuotesView { align: center middle; }
    QuotesView > #quotes-box {
        width: 90%; height: 85%; border: round $accent; background: $surface; padding: 0 1;
    }
    QuotesView #quotes-list { height: 1fr; border: none; padding: 0; }
    QuotesView #quotes-list > .option-list--option { padding: 0 0 1 0; }
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
            if not shown:
                yield Static(Text("No coded passages behind this cell."), classes="quote")
            else:
                yield OptionList(
                    *(Option(quote_text(q), id=str(i)) for i, q in enumerate(shown)),
                    id="quotes-list",
                )
            if more > 0:
                yield Static(
                    Text(
                        f"… and {more} more (export them with `qualcope report quotes`)",
                        style="dim",
                    )
                )
            yield Label(Text("Enter open the transcript at the passage · Esc close", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.quotes[int(event.option.id or 0)])

    def action_close(self) -> None:
        self.dismiss(None)
