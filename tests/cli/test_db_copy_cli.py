"""`qualcope db copy SRC DST` on the command line: a summary of what was copied, and one-line
refusals (no traceback) that leave both databases as they were."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcope.cli import cli
from qualcope.db import lifecycle
from qualcope.services import codings
from qualcope.services.project import Project


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def study(icvc_project: Project) -> Path:
    """A closed project file with the ICVC codebook."""
    assert icvc_project.path is not None
    icvc_project.close()
    return icvc_project.path


def test_db_copy_to_a_new_file_prints_rows_per_table(study: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["db", "copy", str(study), str(target)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"copied {study} to {target}: ")
    assert lines[0].endswith(f"schema {lifecycle.head_revision()}")
    assert lines[1].startswith("rows: ") and "codes " in lines[1]
    with Project.open(target, "tester") as copied:
        assert codings.count_codings(copied) == 0
        assert copied.location == str(target)


def test_db_copy_refuses_an_existing_destination_in_one_line(study: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken.db"
    CliRunner().invoke(cli, ["db", "copy", str(study), str(target)])
    before, source_before = _digest(target), _digest(study)
    again = CliRunner().invoke(cli, ["db", "copy", str(study), str(target)])
    assert again.exit_code != 0
    assert again.stderr.strip().splitlines() == [
        f"qualcope: error: {target}: a file already exists here; refusing to overwrite it"
    ]
    assert "Traceback" not in again.output
    assert _digest(target) == before and _digest(study) == source_before


def test_db_copy_of_a_missing_source_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    missing, target = tmp_path / "missing.db", tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["db", "copy", str(missing), str(target)])
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        f"qualcope: error: {missing}: no project here (create one with `qualcope init`)"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgresql
def test_db_copy_up_to_postgresql_and_down_again(study: Path, pg_url: str, tmp_path: Path) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    runner = CliRunner()
    up = runner.invoke(cli, ["db", "copy", str(study), plain])
    assert up.exit_code == 0, up.output
    assert "qualcope:qualcope@" not in up.output  # the password is never shown
    refused = runner.invoke(cli, ["db", "copy", str(study), plain])
    assert refused.exit_code != 0 and "already holds a project" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    down = runner.invoke(cli, ["db", "copy", plain, str(tmp_path / "down.db")])
    assert down.exit_code == 0, down.output
    listed = runner.invoke(cli, ["--db", str(tmp_path / "down.db"), "codebook", "show"])
    assert listed.exit_code == 0 and "Avoidance" in listed.output
