"""Exporters on hand-made tables: every format, the escaping of C5, atomic writes."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from qualcope.errors import ExportError, ReportError
from qualcope.report import export
from qualcope.report.model import ReportTable

HOSTILE = [
    '=HYPERLINK("http://x?"&A1)',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
]
LATEX_NASTY = r"\input{/etc/passwd} \write18{rm} 100% & _x_ #1 {a} ~ ^ $"
MD_NASTY = "a | b\nnext `code` <script>alert(1)</script> *em* [link](x) # h"


def make_table(rows: list[str], columns: list[str], counts: list[list[int]], **kw) -> ReportTable:
    return ReportTable(
        title=kw.pop("title", "Codes by role"),
        row_header=("Codes",),
        rows=tuple((r,) for r in rows),
        columns=tuple(columns),
        counts=tuple(tuple(c) for c in counts),
        unit="participants",
        unit_meaning="number of participants who mention it at least once",
        provenance={"project": "p.db", "coders": "ana"},
        **kw,
    )


@pytest.fixture
def simple() -> ReportTable:
    return make_table(
        ["Avoidance", "Escalation", "Total"],
        ["citizen", "servant", "Total"],
        [[4, 1, 5], [0, 2, 2], [4, 3, 7]],
        margins=True,
    )


def test_csv_numbers_and_labels(simple: ReportTable) -> None:
    rows = list(csv.reader(io.StringIO(export.to_csv([simple]))))
    assert rows == [
        ["Codes", "citizen", "servant", "Total"],
        ["Avoidance", "4", "1", "5"],
        ["Escalation", "0", "2", "2"],
        ["Total", "4", "3", "7"],
    ]


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_neutralises_formulas(value: str) -> None:
    table = make_table([value], [value], [[1]])
    rows = list(csv.reader(io.StringIO(export.to_csv([table]), newline="")))
    assert len(rows) == 2  # a CR inside a cell does not end the row
    expected = "'" + value.replace("\r", "\n")
    assert rows[0][1] == expected and rows[1][0] == expected
    assert rows[1][1] == "1"  # numbers are numbers


def test_csv_with_by_has_a_column_for_it(simple: ReportTable) -> None:
    from dataclasses import replace

    care = replace(simple, by=("case", "Care"))
    pooled = replace(simple, by=("case", "(pooled)"))
    rows = list(csv.reader(io.StringIO(export.to_csv([care, pooled]))))
    assert rows[0][:2] == ["case", "Codes"]
    assert [r[0] for r in rows[1:]] == ["Care"] * 3 + ["(pooled)"] * 3


def test_csv_percent_tables_give_percent_numbers() -> None:
    table = make_table(
        ["A", "Total"], ["x", "Total"], [[1, 4], [1, 4]], margins=True, percent="row",
        percents=((25.0, None), (None, None)),
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(export.to_csv([table]))))
    assert rows[1] == ["A", "25.0", "4"]


def test_markdown_keeps_the_column_count_and_escapes() -> None:
    table = make_table([MD_NASTY, "plain"], ["x|y", "z"], [[1, 2], [3, 4]])
    text = export.to_markdown([table])
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(lines) == 4  # header, alignment, two rows: the newline did not split a row
    for line in lines:
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        assert len(cells) == 3, line
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\`code\\`" in text and "\\*em\\*" in text and "<br>" in text
    assert "p.db" in text  # provenance


def test_latex_booktabs_and_all_ten_specials() -> None:
    table = make_table([LATEX_NASTY], ["c_1"], [[1]])
    text = export.to_latex([table])
    for command in ("\\toprule", "\\midrule", "\\bottomrule", "\\begin{tabular}{lr}"):
        assert command in text
    body = text.split("\\toprule", 1)[1]
    assert "\\input" not in body.replace("\\textbackslash{}input", "")
    assert "\\write18" not in body.replace("\\textbackslash{}write18", "")
    escaped = (
        r"\textbackslash{}input\{/etc/passwd\} \textbackslash{}write18\{rm\} 100\% \& "
        r"\_x\_ \#1 \{a\} \textasciitilde{} \textasciicircum{} \$"
    )
    assert escaped in body
    assert "c\\_1" in body


def test_latex_puts_a_rule_above_the_totals(simple: ReportTable) -> None:
    lines = export.to_latex([simple]).splitlines()
    total = next(i for i, line in enumerate(lines) if line.startswith("Total &"))
    assert lines[total - 1] == "\\midrule"


def test_html_escapes(simple: ReportTable) -> None:
    table = make_table(["<script>x</script>"], ["a&b"], [[1]])
    text = export.to_html([table])
    assert "<script>x" not in text and "&lt;script&gt;" in text and "a&amp;b" in text
    assert "<tfoot>" in export.to_html([simple])


def test_json_round_trip(simple: ReportTable) -> None:
    data = json.loads(export.to_json([simple]))
    assert data["provenance"]["project"] == "p.db"
    [t] = data["tables"]
    assert t["counts"] == [[4, 1, 5], [0, 2, 2], [4, 3, 7]]
    assert t["unit"] == "participants" and t["rows"][0] == ["Avoidance"]


def test_text_table_shows_markup_literally() -> None:
    table = make_table(["[bold]x[/]", "[@click=app.quit]z"], ["[red]"], [[1], [2]])
    text = export.to_text([table], width=100)
    assert "[bold]x[/]" in text and "[@click=app.quit]z" in text and "[red]" in text
    assert "unit: participants" in text


def test_xlsx_strings_are_never_formulas(tmp_path: Path) -> None:
    table = make_table(HOSTILE, ["=cmd|' /C calc'!A0"], [[i] for i in range(len(HOSTILE))])
    target = tmp_path / "t.xlsx"
    export.write([table], "xlsx", target)
    with zipfile.ZipFile(target) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 2  # the table and its provenance
        for name in sheets:
            assert "<f>" not in archive.read(name).decode()
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    labels = [sheet.cell(row=4 + i, column=1) for i in range(len(HOSTILE))]
    assert [c.value for c in labels[:5]] == HOSTILE[:5]
    assert labels[5].value in ("\rCR", "_x000D_CR")  # openpyxl leaves XML's escape of CR
    assert all(c.data_type == "s" and c.quotePrefix for c in labels)
    assert sheet.cell(row=4, column=2).value == 0 and sheet.cell(row=4, column=2).data_type == "n"
    assert book.worksheets[1].cell(row=1, column=2).value == "p.db"


def test_xlsx_long_cells_are_cut_visibly() -> None:
    assert export.xlsx_text("x" * 40_000).endswith("[…truncated]")
    assert len(export.xlsx_text("x" * 40_000)) == export.XLSX_CELL_LIMIT
    assert export.xlsx_text("a\x00b\x1b[2J") == "ab[2J"


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_format_renders_and_writes(tmp_path: Path, simple: ReportTable, fmt: str) -> None:
    data = export.render([simple], fmt)
    assert data
    target = tmp_path / f"out.{fmt}"
    export.write([simple], fmt, target)
    assert target.read_bytes()[:2] == data[:2]
    if fmt not in ("xlsx",):
        assert "Avoidance" in data.decode()


def test_format_from_extension() -> None:
    assert export.format_for(Path("a.TEX")) == "tex"
    assert export.format_for(Path("a.md"), "csv") == "csv"
    with pytest.raises(ReportError, match="cannot tell the format"):
        export.format_for(Path("a.docx"))


def test_failed_write_leaves_the_old_file(
    tmp_path: Path, simple: ReportTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "table.md"
    target.write_text("old table\n")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError, match="disk full"):
        export.write([simple], "md", target)
    assert target.read_text() == "old table\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.md"]
