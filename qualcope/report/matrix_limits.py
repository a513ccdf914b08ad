"""Large tables made showable: top-N and min-count selection, clustering order, figure bounds.

``limit`` keeps the rows and columns whose totals (the cells, margins left out) are the
largest (``--top N``) or at least ``--min-count K``; the margins stay those of the whole
table and a note says what was left out. With several tables (``--by``) the choice is made
once, on the pooled table, so every panel shows the same rows. ``cluster_order`` reorders
rows and columns by hierarchical clustering (scipy, average linkage). ``figure_inches``
sizes a heatmap so that it never exceeds ``MAX_PIXELS`` and refuses, with a one-line
``ReportError`` that says how to narrow it, a table that would need smaller cells than
``MIN_CELL_INCHES``. No pandas or matplotlib here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qualcope.errors import ReportError
from qualcope.report.model import POOLED, ReportTable

MAX_PIXELS = 4000  # the largest figure side, in pixels
DPI = 200
MIN_CELL_INCHES = 0.16  # 32 px at 200 dpi: room for a 7-point label per row
CELL_W, CELL_H = 0.9, 0.45  # the cell of a small heatmap (room for the number in it)
LABEL_W, LABEL_H = 2.4, 2.0  # row labels at the left, column labels (rotated) below
EXTRA_W, EXTRA_H = 1.3, 0.9  # colour bar; title
SMALL_CELL = 0.24  # the cell of a heatmap too large for numbers in its cells
LABEL_CHARS = 28  # labels longer than this are cut with an ellipsis


@dataclass(frozen=True)
class Body:
    """A table's cells without the margins, with its row and column labels."""

    rows: list[str]
    cols: list[str]
    values: list[list[float]]


def body_size(table: ReportTable) -> tuple[int, int]:
    extra = 1 if table.margins else 0
    return len(table.rows) - extra, len(table.columns) - extra


def totals(table: ReportTable) -> tuple[list[int], list[int]]:
    """Row and column totals of the cells (margins left out)."""
    n_rows, n_cols = body_size(table)
    rows = [sum(table.counts[i][:n_cols]) for i in range(n_rows)]
    cols = [sum(table.counts[i][j] for i in range(n_rows)) for j in range(n_cols)]
    return rows, cols


def _chosen(scores: list[int], top: int | None, min_count: int | None) -> list[int]:
    """Indices kept, in their original order: the ``top`` highest scores, at least min_count."""
    keep = [i for i, s in enumerate(scores) if min_count is None or s >= min_count]
    if top is not None and len(keep) > top:
        best = sorted(keep, key=lambda i: (-scores[i], i))[:top]
        keep = sorted(best)
    return keep


def _subset(table: ReportTable, rows: list[int], cols: list[int], note: str) -> ReportTable:
    if table.margins:
        rows = [*rows, len(table.rows) - 1]
        cols = [*cols, len(table.columns) - 1]

    def pick(values: Sequence[Sequence[object]]) -> tuple[tuple[object, ...], ...]:
        return tuple(tuple(values[i][j] for j in cols) for i in rows)

    return replace(
        table,
        rows=tuple(table.rows[i] for i in rows),
        columns=tuple(table.columns[j] for j in cols),
        counts=pick(table.counts),  # type: ignore[arg-type]
        percents=pick(table.percents) if table.percents else (),  # type: ignore[arg-type]
        row_keys=tuple(table.row_keys[i] for i in rows if i < len(table.row_keys)),
        column_keys=tuple(table.column_keys[j] for j in cols if j < len(table.column_keys)),
        notes=(*table.notes, note),
    )


SHOWN_NOTE = "Shown: "  # how the note of a cut table starts


def cut_note(tables: Sequence[ReportTable]) -> str | None:
    """The note saying the tables were cut to their top rows and columns, if they were: a file
    format with no room for notes (CSV without provenance) is written with it said aloud."""
    return next((n for t in tables for n in t.notes if n.startswith(SHOWN_NOTE)), None)


# How the note names the options that cut a table: the CLI's by default; a report spec's keys.
CLI_OPTIONS = ("--top {}", "--min-count {}")
SPEC_KEYS = ("top: {}", "min_count: {}")


def limit(
    tables: Sequence[ReportTable],
    top: int | None = None,
    min_count: int | None = None,
    *,
    named: tuple[str, str] = CLI_OPTIONS,
) -> list[ReportTable]:
    """The tables cut to the top rows/columns by total (and totals >= min_count); the note
    names the options as ``named`` spells them."""
    if not tables or (top is None and not min_count):
        return list(tables)
    pooled = next((t for t in tables if t.by is not None and t.by[1] == POOLED), tables[-1])
    row_totals, col_totals = totals(pooled)
    rows = _chosen(row_totals, top, min_count)
    cols = _chosen(col_totals, top, min_count)
    row_labels = [pooled.rows[i] for i in rows]
    col_labels = [pooled.columns[j] for j in cols]
    parts = []
    if top is not None:
        parts.append(f"the {top} with the highest totals ({named[0].format(top)})")
    if min_count:
        parts.append(f"totals of at least {min_count} ({named[1].format(min_count)})")
    how = " and ".join(parts)
    n_rows, n_cols = body_size(pooled)
    shown = f"{len(rows)} of {n_rows} rows and {len(cols)} of {n_cols} columns"
    note = f"{SHOWN_NOTE}{shown}, {how}" + (
        "; the totals count everything." if pooled.margins else "."
    )
    out = []
    for table in tables:
        t_rows, t_cols = body_size(table)
        row_at = {label: i for i, label in enumerate(table.rows[:t_rows])}
        col_at = {label: j for j, label in enumerate(table.columns[:t_cols])}
        out.append(
            _subset(
                table,
                [row_at[x] for x in row_labels if x in row_at],
                [col_at[x] for x in col_labels if x in col_at],
                note,
            )
        )
    return out


