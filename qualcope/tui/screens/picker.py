"""The code picker: a fuzzy search over code names, paths and definitions.

Typing filters the list (part of a name, or a word of the definition);
up/down move; Enter returns the highlighted code's id. The right-hand pane
shows the definition, inclusion and exclusion criteria and the example of
the highlighted code. All codebook text is rendered as ``Text``.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcope.domain import CodeNode
from qualcope.tui.widgets.code_tree import code_label
from qualcope.tui.widgets.transcript import safe_text


def _subsequence(needle: str, haystack: str) -> bool:
    position = 0
    for char in needle:
        position = haystack.find(char, position) + 1
        if position == 0:
            return False
    return True


def score(query: str, code: CodeNode) -> float:
    """How well a code matches a query (0: not at all); every word of the query must match."""
    name, path = code.name.casefold(), code.path.casefold()
    prose = " " + " ".join(
        (code.definition, code.inclusion, code.example, " ".join(sum(code.cues.values(), ())))
    ).casefold().replace("(", " ")
    total = 0.0
    for word in query.casefold().split():
        if name.startswith(word):
            total += 4
        elif f" {word}" in f" {name}":
            total += 3
        elif word in name:
            total += 2
        elif word in path:
            total += 1.5
        elif len(word) >= 3 and _subsequence(word, name):
            total += 1
        elif f" {word}" in prose:  # a word of the definition, inclusion, example or cues
            total += 0.5
        else:
            return 0.0
    return total


def rank(query: str, codes: list[CodeNode]) -> list[CodeNode]:
    """Codes (not groups) matching a query, best first, ties in tree order."""
    candidates = [c for c in codes if not c.is_group]
    if not query.strip():
        return candidates
    scored = [(score(query, c), i, c) for i, c in enumerate(candidates)]
    return [c for s, _, c in sorted(scored, key=lambda t: (-t[0], t[1])) if s > 0]


def details(code: CodeNode) -> Text:
    text = Text()
    text.append(safe_text(code.path), style="bold")
    if code.shortcut:
        text.append(f"   key {safe_text(code.shortcut)}", style="dim")
    for title, body in (
        ("Definition", code.definition),
        ("Include", code.inclusion),
        ("Exclude", code.exclusion),
        ("Example", code.example),
    ):
        if body:
            text.append(f"\n\n{title}\n", style="bold underline")
            text.append(safe_text(body), style="italic" if title == "Example" else "")
    return text


class CodePicker(ModalScreen[int | None]):
    """Pick a code: returns its id, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel"),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("pagedown", "move(8)", show=False, priority=True),
        Binding("pageup", "move(-8)", show=False, priority=True),
    ]

    def __init__(self, codes: list[CodeNode], title: str = "Apply a code") -> None:
        super().__init__()
        self.codes = codes
        self.title_text = title
        self.shown: list[CodeNode] = []

    def prepare(self, codes: list[CodeNode], title: str) -> CodePicker:
        """Reuse this picker (installed once, so opening it again costs no mounting)."""
        self.codes = codes
        self.title_text = title
        return self

    def compose(self) -> ComposeResult:
        with Vertical(id="picker", classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title", id="picker-title")
            yield Input(placeholder="type part of a name or a definition word", id="picker-query")
            with Horizontal(id="picker-body"):
                yield OptionList(id="picker-list", markup=False)
                with VerticalScroll(id="picker-details-box"):
                    yield Static("", id="picker-details", markup=False)
            yield Label(Text("Enter apply · ↑↓ move · Esc cancel", style="dim"))

    def on_screen_resume(self) -> None:
        self.query_one("#picker-title", Label).update(Text(self.title_text))
        query = self.query_one("#picker-query", Input)
        with self.prevent(Input.Changed):
            query.value = ""
        query.focus()
        self._refill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    def _refill(self, query: str) -> None:
        options = self.query_one("#picker-list", OptionList)
        self.shown = rank(query, self.codes)
        options.clear_options()
        options.add_options([Option(code_label(c), id=str(c.id)) for c in self.shown])
        options.highlighted = 0 if self.shown else None
        self._show_details()

    def _show_details(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        index = options.highlighted
        body = details(self.shown[index]) if self.shown and index is not None else Text("No match")
        self.query_one("#picker-details", Static).update(body)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_details()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        index = self.query_one("#picker-list", OptionList).highlighted
        if self.shown and index is not None:
            self.dismiss(self.shown[index].id)
        else:
            self.app.bell()

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-list", OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = min(max(0, current + step), len(self.shown) - 1)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
