"""Choose where a code goes: the target of a merge, or the new parent of a move.

Typing filters the list by path; up/down move; Enter picks. Codes that cannot be
chosen (the code itself and what is below it) are left out. For a move the first
line is "(top level)". Returns ``Picked`` (its ``code_id`` is None for the top
level), or None when cancelled. Code paths are shown as ``Text``, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from qualcope.domain import CodeNode
from qualcope.tui.widgets.transcript import safe_text

TOP = "top"


@dataclass(frozen=True)
class Picked:
    code_id: int | None  # None: the top level


class CodebookPicker(ModalScreen[Picked | None]):
    """A filtered list of code paths."""

    DEFAULT_CSS = """
    CodebookPicker {
        align: center middle;
    }
    CodebookPicker > #codebook-picker {
        width: 80%;
        max-width: 100;
        height: 80%;
        padding: 0 1;
        border: round $primary;
        background: $surface;
    }
    CodebookPicker #picker-options {
        height: 1fr;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        nodes: list[CodeNode],
        *,
        exclude: set[int] | frozenset[int] = frozenset(),
        allow_top: bool = False,
        codes_only: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.nodes = [n for n in nodes if n.id not in exclude and not (codes_only and n.is_group)]
        self.allow_top = allow_top

    def compose(self) -> ComposeResult:
        with Vertical(id="codebook-picker"):
            yield Label(Text(self.title_text, style="bold"))
            yield Input(placeholder="type part of a path", id="picker-filter")
            yield OptionList(id="picker-options", markup=False)
            yield Label(Text("Enter choose · ↑↓ move · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        words = query.casefold().split()
        options: list[Option] = []
        if self.allow_top and not words:
            options.append(Option(Text("(top level)", style="italic"), id=TOP))
        for node in self.nodes:
            if all(word in node.path.casefold() for word in words):
                label = Text("  " * node.depth)
                label.append("■ ", style=node.colour or "grey50")
                label.append(safe_text(node.path), style="bold" if node.is_group else "")
                options.append(Option(label, id=str(node.id)))
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = 0

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self._choose(listing.get_option_at_index(listing.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id is None:
            return
        self.dismiss(Picked(None if option_id == TOP else int(option_id)))

    def action_cancel(self) -> None:
        self.dismiss(None)
