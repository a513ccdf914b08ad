"""`qualcope attributes import/export`, as a user runs them."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_qdc_cli import run


def imported_project(tmp_path: Path) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "manifest.csv").write_text("file,participant\na.txt,P1\nb.txt,P2\n")
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(f"Interviewer: Why?\n\nRespondent: {name}.\n")
    assert run("init", cwd=tmp_path).returncode == 0
    assert run("import", "interviews", cwd=tmp_path).returncode == 0


def test_every_change_is_printed_and_the_export_imports_back_unchanged(tmp_path: Path) -> None:
    imported_project(tmp_path)
    (tmp_path / "people.csv").write_text("id,age,role\nP1,34,citizen\nP2,,public servant\n")
    done = run("attributes", "import", "people.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "P1: age 34",
        "P1: role citizen",
        "P2: role public servant",
    ]
    assert "people.csv: 2 participants (named in column 'id'), 3 values changed" in done.stderr
    exported = run("attributes", "export", "sheet.csv", cwd=tmp_path)
    assert "wrote 2 participants to sheet.csv" in exported.stderr
    again = run("attributes", "import", "sheet.csv", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == ""
    assert "0 values changed" in again.stderr


def test_a_row_naming_nobody_is_one_line_and_nothing_changes(tmp_path: Path) -> None:
    imported_project(tmp_path)
    (tmp_path / "people.csv").write_text("id,age\nP1,34\nP7,50\n")
    done = run("attributes", "import", "people.csv", cwd=tmp_path)
    assert done.returncode != 0
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("qualcope: error: people.csv: 1 row(s) name no participant")
    assert "line 3 'P7'" in line and "nothing was changed" in line
    exported = run("attributes", "export", "sheet.csv", cwd=tmp_path)
    assert exported.returncode == 0
    assert (tmp_path / "sheet.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "participant,role,case",
        "P1,,",
        "P2,,",
    ]


def test_an_escape_from_an_older_import_is_shown_never_run(tmp_path: Path) -> None:
    import json
    import sqlite3

    imported_project(tmp_path)
    with sqlite3.connect(tmp_path / "qualcope.db") as conn:  # as an older version stored it
        conn.execute(
            "UPDATE participants SET attributes = ? WHERE label = 'P1'",
            (json.dumps({"note": "\x1b[2Jboom"}),),
        )
    listed = run("documents", "--attributes", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout and "\ufffd[2Jboom" in listed.stdout
    (tmp_path / "people.csv").write_text("id,note\nP1,calm\n")
    changed = run("attributes", "import", "people.csv", cwd=tmp_path)
    assert changed.stdout == "P1: note \ufffd[2Jboom -> calm\n"
