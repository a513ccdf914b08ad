"""Linking a coping-strategy coding to the value-conflict coding it copes with.

Step one lists the codings of the document the link can point to (value
conflict codings first, nearest first), each with its code, its coder, its
turn and its quote, so two coders' codings of one passage can be told apart.
For a trade-off, step two asks which value the trade-off favours (or none):
only the two values the chosen conflict names (``conflict_values``), with
``a`` showing every value. Returns (target coding id, favoured code id or None).

Turn numbers count from 1, interviewer turns included (as report quotes count them,
``Quote.turn``); the dialog reads the document's turns in a worker
and adds them to the list when they arrive, so the list is usable at once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from os.path import commonprefix
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from qualcope.domain import CodeNode, CodingView, SegmentView
from qualcope.services import documents
from qualcope.tui.widgets.code_tree import code_label
from qualcope.tui.widgets.key_hint import KeyHint
from qualcope.tui.widgets.transcript import safe_text

if TYPE_CHECKING:
    from qualcope.tui.app import QualcopeApp

CONFLICT_PREFIX = "value conflicts/"
VALUES_PREFIX = "expectations/"
NO_VALUE_ID = "0"
ALL_VALUES_KEY = "a"
# "Inclusion vs service quality", "Efficiency versus democratic quality" (and Dutch "tegenover").
_CONFLICT_SEPARATOR = re.compile(r"\s+(?:vs\.?|versus|v\.|tegenover)\s+", re.IGNORECASE)
_MIN_STEM = 5  # "inclusion" names "Inclusiveness": they share "inclusi"
# A quote of at most two lines at 80 columns, one at 120 (the list wraps, never cuts).
QUOTE_LENGTH = 100
TARGET_KEYS = [("Enter", "choose"), ("↑↓", "move"), ("Esc", "cancel")]


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


# ------------------------------------------------------------ conflict values
def _normal(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").split())


def _naming_score(side: str, value: str) -> int:
    """How surely one side of a conflict's name names a value: 3 exactly, 2 by its first
    words ("Individual" for "Individual value"), 1 by a shared stem, 0 not at all."""
    if side == value:
        return 3
    if value.startswith(side + " ") or side.startswith(value + " "):
        return 2
    return 1 if len(commonprefix([side, value])) >= _MIN_STEM else 0


def conflict_values(conflict_name: str, values: list[CodeNode]) -> list[CodeNode]:
    """The values a conflict code names, in the order it names them; [] when it names none.

    A conflict is "<value> vs <value>" (``shared/domain.md``: two values that cannot both be
    fully realised), with the values' names shortened ("Inclusion vs service quality",
    "Individual vs public value"), so each side names the value it matches best.
    """
    sides = [_normal(side) for side in _CONFLICT_SEPARATOR.split(conflict_name)]
    if len(sides) != 2 or not all(sides):
        return []
    named: list[CodeNode] = []
    for side in sides:
        scores = [(_naming_score(side, _normal(value.name)), value) for value in values]
        best = max((score for score, _ in scores), default=0)
        if best:
            named.extend(v for score, v in scores if score == best and v not in named)
    return named


# ---------------------------------------------------------------- turn numbers
class TurnNumbers:
    """A document's turns, to say which turn(s) a coding lies in, counted from 1."""

    def __init__(self, turns: list[SegmentView] | None = None) -> None:
        self.turns = sorted(turns or [], key=lambda t: t.start)
        self.ends = [t.end for t in self.turns]

    def label(self, coding: CodingView) -> str:
        """'turn 5' or 'turns 4–5' for the turns the coding overlaps; '' for none."""
        end = max(coding.end, coding.start + 1)  # an empty span still lies in a turn
        numbers: list[int] = []
        for turn in self.turns[bisect_right(self.ends, coding.start) :]:
            if turn.start >= end:
                break
            numbers.append(turn.turn_index + 1)
        if not numbers:
            return ""
        low, high = min(numbers), max(numbers)
        return f"turn {low}" if low == high else f"turns {low}–{high}"


def target_prompt(coding: CodingView, turn: str = "", linked: bool = False) -> Text:
    """Code, turn and coder; then the start of the quote on the next line."""
    text = Text()
    text.append("■ ", style=coding.colour or "grey50")
    text.append(safe_text(coding.code_path.rpartition("/")[2]), style="bold")
    text.append("  ")
    if turn:
        text.append(f"{turn} · ")
    text.append(safe_text(coding.coder), style="italic")
    if linked:
        text.append(" · linked already", style="dim")
    snippet = " ".join(safe_text(coding.snippet[:QUOTE_LENGTH]).split())
    cut = "…" if len(coding.snippet) > QUOTE_LENGTH else ""
    text.append(f"\n  “{snippet}{cut}”", style="dim")
    return text


