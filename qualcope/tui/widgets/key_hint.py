"""The line of keys at the bottom of a dialog: each key in bold, what it does dimmed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

KeyHelp = tuple[str, str]  # (key as typed, what it does)


def key_hint_text(keys: Sequence[KeyHelp]) -> Text:
    text = Text(no_wrap=False)
    for index, (key, meaning) in enumerate(keys):
        if index:
            text.append(" · ", style="dim")
        text.append(key, style="bold")
        text.append(f" {meaning}", style="dim")
    return text


class KeyHint(Static):
    """'Enter search · Tab next · Esc cancel', updated when a dialog's keys change."""

    def __init__(self, keys: Sequence[KeyHelp], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(key_hint_text(keys), id=id, markup=False, classes="key-hint")
        self.keys = tuple(keys)

    def show_keys(self, keys: Sequence[KeyHelp]) -> None:
        self.keys = tuple(keys)
        self.update(key_hint_text(keys))