def shows_numbers(n_rows: int, n_cols: int) -> bool:
    """Whether a heatmap this size writes the count in each cell (else a colour bar only)."""
    return n_cols <= 15 and n_rows <= 40


def cluster_order(values: list[list[float]]) -> list[int]:
    """The rows in hierarchical-clustering leaf order (average linkage on row profiles)."""
    if len(values) < 3:
        return list(range(len(values)))
    import numpy as np
    from scipy.cluster.hierarchy import leaves_list, linkage

    data = np.asarray(values, dtype=float)
    sums = data.sum(axis=1, keepdims=True)
    profiles = np.divide(data, sums, out=np.zeros_like(data), where=sums > 0)
    return [int(i) for i in leaves_list(linkage(profiles, method="average"))]


def short_label(label: str, width: int = LABEL_CHARS) -> str:
    """A label cut to ``width`` characters with an ellipsis."""
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def leaf_labels(labels: Sequence[str], is_code: bool, width: int = LABEL_CHARS) -> list[str]:
    """Code paths shortened to their leaf names (unless two share one), cut with an ellipsis."""
    if not is_code:
        return [short_label(x, width) for x in labels]
    leaves = [x.rsplit("/", 1)[-1] for x in labels]
    if len(set(leaves)) < len(leaves):
        leaves = list(labels)
    return [short_label(x, width) for x in leaves]


def _largest(label: float, extra: float, panels: int) -> int:
    room = MAX_PIXELS / DPI / panels - label - extra
    return max(0, int(room / MIN_CELL_INCHES + 1e-9))


def max_cells(panels_across: int = 1, panels_down: int = 1) -> tuple[int, int]:
    """The most rows and columns a heatmap panel can show within the pixel bound."""
    return _largest(LABEL_H, EXTRA_H, panels_down), _largest(LABEL_W, EXTRA_W, panels_across)


def suggested_min_count(tables: Sequence[ReportTable], max_rows: int, max_cols: int) -> int:
    """The smallest --min-count that would make the pooled table fit."""
    pooled = next((t for t in tables if t.by is not None and t.by[1] == POOLED), tables[-1])
    row_totals, col_totals = totals(pooled)

    def needed(scores: list[int], most: int) -> int:
        ranked = sorted(scores, reverse=True)
        return ranked[most] + 1 if len(ranked) > most else 0

    return max(1, needed(row_totals, max_rows), needed(col_totals, max_cols))


def figure_inches(
    tables: Sequence[ReportTable],
    panels_across: int,
    panels_down: int,
    narrow_hint: str = "--codes GROUP",
    chart: str = "heatmap",
) -> tuple[float, float]:
    """The figure's size in inches (each side <= MAX_PIXELS at DPI), or a one-line refusal.

    A heatmap has a cell per row and column; grouped bars put the rows along the x axis
    (a group of bars each) and the columns in the legend."""
    n_rows = max(body_size(t)[0] for t in tables)
    n_cols = max(body_size(t)[1] for t in tables)
    most_rows, most_cols = max_cells(panels_across, panels_down)
    if chart == "bars":  # the rows along x (a group of bars each), the columns in the legend
        across, down = math.ceil(n_rows * max(1.0, n_cols / 3)), n_cols
        most_rows, most_cols = int(most_cols / max(1.0, n_cols / 3)), most_rows
    else:
        across, down = n_cols, n_rows
    if n_rows > most_rows or n_cols > most_cols:
        top = max(1, min(most_rows, most_cols, 40))
        k = suggested_min_count(tables, most_rows, most_cols)
        raise ReportError(
            f"a {n_rows} x {n_cols} {chart} does not fit a {MAX_PIXELS} x {MAX_PIXELS} px figure "
            f"(at most {most_rows} x {most_cols} per panel); narrow it with --top {top}, "
            f"--min-count {k} or {narrow_hint}"
        )
    max_w = MAX_PIXELS / DPI / panels_across
    max_h = MAX_PIXELS / DPI / panels_down
    numbers = chart == "heatmap" and shows_numbers(n_rows, n_cols)
    roomy_w, roomy_h = (CELL_W, CELL_H) if numbers else (SMALL_CELL, SMALL_CELL)
    cell_w = min(roomy_w, (max_w - LABEL_W - EXTRA_W) / max(across, 1))
    cell_h = min(roomy_h, (max_h - LABEL_H - EXTRA_H) / max(down, 1))
    width = min(max_w, max(6.0, LABEL_W + EXTRA_W + cell_w * across))
    height = min(max_h, max(3.5, LABEL_H + EXTRA_H + cell_h * down))
    return width * panels_across, height * panels_down
