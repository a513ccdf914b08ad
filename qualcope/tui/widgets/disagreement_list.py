"""The reconciliation list: one line per disagreement (decided mark, document, codes, text).

Attributes down: the screen hands it the disagreements; it never reads the project. An
``OptionList``, not a ``ListView``: a long project has thousands of disagreements. Text from
transcripts and the codebook is shown as ``Text`` only.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualcope.services.reconcile import CodeRef, Disagreement, UnitKey
from qualcope.tui.widgets.transcript import safe_text

PREVIEW = 32  # characters of the unit's text, so that most lines fit
NAME = 18  # characters of the document's name
CHOICE_NAMES = {
    "accept_a": "A",
    "accept_b": "B",
    "both": "both",
    "neither": "neither",
    "recode": "recoded",
}


def leaves(codes: tuple[CodeRef, ...]) -> str:
    """'Avoidance, Trade-off' (the last part of each path), or '—'."""
    return ", ".join(safe_text(c.path.rsplit("/", 1)[-1]) for c in codes) or "—"


def disagreement_label(item: Disagreement) -> Text:
    """Two lines: '✓ B        A: Avoidance  B: Trade-off', then the document and the text
    (open ones marked '• open')."""
    label = Text()
    if item.decision is not None:
        label.append(f"✓ {CHOICE_NAMES.get(item.decision, item.decision):<8}", style="green")
    else:
        label.append("• open    ", style="bold yellow")
    label.append("A: ", style="bold")
    label.append(leaves(item.only_a), style="italic")
    label.append("  B: ", style="bold")
    label.append(leaves(item.only_b), style="italic")
    name = safe_text(item.document_name)
    name = name if len(name) <= NAME else name[: NAME - 1] + "…"
    flat = " ".join(safe_text(item.text).split())
    label.append(f"\n  {name}  ", style="dim")
    label.append(flat[:PREVIEW] + ("…" if len(flat) > PREVIEW else ""), style="dim")
    return label


class DisagreementList(OptionList):
    """The disagreements in document and text order; keeps its place when they are re-read."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(markup=False, **kwargs)  # type: ignore[arg-type]
        self.items: list[Disagreement] = []

    def show(self, items: list[Disagreement]) -> None:
        """Show these disagreements; the highlighted unit stays highlighted when still there."""
        current = self.current.key if self.current is not None else None
        same = [i.key for i in items] == [i.key for i in self.items]
        self.items = list(items)
        if same:  # the usual case after a decision: relabel in place, no scrolling
            for index, item in enumerate(self.items):
                self.replace_option_prompt_at_index(index, _prompt(item))
            return
        self.clear_options()
        self.add_options([Option(_prompt(item)) for item in self.items])
        keys = [i.key for i in self.items]
        if not keys:
            self.highlighted = None
        else:
            self.highlighted = keys.index(current) if current in keys else 0

    @property
    def current(self) -> Disagreement | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    def mark(self, key: UnitKey, choice: str) -> None:
        """Show a decision at once, before it is saved (the re-read confirms it)."""
        for index, item in enumerate(self.items):
            if item.key == key:
                self.items[index] = replace(item, decision=choice)
                self.replace_option_prompt_at_index(index, _prompt(self.items[index]))
                return

    def next_open(self) -> bool:
        """Highlight the next disagreement not decided yet (wrapping); False when none is."""
        if not self.items:
            return False
        start = self.highlighted if self.highlighted is not None else -1
        count = len(self.items)
        for step in range(1, count + 1):
            index = (start + step) % count
            if self.items[index].decision is None:
                self.highlighted = index
                return True
        return False


def _prompt(item: Disagreement) -> Content:
    return Content.from_rich_text(disagreement_label(item))
