"""`qualcope codebook import` of another tool's list of codes, as a user runs it."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_qdc_cli import run


def test_a_qualcoder_list_imports_and_says_what_it_made(tmp_path: Path) -> None:
    (tmp_path / "codes.txt").write_bytes(b"Coping>>Humour\tjokes\r\nCoping>>Silence\r\n")
    assert run("init", cwd=tmp_path).returncode == 0
    result = run("codebook", "import", "codes.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "codes.txt: read as a QualCoder code list: 2 codes, 1 category" in result.stderr
    assert "codes.txt: 3 added" in result.stderr
    shown = run("codebook", "show", cwd=tmp_path)
    assert "Humour" in shown.stdout and "Silence" in shown.stdout


def test_a_bad_list_is_one_line_and_leaves_the_codebook_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "tags.csv").write_text("tag,description\nTrust,a\nTrust,b\n", encoding="utf-8")
    assert run("init", cwd=tmp_path).returncode == 0
    before = run("codebook", "show", cwd=tmp_path).stdout
    result = run("codebook", "import", "tags.csv", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "qualcope: error: tags.csv, line 3: code 'Trust' is listed twice (also line 2)"
    ]
    assert run("codebook", "show", cwd=tmp_path).stdout == before
