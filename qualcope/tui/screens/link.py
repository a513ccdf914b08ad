"""Linking a coping-strategy coding to the value-conflict coding it copes with.

Step one lists the codings of the document the link can point to (value
conflict codings first, nearest first); for a trade-off, step two asks which
value the trade-off favours (or none). Returns (target coding id, favoured
code id or None).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from qualcope.domain import CodeNode, CodingView
from qualcope.tui.widgets.code_tree import code_label
from qualcope.tui.widgets.transcript import safe_text

CONFLICT_PREFIX = "value conflicts/"
VALUES_PREFIX = "expectations/"


def is_trade_off(code_path: str) -> bool:
    return code_path.rpartition("/")[2].casefold().replace(" ", "-") == "trade-off"


def is_conflict(code_path: str) -> bool:
    """A value conflict: a code right under 'Value conflicts' (not its sources' subgroup)."""
    return code_path.casefold().startswith(CONFLICT_PREFIX) and code_path.count("/") == 1


def link_targets(source: CodingView, codings: list[CodingView]) -> list[CodingView]:
    """Codings a source may link to: conflicts first, then the rest; nearest first."""
    others = [c for c in codings if c.id != source.id]

    def order(coding: CodingView) -> tuple[int, int]:
        return (0 if is_conflict(coding.code_path) else 1, abs(coding.start - source.start))

    return sorted(others, key=order)


def value_codes(codes: list[CodeNode]) -> list[CodeNode]:
    values = [c for c in codes if not c.is_group and c.path.casefold().startswith(VALUES_PREFIX)]
    return values or [c for c in codes if not c.is_group]


def target_prompt(coding: CodingView) -> Text:
    text = Text()
    text.append("■ ", style=coding.colour or "grey50")
    text.append(safe_text(coding.code_path.rpartition("/")[2]), style="bold")
    snippet = safe_text(coding.snippet[:70]).replace("\n", " ")
    text.append(f"  “{snippet}{'…' if len(coding.snippet) > 70 else ''}”", style="dim")
    return text


class LinkDialog(ModalScreen[tuple[int, int | None] | None]):
    """Choose the conflict coding, then (for a trade-off) the favoured value."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, source: CodingView, targets: list[CodingView], values: list[CodeNode]
    ) -> None:
        super().__init__()
        self.source = source
        self.targets = targets
        self.values = values
        self.target: CodingView | None = None

    def compose(self) -> ComposeResult:
        title = f"Link {self.source.code_path.rpartition('/')[2]} to the conflict it copes with"
        with Vertical(id="link", classes="dialog"):
            yield Label(Text(safe_text(title)), classes="dialog-title", id="link-title")
            yield OptionList(
                *[Option(target_prompt(c), id=str(c.id)) for c in self.targets],
                id="link-list",
                markup=False,
            )
            yield Label(Text("Enter choose · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = int(event.option.id or 0)
        if self.target is None:
            self.target = next(c for c in self.targets if c.id == chosen)
            if not is_trade_off(self.source.code_path):
                self.dismiss((self.target.id, None))
                return
            self.query_one("#link-title", Label).update(Text("Which value does it favour?"))
            options = self.query_one(OptionList)
            options.clear_options()
            options.add_option(Option(Text("(no favoured value)", style="dim"), id="0"))
            options.add_options([Option(code_label(v), id=str(v.id)) for v in self.values])
            options.highlighted = 0
            return
        self.dismiss((self.target.id, chosen or None))

    def action_cancel(self) -> None:
        self.dismiss(None)
