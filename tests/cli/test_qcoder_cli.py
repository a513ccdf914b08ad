"""A qcoder project brought in as a user would: its codes.csv, then its marked documents."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli.test_qdc_cli import run
from tests.conftest import SHARED, shared_file

QCODER = SHARED / "external/qcoder-examples"


def test_the_codes_and_the_marked_documents_come_in_with_all_31_codings(tmp_path: Path) -> None:
    shared_file("qcoder-examples/documents_markedup")
    assert run("init", cwd=tmp_path).returncode == 0
    codes = run("--coder", "ana", "codebook", "import", str(QCODER / "codes.csv"), cwd=tmp_path)
    assert codes.returncode == 0, codes.stderr
    imported = run("--coder", "ana", "import", str(QCODER / "documents_markedup"), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "5 imported" in imported.stderr
    assert imported.stdout.count("codings from the qcoder marks:") == 5
    assert (
        "codings from the qcoder marks: 9, by ana; new codes at the top of the codebook: "
        "twitter, stefanie" in imported.stdout
    )
    exported = run("codings", "export", "codings.csv", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    with (tmp_path / "codings.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 31 and {row["coder"] for row in rows} == {"ana"}
    # File positions count the marks: each points at its passage in the file as written.
    for row in rows:
        raw = (QCODER / "documents_markedup" / row["file"]).read_text(encoding="utf-8")
        assert (
            raw[int(row["start"]) : int(row["end"])]
            .replace("(QCODE)", "")
            .startswith(row["quote"][:20])
        )
