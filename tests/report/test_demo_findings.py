"""domain.md's "Findings a user will want to reproduce as tables", on the demo project.

The expected numbers are counted straight from ``sample_corpus/codings.csv`` (the
reference coding the demo imports) with the csv module, not with qualcope.
Interviewer turns are included so both sides count the same codings; the reports are of the
reference coder (the demo's second coder double-codes three documents, for agreement).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcope.report.model import CooccurrenceRequest, CrosstabRequest, Filters
from qualcope.services import reports
from qualcope.services.project import Project
from tests.conftest import SAMPLE_CORPUS

CODINGS = SAMPLE_CORPUS / "codings.csv"
REFERENCE = ("Reference coder",)  # the demo's second coder coded three documents again
ROLES = {"_citizen": "citizen co-producer", "_public-servant": "public servant",
         "_coordinator": "project coordinator"}  # fmt: skip
CASES = {"elderly-care": "social elderly care", "mobility": "urban mobility planning",
         "vacant-spaces": "temporary use of vacant spaces"}  # fmt: skip

pytestmark = pytest.mark.skipif(not CODINGS.exists(), reason="no reference coding in the corpus")


def role_of(name: str) -> str:
    return next(role for key, role in ROLES.items() if key in name)


def case_of(name: str) -> str:
    return CASES[name.split("_")[0]]


@pytest.fixture(scope="module")
def reference() -> list[dict[str, str]]:
    with CODINGS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    from qualcope.services.demo import build_demo

    project = build_demo(Path(tmp_path_factory.mktemp("demo")) / "demo.db", "tester")
    yield project
    project.close()


def cells(table) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    out = {}
    for i, label in enumerate(table.rows):
        name = table.row_keys[i].get("code", label[-1]).split("/")[-1]  # the code's own name
        for j, column in enumerate(table.columns):
            out[(name, column)] = table.counts[i][j]
    return out


def test_coping_strategy_by_role_per_case_and_pooled(
    demo: Project, reference: list[dict[str, str]]
) -> None:
    request = CrosstabRequest(
        rows="code", cols="role", by="case",
        filters=Filters(codes=("Coping strategies",), coders=REFERENCE, include_interviewer=True),
    )  # fmt: skip
    tables = reports.crosstab(demo, request)
    assert [t.by[1] for t in tables if t.by] == [*sorted(CASES.values()), "(pooled)"]
    strategies = [r for r in reference if r["code"].startswith("Coping strategies/")]
    for table in tables:
        want = Counter(
            (r["code"].split("/")[-1], role_of(r["file"]))
            for r in strategies
            if table.by[1] in ("(pooled)", case_of(r["file"]))  # type: ignore[index]
        )
        got = cells(table)
        for (strategy, role), n in got.items():
            if "Total" not in (strategy, role):
                assert n == want[(strategy, role)], (table.by, strategy, role)
    pooled = cells(tables[-1])
    # the finding: citizens escalate or avoid more often than public servants
    citizen = pooled[("Avoidance", "citizen co-producer")] + pooled[
        ("Escalation", "citizen co-producer")]  # fmt: skip
    servant = pooled[("Avoidance", "public servant")] + pooled[("Escalation", "public servant")]
    assert citizen > servant


def test_expectations_by_role_in_participants(
    demo: Project, reference: list[dict[str, str]]
) -> None:
    codes = ("Expectations/Public values in the process", "Expectations/Public value outcome")
    request = CrosstabRequest(
        rows="code", cols="role", unit="participants",
        filters=Filters(codes=codes, coders=REFERENCE, include_interviewer=True),
    )  # fmt: skip
    [table] = reports.crosstab(demo, request)
    files = {(r["code"].split("/")[-1], role_of(r["file"]), r["file"]) for r in reference
             if r["code"].startswith("Expectations/")}  # fmt: skip
    want = Counter((code, role) for code, role, _ in files)  # one interview per participant
    for (code, role), n in cells(table).items():
        if "Total" not in (code, role):
            assert n == want[(code, role)], (code, role)


def test_conflicts_by_case(demo: Project, reference: list[dict[str, str]]) -> None:
    leaves = ("Value conflicts/Inclusion vs service quality",
              "Value conflicts/Efficiency vs democratic quality")  # fmt: skip
    request = CrosstabRequest(
        rows="code",
        cols="case",
        filters=Filters(codes=leaves, coders=REFERENCE, include_interviewer=True),
    )
    [table] = reports.crosstab(demo, request)
    want = Counter((r["code"].split("/")[-1], case_of(r["file"])) for r in reference
                   if r["code"] in leaves)  # fmt: skip
    for (code, case), n in cells(table).items():
        if "Total" not in (code, case):
            assert n == want[(code, case)]


def test_conflict_by_strategy_via_links(demo: Project, reference: list[dict[str, str]]) -> None:
    request = CooccurrenceRequest(
        rows=("Value conflicts",), cols=("Coping strategies",), within="link",
        filters=Filters(coders=REFERENCE, include_interviewer=True),
    )  # fmt: skip
    table = reports.cooccurrence(demo, request)
    by_guid = {r["guid"]: r for r in reference}
    want: Counter[tuple[str, str]] = Counter()
    for row in reference:
        if row["copes_with"]:
            target = by_guid[row["copes_with"]]["code"].split("/")
            conflict = target[1]  # a code under Value conflicts (or its Sources group)
            want[(conflict, row["code"].split("/")[-1])] += 1
    assert sum(want.values()) > 0
    for (conflict, strategy), n in cells(table).items():
        assert n == want[(conflict, strategy)], (conflict, strategy)
