"""The agreement table in every output format, with its unit and data stated.

Plain data in (``AgreementTable``), text out. Numbers keep full precision in CSV and JSON
(percent agreement as a share, 0 to 1) and three decimals elsewhere (percent agreement as a
percentage with one); a coefficient without a value shows a dash and the reason is
a note under the table. Every piece of user text (code paths, coder names) is escaped for
its format (``report.escape``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from qualcope.errors import ReportError
from qualcope.report import escape

FORMATS = ("table", "csv", "md", "tex", "json")
# Column names: for people (terminal, Markdown), for LaTeX (our own markup, not escaped) and
# for programs (CSV, JSON). Percent agreement is a percentage for people, a share for programs.
SHORT = {"percent": "% agr.", "cohen": "Cohen κ", "fleiss": "Fleiss κ", "krippendorff": "Kripp. α"}
HEADERS = {
    "percent": ("% agreement", "\\% agreement", "percent_agreement"),
    "cohen": ("Cohen's κ", "Cohen's $\\kappa$", "cohen_kappa"),
    "fleiss": ("Fleiss' κ", "Fleiss' $\\kappa$", "fleiss_kappa"),
    "krippendorff": ("Krippendorff's α", "Krippendorff's $\\alpha$", "krippendorff_alpha"),
}
EXTENSIONS = {".txt": "table", ".csv": "csv", ".md": "md", ".tex": "tex", ".json": "json"}
DASH = "–"


@dataclass(frozen=True)
class Coefficient:
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class AgreementTable:
    """Rows: a label (code path or the pooled row), its units, how many units each coder
    applied it to, then one coefficient per metric."""

    title: str
    coders: tuple[str, ...]
    metrics: tuple[str, ...]  # keys of HEADERS
    labels: tuple[str, ...]
    units: tuple[int, ...]
    applied: tuple[tuple[int, ...], ...]
    values: tuple[tuple[Coefficient, ...], ...]
    intervals: bool = False
    pooled: str = "all codes (pooled)"  # the label of the pooled row
    notes: tuple[str, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)


def format_for(name: str, given: str | None) -> str:
    if given:
        return given
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    found = EXTENSIONS.get(suffix)
    if found is None:
        raise ReportError(
            f"cannot tell the format from {name!r}; use --format ({', '.join(FORMATS)})"
        )
    return found


def render(table: AgreementTable, fmt: str, *, width: int = 120) -> str:
    writers = {"table": _text, "csv": _csv, "md": _markdown, "tex": _latex, "json": _json}
    if fmt not in writers:
        raise ReportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "table":
        return _text(table, width)
    return writers[fmt](table)  # type: ignore[operator]


def _header(table: AgreementTable, which: int = 0) -> list[str]:
    return ["code", "units", *table.coders, *(HEADERS[m][which] for m in table.metrics)]


def _number(value: float, metric: str) -> str:
    return f"{100 * value:.1f}" if metric == "percent" else f"{value:.3f}"


def _shown(value: Coefficient, metric: str, intervals: bool, gap: str = " ") -> str:
    if value.value is None:
        return DASH
    text = _number(value.value, metric)
    if intervals:
        if value.low is None or value.high is None:
            return f"{text}{gap}[{DASH}]"
        text += f"{gap}[{_number(value.low, metric)}, {_number(value.high, metric)}]"
    return text


def _cells(table: AgreementTable, i: int, gap: str = " ") -> list[str]:
    return [
        table.labels[i],
        str(table.units[i]),
        *(str(n) for n in table.applied[i]),
        *(
            _shown(v, m, table.intervals, gap)
            for m, v in zip(table.metrics, table.values[i], strict=True)
        ),
    ]


def _legend(table: AgreementTable, names: list[str] | None = None) -> str:
    coders = ", ".join(names or table.coders)
    text = f"{coders}: units each coder applied the code to"
    if any(v.value is None for row in table.values for v in row):
        text += f"; {DASH}: no value (the reason is below)"
    if len(table.labels) > 1 or table.labels[:1] == (table.pooled,):
        text += f"; {table.pooled}: every (unit, code) pair is one unit"
    if table.intervals:
        text += "; [low, high]: bootstrap interval"
    return text


def _text(table: AgreementTable, width: int = 120) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, soft_wrap=False)
    console.print(Text(escape.one_line(table.title)))
    # The terminal is narrow: coders are letters and coefficients short names, explained below.
    letters = [chr(ord("A") + i) if i < 26 else str(i + 1) for i in range(len(table.coders))]
    grid = Table(box=box.SIMPLE_HEAD, padding=(0, 1))
    grid.add_column("code", overflow="fold")  # (a min_width would crop the last column)
    for name in ["units", *letters, *(SHORT[m] for m in table.metrics)]:
        grid.add_column(Text(name), justify="right", overflow="fold")  # wrap, never crop
    for i in range(len(table.labels)):
        label, *numbers = _cells(table, i, gap="\n")  # an interval goes under its value
        grid.add_row(
            Text(escape.one_line(label)),
            *(Text(escape.clean(c)) for c in numbers),
            end_section=i == len(table.labels) - 2,
        )
    console.print(grid)
    who = [f"{x} = {escape.one_line(c)}" for x, c in zip(letters, table.coders, strict=True)]
    console.print(Text(", ".join(who) + "; " + escape.one_line(_legend(table, letters))))
    for note in table.notes:
        console.print(Text(escape.one_line(note)))
    for key, value in table.provenance.items():
        console.print(Text(escape.one_line(f"{key}: {value}")))
    return buffer.getvalue()


def _csv(table: AgreementTable) -> str:
    """One row per code; each metric a column, with _low/_high columns for intervals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = ["code", "units", *(f"applied_by_{c}" for c in table.coders)]
    for metric in table.metrics:
        key = HEADERS[metric][2]
        names += [key, f"{key}_low", f"{key}_high"] if table.intervals else [key]
    writer.writerow([escape.csv_cell(n) for n in names])
    for i, label in enumerate(table.labels):
        row: list[Any] = [escape.csv_cell(label), table.units[i], *table.applied[i]]
        for value in table.values[i]:
            row.append("" if value.value is None else repr(value.value))
            if table.intervals:
                row += ["" if v is None else repr(v) for v in (value.low, value.high)]
        writer.writerow(row)
    return buffer.getvalue()


