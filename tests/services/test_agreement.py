"""`qualcope agreement` on a small double-coded project, checked unit by unit.

The statistics themselves are checked against published values in
tests/report/test_agreement_stats.py; here the question is whether the service builds the
right presence data (units, documents, coders, interviewer turns) and whether its fast
pattern form of each coefficient equals the plain one on the same matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcope.errors import QualcopeError
from qualcope.report import agreement as stats
from qualcope.report.agreement_patterns import pattern_stats
from qualcope.services import codebook, codings, documents
from qualcope.services.agreement import POOLED, agreement
from qualcope.services.importing import import_paths
from qualcope.services.project import Project

MakeFile = Callable[[bytes | str, str], Path]
SENTENCES = [
    "We wanted a safe crossing.",
    "The council ignored us.",
    "So we went to the alderman.",
    "In the end we settled for a cheaper plan.",
]
TEXT = "Interviewer: How did the project go?\n\nRespondent: " + " ".join(SENTENCES) + "\n"
ESCALATION = "Coping strategies/Escalation"
TRADE_OFF = "Coping strategies/Trade-off"


def _span(sentence: int) -> tuple[int, int]:
    start = TEXT.index(SENTENCES[sentence])
    return start, start + len(SENTENCES[sentence])


def _code_id(project: Project, path: str) -> int:
    return next(n.id for n in codebook.tree(project) if n.path == path)


@pytest.fixture
def double_coded(icvc_project: Project, make_file: MakeFile, project_path: Path) -> int:
    """Coder A: Escalation on sentences 2 and 3, Trade-off on 4; coder B: Escalation on 3,
    Trade-off on 4; both finished. A also codes the interviewer's question."""
    report = import_paths(icvc_project, [make_file(TEXT, "t.txt")], lang="en", role="citizen")
    document_id = report.imported[0].document_id
    assert document_id is not None
    plan = {
        "A": [(ESCALATION, 1), (ESCALATION, 2), (TRADE_OFF, 3)],
        "B": [(ESCALATION, 2), (TRADE_OFF, 3)],
    }
    for coder, items in plan.items():
        with Project.open(project_path, coder) as as_coder:
            for path, sentence in items:
                codings.add_coding(
                    as_coder, document_id, *_span(sentence), _code_id(as_coder, path)
                )
            if coder == "A":
                question = TEXT.index("How did")
                codings.add_coding(
                    as_coder, document_id, question, question + 7, _code_id(as_coder, ESCALATION)
                )
            documents.set_finished(as_coder, document_id)
    return document_id


def _value(result, label: str, metric: str) -> float | None:  # type: ignore[no-untyped-def]
    row = next(r for r in result.rows if r.label == label)
    return next(v.value for v in row.values if v.metric == metric)


def test_sentence_units_give_the_values_of_the_plain_formulas(
    icvc_project: Project, double_coded: int
) -> None:
    result = agreement(icvc_project, coders=["A", "B"], codes=[ESCALATION, TRADE_OFF])
    assert result.unit == "sentence" and result.units == 4
    escalation_a, escalation_b = [0, 1, 1, 0], [0, 0, 1, 0]
    assert _value(result, ESCALATION, "percent") == pytest.approx(3 / 4)
    expected = stats.cohen_kappa(escalation_a, escalation_b).value
    assert _value(result, ESCALATION, "cohen") == pytest.approx(expected)
    matrix = np.array([escalation_a, escalation_b]).T
    alpha = stats.krippendorff_alpha(matrix).value
    assert _value(result, ESCALATION, "krippendorff") == pytest.approx(alpha)
    assert _value(result, TRADE_OFF, "percent") == 1.0
    row = next(r for r in result.rows if r.label == ESCALATION)
    assert row.applied == (2, 1)  # the interviewer's question is not a unit
    # Pooled: every (sentence, code) is one item.
    pooled = np.array([escalation_a + [0, 0, 0, 1], escalation_b + [0, 0, 0, 1]]).T
    assert _value(result, POOLED, "krippendorff") == pytest.approx(
        stats.krippendorff_alpha(pooled).value
    )
    assert _value(result, POOLED, "fleiss") == pytest.approx(
        stats.fleiss_kappa(stats.counts_from_matrix(pooled)[0]).value
    )
    assert "respondent sentences" in result.provenance["unit"]


