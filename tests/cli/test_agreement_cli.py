"""`qualcope agreement` on the demo, as a user runs it: tables for the terminal and a paper."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcope.cli import cli
from qualcope.services import demo

COPING = "Coping strategies"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("agreement") / "demo.db"
    demo.build_demo(target, "ana").close()
    return target


def run(demo_db: Path, *args: str) -> tuple[int, str, str]:
    wide = {"COLUMNS": "200"}  # code paths on one line
    result = CliRunner().invoke(cli, ["--db", str(demo_db), "agreement", *args], env=wide)
    return result.exit_code, result.stdout, result.stderr


def test_the_demo_table_names_coders_unit_and_documents(demo_db: Path) -> None:
    code, out, _ = run(demo_db, "--codes", COPING)
    assert code == 0
    assert "Agreement of Reference coder and Second coder: respondent sentences of 3" in out
    assert "Coping strategies/Trade-off" in out and "all codes (pooled)" in out
    assert "A = Reference coder, B = Second coder" in out
    assert "interviewer turns and preambles: excluded" in out


def test_several_values_after_one_flag(demo_db: Path) -> None:
    code, out, err = run(
        demo_db,
        "--coders",
        "Reference coder",
        "Second coder",
        "--codes",
        f"{COPING}/Avoidance",
        f"{COPING}/Escalation",
        "--format",
        "csv",
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in rows] == [
        f"{COPING}/Avoidance",
        f"{COPING}/Escalation",
        "all codes (pooled)",
    ]
    assert 0 <= float(rows[0]["percent_agreement"]) <= 1
    assert float(rows[0]["krippendorff_alpha"]) < 1  # the second coder missed avoidance


def test_json_with_intervals_and_a_paper_table(demo_db: Path, tmp_path: Path) -> None:
    code, out, _ = run(demo_db, "--codes", COPING, "--by", "pooled", "--ci", "0.9", "-f", "json")
    assert code != 0  # -f is not an option: click says so
    code, out, _ = run(
        demo_db, "--codes", COPING, "--by", "pooled", "--ci", "0.9", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    [pooled] = data["rows"]
    alpha = pooled["values"]["krippendorff_alpha"]
    assert alpha["low"] <= alpha["value"] <= alpha["high"]
    assert "bootstrap" in data["provenance"]["intervals"]
    target = tmp_path / "agreement.tex"
    code, _, err = run(demo_db, "--codes", COPING, "-o", str(target))
    assert code == 0 and "wrote" in err and "respondent sentences" in err
    tex = target.read_text(encoding="utf-8")
    assert "Krippendorff's $\\alpha$" in tex and "\\toprule" in tex


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--coders", "Reference coder", "nobody"), "no coder 'nobody' in the project"),
        (("--coders", "Reference coder"), "agreement needs two coders or more"),
        (("--codes", "No such code"), "No such code"),
        (("--ci", "95"), "--ci is a level between 0 and 1"),
        (
            ("--coders", "Reference coder", "Second coder", "ana", "--documents", "1", "--metric")
            + ("cohen",),
            "Cohen's kappa compares two coders, not 3: use --metric fleiss or krippendorff",
        ),
        (("-o", "table.xyz"), "cannot tell the format from 'table.xyz'"),
    ],
)
def test_mistakes_are_one_line(demo_db: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = run(demo_db, *args)
    assert code != 0 and out == ""
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_the_suggester_as_a_coder(demo_db: Path) -> None:
    code, out, err = run(
        demo_db, "--coders", "Reference coder", "model", "--by", "pooled", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    [pooled] = data["rows"]
    assert pooled["applied"]["model"] > 0  # the cross-validated suggester decided something
    assert pooled["values"]["cohen_kappa"]["value"] is not None
    assert any("cross-validated by document" in note for note in data["notes"])
    code, _, err = run(demo_db, "--coders", "Reference coder", "model", "--unit", "turn")
    assert code != 0 and "the model decides sentence by sentence" in err
