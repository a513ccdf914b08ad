"""The report spec file, figures and quote files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
import pytest

from qualcope.errors import ReportError
from qualcope.report import plot, quotes
from qualcope.report.model import Quote, ReportTable
from qualcope.report.spec import parse_spec, read_spec

GOOD = """\
qualcope_report: 1
title: Paper 1
defaults: {unit: participants, coders: [ana], include_interviewer: false}
outputs:
  - name: strategies-by-role
    kind: crosstab
    rows: code
    cols: role
    by: case
    codes: [Coping strategies]
    stats: true
    formats: [md, tex, xlsx]
  - name: conflict-x-strategy
    kind: cooccurrence
    rows: Value conflicts
    cols: [Coping strategies]
    within: link
  - {name: figure-1, kind: plot, rows: code, cols: role, formats: [png, pdf]}
  - {name: avoidance, kind: quotes, code: Coping strategies/Avoidance, limit: 3}
"""


def test_a_good_spec() -> None:
    spec = parse_spec(GOOD)
    assert spec.title == "Paper 1"
    first, cooc, figure, quote = spec.items
    assert first.kind == "crosstab" and first.formats == ("md", "tex", "xlsx")
    assert first.options["unit"] == "participants"  # from defaults
    assert first.options["codes"] == ("Coping strategies",)
    assert first.options["coders"] == ("ana",)
    assert cooc.options["rows"] == ("Value conflicts",) and "unit" not in cooc.options
    assert figure.formats == ("png", "pdf") and quote.formats == ("md",)


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "outputs:\n  - {name: a, kind: crosstab, colour: red}\n",
            "line 2: unknown key(s): colour",
        ),
        ("outputs:\n  - {name: a, kind: crosstab}\nextra: 1\n", "unknown key(s): extra"),
        ("outputs:\n  - {name: a, kind: pie}\n", "'kind' must be one of"),
        ("outputs:\n  - {name: ../../etc/x, kind: crosstab}\n", "'name' must be a file name"),
        ("outputs:\n  - {name: a, kind: crosstab, unit: words}\n", "'unit' must be one of"),
        ("outputs:\n  - {name: a, kind: crosstab, rows: colour}\n", "'rows' must be one of"),
        ("outputs:\n  - {name: a, kind: crosstab, formats: [docx]}\n", "'formats' of a crosstab"),
        ("outputs:\n  - {name: a, kind: quotes}\n", "needs 'code'"),
        ("outputs:\n  - {name: a, kind: crosstab, stats: yes please}\n", "true or false"),
        ("outputs:\n  - {name: a, kind: crosstab}\n  - {name: A, kind: plot}\n", "two outputs"),
        ("outputs:\n  - {name: a, kind: crosstab, name: b}\n", "line 2: duplicate key 'name'"),
        ("outputs: !!python/object/apply:os.system ['ls']\n", "unsafe or unknown YAML tag"),
        ("x: &a [1]\noutputs: *a\n", "aliases"),
        ("outputs: []\n", "non-empty list"),
        ("qualcope_report: 2\noutputs: [{name: a, kind: crosstab}]\n", "not supported"),
        ("- just a list\n", "a mapping"),
    ],
)
def test_bad_specs_are_one_line_errors_with_a_line(text: str, message: str) -> None:
    with pytest.raises(ReportError, match=message.replace("(", r"\(").replace(")", r"\)")) as e:
        parse_spec(text, "paper.yaml")
    assert str(e.value).startswith("paper.yaml") and "\n" not in str(e.value)


def test_missing_spec_file(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="file not found"):
        read_spec(tmp_path / "nope.yaml")


def _table(by: tuple[str, str] | None = None) -> ReportTable:
    return ReportTable(
        title="Codes by role",
        row_header=("Codes",),
        rows=(("Avoid $x$ ance",), ("Escalation",), ("Total",)),
        columns=("citizen co-producer", "public servant", "Total"),
        counts=((4, 1, 5), (0, 2, 2), (4, 3, 7)),
        unit="participants",
        margins=True,
        by=by,
    )


@pytest.mark.parametrize(
    "suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
@pytest.mark.parametrize("chart", ["heatmap", "bars"])
def test_figures(tmp_path: Path, suffix: str, magic: bytes, chart: str) -> None:
    target = tmp_path / f"fig{suffix}"
    plot.write_figure([_table(("case", "Care")), _table(("case", "(pooled)"))], target, chart)
    assert target.read_bytes().startswith(magic)


def test_figure_format_must_be_known(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="png, svg, pdf"):
        plot.write_figure([_table()], tmp_path / "fig.gif")
    assert not (tmp_path / "fig.gif").exists()


QUOTES = [
    Quote(code="Coping/Avoidance", text="=cmd| I stopped | going\nfor *good*", case="Care",
          role="citizen", participant="Anna", document="anna.txt", turn=3, coder="ana",
          start=5, end=40, coding_id=1),
    Quote(code="Coping/Avoidance", text="-I left [laughs]", case="Care", role="citizen",
          participant="Bo", document="bo.txt", turn=None, coder="bo", start=0, end=9,
          coding_id=2),
]  # fmt: skip


def test_quotes_markdown_escapes_and_gives_the_source() -> None:
    text = quotes.to_markdown(QUOTES, {"project": "p.db"})
    assert "## Coping/Avoidance" in text
    assert "I stopped \\| going<br>for \\*good\\*" in text
    assert "— Anna (citizen), Care, anna.txt, turn 3; coded by ana" in text
    assert "— Bo (citizen), Care, bo.txt; coded by bo" in text and "p.db" in text


def test_quotes_csv_neutralises() -> None:
    rows = list(csv.DictReader(io.StringIO(quotes.to_csv(QUOTES))))
    assert rows[0]["text"].startswith("'=cmd|") and rows[1]["text"] == "'-I left [laughs]"
    assert rows[0]["turn"] == "3" and rows[1]["turn"] == ""


def test_quotes_docx(tmp_path: Path) -> None:
    target = tmp_path / "q.docx"
    quotes.write(QUOTES, "docx", target, {"project": "p.db"})
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs]
    assert "=cmd| I stopped | going\nfor *good*" in paragraphs
    assert any("turn 3; coded by ana" in p for p in paragraphs)
