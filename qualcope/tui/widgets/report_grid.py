"""The cross-tab as a DataTable that fits 80 columns: short labels, frozen label column.

Code paths are long ("Expectations/Public values in the process/Inclusiveness"): a row shows
the leaf name, indented by its depth, and the full path of the focused row (and column) is
given by ``path_at`` for a line under the table. The label column stays put
(``fixed_columns``) while the numbers scroll sideways. Labels are rich ``Text``.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from qualcope.report.model import TOTAL, ReportTable

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

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            cursor_type="cell",
            zebra_stripes=True,
            fixed_columns=1,
            **kwargs,  # type: ignore[arg-type]
        )
        self.table: ReportTable | None = None
        self.names: dict[str, tuple[str, int]] = {}  # code path -> (name, depth)

    def show(self, table: ReportTable) -> None:
        """Fill the grid with a table, keeping the cursor where it was if it still fits."""
        row, col = self.cursor_coordinate
        self.table = table
        self.clear(columns=True)
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

    def path_at(self, row: int, column: int) -> str:
        """The full labels of the cell at (row, column): 'row path × column name'."""
        table = self.table
        if table is None or not 0 <= row < len(table.rows):
            return ""
        label = " / ".join(table.rows[row])
        col = column - 1  # column 0: the labels
        if 0 <= col < len(table.columns) and table.columns[col] != TOTAL:
            return f"{label} × {table.columns[col]}"
        return label
