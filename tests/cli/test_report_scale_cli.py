"""`qualcope report` on a 300-code codebook: --top/--min-count, bounded figures, long layout.

An oversize figure is refused (exit 1, one line naming --top, --min-count and narrower
codes, no traceback); a terminal table wider than the terminal switches to one pair per
line; files stay complete unless --top/--min-count is asked for.
"""

from __future__ import annotations

import csv
import io
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcope.cli import cli
from qualcope.report.matrix_limits import MAX_PIXELS
from tests.report.wide_builder import generate


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli-wide") / "wide.db"
    generate(path, documents=30, codings=3000)
    yield path


def report(db: Path, *args: str, columns: int = 120) -> Result:
    runner = CliRunner(env={"COLUMNS": str(columns)})
    return runner.invoke(cli, ["report", *args, "--db", str(db)])


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_oversize_cooccurrence_plot_is_refused_in_one_line(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.png"
    result = report(db, "plot", "cooccurrence", "-o", str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and not out.exists()
    [line] = result.stderr.strip().splitlines()
    assert "330 x 330" in line and "--top 40" in line and "--min-count" in line
    assert "--rows GROUP" in line


def test_oversize_crosstab_plot_is_refused(db: Path, tmp_path: Path) -> None:
    result = report(db, "plot", "crosstab", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 1
    assert "--top" in result.stderr and "--codes GROUP" in result.stderr


@pytest.mark.slow
def test_top_twenty_cooccurrence_plot(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "top.png"
    result = report(db, "plot", "cooccurrence", "--top", "20", "--cluster", "-o", str(out))
    assert result.exit_code == 0, result.output
    width, height = png_size(out)
    assert width <= MAX_PIXELS and height <= MAX_PIXELS


@pytest.mark.slow
def test_crosstab_plot_with_top_and_by(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ct.png"
    result = report(db, "plot", "crosstab", "--top", "30", "--by", "case", "-o", str(out))
    assert result.exit_code == 0, result.output
    width, height = png_size(out)
    assert width <= MAX_PIXELS and height <= MAX_PIXELS


@pytest.mark.parametrize("columns", [80, 250])
def test_terminal_cooccurrence_shows_names_and_numbers(db: Path, columns: int) -> None:
    result = report(db, "cooccurrence", columns=columns)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "┃" not in result.stdout and "│" not in result.stdout
    assert lines[1].split()[:2] == ["Code", "A"]
    assert lines[3].startswith("Group ") and lines[3].split()[-1].isdigit()
    assert all(len(line) <= columns for line in lines[:50])
    assert "Long layout" in result.stdout


def test_terminal_cooccurrence_with_top_fits_as_a_grid(db: Path) -> None:
    result = report(db, "cooccurrence", "--top", "5", columns=250)
    assert result.exit_code == 0, result.output
    assert "┃" in result.stdout and "5 of 330 rows" in result.stdout


def test_exports_stay_complete_unless_top_is_asked(db: Path, tmp_path: Path) -> None:
    whole = report(db, "cooccurrence", "--format", "csv", columns=80)
    rows = list(csv.reader(io.StringIO(whole.stdout)))
    assert len(rows) == 331 and len(rows[0]) == 331
    out = tmp_path / "cooc.json"
    assert report(db, "cooccurrence", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").count('"Group 29/Code 29.09') >= 2
    top = report(db, "cooccurrence", "--top", "5", "--format", "csv")
    rows = list(csv.reader(io.StringIO(top.stdout)))
    assert len(rows) == 6 and len(rows[0]) == 6
    assert "Shown: 5 of 330 rows and 5 of 330 columns" in top.stderr  # the cut is said
    assert "Shown" not in whole.stderr
    cut = tmp_path / "top.csv"
    written = report(db, "cooccurrence", "--top", "5", "-o", str(cut))
    assert "Shown: 5 of 330 rows" in written.stderr and "(--top 5)" in written.stderr
    assert not cut.read_text(encoding="utf-8").startswith("#")  # the file stays bare CSV


def test_crosstab_min_count(db: Path) -> None:
    result = report(db, "crosstab", "--min-count", "200", "--format", "csv", "--no-margins")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))[1:]
    assert rows and all(sum(int(v) for v in row[1:]) >= 200 for row in rows)