def test_interviewer_turns_count_only_when_asked(icvc_project: Project, double_coded: int) -> None:
    result = agreement(icvc_project, coders=["A", "B"], codes=[ESCALATION], unit="turn")
    assert result.units == 1
    assert _value(result, ESCALATION, "percent") == 1.0  # both coded inside the one answer
    wider = agreement(
        icvc_project, coders=["A", "B"], codes=[ESCALATION], unit="turn", include_interviewer=True
    )
    assert wider.units == 2
    assert _value(wider, ESCALATION, "percent") == pytest.approx(1 / 2)


def test_character_units_weigh_by_length(icvc_project: Project, double_coded: int) -> None:
    result = agreement(icvc_project, coders=["A", "B"], codes=[ESCALATION], unit="character")
    start, _ = _span(0)
    answer = len(TEXT.rstrip("\n")) - start
    assert result.units == answer
    disagreeing = len(SENTENCES[1])
    assert _value(result, ESCALATION, "percent") == pytest.approx(1 - disagreeing / answer)


def test_only_documents_every_coder_finished_are_compared(
    icvc_project: Project, double_coded: int, project_path: Path
) -> None:
    with Project.open(project_path, "B") as as_b:
        documents.set_finished(as_b, double_coded, False)
    with pytest.raises(QualcopeError, match="no document is marked finished by every one of A, B"):
        agreement(icvc_project, coders=["A", "B"])
    given = agreement(icvc_project, coders=["A", "B"], documents=[double_coded])
    assert any("not marked finished" in note for note in given.notes)


def test_unknown_coder_and_single_coder_are_refused(
    icvc_project: Project, double_coded: int
) -> None:
    with pytest.raises(QualcopeError, match="no coder 'C' in the project .coders: A, B"):
        agreement(icvc_project, coders=["A", "C"])
    with pytest.raises(QualcopeError, match="two coders or more"):
        agreement(icvc_project, coders=["A"])
    # Without --coders: those who finished documents.
    assert agreement(icvc_project).coders == ("A", "B")


def test_a_code_nobody_applied_has_no_chance_corrected_value(
    icvc_project: Project, double_coded: int
) -> None:
    result = agreement(icvc_project, coders=["A", "B"], codes=["Coping strategies/Avoidance"])
    assert _value(result, "Coping strategies/Avoidance", "percent") == 1.0
    row = next(r for r in result.rows if r.label == "Coping strategies/Avoidance")
    kappa = next(v for v in row.values if v.metric == "cohen")
    assert kappa.value is None and "chance" in kappa.note


def test_bootstrap_interval_is_reproducible_and_holds_the_value(
    icvc_project: Project, double_coded: int
) -> None:
    first = agreement(icvc_project, coders=["A", "B"], codes=[ESCALATION, TRADE_OFF], ci=0.9)
    again = agreement(icvc_project, coders=["A", "B"], codes=[ESCALATION, TRADE_OFF], ci=0.9)
    pooled = next(r for r in first.rows if r.label == POOLED)
    percent = next(v for v in pooled.values if v.metric == "percent")
    assert percent.low is not None and percent.high is not None
    assert percent.low <= percent.value <= percent.high  # type: ignore[operator]
    assert first.rows == again.rows
    assert "bootstrap" in first.provenance["intervals"]


matrices = st.integers(2, 4).flatmap(
    lambda k: st.lists(st.lists(st.integers(0, 1), min_size=k, max_size=k), min_size=1, max_size=40)
)


@settings(max_examples=150, deadline=None)
@given(matrices)
def test_pattern_form_equals_the_plain_formulas(rows: list[list[int]]) -> None:
    matrix = np.array(rows, dtype=np.int64)
    k = matrix.shape[1]
    patterns = (matrix << np.arange(k)).sum(axis=1)
    totals = np.bincount(patterns, minlength=1 << k).astype(np.float64)
    found = pattern_stats(totals, k, ("percent", "cohen", "fleiss", "krippendorff"))
    plain = {
        "percent": stats.percent_agreement(matrix),
        "fleiss": stats.fleiss_kappa(stats.counts_from_matrix(matrix)[0]),
        "krippendorff": stats.krippendorff_alpha(matrix),
    }
    if k == 2:
        plain["cohen"] = stats.cohen_kappa(matrix[:, 0], matrix[:, 1])
    for metric, expected in plain.items():
        if expected.value is None:
            assert found[metric].value is None, metric
        else:
            assert found[metric].value == pytest.approx(expected.value, abs=1e-9), metric