class LinkDialog(ModalScreen[tuple[int, int | None] | None]):
    """Choose the conflict coding, then (for a trade-off) the favoured value."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding(ALL_VALUES_KEY, "toggle_all_values", "All values", show=False),
    ]

    def __init__(
        self, source: CodingView, targets: list[CodingView], values: list[CodeNode]
    ) -> None:
        super().__init__()
        self.source = source
        self.targets = targets
        self.values = values
        self.target: CodingView | None = None
        self.turns = TurnNumbers()
        self.in_conflict: list[CodeNode] = []  # the chosen conflict's values
        self.showing_all = False

    @property
    def source_name(self) -> str:
        return safe_text(self.source.code_path.rpartition("/")[2])

    def compose(self) -> ComposeResult:
        title = f"Link {self.source_name} to the conflict it copes with"
        with Vertical(id="link", classes="dialog"):
            yield Label(Text(title), classes="dialog-title", id="link-title")
            yield OptionList(*self._target_options(), id="link-list", markup=False)
            yield KeyHint(TARGET_KEYS, id="link-hint")

    def _target_options(self) -> list[Option | None]:
        linked = {link.target_coding_id for link in self.source.links}
        options: list[Option | None] = []
        for index, coding in enumerate(self.targets):
            previous = self.targets[index - 1] if index else None
            if previous is not None and is_conflict(previous.code_path) != is_conflict(
                coding.code_path
            ):
                options.append(None)  # a rule between the conflicts and the other codings
            turn = self.turns.label(coding)
            options.append(Option(target_prompt(coding, turn, coding.id in linked), str(coding.id)))
        return options

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        app = cast("QualcopeApp", self.app)
        project, document_id = app.project, self.source.document_id
        app.read(
            lambda: documents.list_segments(project, document_id, "turn", with_text=False),
            self._show_turns,
            group="link-turns",
        )

    def _show_turns(self, turns: list[SegmentView]) -> None:
        if not self.is_attached or self.target is not None:
            return  # closed, or already on the second step
        self.turns = TurnNumbers(turns)
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.set_options(self._target_options())
        options.highlighted = highlighted
        turn = self.turns.label(self.source)
        if turn:
            title = f"Link {self.source_name} ({turn}) to the conflict it copes with"
            self.query_one("#link-title", Label).update(Text(title))

    # ------------------------------------------------------------ choosing
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id or NO_VALUE_ID
        if self.target is None:
            self.target = next(c for c in self.targets if str(c.id) == chosen)
            if not is_trade_off(self.source.code_path):
                self.dismiss((self.target.id, None))
                return
            self._ask_favoured_value(self.target)
            return
        self.dismiss((self.target.id, int(chosen) or None))

    def _ask_favoured_value(self, target: CodingView) -> None:
        conflict = target.code_path.rpartition("/")[2]
        self.in_conflict = conflict_values(conflict, self.values)
        self.showing_all = not self.in_conflict
        title = Text(f"Which value does {self.source_name} favour?\n", style="bold")
        title.append(f"It copes with {safe_text(conflict)}", style="not bold")
        if not self.in_conflict:
            title.append(" (names no values: all shown)", style="not bold dim")
        self.query_one("#link-title", Label).update(title)
        self._show_values()

    def _show_values(self, keep: str | None = None) -> None:
        """List the values (the two in conflict, or all); highlight ``keep`` if listed."""
        options = self.query_one(OptionList)
        shown = self.values if self.showing_all else self.in_conflict
        options.set_options(
            [
                Option(Text("(no favoured value)", style="dim"), id=NO_VALUE_ID),
                *[Option(code_label(value), id=str(value.id)) for value in shown],
            ]
        )
        ids = [NO_VALUE_ID, *[str(value.id) for value in shown]]
        options.highlighted = ids.index(keep) if keep in ids else 0
        keys = [("Enter", "choose")]
        if self.in_conflict:
            keys.append(
                (ALL_VALUES_KEY, "the two in conflict" if self.showing_all else "all values")
            )
        self.query_one(KeyHint).show_keys([*keys, ("Esc", "cancel")])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_all_values":
            return self.target is not None and bool(self.in_conflict)
        return True

    def action_toggle_all_values(self) -> None:
        self.showing_all = not self.showing_all
        current = self.query_one(OptionList).highlighted_option
        self._show_values(keep=current.id if current is not None else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
