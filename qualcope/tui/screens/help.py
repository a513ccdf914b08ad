"""The help screen: every key of the workspace, from the action table, and the code shortcuts."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from qualcope.domain import CodeNode
from qualcope.tui import actions
from qualcope.tui.widgets.transcript import safe_text


def key_table(codes: list[CodeNode], first: str = actions.APP) -> Table:
    """The available rows of the action table by place (the current screen's first), with
    the codebook's shortcuts just before the coding screen's keys."""
    table = Table(show_header=False, box=None, padding=(0, 1), expand=True)
    table.add_column("keys", style="bold", no_wrap=True)
    table.add_column("what", ratio=1)
    places = list(actions.WHERE_TITLES)
    if first == actions.CODING:
        places.remove(actions.FINE)
        places.insert(0, actions.FINE)
    if first in places:
        places.remove(first)
        places.insert(0, first)
    for where in places:
        title = actions.WHERE_TITLES[where]
        specs = actions.rows(where)
        if not specs:
            continue
        if where == actions.CODING:
            _code_rows(table, codes)
        if table.row_count:
            table.add_row(Text(""), Text(""))
        table.add_row(Text(""), Text(title, style="bold underline"))
        for spec in specs:
            table.add_row(Text(spec.display), Text(spec.description))
    return table


def _code_rows(table: Table, codes: list[CodeNode]) -> None:
    if table.row_count:
        table.add_row(Text(""), Text(""))
    table.add_row(Text(""), Text("Codebook shortcuts (apply a code)", style="bold underline"))
    for code in codes:
        if code.shortcut and not code.is_group:
            taken = code.shortcut in actions.RESERVED_KEYS
            note = " (key taken by the workspace: use the picker)" if taken else ""
            table.add_row(Text(safe_text(code.shortcut)), Text(f"{safe_text(code.path)}{note}"))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
    ]

    def __init__(self, codes: list[CodeNode] | None = None, where: str = actions.APP) -> None:
        super().__init__()
        self.codes = codes or []
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Label(Text("Keys  (Esc closes)"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(key_table(self.codes, self.where), markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
