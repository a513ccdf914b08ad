"""`qualcope suggest evaluate`: both units, intervals, calibration and the notes a researcher
needs to read the figures."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner
from sqlalchemy import select

from qualcope.cli import cli
from qualcope.db.models import Code
from qualcope.services import codebook, documents
from qualcope.services.codings import add_coding
from qualcope.services.project import Project
from tests.nlp.synthetic import labelled
from tests.tui.transcripts import store_transcript


def _three_coded_documents(project: Project) -> None:
    """Three finished documents of two-sentence respondent turns, coded by sentence."""
    spec = codebook.CodebookSpec(
        "Tiny",
        codes=(
            codebook.CodeSpec("Escalating", cues={"en": ["alderman"]}),
            codebook.CodeSpec("Balancing", cues={"en": ["compromise"]}),
        ),
    )
    codebook.import_codebook(project, spec)
    with project.read() as session:
        ids = {c.name: c.id for c in session.scalars(select(Code))}
    code_of = {1: ids["Escalating"], 2: ids["Balancing"]}
    rows = labelled(n_pos=12, n_neg=48, seed=4)
    for doc in range(3):
        part = rows[doc * 24 : (doc + 1) * 24]
        turns = [("Respondent", False, f"{part[i][0]} {part[i + 1][0]}") for i in range(0, 24, 2)]
        document = store_transcript(project, turns, name=f"d{doc}.txt", participant=f"P{doc}")
        sentences = [s for s in documents.list_segments(project, document) if s.kind == "sentence"]
        assert len(sentences) == 24
        for segment, (_, known) in zip(sentences, part, strict=True):
            for code, value in known.items():
                if value:
                    add_coding(project, document, segment.start, segment.end, code_of[code])
        documents.set_finished(project, document)


def test_evaluate_prints_both_units_with_intervals_and_calibration(project: Project) -> None:
    _three_coded_documents(project)
    db = ["--db", str(project.path)]
    result = CliRunner().invoke(cli, [*db, "suggest", "evaluate", "--folds", "5"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Sentences: 3-fold cross-validation by document (72 sentences, 3" in out
    assert "Passages (respondent turns): 3-fold cross-validation by document (36" in out
    assert out.count("macro F1 of all codes") == 2 and out.count("combined minus cue-only") == 2
    assert "noise" in out and "a score of" in out and "expected calibration error" in out
    assert "combined F1 by codings per code (across codes, not retrained" in out
    assert "only 3 documents: 3 folds of one document each, not 5" in result.stderr
    assert "nothing is tuned on the folds reported" in result.stderr
    assert "is noise" in result.stderr


def test_evaluate_one_unit_as_csv_and_json(project: Project) -> None:
    _three_coded_documents(project)
    db = ["--db", str(project.path)]
    runner = CliRunner()
    result = runner.invoke(
        cli, [*db, "suggest", "evaluate", "--unit", "passage", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["unit"] for r in rows} == {"passage"}
    overall = rows[-1]
    assert overall["code"] == "macro: all codes"
    assert float(overall["combined_f1_low"]) <= float(overall["combined_f1"])
    assert float(overall["combined_f1"]) <= float(overall["combined_f1_high"])
    assert 0 <= float(overall["ece_shown"]) <= 1 and overall["ece_all"]
    assert overall["combined_minus_cue"] and overall["difference_low"]
    both = runner.invoke(cli, [*db, "suggest", "evaluate", "--format", "json"])
    assert both.exit_code == 0, both.output
    found = json.loads(both.stdout)
    assert [r["unit"] for r in found if r["code"] == "macro: all codes"] == [
        "sentence",
        "passage",
    ]
    bad = runner.invoke(cli, [*db, "suggest", "evaluate", "--unit", "paragraph"])
    assert bad.exit_code == 2
