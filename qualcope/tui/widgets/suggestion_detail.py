"""One suggestion in full: its code, score and reason, and its text in context.

The suggested span is shown highlighted between the text before and after it,
as it stands in the transcript. Everything is ``Text`` (transcripts are full
of brackets that must never reach the markup parser).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from qualcope.domain import SuggestionView
from qualcope.tui.widgets.transcript import safe_text


def detail_text(view: SuggestionView | None, context: tuple[str, str, str] | None = None) -> Text:
    if view is None:
        return Text(
            "No open suggestion here. Press l to learn from your decisions and suggest again.",
            style="dim",
        )
    text = Text()
    text.append(safe_text(view.code_path), style="bold")
    text.append(f"\nscore {view.score:.2f} · {view.method} · {view.status}\n", style="dim")
    if view.code_figure:
        text.append(safe_text(view.code_figure) + "\n", style="dim italic")
    text.append("Why: ", style="bold")
    text.append(safe_text(view.reason or "—"))
    text.append("\n\n")
    before, span, after = context if context is not None else ("", view.text, "")
    if before:
        text.append("…" + safe_text(before), style="dim")
    text.append(safe_text(span), style="reverse")
    if after:
        text.append(safe_text(after) + "…", style="dim")
    return text


class SuggestionDetail(VerticalScroll):
    """Shows the highlighted suggestion of the queue."""

    DEFAULT_CSS = """
    SuggestionDetail { width: 1fr; padding: 0 1; border-left: solid $primary-darken-2; }
    """

    def compose(self) -> ComposeResult:
        yield Static(detail_text(None), id="suggestion-detail-body", markup=False)

    def show(
        self, view: SuggestionView | None, context: tuple[str, str, str] | None = None
    ) -> None:
        self.query_one("#suggestion-detail-body", Static).update(detail_text(view, context))
