"""Which two coders to reconcile: the pairs who finished documents in common, most first.

Enter returns the highlighted pair (coder A, coder B); Esc returns None. Coder names are
untrusted text, shown as ``Text``.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from qualcope.tui.widgets.transcript import safe_text


def pair_label(a: str, b: str, documents: int) -> Text:
    text = Text()
    text.append("A ", style="dim")
    text.append(safe_text(a), style="bold")
    text.append("   B ", style="dim")
    text.append(safe_text(b), style="bold")
    text.append(f"   ({documents} document{'s' if documents != 1 else ''} both finished)")
    return text


class CoderPairPicker(ModalScreen[tuple[str, str] | None]):
    """Pick the two coders whose disagreements to decide."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, pairs: list[tuple[str, str, int]]) -> None:
        super().__init__()
        self.pairs = pairs

    def compose(self) -> ComposeResult:
        with Vertical(id="coder-pair", classes="dialog"):
            yield Label(Text("Reconcile which two coders?"), classes="dialog-title")
            yield OptionList(
                *[Option(Content.from_rich_text(pair_label(a, b, n))) for a, b, n in self.pairs],
                id="coder-pair-list",
                markup=False,
            )
            yield Label(Text("Enter choose · ↑↓ move · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        a, b, _ = self.pairs[event.option_index]
        self.dismiss((a, b))

    def action_cancel(self) -> None:
        self.dismiss(None)
