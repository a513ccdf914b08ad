"""The codebook screen's side pane: everything about the code under the cursor.

Path, kind, colour, shortcut, coding counts, definition, inclusion and exclusion
criteria, example quote and cue phrases per language, as plain ``Text`` (codebook
text is untrusted and never parsed as markup).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcope.domain import CodeNode
from qualcope.tui.widgets.transcript import safe_text


def code_details(
    node: CodeNode, counts: tuple[int, int] | None = None, *, mine_only: bool = False
) -> Text:
    """The whole description of one code (``mine_only``: blind, no all-coders count)."""
    text = Text()
    text.append(safe_text(node.path), style="bold")
    text.append("\n")
    facts = ["group" if node.is_group else "code"]
    if node.colour:
        facts.append(node.colour)
    if node.shortcut:
        facts.append(f"key {safe_text(node.shortcut)}")
    every, mine = counts if counts is not None else (node.coding_count, node.my_coding_count)
    facts.append(f"{mine} mine" if mine_only else f"{every} codings, {mine} mine")
    if node.colour:
        text.append("■ ", style=node.colour)
    text.append(" · ".join(facts), style="dim")
    for title, body in (
        ("Definition", node.definition),
        ("Include when", node.inclusion),
        ("Exclude when", node.exclusion),
        ("Example", node.example),
    ):
        if body:
            text.append(f"\n\n{title}\n", style="bold underline")
            text.append(safe_text(body), style="italic" if title == "Example" else "")
    for language, phrases in sorted(node.cues.items()):
        text.append(f"\n\nCues ({language})\n", style="bold underline")
        text.append(safe_text(", ".join(phrases)))
    return text


class CodebookDetail(Static):
    """Shows one code; empty text when the codebook is empty."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("", id=id, markup=False)

    def show(
        self, node: CodeNode | None, counts: tuple[int, int] | None = None, mine_only: bool = False
    ) -> None:
        if node is None:
            self.update(
                Text("The codebook is empty: press a to add a code, A a group.", style="dim")
            )
        else:
            self.update(code_details(node, counts, mine_only=mine_only))
