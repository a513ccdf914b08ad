"""The long terminal layout: one cell per line, sorted by count, for tables too wide to show.

A grid whose columns cannot all be read in the terminal's width (a 300 x 300 co-occurrence
table, a cross-tab by participant) is shown as lines of (row label, column label, count)
instead, largest count first, so names and numbers stay legible at any width. Empty cells
and the margins are left out; for a code-by-code table with the same codes on both axes
each pair appears once (the diagonal, the segments holding each code, is left out) — the
notes below say so. CSV, JSON and the other exports always hold the whole grid.
"""

from __future__ import annotations

from qualcope.report import escape
from qualcope.report.matrix_limits import leaf_labels, short_label
from qualcope.report.model import ReportTable

NUMBER_MIN = 3  # a number column is never narrower than this (nor than its numbers)
HEADER_MAX = 12  # a longer column header may fold over a few lines
ROW_LABEL_MIN = 16


def grid_width(table: ReportTable) -> int:
    """The narrowest a readable grid can be: row labels, then each column's numbers."""
    label = max((len(" / ".join(r)) for r in table.rows), default=0)
    width = min(max(label, len(" ".join(table.row_header))), ROW_LABEL_MIN) + 4
    for j, name in enumerate(table.columns):
        cells = max((len(table.cell(i, j)) for i in range(len(table.rows))), default=0)
        width += max(NUMBER_MIN, cells, min(len(name), HEADER_MAX)) + 3
    return width


def fits(table: ReportTable, width: int) -> bool:
    return grid_width(table) <= width


def _symmetric(table: ReportTable) -> bool:
    return (
        len(table.rows) == len(table.columns)
        and bool(table.row_keys)
        and table.row_keys == table.column_keys
    )


def _cut(text: str, width: int) -> str:
    """Cut at the end with an ellipsis."""
    return short_label(escape.one_line(text), width)


def _labels(labels: list[str], keys: tuple[dict[str, str], ...]) -> list[str]:
    """Codes by their leaf names (full paths when two codes share a leaf name)."""
    is_code = bool(keys) and all("code" in k for k in keys[: len(labels)])
    return leaf_labels(labels, is_code, width=10_000)


def cells(table: ReportTable) -> list[tuple[str, str, int, str]]:
    """(row label, column label, count, cell text) of the non-empty cells, largest first."""
    n_rows = len(table.rows) - (1 if table.margins else 0)
    n_cols = len(table.columns) - (1 if table.margins else 0)
    symmetric = _symmetric(table)
    row_labels = _labels([" / ".join(r) for r in table.rows[:n_rows]], table.row_keys)
    col_labels = _labels(list(table.columns[:n_cols]), table.column_keys)
    out = []
    for i in range(n_rows):
        counts = table.counts[i]
        for j in range(i + 1 if symmetric else 0, n_cols):
            if counts[j]:
                out.append((row_labels[i], col_labels[j], counts[j], table.cell(i, j)))
    out.sort(key=lambda cell: -cell[2])
    return out


def column_name(table: ReportTable) -> str:
    keys = {k for key in table.column_keys for k in key}
    return next(iter(keys)).capitalize() if len(keys) == 1 else "Column"


def render(table: ReportTable, width: int) -> list[str]:
    """The lines of the long layout (header, rule, one line per cell, the left-out note)."""
    found = cells(table)
    symmetric = _symmetric(table)
    first = "Code A" if symmetric else " / ".join(table.row_header)
    second = "Code B" if symmetric else column_name(table)
    number = max([len(table.unit), *(len(c[3]) for c in found)])
    room = max(2 * ROW_LABEL_MIN, width - number - 4)
    longest_a = max([len(first), *(len(escape.one_line(c[0])) for c in found)])
    longest_b = max([len(second), *(len(escape.one_line(c[1])) for c in found)])
    wide_a = min(longest_a, max(room // 2, room - longest_b))
    wide_b = min(longest_b, room - wide_a)
    lines = [
        f"{first:<{wide_a}}  {second:<{wide_b}}  {table.unit:>{number}}",
        f"{'-' * wide_a}  {'-' * wide_b}  {'-' * number}",
    ]
    lines += [
        f"{_cut(a, wide_a):<{wide_a}}  {_cut(b, wide_b):<{wide_b}}  {t:>{number}}"
        for a, b, _, t in found
    ]
    n_rows, n_cols = len(table.rows), len(table.columns)
    if table.margins:
        n_rows, n_cols = n_rows - 1, n_cols - 1
    what = (
        "one line per pair of codes; the diagonal (each code on its own) and empty pairs"
        if symmetric
        else "one line per cell; empty cells" + (" and the totals" if table.margins else "")
    )
    lines.append(
        f"Long layout: the {n_rows} x {n_cols} grid is wider than {width} columns, so it is "
        f"shown as {what} are left out, largest first. "
        "For the grid use --top N or --format csv/xlsx/json."
    )
    return lines
