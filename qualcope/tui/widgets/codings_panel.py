"""The codings at the cursor: code, coder, memo and link of each; one is "current".

The current coding is the one remove, recode, memo and link act on. Code
paths, coder names and memos are untrusted and rendered as ``Text``.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualcope.domain import CodingView
from qualcope.tui.widgets.transcript import safe_text

EMPTY_HINT = "No coding here. Press a code's key, or Enter for the picker."


def coding_prompt(coding: CodingView) -> Text:
    prompt = Text(no_wrap=False)
    prompt.append("■ ", style=coding.colour or "grey50")
    parent, _, name = coding.code_path.rpartition("/")
    prompt.append(safe_text(name), style="bold")
    prompt.append(f"\n  {safe_text(coding.coder)}", style="italic")
    if parent:
        prompt.append(f" · {safe_text(parent.rpartition('/')[2])}", style="dim")
    if coding.origin != "manual":
        prompt.append(f" · {coding.origin}", style="dim")
    if coding.memo:
        memo = safe_text(coding.memo)
        prompt.append(f"\n  memo: {memo[:120]}{'…' if len(memo) > 120 else ''}")
    for link in coding.links:
        prompt.append(f"\n  → copes with {safe_text(link.target_code_path.rpartition('/')[2])}")
        if link.favoured_code_path:
            prompt.append(f", favours {safe_text(link.favoured_code_path.rpartition('/')[2])}")
    return prompt


class CodingsPanel(OptionList):
    """An OptionList of the codings overlapping the selection."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, markup=False)
        self.codings: list[CodingView] = []
        self._shown: tuple[tuple[int, int], ...] | None = None

    @property
    def current(self) -> CodingView | None:
        if not self.codings or self.highlighted is None:
            return None
        return self.codings[min(self.highlighted, len(self.codings) - 1)]

    def show_codings(self, codings: list[CodingView], keep: int | None = None) -> None:
        """Show codings; keep the coding with id keep highlighted when it is among them."""
        shown = tuple((c.id, c.version) for c in codings) + tuple(
            (link.id, 0) for c in codings for link in c.links
        )
        previous = self.current.id if self.current else None
        keep = keep if keep is not None else previous
        if shown != self._shown:
            self._shown = shown
            self.codings = list(codings)
            self.clear_options()
            if codings:
                self.add_options([Option(coding_prompt(c), id=str(c.id)) for c in codings])
            else:
                self.add_option(Option(Text(EMPTY_HINT, style="dim"), disabled=True))
        ids = [c.id for c in self.codings]
        self.highlighted = ids.index(keep) if keep in ids else (0 if ids else None)

    def cycle(self, step: int) -> None:
        if self.codings:
            self.highlighted = ((self.highlighted or 0) + step) % len(self.codings)
