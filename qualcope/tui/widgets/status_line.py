"""The status line of the coding screen: mode, selection, search, saving state, coder."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcope.tui.widgets.transcript import safe_text


class StatusLine(Static):
    """One line; every part is plain text (the coder's name and the query are untrusted)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("", id=id, markup=False)
        self.parts: dict[str, str] = {}

    def set(self, **parts: str) -> None:
        changed = False
        for key, value in parts.items():
            if self.parts.get(key) != value:
                self.parts[key] = value
                changed = True
        if changed:
            self.update(self._text())

    def _text(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        order = ("mode", "selection", "search", "saving", "finished", "coder")
        for key in order:
            value = self.parts.get(key)
            if not value:
                continue
            if text:
                text.append("  ·  ", style="dim")
            style = "bold" if key == "mode" else "reverse" if key == "saving" else ""
            text.append(safe_text(value), style=style)
        return text
