"""Enter on a co-occurrence cell: the passages of its two codes where they meet, in the
segment, the turn, the overlapping pair or the coding link the cell counts."""

from __future__ import annotations

import pytest

from qualcope.report.model import CooccurrenceRequest, Filters
from qualcope.services import reports
from qualcope.services.cooccurrence_passages import cell_passages
from qualcope.services.project import Project
from tests.report.builder import CONFLICTS, STRATEGIES, Built, build_project


@pytest.fixture
def shared(project: Project) -> tuple[Project, Built]:
    """The hand-built project (on PostgreSQL too, with --backend postgresql)."""
    return project, build_project(project)


def passages(
    shared: tuple[Project, Built], within: str, row: str, col: str, **kw: object
) -> set[str]:
    """The labels (c1, c2...) of the passages behind the cell (row code, column code)."""
    project, built = shared
    request = CooccurrenceRequest(rows=(CONFLICTS,), cols=(STRATEGIES,), within=within)
    table = reports.cooccurrence(project, request)
    r = [label for (label,) in table.rows].index(row)
    c = list(table.columns).index(col)
    label_of = {coding_id: label for label, coding_id in built.codings.items()}
    return {label_of[q.coding_id] for q in cell_passages(project, request, table, r, c)}


INCLUSION, EFFICIENCY = "Inclusion vs quality", "Efficiency vs democracy"


@pytest.mark.parametrize(
    "within, row, col, expected",
    [
        ("segment", INCLUSION, "Escalation", {"c3", "c4"}),  # anna's turn 1, sentence 2
        ("segment", EFFICIENCY, "Avoidance", set()),  # c8 starts in the sentence before c7's
        ("turn", INCLUSION, "Avoidance", {"c1", "c2", "c4"}),  # not c3 (Escalation), not c5
        ("turn", EFFICIENCY, "Avoidance", {"c7", "c8"}),
        ("overlap", EFFICIENCY, "Avoidance", {"c7", "c8"}),
        ("overlap", INCLUSION, "Escalation", {"c3", "c4"}),
        ("link", EFFICIENCY, "Escalation", {"c6", "c7"}),  # c6 -> c7
        ("link", INCLUSION, "Avoidance", set()),
    ],
)
def test_a_cell_opens_the_passages_where_its_codes_meet(
    shared: tuple[Project, Built], within: str, row: str, col: str, expected: set[str]
) -> None:
    assert passages(shared, within, row, col) == expected


@pytest.mark.parametrize("within", ["segment", "turn", "overlap", "link"])
def test_every_counted_cell_has_passages_and_every_empty_one_none(
    shared: tuple[Project, Built], within: str
) -> None:
    project, _ = shared
    request = CooccurrenceRequest(within=within)  # every code, groups included
    table = reports.cooccurrence(project, request)
    for r in range(len(table.rows)):
        for c in range(len(table.columns)):
            found = cell_passages(project, request, table, r, c)
            assert bool(found) == bool(table.counts[r][c]), (
                within,
                table.rows[r],
                table.columns[c],
            )


def test_a_group_cell_holds_its_codes_passages_and_the_filters_hold(
    shared: tuple[Project, Built],
) -> None:
    project, built = shared
    request = CooccurrenceRequest(within="turn")
    table = reports.cooccurrence(project, request)
    r = [label for (label,) in table.rows].index(CONFLICTS)
    c = list(table.columns).index(STRATEGIES)
    label_of = {coding_id: label for label, coding_id in built.codings.items()}
    found = [label_of[q.coding_id] for q in cell_passages(project, request, table, r, c)]
    assert set(found) == {"c1", "c2", "c3", "c4", "c6", "c7", "c8"}  # anna's and ben's turn 1
    assert found.index("c1") < found.index("c6")  # by case, document and position
    only_ana = CooccurrenceRequest(within="turn", filters=Filters(coders=("ana",)))
    table = reports.cooccurrence(project, only_ana)
    found = [label_of[q.coding_id] for q in cell_passages(project, only_ana, table, r, c)]
    assert set(found) == {"c1", "c3", "c4", "c6", "c7"}  # bo's codings are not counted
