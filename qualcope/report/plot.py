"""Figures for a paper: a heatmap or grouped bars of a table (matplotlib, Agg backend).

The margins are left out of a figure; the provenance goes into the file's
metadata (PNG and SVG description, PDF subject). With several tables (``--by case``) each
gets its own panel. Labels are wrapped so long code names stay readable, and a
``$`` in a label is escaped so matplotlib never reads it as mathtext.

Size is bounded (``matrix_limits``): at most 4000 px a side; a small table gets roomy
cells with the numbers in them, a large one (up to about 100 x 100) small cells, leaf
names cut with an ellipsis and a colour bar; a larger one is refused with a message
that says how to narrow it (``--top``, ``--min-count``, fewer codes). ``cluster`` orders
rows and columns by hierarchical clustering.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualcope.errors import ReportError
from qualcope.interchange.atomic import write_with
from qualcope.report import escape, matrix_limits
from qualcope.report.model import ReportTable

PLOT_FORMATS = ("png", "svg", "pdf")
CHARTS = ("heatmap", "bars")


def _label(text: str, width: int = 22) -> str:
    return "\n".join(textwrap.wrap(_safe(text), width)) or " "


def _safe(text: str) -> str:
    return escape.one_line(text).replace("$", r"\$")


def _is_code(keys: Sequence[dict[str, str]]) -> bool:
    return bool(keys) and all("code" in k for k in keys)


def _body(table: ReportTable, cluster: bool = False) -> matrix_limits.Body:
    """Row labels, column labels and values without the margins (clustered if asked).

    Code labels become leaf names; every label is cut to a readable length with an ellipsis."""
    n_rows, n_cols = matrix_limits.body_size(table)
    rows = matrix_limits.leaf_labels(
        [" / ".join(label) for label in table.rows[:n_rows]], _is_code(table.row_keys[:n_rows])
    )
    cols = matrix_limits.leaf_labels(list(table.columns[:n_cols]), _is_code(table.column_keys))
    values = [[float(table.value(i, j)) for j in range(n_cols)] for i in range(n_rows)]
    if cluster and n_rows and n_cols:
        row_order = matrix_limits.cluster_order(values)
        same = table.row_keys[:n_rows] == table.column_keys[:n_cols] and n_rows == n_cols
        if same:
            col_order = row_order
        else:
            col_order = matrix_limits.cluster_order([list(c) for c in zip(*values, strict=True)])
        rows = [rows[i] for i in row_order]
        cols = [cols[j] for j in col_order]
        values = [[values[i][j] for j in col_order] for i in row_order]
    return matrix_limits.Body(rows, cols, values)


def figure_bytes(
    tables: Sequence[ReportTable],
    fmt: str,
    chart: str = "heatmap",
    title: str | None = None,
    *,
    cluster: bool = False,
    narrow_hint: str = "--codes GROUP",
) -> bytes:
    """The figure as PNG, SVG or PDF bytes, at most MAX_PIXELS on each side (at DPI).

    A table too large for that is refused with a one-line ``ReportError`` saying how to
    narrow it (see ``matrix_limits.figure_inches``); nothing is drawn."""
    if fmt not in PLOT_FORMATS:
        raise ReportError(f"a figure is {', '.join(PLOT_FORMATS)}; not {fmt!r}")
    if chart not in CHARTS:
        raise ReportError(f"unknown chart {chart!r} (choose from {', '.join(CHARTS)})")
    size = figure_size(tables, chart, narrow_hint)
    panels = len(tables)
    ncols, nrows = _grid(panels)
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False)
    for index, table in enumerate(tables):
        ax = axes[index // ncols][index % ncols]
        body = _body(table, cluster)
        if not body.rows or not body.cols:
            ax.set_axis_off()
            continue
        if chart == "heatmap":
            _heatmap(ax, body, percent=table.percent != "none")
        else:
            _bars(ax, body)
        panel = table.by[1] if table.by is not None else table.title
        ax.set_title(_label(panel, 60), fontsize=10)
    for index in range(panels, nrows * ncols):
        axes[index // ncols][index % ncols].set_axis_off()
    unit = tables[0].unit + (f", {tables[0].percent} %" if tables[0].percent != "none" else "")
    figure.suptitle(_label(f"{title or tables[0].title} (unit: {unit})", 90), fontsize=11)
    buffer = io.BytesIO()
    about = "; ".join(f"{k}: {escape.one_line(v)}" for k, v in tables[0].provenance.items())
    metadata = {
        "png": {"Software": "qualcope", "Description": about},
        "svg": {"Creator": "qualcope", "Description": about},
        "pdf": {"Creator": "qualcope", "Subject": about},
    }[fmt]
    figure.savefig(buffer, format=fmt, metadata=metadata, dpi=matrix_limits.DPI)
    return buffer.getvalue()


def figure_size(
    tables: Sequence[ReportTable], chart: str = "heatmap", narrow_hint: str = "--codes GROUP"
) -> tuple[float, float]:
    """The figure's size in inches, or the one-line refusal of a table too large for a figure:
    checked before anything is drawn (a report spec checks every plot before writing any)."""
    if not tables:
        raise ReportError("nothing to plot")
    ncols, nrows = _grid(len(tables))
    return matrix_limits.figure_inches(tables, ncols, nrows, narrow_hint, chart)


def _grid(panels: int) -> tuple[int, int]:
    """Panels across and down: two across at most."""
    ncols = min(panels, 2)
    return ncols, math.ceil(panels / ncols)


def _font(n: int, small: int = 12) -> float:
    """8 points for a few labels, down to 6 for a hundred (cells of MIN_CELL_INCHES)."""
    return 8.0 if n <= small else max(6.0, 8.0 - (n - small) / 45)


def _heatmap(ax: Any, body: matrix_limits.Body, percent: bool) -> None:
    rows, cols, values = body.rows, body.cols, body.values
    top = max((v for row in values for v in row), default=0.0) or 1.0
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0, vmax=top, interpolation="none")
    if matrix_limits.shows_numbers(len(rows), len(cols)):
        ax.set_xticks(range(len(cols)), [_label(c, 14) for c in cols], fontsize=8)
        ax.set_yticks(range(len(rows)), [_label(r) for r in rows], fontsize=8)
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                text = f"{value:.1f}" if percent else f"{value:g}"
                colour = "white" if value > top * 0.6 else "black"
                ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=8)
    else:  # one line per label, no numbers in the cells: the colour bar reads them
        ax.set_xticks(range(len(cols)), [_safe(c) for c in cols], fontsize=_font(len(cols)))
        ax.tick_params(axis="x", labelrotation=90)
        ax.set_yticks(range(len(rows)), [_safe(r) for r in rows], fontsize=_font(len(rows)))
    ax.figure.colorbar(image, ax=ax, shrink=0.8)


def _bars(ax: Any, body: matrix_limits.Body) -> None:
    rows, cols, values = body.rows, body.cols, body.values
    width = 0.8 / max(len(cols), 1)
    for j, col in enumerate(cols):
        xs = [i + (j - (len(cols) - 1) / 2) * width for i in range(len(rows))]
        ax.bar(xs, [row[j] for row in values], width, label=_label(col, 30))
    if len(rows) <= 15:
        ax.set_xticks(range(len(rows)), [_label(r, 14) for r in rows], fontsize=8)
    else:
        ax.set_xticks(range(len(rows)), [_safe(r) for r in rows], fontsize=_font(len(rows)))
        ax.tick_params(axis="x", labelrotation=90)
    ax.legend(fontsize=8)


def write_figure(
    tables: Sequence[ReportTable],
    path: Path,
    chart: str = "heatmap",
    title: str | None = None,
    *,
    cluster: bool = False,
    narrow_hint: str = "--codes GROUP",
) -> None:
    fmt = path.suffix.lower().lstrip(".")
    data = figure_bytes(tables, fmt, chart, title, cluster=cluster, narrow_hint=narrow_hint)
    write_with(Path(path), lambda handle: handle.write(data))
