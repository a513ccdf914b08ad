"""One disagreement in full: the unit in its context, both coders' codings side by side,
and the definition, inclusion and exclusion criteria of every code involved.

Attributes down: the screen hands it the disagreement and the code tree. Everything is
``Text`` (transcripts and codebooks are full of brackets that must never reach markup).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from qualcope.domain import CodeNode
from qualcope.services.reconcile import CodeRef, Disagreement, UnitCoding
from qualcope.tui.widgets.disagreement_list import CHOICE_NAMES, leaves
from qualcope.tui.widgets.transcript import safe_text

QUOTE = 160  # characters of a coding reaching beyond the unit


def unit_text(item: Disagreement | None, names: tuple[str, str] = ("A", "B")) -> Text:
    if item is None:
        return Text("No disagreement to show.", style="dim")
    text = Text()
    text.append(safe_text(item.document_name), style="bold")
    text.append(f"  ·  {item.key.unit} {item.key.start}–{item.key.end}  ·  ", style="dim")
    if item.decision is None:
        text.append("not decided", style="bold yellow")
    else:
        choice = CHOICE_NAMES.get(item.decision, item.decision)
        chosen = {"A": f"A ({names[0]})", "B": f"B ({names[1]})"}.get(choice, choice)
        if item.decided_code is not None:
            chosen += f" as {item.decided_code.path}"
        text.append(f"decided: {safe_text(chosen)}", style="green")
        text.append(f"  ·  consensus: {leaves(item.consensus)}", style="dim")
    # The context stays inside the turn: before its start, after its end, a blank line.
    before = item.before.rsplit("\n\n", 1)[-1]
    after = item.after.split("\n\n", 1)[0]
    text.append("\n\n")
    if before:
        text.append(safe_text(before), style="dim")
    text.append(safe_text(item.text), style="reverse")
    if after:
        text.append(safe_text(after), style="dim")
    return text


def side_text(
    title: str,
    coder: str,
    codings: tuple[UnitCoding, ...],
    item: Disagreement,
    colours: dict[int, str],
) -> Text:
    """One coder's codings of the unit; codes the other coder did not give are bold."""
    text = Text()
    text.append(f"{title} · {safe_text(coder)}\n", style="bold underline")
    if not codings:
        text.append("no code on this unit", style="dim italic")
        return text
    shared = {c.id for c in item.both}
    for coding in codings:
        colour = colours.get(coding.code.id)
        text.append("■ ", style=colour or "")
        text.append(safe_text(coding.code.path), style="" if coding.code.id in shared else "bold")
        if coding.code.id in shared:
            text.append("  (both)", style="dim")
        text.append("\n")
        if coding.start < item.key.start or coding.end > item.key.end:
            flat = " ".join(safe_text(coding.text).split())
            quote = flat[:QUOTE] + ("…" if len(flat) > QUOTE else "")
            text.append(f"  reaches beyond the unit: “{quote}”\n", style="dim")
        if coding.memo:
            text.append("  memo: ", style="dim")
            text.append(safe_text(coding.memo) + "\n", style="italic")
    return text


def codes_text(item: Disagreement | None, nodes: dict[int, CodeNode]) -> Text:
    """Definition, inclusion and exclusion of every code on the unit (either coder's)."""
    text = Text()
    if item is None:
        return text
    involved: list[CodeRef] = [*item.only_a, *item.only_b, *item.both]
    if item.decided_code is not None and item.decided_code not in involved:
        involved.append(item.decided_code)
    for ref in involved:
        node = nodes.get(ref.id)
        if text:
            text.append("\n\n")
        text.append(safe_text(ref.path), style="bold")
        if node is None:
            continue
        for title, body in (
            ("Definition", node.definition),
            ("Include when", node.inclusion),
            ("Exclude when", node.exclusion),
        ):
            if body:
                text.append(f"\n{title}: ", style="bold dim")
                text.append(safe_text(body))
    return text


class ReconcileDetail(VerticalScroll):
    """Shows the highlighted disagreement."""

    def compose(self) -> ComposeResult:
        yield Static(unit_text(None), id="reconcile-unit", markup=False)
        with Horizontal(id="reconcile-sides"):
            yield Static("", id="reconcile-side-a", markup=False)
            yield Static("", id="reconcile-side-b", markup=False)
        yield Static("", id="reconcile-codes", markup=False)

    def show(
        self, item: Disagreement | None, coders: tuple[str, str], nodes: dict[int, CodeNode]
    ) -> None:
        colours = {cid: node.colour for cid, node in nodes.items() if node.colour}
        self.query_one("#reconcile-unit", Static).update(unit_text(item, coders))
        side_a = side_text("A", coders[0], item.codings_a, item, colours) if item else Text()
        side_b = side_text("B", coders[1], item.codings_b, item, colours) if item else Text()
        self.query_one("#reconcile-side-a", Static).update(side_a)
        self.query_one("#reconcile-side-b", Static).update(side_b)
        self.query_one("#reconcile-codes", Static).update(codes_text(item, nodes))
