"""Attributes as report dimensions (``attr:NAME``), checked against independent counts.

The project is tests/report/builder.py's, with attributes added and Cleo's interview
given to Anna (so a participant has two documents whose attributes differ):

    document   participant  participant attributes       document attributes
    anna.txt   Anna         age 25, stage senior          stage early, field health
    ben.txt    Ben          age 30, stage senior          -
    cleo.txt   Anna         (Anna's)                      stage mid, field transport
    dirk.txt   Dirk         stage early                   -

A document's own value wins over its participant's (anna.txt: stage early). Every expected
cell is counted in plain Python over the stored codings (``_codings``), not by the reporter.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from qualcope import sentence_bounds
from qualcope.db.models import Coding, Document, Participant, Segment
from qualcope.errors import ReportError
from qualcope.report.model import CrosstabRequest, Filters
from qualcope.services import reports
from qualcope.services.project import Project
from tests.report.builder import AVOID, BALANCE, ESCAL, STRATEGIES, Built, build_project

LEAVES = (AVOID, ESCAL, BALANCE)
UNITS = ("codings", "segments", "documents", "participants")
STAGE = {"anna.txt": "early", "ben.txt": "senior", "cleo.txt": "mid", "dirk.txt": "early"}
AGE = {"anna.txt": 25.0, "ben.txt": 30.0, "cleo.txt": 25.0, "dirk.txt": None}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Built]]:
    with Project.create(tmp_path_factory.mktemp("attrs") / "project.db", "tester") as made:
        built = build_project(made)
        with made.write("attributes") as session:
            docs = {d.name: d for d in session.scalars(select(Document))}
            people = {p.label: p for p in session.scalars(select(Participant))}
            people["Anna"].attributes = {"age": "25", "stage": "senior"}
            people["Ben"].attributes = {"age": "30", "stage": "senior"}
            people["Dirk"].attributes = {"stage": "early"}
            docs["anna.txt"].attributes = {"stage": "early", "field": "health"}
            docs["cleo.txt"].attributes = {"stage": "mid", "field": "transport"}
            docs["cleo.txt"].participant_id = people["Anna"].id
        yield made, built


@pytest.fixture
def project(shared: tuple[Project, Built]) -> Project:
    return shared[0]


@pytest.fixture
def built(shared: tuple[Project, Built]) -> Built:
    return shared[1]


def _codings(project: Project, built: Built) -> list[dict[str, Any]]:
    """Every counted coding (not within one interviewer turn) with its unit keys."""
    names = {v: k for k, v in built.documents.items()}
    paths = {v: k for k, v in built.codes.items()}
    out = []
    with project.read() as session:
        person = dict(session.execute(select(Document.id, Document.participant_id)).all())
        bounds = {
            d: sentence_bounds.unpack(b)
            for d, b in session.execute(select(Document.id, Document.sentence_bounds))
        }
        turns = session.scalars(select(Segment).where(Segment.kind == "turn")).all()
        for c in session.scalars(select(Coding)):
            turn = next(
                t for t in turns if t.document_id == c.document_id and t.start <= c.start < t.end
            )
            if turn.is_interviewer and c.end <= turn.end:
                continue
            starts = [a for a, _ in bounds[c.document_id]]
            out.append(
                {
                    "code": paths[c.code_id],
                    "doc": names[c.document_id],
                    "codings": c.id,
                    "segments": (c.document_id, bisect_right(starts, c.start) - 1),
                    "documents": c.document_id,
                    "participants": person[c.document_id],
                }
            )
    return out


def expected(
    codings: list[dict[str, Any]],
    rows: list[str],
    row_of: Callable[[dict[str, Any]], str],
    cols: list[str],
    col_of: Callable[[dict[str, Any]], str],
    unit: str,
) -> list[list[int]]:
    """Cells and margins: distinct units (codings are distinct by id) per row and column."""

    def n(keep: Callable[[dict[str, Any]], bool]) -> int:
        return len({c[unit] for c in codings if keep(c)})

    table = [[n(lambda c, r=r, k=k: row_of(c) == r and col_of(c) == k) for k in cols] for r in rows]
    for i, r in enumerate(rows):
        table[i].append(n(lambda c, r=r: row_of(c) == r))
    table.append([n(lambda c, k=k: col_of(c) == k) for k in cols] + [n(lambda c: True)])
    return table


def crosstab(project: Project, **kwargs: Any) -> list[Any]:
    kwargs.setdefault("filters", Filters(codes=(STRATEGIES,)))
    return reports.crosstab(project, CrosstabRequest(**kwargs))


@pytest.mark.parametrize("unit", UNITS)
def test_codes_by_attribute_every_unit(project: Project, built: Built, unit: str) -> None:
    [table] = crosstab(project, rows="code", cols="attr:stage", unit=unit)
    cols = ["early", "mid", "senior"]  # dirk.txt's only coding is the interviewer's
    assert table.columns == (*cols, "Total")
    assert [r[0] for r in table.rows] == ["Avoidance", "Escalation", "Balancing", "Total"]
    codings = [c for c in _codings(project, built) if c["code"] in LEAVES]
    want = expected(
        codings, list(LEAVES), lambda c: c["code"], cols, lambda c: STAGE[c["doc"]], unit
    )
    assert [list(r) for r in table.counts] == want
    assert table.title == "Codes by stage"
    assert table.unit == unit


def test_participant_with_two_documents_counts_under_each_value(project: Project) -> None:
    [table] = crosstab(project, rows="code", cols="attr:stage", unit="participants")
    # Anna mentions Avoidance in anna.txt (early) and cleo.txt (mid): once in each, once in Total.
    assert table.counts[0] == (1, 1, 1, 2)


@pytest.mark.parametrize("unit", UNITS)
def test_attribute_rows_by_role(project: Project, built: Built, unit: str) -> None:
    [table] = crosstab(project, rows="attr:field", cols="role", unit=unit)
    field = {"anna.txt": "health", "cleo.txt": "transport"}
    role = {"anna.txt": "citizen co-producer", "ben.txt": "public servant"}
    role["cleo.txt"] = role["anna.txt"]
    rows = ["health", "transport", "(none)"]
    cols = ["citizen co-producer", "public servant"]
    assert [r[0] for r in table.rows] == [*rows, "Total"]
    codings = [c for c in _codings(project, built) if c["code"] in LEAVES]
    want = expected(
        codings,
        rows,
        lambda c: field.get(c["doc"], "(none)"),
        cols,
        lambda c: role[c["doc"]],
        unit,
    )
    assert [list(r) for r in table.counts] == want


@pytest.mark.parametrize("unit", UNITS)
def test_by_attribute_one_table_per_value_then_pooled(
    project: Project, built: Built, unit: str
) -> None:
    tables = crosstab(project, rows="code", cols="case", by="attr:stage", unit=unit)
    assert [t.by for t in tables] == [
        ("attr:stage", v) for v in ("early", "mid", "senior", "(pooled)")
    ]
    codings = [c for c in _codings(project, built) if c["code"] in LEAVES]
    case = {"anna.txt": "Care", "ben.txt": "Care", "cleo.txt": "Mobility"}
    for t, value in zip(tables, ("early", "mid", "senior"), strict=False):
        part = [c for c in codings if STAGE[c["doc"]] == value]
        want = expected(
            part,
            list(LEAVES),
            lambda c: c["code"],
            ["Care", "Mobility"],
            lambda c: case[c["doc"]],
            unit,
        )
        assert [list(r) for r in t.counts] == want, value
        assert t.title.endswith(f"(stage: {value})")


def test_bins_by_edges_value_on_an_edge_and_missing(project: Project, built: Built) -> None:
    [table] = crosstab(
        project, rows="code", cols="attr:age", unit="codings", bins="20,30,40",
        filters=Filters(codes=(STRATEGIES,), include_interviewer=True),
    )  # fmt: skip
    # Ben's 30 is on an edge: [30, 40]. Dirk has no age: (none), holding the interviewer coding.
    cols = ["[20, 30)", "[30, 40]", "(none)"]
    assert table.columns == (*cols, "Total")

    def col(c: dict[str, Any]) -> str:
        age = AGE[c["doc"]]
        return "(none)" if age is None else cols[0] if age < 30 else cols[1]

    everything = [c for c in _with_interviewer(project, built) if c["code"] in LEAVES]
    want = expected(everything, list(LEAVES), lambda c: c["code"], cols, col, "codings")
    assert [list(r) for r in table.counts] == want
    assert "age bins [20, 30), [30, 40]" in table.title
    assert table.provenance["bins (attr:age)"] == "edges: [20, 30), [30, 40]"


def _with_interviewer(project: Project, built: Built) -> list[dict[str, Any]]:
    names = {v: k for k, v in built.documents.items()}
    paths = {v: k for k, v in built.codes.items()}
    with project.read() as session:
        return [
            {"code": paths[c.code_id], "doc": names[c.document_id], "codings": c.id}
            for c in session.scalars(select(Coding))
        ]


def test_equal_width_bins_and_outside_edges(project: Project) -> None:
    [table] = crosstab(project, rows="code", cols="attr:age", bins="2")
    # Values 25 (anna, cleo) and 30 (ben): edges 25, 27.5, 30; the maximum is in the last bin.
    # Dirk has no age: (none), empty here (his only coding is the interviewer's).
    assert table.columns == ("[25, 27.5)", "[27.5, 30]", "(none)", "Total")
    assert table.counts[0] == (4, 1, 0, 5)  # Avoidance: c1 c2 c9 c10 | c8
    assert "2 equal-width bins" in table.provenance["bins (attr:age)"]
    [table] = crosstab(project, rows="code", cols="attr:age", bins="26,28")
    assert table.columns == ("< 26", "[26, 28]", "> 28", "(none)", "Total")
    assert table.counts[0] == (4, 0, 1, 0, 5)


def test_cell_quotes_of_attribute_cells(project: Project, built: Built) -> None:
    [table] = crosstab(project, rows="attr:stage", cols="attr:field")
    assert table.columns == ("health", "transport", "(none)", "Total")
    row = [r[0] for r in table.rows].index("mid")
    found = reports.cell_quotes(project, table, row, 1, Filters(codes=(STRATEGIES,)))
    assert {q.document for q in found} == {"cleo.txt"} and len(found) == table.counts[row][1]
    found = reports.cell_quotes(project, table, row, 0, Filters(codes=(STRATEGIES,)))
    assert found == [] and table.counts[row][0] == 0
    tables = crosstab(project, rows="code", cols="role", by="attr:stage")
    found = reports.cell_quotes(project, tables[0], 0, 0, Filters(codes=(STRATEGIES,)))
    assert {q.document for q in found} == {"anna.txt"}
    assert len(found) == tables[0].counts[0][0]


def test_unknown_attribute_lists_the_known_ones(project: Project) -> None:
    with pytest.raises(ReportError) as caught:
        crosstab(project, cols="attr:stag")
    message = str(caught.value)
    assert "no attribute 'stag'" in message and "did you mean attr:stage" in message
    assert "attr:age, attr:field, attr:stage" in message and "\n" not in message
    [table] = crosstab(project, rows="code", cols="attr:STAGE")  # one name ignoring case
    assert table.columns[0] == "early"


def test_bins_errors(project: Project) -> None:
    for bins, words in (("x", "number of bins"), ("30,20", "increasing"), ("0", "whole number")):
        with pytest.raises(ReportError, match=words):
            crosstab(project, cols="attr:age", bins=bins)
    with pytest.raises(ReportError, match="not numeric"):
        crosstab(project, cols="attr:stage", bins="3")
    with pytest.raises(ReportError, match="needs an attribute"):
        crosstab(project, cols="role", bins="3")


def test_dimension_choices(project: Project) -> None:
    choices = reports.dimension_choices(project)
    assert choices[:6] == [
        (d, d) for d in ("code", "role", "case", "participant", "document", "coder")
    ]
    assert choices[6:] == [
        ("attr:age", "age (attribute)"),
        ("attr:field", "field (attribute)"),
        ("attr:stage", "stage (attribute)"),
    ]


def test_coders_counted_together_are_stated_with_the_unit(project: Project, built: Built) -> None:
    [table] = crosstab(project, rows="code", cols="attr:stage")
    note = next(n for n in table.notes if n.startswith("Coders counted: ana, bo"))
    assert "2 documents were coded by more than one of them" in note  # anna.txt, ben.txt
    assert "counts twice" in note and "--unit segments" in note
    codings = [c for c in _codings(project, built) if c["code"] in LEAVES]
    assert table.counts[-1][-1] == len(codings)  # the numbers are unchanged: all codings
    [table] = crosstab(project, rows="code", cols="attr:stage", unit="participants")
    assert any("Each participant counts once" in n for n in table.notes)
    [table] = crosstab(
        project,
        rows="code",
        cols="attr:stage",
        filters=Filters(codes=(STRATEGIES,), coders=("ana",)),
    )
    assert not any(n.startswith("Coders counted") for n in table.notes)
    [table] = crosstab(project, rows="code", cols="coder")
    assert not any(n.startswith("Coders counted") for n in table.notes)
