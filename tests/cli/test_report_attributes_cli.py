"""`qualcope report ... attr:NAME` as a user runs it (counts: test_report_attributes.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from qualcope.cli import cli
from qualcope.db.models import Document, Participant
from qualcope.services.project import Project
from tests.report.builder import build_project


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli-attrs") / "study.db"
    with Project.create(path, "tester") as project:
        build_project(project)
        with project.write("attributes") as session:
            ages = {"Anna": "25", "Ben": "30", "Cleo": "41"}
            for person in session.scalars(select(Participant)):
                person.attributes = {"career_stage": "early" if person.label == "Anna" else "late"}
                if person.label in ages:
                    person.attributes = {**person.attributes, "age": ages[person.label]}
            ben = session.scalar(select(Document).where(Document.name == "ben.txt"))
            assert ben is not None
            ben.attributes = {"career_stage": "mid"}  # the document's own value wins
    yield path


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", str(db)])


def test_crosstab_by_attribute_csv(db: Path) -> None:
    result = run(db, "report", "crosstab", "--cols", "attr:career_stage", "--unit",
                 "participants", "--codes", "Coping strategies", "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["Codes", "early", "late", "mid", "Total"]
    # Avoidance: Anna (early), Cleo (late), Ben (mid, his document's value).
    assert rows[1] == ["Avoidance", "1", "1", "1", "3"]
    assert rows[2] == ["Escalation", "1", "0", "1", "2"]


def test_bins_are_stated(db: Path) -> None:
    result = run(db, "report", "crosstab", "--cols", "attr:age", "--bins", "20,30,40",
                 "--codes", "Coping strategies", "--format", "md")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout.replace("\\", "")  # markdown escapes the brackets
    assert "Codes by age (binned); age bins [20, 30), [30, 40]" in out
    assert "bins (attr:age): edges: [20, 30), [30, 40]" in out


def test_unknown_attribute_one_line_error(db: Path) -> None:
    result = run(db, "report", "crosstab", "--cols", "attr:CareerStage")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "did you mean attr:career_stage" in lines[0]
    assert "known attributes: attr:age, attr:career_stage" in lines[0]


def test_bad_dimension_and_bad_bins(db: Path) -> None:
    result = run(db, "report", "crosstab", "--cols", "CareerStage")
    assert result.exit_code == 2 and "attr:NAME" in result.output
    result = run(db, "report", "crosstab", "--cols", "attr:career_stage", "--bins", "3")
    assert result.exit_code != 0 and "not numeric" in result.output
    assert "Traceback" not in result.output


def test_spec_with_attribute_and_bins(db: Path, tmp_path: Path) -> None:
    spec = tmp_path / "paper.yaml"
    spec.write_text(
        "qualcope_report: 1\noutputs:\n"
        "  - {name: by-age, kind: crosstab, cols: 'attr:age', bins: [20, 30, 40],\n"
        "     codes: [Coping strategies], formats: [csv, md]}\n"
        "  - {name: by-stage, kind: crosstab, rows: 'attr:career_stage', cols: role}\n",
        encoding="utf-8",
    )
    result = run(db, "report", "run", str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "by-age.csv").read_text("utf-8")
    rows = [r for r in csv.reader(io.StringIO(text)) if not r[0].startswith("#")]
    assert rows[0] == ["Codes", "[20, 30)", "[30, 40]", "> 40", "(none)", "Total"]
    assert rows[1] == ["Avoidance", "2", "1", "2", "0", "5"]
    assert "bins (attr:age)" in (tmp_path / "out" / "by-age.md").read_text("utf-8")
    stage = (tmp_path / "out" / "by-stage.csv").read_text("utf-8").splitlines()
    assert [line for line in stage if not line.startswith("#")][0].startswith("career_stage,")


def test_spec_rejects_a_bad_dimension(db: Path, tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "qualcope_report: 1\noutputs:\n  - {name: x, kind: crosstab, cols: CareerStage}\n",
        encoding="utf-8",
    )
    result = run(db, "report", "run", str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code != 0 and "attr:NAME" in result.output


def test_documents_attributes_shows_them(db: Path) -> None:
    result = run(db, "documents", "--attributes", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    found = {r["name"]: (r["age"], r["career_stage"]) for r in rows}
    assert found["ben.txt"] == ("30", "mid") and found["dirk.txt"] == ("", "late")