def _markdown(table: AgreementTable) -> str:
    header = _header(table)
    out = [f"**{escape.markdown(escape.one_line(table.title))}**", ""]
    out.append("| " + " | ".join(escape.markdown(h) for h in header) + " |")
    out.append("| " + " | ".join([":--"] + ["--:"] * (len(header) - 1)) + " |")
    for i in range(len(table.labels)):
        out.append("| " + " | ".join(escape.markdown(c) for c in _cells(table, i)) + " |")
    out.append("")
    out.append(escape.markdown(_legend(table)) + "  ")
    out += [escape.markdown(escape.one_line(note)) + "  " for note in table.notes]
    provenance = "; ".join(f"{k}: {v}" for k, v in table.provenance.items())
    out += ["", "*" + escape.markdown(provenance) + "*"]
    return "\n".join(out) + "\n"


def _latex(table: AgreementTable) -> str:
    """A booktabs table; all text escaped (never compile with -shell-escape)."""
    header = [escape.latex(h) for h in _header(table)[: 2 + len(table.coders)]]
    header += [HEADERS[m][1] for m in table.metrics]
    out = [
        "% Generated by qualcope. Needs \\usepackage{booktabs} in the preamble.",
        *(f"% {escape.latex(f'{k}: {v}')}" for k, v in table.provenance.items()),
        "\\begin{table}[htbp]",
        "\\centering",
        f"\\caption{{{escape.latex(table.title)}}}",
        "\\begin{tabular}{l" + "r" * (len(header) - 1) + "}",
        "\\toprule",
        " & ".join(header) + " \\\\",
        "\\midrule",
    ]
    for i in range(len(table.labels)):
        if i == len(table.labels) - 1 and i > 0:
            out.append("\\midrule")
        out.append(" & ".join(escape.latex(c) for c in _cells(table, i)) + " \\\\")
    out += ["\\bottomrule", "\\end{tabular}"]
    notes = " ".join(escape.latex(n) for n in (_legend(table), *table.notes))
    out.append(f"\\par\\smallskip{{\\footnotesize {notes}\\par}}")
    out += ["\\end{table}", ""]
    return "\n".join(out)


def _json(table: AgreementTable) -> str:
    rows = []
    for i, label in enumerate(table.labels):
        values = {}
        for metric, value in zip(table.metrics, table.values[i], strict=True):
            key = HEADERS[metric][2]
            values[key] = {"value": value.value}
            if table.intervals:
                values[key].update(low=value.low, high=value.high)
        rows.append(
            {
                "code": label,
                "units": table.units[i],
                "applied": dict(zip(table.coders, table.applied[i], strict=True)),
                "values": values,
            }
        )
    data = {
        "title": table.title,
        "provenance": table.provenance,
        "coders": list(table.coders),
        "rows": rows,
        "notes": list(table.notes),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
