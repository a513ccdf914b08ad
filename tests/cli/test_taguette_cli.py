"""A Taguette project brought in as a user would: `qualcope import project FILE.sqlite3`."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_qdc_cli import run
from tests.conftest import shared_file


def test_the_real_taguette_export_imports_into_a_new_project_that_checks_clean(
    tmp_path: Path,
) -> None:
    export = shared_file("serdif-usability/taguette/SERDIF_P2_ThematicAnalysis.sqlite3")
    done = run("import", "project", str(export), "--into", "study.db", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        "(written by Taguette) into study.db: 17 sources, 22 codes, 1,930 codings, 1 coder"
        in done.stdout
    )
    assert "note: not imported: highlight 1630 in 'P16_GMT20211215.odt': no tag" in done.stderr
    doctor = run("--db", "study.db", "doctor", cwd=tmp_path)
    assert doctor.returncode == 0 and "no problems found" in doctor.stdout + doctor.stderr
    codings = run("--db", "study.db", "codings", "export", "all.csv", cwd=tmp_path)
    assert "wrote 1930 codings" in codings.stderr
    again = run("--db", "study.db", "import", str(export), cwd=tmp_path)
    assert again.returncode != 0 and "import a whole project into a new one" in again.stderr
