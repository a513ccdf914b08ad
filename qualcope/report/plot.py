"""Figures for a paper: a heatmap or grouped bars of a table (matplotlib, Agg backend).

The margins are left out of a figure; the provenance goes into the file's
metadata (PNG and SVG description, PDF subject). With several tables (``--by case``) each
gets its own panel. Labels are wrapped so long code names stay readable, and a
``$`` in a label is escaped so matplotlib never reads it as mathtext.
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
from qualcope.report import escape
from qualcope.report.model import ReportTable

PLOT_FORMATS = ("png", "svg", "pdf")
CHARTS = ("heatmap", "bars")


def _label(text: str, width: int = 22) -> str:
    return "\n".join(textwrap.wrap(escape.one_line(text).replace("$", r"\$"), width)) or " "


def _body(table: ReportTable) -> tuple[list[str], list[str], list[list[float]]]:
    """Row labels, column labels and values without the margins."""
    n_rows = len(table.rows) - (1 if table.margins else 0)
    n_cols = len(table.columns) - (1 if table.margins else 0)
    rows = [" / ".join(label) for label in table.rows[:n_rows]]
    cols = list(table.columns[:n_cols])
    values = [[float(table.value(i, j)) for j in range(n_cols)] for i in range(n_rows)]
    return rows, cols, values


def figure_bytes(
    tables: Sequence[ReportTable], fmt: str, chart: str = "heatmap", title: str | None = None
) -> bytes:
    """The figure as PNG, SVG or PDF bytes."""
    if fmt not in PLOT_FORMATS:
        raise ReportError(f"a figure is {', '.join(PLOT_FORMATS)}; not {fmt!r}")
    if chart not in CHARTS:
        raise ReportError(f"unknown chart {chart!r} (choose from {', '.join(CHARTS)})")
    if not tables:
        raise ReportError("nothing to plot")
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    panels = len(tables)
    ncols = min(panels, 2)
    nrows = math.ceil(panels / ncols)
    first_rows, first_cols, _ = _body(tables[0])
    cell_w = max(6.0, 0.9 * len(first_cols) + 3.0)
    cell_h = max(3.5, 0.45 * len(first_rows) + 1.8)
    figure = Figure(figsize=(cell_w * ncols, cell_h * nrows), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False)
    for index, table in enumerate(tables):
        ax = axes[index // ncols][index % ncols]
        rows, cols, values = _body(table)
        if not rows or not cols:
            ax.set_axis_off()
            continue
        if chart == "heatmap":
            _heatmap(ax, rows, cols, values, percent=table.percent != "none")
        else:
            _bars(ax, rows, cols, values)
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
    figure.savefig(buffer, format=fmt, metadata=metadata, dpi=200)
    return buffer.getvalue()


def _heatmap(
    ax: Any, rows: list[str], cols: list[str], values: list[list[float]], percent: bool
) -> None:
    top = max((v for row in values for v in row), default=0.0) or 1.0
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0, vmax=top)
    ax.set_xticks(range(len(cols)), [_label(c, 14) for c in cols], fontsize=8)
    ax.set_yticks(range(len(rows)), [_label(r) for r in rows], fontsize=8)
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            text = f"{value:.1f}" if percent else f"{value:g}"
            colour = "white" if value > top * 0.6 else "black"
            ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=8)
    ax.figure.colorbar(image, ax=ax, shrink=0.8)


def _bars(ax: Any, rows: list[str], cols: list[str], values: list[list[float]]) -> None:
    width = 0.8 / max(len(cols), 1)
    for j, col in enumerate(cols):
        xs = [i + (j - (len(cols) - 1) / 2) * width for i in range(len(rows))]
        ax.bar(xs, [row[j] for row in values], width, label=_label(col, 30))
    ax.set_xticks(range(len(rows)), [_label(r, 14) for r in rows], fontsize=8)
    ax.legend(fontsize=8)


def write_figure(
    tables: Sequence[ReportTable], path: Path, chart: str = "heatmap", title: str | None = None
) -> None:
    fmt = path.suffix.lower().lstrip(".")
    data = figure_bytes(tables, fmt, chart, title)
    write_with(Path(path), lambda handle: handle.write(data))
