"""What the report screen shows of its tables: the top N rows and columns, wide or long.

A cross-tab of hundreds of codes cannot be read as a grid. ``t`` cycles the screen through
all / the 10 / 20 / 40 rows and columns with the highest totals, cut by
``report.matrix_limits.limit`` exactly as ``--top N`` cuts them on the command line (the
margins still count everything, a note says what was left out); ``l`` switches the grid
to the long layout of ``report.long_table`` (one pair per line, largest count first). Both
choices are named in the table's title and kept with the coder's other report settings.
The keys are bound here, on the table and on the choices above it, and call the screen's
``cycle_top`` and ``toggle_layout`` actions (and ``o`` its ``toggle_cooccurrence``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding, BindingType

from qualcope.report import matrix_limits
from qualcope.report.matrix_limits import SHOWN_NOTE
from qualcope.report.model import Filters, ReportTable

TOP_STEPS = (0, 10, 20, 40)  # 0: every row and column
WIDE, LONG = "wide", "long"
LAYOUTS = (WIDE, LONG)

# Bound on the grid and on the controls rather than in the screen's BINDINGS: those are
# generated from the action table (``tui.actions``), which these keys are not part of.
VIEW_BINDINGS: list[BindingType] = [
    Binding("t", "screen.cycle_top", "Top N", show=False),
    Binding("l", "screen.toggle_layout", "Wide / long", show=False),
    Binding("o", "screen.toggle_cooccurrence", "Co-occurrence", show=False),
]


def next_top(top: int) -> int:
    """The next step of all / 10 / 20 / 40 (an unknown value starts again at all)."""
    steps = list(TOP_STEPS)
    return steps[(steps.index(top) + 1) % len(steps)] if top in steps else TOP_STEPS[0]


def chosen(settings: dict[str, Any]) -> tuple[int, str]:
    """(top, layout) from kept settings; a hand-edited or older value falls back to the default."""
    top = settings.get("top", 0)
    layout = settings.get("layout", WIDE)
    ok_top = isinstance(top, int) and not isinstance(top, bool) and top in TOP_STEPS
    return (top if ok_top else 0), (layout if layout in LAYOUTS else WIDE)


# How an exported table's note names the screen's cut (the screen shows its key instead).
SCREEN_NAMING = ("top {} on the report screen", "")


# A DataTable fills at about 0.15 ms a cell (architecture.md: 10,000 rows in 1.5 s), on the
# screen's thread: a 330 x 330 co-occurrence (109,000 cells) froze the screen for 3 s.
GRID_CELLS = 10_000


def top_shown(tables: Sequence[ReportTable], top: int, layout: str) -> int:
    """The top N the screen shows: the one chosen, or the largest step when 'all' would fill
    the grid with more than ``GRID_CELLS`` cells (the screen says so, see ``screen_notes``)."""
    if top or not tables:
        return top
    return TOP_STEPS[-1] if max(_cells(t, layout) for t in tables) > GRID_CELLS else 0


def _cells(table: ReportTable, layout: str) -> int:
    """The grid's cells for the table: every cell, or in the long layout one line per
    non-empty cell."""
    rows, cols = len(table.rows), len(table.columns)
    if layout != LONG or rows * cols <= GRID_CELLS:
        return rows * cols
    n_rows, n_cols = matrix_limits.body_size(table)
    return 3 * sum(1 for row in table.counts[:n_rows] for count in row[:n_cols] if count)


def limited(tables: Sequence[ReportTable], top: int) -> list[ReportTable]:
    """The tables as ``--top N`` gives them (all of them with top 0)."""
    return matrix_limits.limit(tables, top or None, named=SCREEN_NAMING)


def screen_notes(
    notes: Sequence[str], top: int, layout: str, margins: bool, *, capped: bool = False
) -> list[str]:
    """A table's notes in the screen's words, what was left out first (the line under the
    table holds two lines: the cut must not hide behind the unit's explanation). ``capped``:
    'all' was asked for, but the table is too large to show whole (``top_shown``)."""
    cut = f"({SCREEN_NAMING[0].format(top)})"
    keys = "(too large to show whole; t: 10, 20, 40)" if capped else "(t: all, 10, 20, 40)"
    notes = [note.replace(cut, keys) for note in notes]
    first = [n for n in notes if n.startswith(SHOWN_NOTE)]
    if layout == LONG:
        first.append(
            "Long layout: one line per cell, largest count first; empty cells"
            + (" and the totals" if margins else "")
            + " are left out (l: the grid)."
        )
    return first + [n for n in notes if not n.startswith(SHOWN_NOTE)]


def title_text(table: ReportTable, filters: Filters, top: int, layout: str) -> Text:
    """The caption, the table of a by-split, then the filters and the view in force."""
    text = Text(table.caption(), style="bold")
    f = filters
    parts = [f"{label}: {', '.join(values)}" for label, values in (
        ("codes", f.codes), ("roles", f.roles), ("cases", f.cases), ("coder", f.coders),
    ) if values]  # fmt: skip
    if not f.coders:
        parts.append("all coders")
    parts.append(f"interviewer turns {'in' if f.include_interviewer else 'out'}")
    if top:
        parts.append(f"top {top} by total")
    if layout == LONG:
        parts.append("long layout")
    text.append(" — " + " · ".join(parts), style="")
    return text
