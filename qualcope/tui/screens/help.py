"""The help screen: the keys of the screen it was opened over, then the app-wide keys.

Generated from the action table (``qualcope.tui.actions``), like the bindings, the key
bar and the palette. The coding screen's help also lists the codebook's shortcuts; an
app-wide key the screen binds itself (the codebook's ``c`` closes it) is left out, so
every row says what the key does *there*.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from qualcope.domain import CodeNode
from qualcope.tui import actions
from qualcope.tui.selection import FINE as FINE_MODE
from qualcope.tui.widgets.transcript import safe_text

OTHER_SCREENS = "Other screens: press ? there (F1 in a dialog)."


def place_of(screen: Screen[Any] | None, default: str = actions.APP) -> str:
    """The action table's place of a screen: its ``WHERE`` (fine selection while the coding
    screen is in fine mode), dialogs for a modal screen without one, else ``default``."""
    if screen is None:
        return default
    where = getattr(screen, "WHERE", None)
    if where == actions.CODING and _in_fine_mode(screen):
        return actions.FINE
    if isinstance(where, str) and where in actions.WHERE_TITLES:
        return where
    if isinstance(screen, ModalScreen):
        return actions.DIALOG
    return default


def _in_fine_mode(screen: Screen[Any]) -> bool:
    # Duck-typed: the coding screen's open document carries the selection and its mode.
    selection = getattr(getattr(screen, "doc", None), "selection", None)
    return getattr(selection, "mode", None) == FINE_MODE


def help_places(where: str) -> list[str]:
    """The sections of the help on the screen of ``where``, in order: the screen's own
    places (the current one first), then the app-wide keys. Unknown screens: every place."""
    if where not in actions.WHERE_TITLES or where == actions.APP:
        return list(actions.WHERE_TITLES)
    own = [where, *(place for place in actions.screen_places(where) if place != where)]
    return [*own, actions.APP]


def key_table(codes: list[CodeNode], where: str = actions.APP) -> Table:
    """The help of the screen of ``where``: its keys (the codebook's shortcuts just before
    the coding screen's: they are the project's own), then the app-wide keys that work there."""
    table = Table(show_header=False, box=None, padding=(0, 1), expand=True)
    table.add_column("keys", style="bold", no_wrap=True)
    table.add_column("what", ratio=1)
    for place in help_places(where):
        if place == actions.CODING:
            _code_rows(table, codes)
        specs = actions.app_rows(where) if place == actions.APP else actions.rows(place)
        if specs:
            _section(table, actions.WHERE_TITLES[place])
            for spec in specs:
                table.add_row(Text(spec.display), Text(spec.description))
    return table


def _section(table: Table, title: str) -> None:
    if table.row_count:
        table.add_row(Text(""), Text(""))
    table.add_row(Text(""), Text(title, style="bold underline"))


def _code_rows(table: Table, codes: list[CodeNode]) -> None:
    shortcuts = [
        (code.shortcut, code.path) for code in codes if code.shortcut and not code.is_group
    ]
    if not shortcuts:
        return
    _section(table, "Codebook shortcuts (apply a code)")
    for shortcut, path in shortcuts:
        taken = shortcut in actions.RESERVED_KEYS
        note = " (key taken by the workspace: use the picker)" if taken else ""
        table.add_row(Text(safe_text(shortcut)), Text(f"{safe_text(path)}{note}"))


class HelpScreen(ModalScreen[None]):
    """The keys of the screen below (``where`` is used when there is none)."""

    # Not F1: the app binds it with priority (so it works in dialogs), it never gets here.
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, codes: list[CodeNode] | None = None, where: str = actions.APP) -> None:
        super().__init__()
        self.codes = codes or []
        self.where = where
        self.place = where  # what the help shows: decided in compose, from the screen below

    def _screen_below(self) -> Screen[Any] | None:
        stack = self.app.screen_stack
        if self not in stack:
            return None
        index = stack.index(self)
        return stack[index - 1] if index > 0 else None

    def compose(self) -> ComposeResult:
        # The screen below says more than the app's hint: the coding screen's fine mode,
        # or a dialog (which has no WHERE of its own).
        self.place = place_of(self._screen_below(), self.where)
        known = self.place in actions.WHERE_TITLES and self.place != actions.APP
        title = Text("Keys", style="bold")
        if known:
            title.append(f"  {actions.WHERE_SHORT[self.place]} first, then everywhere")
        else:
            title.append("  of every screen")
        title.append("  ·  Esc closes", style="dim")
        with Vertical(id="help", classes="dialog"):
            yield Label(title, classes="dialog-title")
            table = key_table(self.codes, self.place)
            if known:
                table.add_row(Text(""), Text(""))
                table.add_row(Text(""), Text(OTHER_SCREENS, style="dim"))
            with VerticalScroll(id="help-body"):
                yield Static(table, markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
