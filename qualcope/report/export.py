"""Write report tables as a terminal table, CSV, XLSX, Markdown, LaTeX, HTML or JSON.

Every format carries the unit; with ``provenance=True`` also the date, project,
codebook state, coders and filters. Untrusted text is escaped for the target
(``qualcope.report.escape``) and files are written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualcope.errors import ReportError
from qualcope.interchange.atomic import write_with
from qualcope.report import escape, long_table
from qualcope.report.model import POOLED, ReportTable

FORMATS = ("table", "csv", "xlsx", "md", "tex", "html", "json")
EXTENSIONS = {
    ".txt": "table",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".md": "md",
    ".markdown": "md",
    ".tex": "tex",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
XLSX_CELL_LIMIT = 32_767


def format_for(path: Path, given: str | None = None) -> str:
    """The format named, else the one the file's extension says."""
    if given:
        return given
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise ReportError(
            f"cannot tell the format from {path.name!r}; use --format ({', '.join(FORMATS)})"
        )
    return found


def render(
    tables: Sequence[ReportTable], fmt: str, *, provenance: bool = True, width: int = 120
) -> bytes:
    """The tables in one format, as bytes (UTF-8 for text formats, LF line ends)."""
    if not tables:
        raise ReportError("nothing to export")
    if fmt == "xlsx":
        return to_xlsx(tables, provenance=provenance)
    writers = {
        "table": lambda: to_text(tables, provenance=provenance, width=width),
        "csv": lambda: to_csv(tables, provenance=provenance),
        "md": lambda: to_markdown(tables, provenance=provenance),
        "tex": lambda: to_latex(tables, provenance=provenance),
        "html": lambda: to_html(tables, provenance=provenance),
        "json": lambda: to_json(tables, provenance=provenance),
    }
    if fmt not in writers:
        raise ReportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return writers[fmt]().encode("utf-8")


def write(tables: Sequence[ReportTable], fmt: str, path: Path, *, provenance: bool = True) -> None:
    """Render and write atomically (temporary file, fsync, rename)."""
    data = render(tables, fmt, provenance=provenance)
    write_with(Path(path), lambda handle: handle.write(data))


def provenance_lines(table: ReportTable) -> list[str]:
    return [f"{key}: {value}" for key, value in table.provenance.items()]


def _by_label(table: ReportTable) -> list[str]:
    return [table.by[1]] if table.by is not None else []


def _header(tables: Sequence[ReportTable]) -> list[str]:
    first = tables[0]
    by = [first.by[0]] if first.by is not None else []
    return [*by, *first.row_header, *first.columns]


