"""The cross-tab as a DataTable that fits 80 columns: short labels, frozen label column.

Code paths are long ("Expectations/Public values in the process/Inclusiveness"): a row shows
the leaf name, indented by its depth, and the full path of the focused row (and column) is
given by ``path_at`` for a line under the table. The label column stays put
(``fixed_columns``) while the numbers scroll sideways. Labels are rich ``Text``.

In the long layout (``show(table, "long")``) a row is one non-empty cell: (row label,
column label, count), largest count first, as ``report.long_table`` lists them for the
terminal on the command line; ``cell_at`` maps a line back to its cell of the table.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable

from qualcope.report import long_table
from qualcope.report.model import TOTAL, ReportTable
from qualcope.tui.widgets.report_view import LONG, VIEW_BINDINGS

LABEL_WIDTH = 30  # the frozen column's widest label, so that numbers show at 80 columns


def short(part: str, path: str | None, names: dict[str, tuple[str, int]]) -> str:
    """A code path's own name, indented two spaces per level; anything else as it is.

    ``names`` maps a path to (name, depth) from the code tree: a name may itself hold a
    '/', so the path alone cannot be split."""
    if path is None or part != path or path not in names:
        return part
    name, depth = names[path]
    return "  " * depth + name


def clip(label: str, width: int = LABEL_WIDTH) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


class ReportGrid(DataTable[Text]):
    """One ReportTable: row labels in a frozen column, counts right-aligned."""

    BINDINGS: ClassVar[list[BindingType]] = VIEW_BINDINGS

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            cursor_type="cell",
            zebra_stripes=True,
            fixed_columns=1,
            **kwargs,  # type: ignore[arg-type]
        )
        self.table: ReportTable | None = None
        self.names: dict[str, tuple[str, int]] = {}  # code path -> (name, depth)
        self.long = False  # the long layout: one line per non-empty cell
        self.pairs: list[tuple[int, int]] = []  # long layout: the table cell of each line

    def show(self, table: ReportTable, layout: str = "wide") -> None:
        """Fill the grid with a table, keeping the cursor where it was if it still fits."""
        row, col = self.cursor_coordinate
        self.table = table
        self.clear(columns=True)
        self.long = layout == LONG
        if self.long:
            self._show_long(table, row, col)
            return
        self.pairs = []
        self.add_column(Text(" / ".join(table.row_header)), key="label")
        for j, name in enumerate(table.columns):
            keys = table.column_keys[j] if j < len(table.column_keys) else {}
            self.add_column(Text(clip(short(name, keys.get("code"), self.names), 24)), key=f"c{j}")
        last = len(table.rows) - 1
        for i, label in enumerate(table.rows):
            keys = table.row_keys[i] if i < len(table.row_keys) else {}
            text = " / ".join(short(part, keys.get("code"), self.names) for part in label)
            style = "bold" if table.margins and i == last else ""
            cells = [Text(table.cell(i, j), justify="right") for j in range(len(table.columns))]
            self.add_row(Text(clip(text), style=style, no_wrap=True), *cells, key=f"r{i}")
        if table.rows:
            self.move_cursor(
                row=min(row, len(table.rows) - 1),
                column=min(max(col, 1), len(table.columns)),
                animate=False,
            )

    def _show_long(self, table: ReportTable, row: int, col: int) -> None:
        found = long_table.cells(table)
        self.pairs = _long_pairs(table)
        assert len(self.pairs) == len(found)  # the same cells in the same order
        symmetric = _symmetric(table)
        first = "Code A" if symmetric else " / ".join(table.row_header)
        second = "Code B" if symmetric else long_table.column_name(table)
        self.add_column(Text(first), key="label")
        self.add_column(Text(second), key="second")
        self.add_column(Text(table.unit, justify="right"), key="count")
        for k, (a, b, _count, text) in enumerate(found):
            self.add_row(
                Text(clip(a), no_wrap=True),
                Text(clip(b), no_wrap=True),
                Text(text, justify="right"),
                key=f"p{k}",
            )
        if found:
            self.move_cursor(
                row=min(row, len(found) - 1), column=min(max(col, 1), 2), animate=False
            )

    def cell_at(self, row: int, column: int) -> tuple[int, int] | None:
        """The (row, column) of the table shown at this grid position, if it is a cell."""
        if self.table is None:
            return None
        if self.long:
            return self.pairs[row] if 0 <= row < len(self.pairs) else None
        if 0 <= row < len(self.table.rows) and 0 < column <= len(self.table.columns):
            return row, column - 1  # column 0: the labels
        return None

    def path_at(self, row: int, column: int) -> str:
        """The full labels of the cell at (row, column): 'row path × column name'."""
        table = self.table
        if self.long:
            row, column = self.pairs[row] if 0 <= row < len(self.pairs) else (-1, 0)
            column += 1  # as in the grid, where column 0 holds the labels
        if table is None or not 0 <= row < len(table.rows):
            return ""
        label = " / ".join(table.rows[row])
        col = column - 1  # column 0: the labels
        if 0 <= col < len(table.columns) and table.columns[col] != TOTAL:
            return f"{label} × {table.columns[col]}"
        return label


def _symmetric(table: ReportTable) -> bool:
    """A code-by-code table with the same codes on both axes (as ``long_table`` tells it)."""
    return (
        len(table.rows) == len(table.columns)
        and bool(table.row_keys)
        and table.row_keys == table.column_keys
    )


def _long_pairs(table: ReportTable) -> list[tuple[int, int]]:
    """The (row, column) of each line of ``long_table.cells``: the same walk over the cells
    and the same stable sort by count, so that Enter on a line opens that cell's quotes."""
    n_rows = len(table.rows) - (1 if table.margins else 0)
    n_cols = len(table.columns) - (1 if table.margins else 0)
    start = 1 if _symmetric(table) else 0
    found = [
        (i, j)
        for i in range(n_rows)
        for j in range(i + start if start else 0, n_cols)
        if table.counts[i][j]
    ]
    found.sort(key=lambda cell: -table.counts[cell[0]][cell[1]])
    return found
