"""The key bar at the bottom of a screen: the footer rows of the action table, as one line.

A single ``Static`` (Textual's ``Footer`` recomposes a widget per key on
every focus change, which costs more than a key press should).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcope.tui import actions


def key_bar_text(where: str) -> Text:
    """The footer rows of the screen of ``where``, then the app-wide ones that work there."""
    text = Text(no_wrap=True, overflow="ellipsis")
    own = actions.rows(where) if where != actions.APP else []
    for spec in [*own, *actions.app_rows(where)]:
        if not spec.show:
            continue
        if text:
            text.append("  ")
        text.append(f" {spec.display.split(' ')[0]} ", style="bold reverse")
        text.append(" " + spec.label)
    return text


class KeyBar(Static):
    """The most used keys of a screen (every key is on the help screen, ?)."""

    def __init__(self, where: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(key_bar_text(where), id=id, markup=False)
