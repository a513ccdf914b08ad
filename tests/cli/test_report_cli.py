"""`qualcope report ...` as a user runs it, on the project of tests/report/builder.py."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcope.cli import cli
from qualcope.services.project import Project
from tests.report.builder import build_project


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli-report") / "study.db"
    with Project.create(path, "tester") as project:
        build_project(project)
    yield path


def report(db: Path, *args: str, cwd: Path | None = None) -> Result:
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["report", *args, "--db", str(db)])
    finally:
        os.chdir(old)


def test_crosstab_table_on_stdout_states_the_unit(db: Path) -> None:
    result = report(db, "crosstab", "--codes", "Coping strategies", "--unit", "participants")
    assert result.exit_code == 0, result.output
    assert "unit: participants" in result.stdout
    assert "participants who mention it at least once" in result.stdout
    assert "Avoidance" in result.stdout and "Balancing" in result.stdout


def test_crosstab_csv_by_case(db: Path) -> None:
    result = report(db, "crosstab", "--codes", "Coping strategies", "--by", "case",
                    "--format", "csv")  # fmt: skip
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["case", "Codes", "citizen co-producer", "public servant", "Total"]
    assert ["Care", "Avoidance", "2", "1", "3"] in rows
    assert ["Mobility", "Avoidance", "2", "0", "2"] in rows
    assert ["(pooled)", "Total", "5", "2", "7"] in rows


def test_crosstab_percent_and_stats_in_json(db: Path) -> None:
    result = report(db, "crosstab", "--rows", "case", "--cols", "coder", "--percent", "row",
                    "--stats", "--format", "json")  # fmt: skip
    data = json.loads(result.stdout)
    [table] = data["tables"]
    assert table["counts"] == [[5, 3, 8], [2, 0, 2], [7, 3, 10]]
    assert table["percents"][0][:2] == [62.5, 37.5]
    assert table["stats"]["dof"] == 1 and data["provenance"]["unit"] == "codings"


def test_coder_is_a_filter_here(db: Path) -> None:
    result = report(db, "crosstab", "--codes", "Coping strategies", "--coder", "bo",
                    "--format", "csv")  # fmt: skip
    assert "Avoidance,1,1,2" in result.stdout


def test_no_margins_and_filters_by_case(db: Path) -> None:
    result = report(db, "crosstab", "--codes", "Coping strategies", "--case", "Mobility",
                    "--no-margins", "--format", "csv")  # fmt: skip
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["Codes", "citizen co-producer", "public servant"],
        ["Avoidance", "2", "0"],
        ["Escalation", "0", "0"],
        ["Balancing", "0", "0"],
    ]


def test_quotes_csv_by_case(db: Path) -> None:
    result = report(db, "quotes", "--code", "Coping strategies", "--case", "Mobility",
                    "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["text"] for r in rows] == ["I dropped out.", "I stayed away from it all."]
    assert {r["participant"] for r in rows} == {"Cleo"} and rows[0]["turn"] == "2"


def test_include_interviewer(db: Path) -> None:
    plain = report(db, "crosstab", "--codes", "Escalation", "--format", "csv")
    assert "Escalation,1,1,2" in plain.stdout
    more = report(db, "crosstab", "--codes", "Escalation", "--include-interviewer",
                  "--format", "csv")  # fmt: skip
    assert "Escalation,1,2,3" in more.stdout


@pytest.mark.parametrize("suffix", ["md", "tex", "html", "json", "csv", "xlsx", "txt"])
def test_output_file_from_extension(db: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"table.{suffix}"
    result = report(db, "crosstab", "--codes", "Coping strategies", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and f"wrote {target}" in result.stderr
    assert target.stat().st_size > 0


def test_cooccurrence_via_links(db: Path) -> None:
    result = report(db, "cooccurrence", "--rows", "Value conflicts", "--cols",
                    "Coping strategies", "--within", "link", "--format", "csv")  # fmt: skip
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["Code", "Avoidance", "Escalation", "Balancing"],
        ["Inclusion vs quality", "0", "1", "0"],
        ["Efficiency vs democracy", "0", "1", "0"],
    ]


def test_frequencies_by_coder(db: Path) -> None:
    result = report(db, "frequencies", "--by-coder", "--format", "csv")
    assert "Coping strategies/Avoidance,bo,2,2,2,2" in result.stdout


def test_quotes(db: Path, tmp_path: Path) -> None:
    result = report(db, "quotes", "--code", "Avoidance", "--role", "public servant")
    assert result.exit_code == 0, result.stderr
    assert "— Ben (public servant), Care, ben.txt, turn 2; coded by bo" in result.stdout
    target = tmp_path / "quotes.docx"
    assert report(db, "quotes", "--code", "Avoidance", "-o", str(target)).exit_code == 0
    assert target.read_bytes()[:2] == b"PK"


def test_plot(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "figure.png"
    result = report(db, "plot", "crosstab", "--codes", "Coping strategies", "--by", "case",
                    "-o", str(target))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert target.stat().st_size > 1000
    other = tmp_path / "cooc.svg"
    result = report(db, "plot", "cooccurrence", "--rows", "Value conflicts", "--cols",
                    "Coping strategies", "--chart", "bars", "-o", str(other))  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_run_a_spec_into_a_folder(db: Path, tmp_path: Path) -> None:
    spec = tmp_path / "paper.yaml"
    spec.write_text(
        "qualcope_report: 1\ntitle: Paper one\ndefaults: {unit: participants}\noutputs:\n"
        "  - {name: t1, kind: crosstab, codes: [Coping strategies], by: case, stats: true,\n"
        "     formats: [md, tex, csv, xlsx, json, html]}\n"
        "  - {name: t2, kind: cooccurrence, rows: [Value conflicts],"
        " cols: [Coping strategies], within: link}\n"
        "  - {name: t3, kind: frequencies, by_coder: true, formats: [md]}\n"
        "  - {name: f1, kind: plot, codes: [Coping strategies], formats: [png, svg]}\n"
        "  - {name: q1, kind: quotes, code: Avoidance, formats: [md, csv, docx]}\n",
        encoding="utf-8",
    )
    result = report(db, "run", str(spec), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "paper_report"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["t1.md", "t1.tex", "t1.csv", "t1.xlsx", "t1.json", "t1.html", "t2.md", "t2.csv",
         "t3.md", "f1.png", "f1.svg", "q1.md", "q1.csv", "q1.docx"]
    )  # fmt: skip
    for name in ("t1.md", "t1.tex", "t1.csv", "t1.html", "t2.md", "t3.md", "q1.md", "f1.svg"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "study.db" in text and "sha256:" in text, name  # project and codebook state
        assert "ana, bo" in text, name  # coders
    assert "participants" in (folder / "t1.csv").read_text(encoding="utf-8")
    assert json.loads((folder / "t1.json").read_text())["provenance"]["report"] == "Paper one"


@pytest.mark.parametrize(
    "args, message",
    [
        (["crosstab", "--coder", "zed"], "no coder 'zed'"),
        (["crosstab", "--codes", "Nothing"], "no code 'Nothing'"),
        (["crosstab", "--rows", "role", "--cols", "role"], "must be different"),
        (["crosstab", "--format", "xlsx"], "write it to a file with -o"),
        (["crosstab", "-o", "table.docx"], "cannot tell the format"),
        (["quotes", "--code", "Avoidance", "--format", "docx"], "write it to a file with -o"),
        (["run", "missing.yaml"], "missing.yaml: file not found"),
    ],
)
def test_mistakes_are_one_line_and_nonzero(
    db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = report(db, *args, cwd=tmp_path)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert result.stdout == ""
