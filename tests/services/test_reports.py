"""The report operations on the constructed project of tests/report/builder.py.

Every expected table below is counted by hand from the table in builder.py's
docstring (interviewer codings c0 and c11 are left out unless asked for).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import scipy.stats
from sqlalchemy import event

from qualcope.errors import NotFoundError, ReportError
from qualcope.report.model import CooccurrenceRequest, CrosstabRequest, Filters
from qualcope.services import reports
from qualcope.services.project import Project
from tests.report.builder import (
    AVOID,
    BALANCE,
    CITIZEN,
    CONFLICTS,
    ESCAL,
    SERVANT,
    STRATEGIES,
    Built,
    build_project,
)

ROLES = (CITIZEN, SERVANT, "Total")
Z3 = [0, 0, 0]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Built]]:
    """One constructed project for the module: reports only read it."""
    with Project.create(tmp_path_factory.mktemp("reports") / "project.db", "tester") as made:
        yield made, build_project(made)


@pytest.fixture
def project(shared: tuple[Project, Built]) -> Project:
    return shared[0]


@pytest.fixture
def built(shared: tuple[Project, Built]) -> Built:
    return shared[1]


def table(project: Project, **kwargs: object):
    filters = kwargs.pop("filters", Filters(codes=(STRATEGIES,)))
    return reports.crosstab(project, CrosstabRequest(filters=filters, **kwargs))  # type: ignore[arg-type]


# Rows Avoidance, Escalation, Balancing, Total; columns citizen, servant, Total.
BY_UNIT = {
    # codings: A = c1 c2 c9 c10 | c8; E = c3 | c6
    "codings": [[4, 1, 5], [1, 1, 2], [0, 0, 0], [5, 2, 7]],
    # segments: A = anna t1s0, cleo s0, cleo s1 | ben s0 (c8 starts there); E = anna t1s1 | ben s0
    "segments": [[3, 1, 4], [1, 1, 2], [0, 0, 0], [4, 1, 5]],
    # documents and participants: A = anna, cleo | ben; E = anna | ben (dirk's is interviewer)
    "documents": [[2, 1, 3], [1, 1, 2], [0, 0, 0], [2, 1, 3]],
    "participants": [[2, 1, 3], [1, 1, 2], [0, 0, 0], [2, 1, 3]],
}


@pytest.mark.parametrize("unit", list(BY_UNIT))
def test_code_by_role_in_every_unit(project: Project, built: Built, unit: str) -> None:
    [result] = table(project, rows="code", cols="role", unit=unit)
    assert result.rows == (("Avoidance",), ("Escalation",), ("Balancing",), ("Total",))
    assert result.columns == ROLES
    assert [list(r) for r in result.counts] == BY_UNIT[unit]
    assert result.unit == unit and unit in result.caption()


def test_interviewer_turns_are_left_out_unless_asked(project: Project, built: Built) -> None:
    filters = Filters(codes=(STRATEGIES,), include_interviewer=True)
    [codings] = table(project, rows="code", cols="role", filters=filters)
    # c0 (Avoidance, Anna) and c11 (Escalation, Dirk) come back.
    assert [list(r) for r in codings.counts] == [[5, 1, 6], [1, 2, 3], [0, 0, 0], [6, 3, 9]]
    [people] = table(project, rows="code", cols="role", unit="participants", filters=filters)
    assert [list(r) for r in people.counts] == [[2, 1, 3], [1, 2, 3], [0, 0, 0], [2, 2, 4]]
    assert people.provenance["interviewer turns"] == "included"


def test_by_case_gives_one_table_per_case_and_the_pooled_one(
    project: Project, built: Built
) -> None:
    care, mobility, pooled = table(project, rows="code", cols="role", by="case")
    assert care.by == ("case", "Care") and mobility.by == ("case", "Mobility")
    assert pooled.by == ("case", "(pooled)")
    assert [list(r) for r in care.counts] == [[2, 1, 3], [1, 1, 2], [0, 0, 0], [3, 2, 5]]
    assert [list(r) for r in mobility.counts] == [[2, 0, 2], [0, 0, 0], [0, 0, 0], [2, 0, 2]]
    assert [list(r) for r in pooled.counts] == BY_UNIT["codings"]
    assert care.cell_filter(0, 1) == {"case": "Care", "code": AVOID, "role": SERVANT}


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("row", [[80.0, 20.0], [50.0, 50.0], [0.0, 0.0]]),
        ("col", [[80.0, 50.0], [20.0, 50.0], [0.0, 0.0]]),
        ("total", [[400 / 7, 100 / 7], [100 / 7, 100 / 7], [0.0, 0.0]]),
    ],
)
def test_percent_modes(project: Project, built: Built, mode: str, expected: list) -> None:
    [result] = table(project, rows="code", cols="role", percent=mode)
    body = [v for row in result.percents[:3] for v in row[:2]]
    assert body == pytest.approx([v for row in expected for v in row])
    assert all(v is None for v in result.percents[3])  # margins stay counts
    assert result.cell(0, 0) == f"4 ({expected[0][0]:.1f}%)"


def test_percent_of_a_distinct_unit_uses_the_distinct_totals(
    project: Project, built: Built
) -> None:
    [result] = table(project, rows="code", cols="role", unit="segments", percent="col")
    # servant column total is 1 segment (ben s0 holds both c6 and c8): 100% each
    assert result.percents[0][1] == 100.0 and result.percents[1][1] == 100.0
    assert any("distinct segments" in note for note in result.all_notes())


def test_whole_tree_lists_unused_codes_and_groups_count_descendants(
    project: Project, built: Built
) -> None:
    [result] = table(project, rows="code", cols="role", unit="participants", filters=Filters())
    rows = {r[0]: list(c) for r, c in zip(result.rows, result.counts, strict=True)}
    assert rows[STRATEGIES] == [2, 1, 3]  # anna+cleo | ben: distinct, not 2+1 | 1+1
    assert rows[BALANCE] == [0, 0, 0] and rows["Trust"] == [0, 0, 0]
    assert rows[CONFLICTS] == [1, 1, 2]  # anna (c4, c5) | ben (c7)
    assert list(rows) == [
        STRATEGIES, AVOID, ESCAL, BALANCE, CONFLICTS,
        "Value conflicts/Inclusion vs quality", "Value conflicts/Efficiency vs democracy",
        "Trust", "Total",
    ]  # fmt: skip


def test_case_by_coder_in_codings(project: Project, built: Built) -> None:
    [result] = table(project, rows="case", cols="coder", filters=Filters())
    assert result.columns == ("ana", "bo", "Total")
    # Care: ana c1 c3 c4 c6 c7, bo c2 c5 c8; Mobility: ana c9 c10
    assert [list(r) for r in result.counts] == [[5, 3, 8], [2, 0, 2], [7, 3, 10]]


def test_participant_by_coder_in_segments_has_distinct_totals(
    project: Project, built: Built
) -> None:
    [result] = table(project, rows="participant", cols="coder", unit="segments", filters=Filters())
    assert [r[0] for r in result.rows] == ["Anna", "Ben", "Cleo", "Dirk", "Total"]
    assert [list(r) for r in result.counts] == [
        [2, 2, 3],  # anna: ana t1s0 t1s1, bo t1s0 t3s0
        [2, 1, 2],  # ben: ana s0 s1, bo s0
        [2, 0, 2],
        [0, 0, 0],  # dirk: only an interviewer coding
        [6, 3, 7],
    ]


def test_document_rows_and_no_margins(project: Project, built: Built) -> None:
    [result] = table(project, rows="document", cols="role", margins=False)
    assert result.rows == (("anna.txt",), ("ben.txt",), ("cleo.txt",), ("dirk.txt",))
    assert [list(r) for r in result.counts] == [[3, 0], [0, 2], [2, 0], [0, 0]]  # c1 c2 c3 | c6 c8
    assert result.row_keys[1] == {"document": str(built.documents["ben.txt"])}


@pytest.mark.parametrize(
    "filters, expected",
    [
        (Filters(codes=(STRATEGIES,), coders=("bo",)), [[1, 1, 2], [0, 0, 0], [0] * 3, [1, 1, 2]]),
        (Filters(codes=(STRATEGIES,), cases=("Mobility",)), [[2, 0, 2], Z3, Z3, [2, 0, 2]]),
        (Filters(codes=(STRATEGIES,), roles=(SERVANT,)), [[1, 1], [1, 1], [0, 0], [2, 2]]),
    ],
)  # fmt: skip
def test_filters(project: Project, built: Built, filters: Filters, expected: list) -> None:
    [result] = table(project, rows="code", cols="role", filters=filters)
    assert [list(r) for r in result.counts] == expected


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"rows": "role", "cols": "role"}, ReportError, "must be different"),
        ({"rows": "code", "cols": "colour"}, ReportError, "unknown dimension"),
        ({"unit": "words"}, ReportError, "unknown unit"),
        ({"filters": Filters(coders=("zed",))}, ReportError, "no coder 'zed'"),
        ({"filters": Filters(cases=("Nowhere",))}, ReportError, "no case 'Nowhere'"),
        ({"filters": Filters(codes=("Nothing",))}, NotFoundError, "no code 'Nothing'"),
    ],
)
def test_mistakes_are_one_line_errors(
    project: Project, built: Built, kwargs: dict, error: type, message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        table(project, **kwargs)
    assert "\n" not in str(caught.value)


def test_statistics_equal_scipy_on_the_same_matrix(project: Project, built: Built) -> None:
    [result] = table(project, rows="case", cols="coder", stats=True, filters=Filters())
    matrix = [list(r[:2]) for r in result.counts[:2]]  # [[5, 3], [2, 0]]
    chi2, p, dof, expected = scipy.stats.chi2_contingency(matrix, correction=False)
    stats = result.stats
    assert stats is not None
    assert stats.chi2 == pytest.approx(chi2) and stats.p_value == pytest.approx(p)
    assert stats.dof == dof and stats.n == 10
    assert stats.cramers_v == pytest.approx((chi2 / 10) ** 0.5)
    assert stats.fisher_p_value == pytest.approx(scipy.stats.fisher_exact(matrix)[1])
    assert [v for r in stats.expected for v in r] == pytest.approx(expected.ravel().tolist())
    assert any("expected counts are below 5" in w for w in stats.warnings)


COOCCURRENCE = {  # rows Inclusion vs quality, Efficiency vs democracy; cols A, E, Balancing
    "segment": [[0, 1, 0], [0, 0, 0]],  # anna t1s1 holds c3 (E) and c4 (I)
    "turn": [[1, 1, 0], [1, 1, 0]],  # anna t1: A E I; ben t1: E, D, A
    "overlap": [[0, 1, 0], [1, 0, 0]],  # c3/c4 same span; c8 (A) overlaps c7 (D)
    "link": [[0, 1, 0], [0, 1, 0]],  # c3 -> c4, c6 -> c7
}


@pytest.mark.parametrize("within", list(COOCCURRENCE))
def test_cooccurrence(project: Project, built: Built, within: str) -> None:
    request = CooccurrenceRequest(rows=(CONFLICTS,), cols=(STRATEGIES,), within=within)
    result = reports.cooccurrence(project, request)
    assert result.columns == ("Avoidance", "Escalation", "Balancing")
    assert [list(r) for r in result.counts] == COOCCURRENCE[within]
    assert result.unit == within


def test_cooccurrence_of_groups_counts_descendants(project: Project, built: Built) -> None:
    request = CooccurrenceRequest(rows=(CONFLICTS,), cols=(STRATEGIES,), within="turn")
    result = reports.cooccurrence(project, request)
    assert len(result.rows) == 2  # a group given gives its codes
    whole = reports.cooccurrence(project, CooccurrenceRequest(within="turn"))
    index = {r[0]: i for i, r in enumerate(whole.rows)}
    # turns holding a conflict and a strategy: anna t1, ben t1
    assert whole.counts[index[CONFLICTS]][index[STRATEGIES]] == 2


def test_frequencies_by_coder(project: Project, built: Built) -> None:
    result = reports.frequencies(project, Filters(codes=(STRATEGIES,)), by_coder=True)
    assert result.columns == ("codings", "segments", "documents", "participants")
    rows = {tuple(r): list(c) for r, c in zip(result.rows, result.counts, strict=True)}
    assert rows[("Avoidance", "(all coders)")] == [5, 4, 3, 3]
    assert rows[("Avoidance", "ana")] == [3, 3, 2, 2]  # c1 c9 c10
    assert rows[("Avoidance", "bo")] == [2, 2, 2, 2]  # c2 c8
    assert rows[("Escalation", "bo")] == [0, 0, 0, 0]
    assert rows[("Balancing", "(all coders)")] == [0, 0, 0, 0]
    whole = reports.frequencies(project, Filters())
    assert whole.counts[0] == (7, 5, 3, 3)  # Coping strategies: A + E codings, distinct others


def test_quotes_carry_provenance_in_reading_order(project: Project, built: Built) -> None:
    found = reports.quotes(project, Filters(codes=(AVOID,)))
    assert [q.coding_id for q in found] == [
        built.codings[c] for c in ("c1", "c2", "c8", "c9", "c10")
    ]
    first = found[0]
    assert (first.text, first.case, first.role, first.participant, first.document) == (
        "I stopped going.", "Care", CITIZEN, "Anna", "anna.txt",
    )  # fmt: skip
    assert (first.turn, first.coder) == (2, "ana")  # the second turn of the interview
    assert "turn 2" in first.source() and "coded by ana" in first.source()
    servants = reports.quotes(project, Filters(codes=(AVOID,), roles=(SERVANT,)))
    assert [q.coding_id for q in servants] == [built.codings["c8"]]
    with_interviewer = reports.quotes(project, Filters(codes=(AVOID,), include_interviewer=True))
    assert with_interviewer[0].coding_id == built.codings["c0"] and with_interviewer[0].turn == 1


def test_quotes_behind_a_cell(project: Project, built: Built) -> None:
    [result] = table(project, rows="code", cols="role")
    found = reports.cell_quotes(project, result, 0, 1, Filters(codes=(STRATEGIES,)))
    assert [q.coding_id for q in found] == [built.codings["c8"]]
    total_row = reports.cell_quotes(project, result, 1, 2, Filters(codes=(STRATEGIES,)))
    assert sorted(q.coding_id for q in total_row) == sorted(built.codings[c] for c in ("c3", "c6"))


def test_reports_never_read_document_text(project: Project, built: Built) -> None:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(project.engine, "before_cursor_execute", record)
    try:
        for unit in BY_UNIT:
            table(project, rows="code", cols="role", by="case", unit=unit)
        reports.frequencies(project, Filters())
        reports.cooccurrence(project, CooccurrenceRequest(within="overlap"))
    finally:
        event.remove(project.engine, "before_cursor_execute", record)
    assert statements and not [s for s in statements if "documents.text" in s]


def test_provenance_names_project_codebook_coders_and_unit(project: Project, built: Built) -> None:
    [result] = table(project, rows="code", cols="role", unit="participants")
    prov = result.provenance
    assert prov["project"] == "project.db" and prov["coders"].startswith("ana, bo (")
    # Both coded the same documents: the reader is told their codings are counted together.
    assert "coded by more than one of them: all their codings are counted" in prov["coders"]
    ana = Filters(codes=(STRATEGIES,), coders=("ana",))
    [only_ana] = table(project, rows="code", cols="role", filters=ana)
    assert only_ana.provenance["coders"] == "ana"
    assert prov["unit"] == "participants" and prov["codebook"].startswith("sha256:")
    assert prov["interviewer turns"] == "excluded"


def test_options_for_the_screen(project: Project, built: Built) -> None:
    found = reports.options(project)
    assert found.roles == (CITIZEN, SERVANT) and found.cases == ("Care", "Mobility")
    assert found.coders == ("ana", "bo") and (STRATEGIES, "group") in found.codes
