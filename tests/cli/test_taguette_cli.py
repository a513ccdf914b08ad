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
    assert "wrote 1,930 codings" in codings.stderr
    again = run("--db", "study.db", "import", str(export), cwd=tmp_path)
    assert again.returncode != 0 and "import a whole project into a new one" in again.stderr


def test_taguettes_highlights_csv_lands_on_the_transcripts_imported_from_word_files(
    tmp_path: Path,
) -> None:
    """Without the project file: the .odt transcripts, the tags and the highlights export."""
    transcripts = shared_file("serdif-usability/transcripts")
    tags = shared_file("serdif-usability/taguette/SERDIF_codebook_taguette-1.5.2.qdc")
    highlights = shared_file("serdif-usability/taguette/all_tags_20220303.csv")
    assert run("init", cwd=tmp_path).returncode == 0
    assert run("import", str(transcripts), cwd=tmp_path).returncode == 0
    assert run("codebook", "import", str(tags), cwd=tmp_path).returncode == 0
    refused = run("codings", "import", str(highlights), cwd=tmp_path)
    assert refused.returncode != 0
    assert "is in P2_GMT20211119.odt 3 times" in refused.stderr  # never placed by a guess
    done = run("codings", "import", str(highlights), "--skip-ambiguous", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1,892 codings added" in done.stderr
    assert "note: 1,892 codings were placed where their quote stands" in done.stderr
    assert "note: 38 rows were left out: their quote stands more than once" in done.stderr
    assert "inside a longer word" not in done.stderr  # Taguette highlights whole words
    assert run("doctor", cwd=tmp_path).returncode == 0