# ------------------------------------------------------------------ text
def to_text(tables: Sequence[ReportTable], *, provenance: bool = True, width: int = 120) -> str:
    """A plain terminal table per table (rich, no colour), notes below.

    A table too wide for ``width`` is shown in the long layout (``long_table``)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, soft_wrap=False)
    for table in tables:
        console.print(Text(escape.one_line(table.caption())))
        if not long_table.fits(table, width):  # never a wall of borders: one cell per line
            buffer.write("".join(line + "\n" for line in long_table.render(table, width)))
            for note in table.all_notes():
                console.print(Text(escape.one_line(note)))
            console.print()
            continue
        grid = Table()
        for name in table.row_header:
            grid.add_column(Text(escape.one_line(name)), overflow="fold")
        for name in table.columns:
            grid.add_column(Text(escape.one_line(name)), justify="right", overflow="fold")
        last = len(table.rows) - 1
        for i, label in enumerate(table.rows):
            cells = [Text(escape.one_line(v)) for v in label]
            cells += [Text(table.cell(i, j)) for j in range(len(table.columns))]
            grid.add_row(*cells, end_section=table.margins and i == last - 1)
        console.print(grid)
        for note in table.all_notes():
            console.print(Text(escape.one_line(note)))
        console.print()
    if provenance and tables[0].provenance:
        console.print(Text("; ".join(provenance_lines(tables[0]))))
    return buffer.getvalue()


# ------------------------------------------------------------------- csv
def to_csv(tables: Sequence[ReportTable], *, provenance: bool = False) -> str:
    """One CSV: a column for the --by value, row labels, then numbers (percents if asked)."""
    buffer = io.StringIO()
    if provenance and tables[0].provenance:
        for line in provenance_lines(tables[0]):
            buffer.write(f"# {escape.one_line(line)}\n")
        notes = dict.fromkeys(note for table in tables for note in table.all_notes())
        for note in notes:  # the unit, and what was cut: as the other formats say them
            buffer.write(f"# note: {escape.one_line(note)}\n")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([escape.csv_cell(h) for h in _header(tables)])
    for table in tables:
        for i, label in enumerate(table.rows):
            cells: list[Any] = [*_by_label(table), *label]
            writer.writerow(
                [escape.csv_cell(c) for c in cells]
                + [table.value(i, j) for j in range(len(table.columns))]
            )
    return buffer.getvalue()


# -------------------------------------------------------------- markdown
def to_markdown(tables: Sequence[ReportTable], *, provenance: bool = True) -> str:
    out: list[str] = []
    for table in tables:
        out.append(f"**{escape.markdown(escape.one_line(table.caption()))}**")
        out.append("")
        header = [*table.row_header, *table.columns]
        out.append("| " + " | ".join(escape.markdown(h) for h in header) + " |")
        aligns = [":--"] * len(table.row_header) + ["--:"] * len(table.columns)
        out.append("| " + " | ".join(aligns) + " |")
        for i, label in enumerate(table.rows):
            cells = [escape.markdown(v) for v in label]
            cells += [escape.markdown(table.cell(i, j)) for j in range(len(table.columns))]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        for note in table.all_notes():
            out.append(escape.markdown(escape.one_line(note)) + "  ")
        out.append("")
    if provenance and tables[0].provenance:
        out.append("*" + escape.markdown("; ".join(provenance_lines(tables[0]))) + "*")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ----------------------------------------------------------------- latex
def to_latex(tables: Sequence[ReportTable], *, provenance: bool = True) -> str:
    """booktabs tables; every piece of text is escaped (never compile with -shell-escape)."""
    out = [
        "% Generated by qualcope. Needs \\usepackage{booktabs} in the preamble.",
        "% All text is escaped; still, never compile reports with -shell-escape.",
    ]
    if provenance:
        out += [f"% {escape.latex(line)}" for line in provenance_lines(tables[0])]
    for table in tables:
        spec = "l" * len(table.row_header) + "r" * len(table.columns)
        header = [*table.row_header, *table.columns]
        out += [
            "\\begin{table}[htbp]",
            "\\centering",
            f"\\caption{{{escape.latex(table.caption())}}}",
            f"\\begin{{tabular}}{{{spec}}}",
            "\\toprule",
            " & ".join(escape.latex(h) for h in header) + " \\\\",
            "\\midrule",
        ]
        for i, label in enumerate(table.rows):
            if table.margins and i == len(table.rows) - 1:
                out.append("\\midrule")
            cells = [escape.latex(v) for v in label]
            cells += [escape.latex(table.cell(i, j)) for j in range(len(table.columns))]
            out.append(" & ".join(cells) + " \\\\")
        out += ["\\bottomrule", "\\end{tabular}"]
        notes = table.all_notes()
        if notes:
            out.append(
                "\\par\\smallskip{\\footnotesize "
                + " ".join(escape.latex(n) for n in notes)
                + "\\par}"
            )
        out += ["\\end{table}", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ html
def to_html(tables: Sequence[ReportTable], *, provenance: bool = True) -> str:
    h = escape.html_text
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>qualcope report</title>',
        "<style>table{border-collapse:collapse;margin:1em 0}"
        "th,td{padding:2px 8px;border-bottom:1px solid #ccc}td.n{text-align:right}"
        "tfoot td{font-weight:bold}</style></head><body>",
    ]
    for table in tables:
        out.append(f"<table><caption>{h(table.caption())}</caption><thead><tr>")
        out.append("".join(f"<th>{h(c)}</th>" for c in (*table.row_header, *table.columns)))
        out.append("</tr></thead><tbody>")
        for i, label in enumerate(table.rows):
            if table.margins and i == len(table.rows) - 1:
                out.append("</tbody><tfoot>")
            cells = "".join(f"<td>{h(v)}</td>" for v in label)
            cells += "".join(
                f'<td class="n">{h(table.cell(i, j))}</td>' for j in range(len(table.columns))
            )
            out.append(f"<tr>{cells}</tr>")
        out.append("</tfoot></table>" if table.margins else "</tbody></table>")
        out += [f"<p>{h(note)}</p>" for note in table.all_notes()]
    if provenance and tables[0].provenance:
        out.append(f'<p class="provenance">{h("; ".join(provenance_lines(tables[0])))}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ json
def table_dict(table: ReportTable) -> dict[str, Any]:
    stats = None
    if table.stats is not None:
        stats = {k: v for k, v in table.stats.__dict__.items() if k != "expected"}
        stats["expected"] = [list(row) for row in table.stats.expected]
        stats["warnings"] = list(table.stats.warnings)
    return {
        "title": table.title,
        "by": {"dimension": table.by[0], "value": table.by[1]} if table.by else None,
        "pooled": table.by is not None and table.by[1] == POOLED,
        "unit": table.unit,
        "unit_meaning": table.unit_meaning,
        "percent": table.percent,
        "margins": table.margins,
        "row_header": list(table.row_header),
        "rows": [list(r) for r in table.rows],
        "columns": list(table.columns),
        "counts": [list(r) for r in table.counts],
        "percents": [list(r) for r in table.percents] if table.percents else None,
        "stats": stats,
        "notes": table.all_notes(),
    }


def to_json(tables: Sequence[ReportTable], *, provenance: bool = True) -> str:
    data = {
        "provenance": dict(tables[0].provenance) if provenance else {},
        "tables": [table_dict(t) for t in tables],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ xlsx
def xlsx_text(value: object) -> str:
    """A cell's text: control characters out, visibly cut at Excel's cell limit."""
    text = escape.clean(value)
    if len(text) > XLSX_CELL_LIMIT:
        marker = " […truncated]"
        text = text[: XLSX_CELL_LIMIT - len(marker)] + marker
    return text


def sheet_name(title: str, used: set[str]) -> str:
    base = "".join(c for c in escape.one_line(title) if c not in "[]:*?/\\'")[:28] or "table"
    name, n = base, 1
    while name.casefold() in used:
        n += 1
        name = f"{base[:25]} {n}"
    used.add(name.casefold())
    return name


def to_xlsx(tables: Sequence[ReportTable], *, provenance: bool = True) -> bytes:
    """One sheet per table (strings are never formulas, C5-2), then a provenance sheet."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    guarded = book.add_format({"quote_prefix": True})
    used: set[str] = set()

    def put(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, col, value, fmt)
            return
        text = xlsx_text(value)
        risky = text.startswith(escape.FORMULA_PREFIXES)
        sheet.write_string(row, col, text, guarded if risky else fmt)

    for table in tables:
        title = table.title if table.by is None else f"{table.by[1]}"
        sheet = book.add_worksheet(sheet_name(title, used))
        put(sheet, 0, 0, table.caption(), bold)
        header = [*table.row_header, *table.columns]
        for j, name in enumerate(header):
            put(sheet, 2, j, name, bold)
        for i, label in enumerate(table.rows):
            for j, value in enumerate(label):
                put(sheet, 3 + i, j, value)
            for j in range(len(table.columns)):
                put(sheet, 3 + i, len(label) + j, table.value(i, j))
        row = 4 + len(table.rows)
        for note in table.all_notes():
            put(sheet, row, 0, note)
            row += 1
        sheet.set_column(0, len(table.row_header) - 1, 28)
    if provenance and tables[0].provenance:
        sheet = book.add_worksheet(sheet_name("provenance", used))
        for i, (key, value) in enumerate(tables[0].provenance.items()):
            put(sheet, i, 0, key, bold)
            put(sheet, i, 1, value)
        sheet.set_column(0, 1, 30)
    book.close()
    return buffer.getvalue()
