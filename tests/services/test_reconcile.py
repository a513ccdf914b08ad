"""Reconciliation on a small double-coded project: each choice gives exactly the expected
consensus codings, the originals never change, undo and re-deciding restore and replace, and
the finished consensus is an ordinary coder for agreement and reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcope.db.models import Coder, Coding, DocumentStatus, Reconciliation
from qualcope.errors import QualcopeError
from qualcope.report.model import CrosstabRequest, Filters
from qualcope.services import codebook, codings, documents, history, reports
from qualcope.services import reconcile as rc
from qualcope.services.agreement import POOLED, agreement
from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from qualcope.services.reconcile_plan import Piece, decide_unit

MakeFile = Callable[[bytes | str, str], Path]
SENTENCES = [
    "We wanted a safe crossing.",
    "The council ignored us.",
    "So we went to the alderman.",
    "In the end we settled for a cheaper plan.",
    "Nobody was happy with it.",
]
TEXT = "Interviewer: How did the project go?\n\nRespondent: " + " ".join(SENTENCES) + "\n"
ESCALATION = "Coping strategies/Escalation"
TRADE_OFF = "Coping strategies/Trade-off"
AVOIDANCE = "Coping strategies/Avoidance"
A, B = "Ann", "Bob"


def span(sentence: int, last: int | None = None) -> tuple[int, int]:
    start = TEXT.index(SENTENCES[sentence])
    final = SENTENCES[last if last is not None else sentence]
    return start, TEXT.index(final) + len(final)


def code(project: Project, path: str) -> int:
    return next(n.id for n in codebook.tree(project) if n.path == path)


@pytest.fixture
def pair(icvc_project: Project, make_file: MakeFile, project_path: Path) -> int:
    return make_pair(icvc_project, make_file, project_path)


def make_pair(icvc_project: Project, make_file: MakeFile, project_path: Path) -> int:
    """Ann: Escalation over sentences 1-2 (one coding, with a memo), Trade-off on 3, Avoidance
    on 4. Bob: Escalation on 2, Trade-off on the start of 3, Escalation on 4. So 0, 2 and 3
    agree; 1 and 4 are disagreements. Returns the document's id."""
    report = import_paths(icvc_project, [make_file(TEXT, "t.txt")], lang="en", role="citizen")
    document = report.imported[0].document_id
    assert document is not None
    third = span(3)
    plan = {
        A: [(ESCALATION, span(1, 2), "A memo"), (TRADE_OFF, third, ""), (AVOIDANCE, span(4), "")],
        B: [
            (ESCALATION, span(2), ""),
            (TRADE_OFF, (third[0], third[0] + 10), ""),
            (ESCALATION, span(4), "B memo"),
        ],
    }
    for coder, items in plan.items():
        with Project.open(project_path, coder) as as_coder:
            for path, (start, end), memo in items:
                codings.add_coding(as_coder, document, start, end, code(as_coder, path), memo=memo)
            documents.set_finished(as_coder, document)
    return document


def consensus(project: Project) -> set[tuple[int, int, str, str]]:
    """(start, end, code path, memo) of the consensus coder's codings."""
    return {
        (c.start, c.end, c.code_path, c.memo)
        for c in codings.codings_for_document(project, 1, coder=rc.CONSENSUS)
    }


def originals(project: Project) -> list[tuple[object, ...]]:
    with project.read() as session:
        rows = session.execute(
            select(Coding.id, Coding.start, Coding.end, Coding.code_id, Coding.memo, Coding.version)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name.in_((A, B)))
            .order_by(Coding.id)
        )
        return [tuple(r) for r in rows]


def unit(project: Project, sentence: int) -> rc.Disagreement:
    return next(d for d in rc.disagreements(project, A, B) if d.key.start == span(sentence)[0])


def test_disagreements_are_the_units_whose_code_sets_differ(
    icvc_project: Project, pair: int
) -> None:
    found = rc.disagreements(icvc_project, A, B)
    assert [(d.key.start, d.key.end) for d in found] == [span(1), span(4)]
    first, last = found
    assert [c.path for c in first.only_a] == [ESCALATION] and not first.only_b
    assert first.text == SENTENCES[1] and first.document_name == "t.txt"
    assert [(c.start, c.end, c.memo) for c in first.codings_a] == [(*span(1, 2), "A memo")]
    assert first.codings_b == () and first.before.endswith("safe crossing. ")
    assert [c.path for c in last.only_a] == [AVOIDANCE]
    assert [c.path for c in last.only_b] == [ESCALATION]
    assert not any(d.resolved for d in found)
    assert rc.coder_pairs(icvc_project) == [(A, B, 1)]


def test_accept_agreements_copies_what_both_coded_and_is_idempotent(
    icvc_project: Project, pair: int
) -> None:
    before = originals(icvc_project)
    assert rc.accept_agreements(icvc_project, A, B) == 2  # sentences 2 and 3
    # Sentence 2: Ann's coding cut to it; sentence 3: the union of the two spans.
    assert consensus(icvc_project) == {
        (*span(2), ESCALATION, "A memo"),
        (*span(3), TRADE_OFF, ""),
    }
    assert rc.accept_agreements(icvc_project, A, B) == 0
    assert originals(icvc_project) == before
    assert rc.progress(icvc_project, A, B).pending_agreements == 0


@pytest.mark.parametrize(
    "choice, expected",
    [
        ("accept_a", {(*span(4), AVOIDANCE, "")}),
        ("accept_b", {(*span(4), ESCALATION, "B memo")}),
        ("both", {(*span(4), AVOIDANCE, ""), (*span(4), ESCALATION, "B memo")}),
        ("neither", set()),
    ],
)
def test_each_choice_gives_exactly_its_codings(
    icvc_project: Project, pair: int, choice: str, expected: set[tuple[int, int, str, str]]
) -> None:
    before = originals(icvc_project)
    rc.resolve(icvc_project, unit(icvc_project, 4).key, choice)
    assert consensus(icvc_project) == expected
    assert originals(icvc_project) == before
    decided = unit(icvc_project, 4)
    assert decided.resolved and decided.decision == choice


def test_recode_gives_the_unit_one_coding_and_deciding_again_replaces_it(
    icvc_project: Project, pair: int
) -> None:
    key = unit(icvc_project, 4).key
    rc.resolve(icvc_project, key, "recode", code_id=code(icvc_project, TRADE_OFF))
    assert consensus(icvc_project) == {(*span(4), TRADE_OFF, "")}
    assert unit(icvc_project, 4).decided_code.path == TRADE_OFF  # type: ignore[union-attr]
    rc.resolve(icvc_project, key, "accept_b")
    assert consensus(icvc_project) == {(*span(4), ESCALATION, "B memo")}
    rc.resolve(icvc_project, key, "accept_a")
    assert consensus(icvc_project) == {(*span(4), AVOIDANCE, "")}
    with icvc_project.read() as session:
        rows = list(session.scalars(select(Reconciliation)))
        assert [(r.choice, r.code_id) for r in rows] == [("accept_a", None)]
    with pytest.raises(QualcopeError, match="needs the code"):
        rc.resolve(icvc_project, key, "recode")


def test_a_coding_over_several_units_comes_back_whole(icvc_project: Project, pair: int) -> None:
    """Ann's Escalation over sentences 1-2 is cut at the unit edges, and grows back into one
    coding when both units take it; "neither" on one unit cuts it again."""
    rc.accept_agreements(icvc_project, A, B)
    key = unit(icvc_project, 1).key
    rc.resolve(icvc_project, key, "accept_a")
    whole = (*span(1, 2), ESCALATION, "A memo")
    assert whole in consensus(icvc_project)
    rc.resolve(icvc_project, key, "neither")
    assert (*span(2), ESCALATION, "A memo") in consensus(icvc_project)
    assert whole not in consensus(icvc_project)
    with icvc_project.read() as session:
        assert session.scalar(select(Reconciliation.choice)) == "neither"
    assert unit(icvc_project, 1).resolved


def test_undo_restores_the_previous_consensus(icvc_project: Project, pair: int) -> None:
    key = unit(icvc_project, 4).key
    rc.resolve(icvc_project, key, "accept_a")
    first = consensus(icvc_project)
    rc.resolve(icvc_project, key, "accept_b")
    assert (
        history.can_undo(icvc_project)
        == f"reconcile: accept {B} at {key.start}-{key.end} of document 1"
    )
    history.undo(icvc_project)  # the person reconciling undoes their own action
    assert consensus(icvc_project) == first
    assert unit(icvc_project, 4).decision == "accept_a"
    history.undo(icvc_project)
    assert consensus(icvc_project) == set() and not unit(icvc_project, 4).resolved
    history.redo(icvc_project)
    assert consensus(icvc_project) == first


def test_finished_consensus_is_an_ordinary_coder(icvc_project: Project, pair: int) -> None:
    """Every disagreement decided and the agreements taken over: the document is finished
    for the consensus coder, agreement with it runs, reports count its codings."""
    rc.resolve(icvc_project, unit(icvc_project, 1).key, "accept_a")
    rc.resolve(icvc_project, unit(icvc_project, 4).key, "accept_b")
    with icvc_project.read() as session:
        assert (
            session.scalar(
                select(DocumentStatus.finished).join(Coder).where(Coder.name == rc.CONSENSUS)
            )
            is None
        )  # agreements not taken over yet
    rc.accept_agreements(icvc_project, A, B)
    done = rc.progress(icvc_project, A, B)
    assert (done.total, done.resolved, done.finished, done.documents) == (2, 2, 1, 1)
    assert consensus(icvc_project) == {
        (*span(1, 2), ESCALATION, "A memo"),
        (*span(3), TRADE_OFF, ""),
        (*span(4), ESCALATION, "B memo"),
    }
    result = agreement(icvc_project, coders=[A, rc.CONSENSUS])
    pooled = next(r for r in result.rows if r.label == POOLED)
    alpha = next(v.value for v in pooled.values if v.metric == "krippendorff")
    assert alpha == pytest.approx(done.a_consensus.alpha)  # type: ignore[union-attr]
    # Bob and the consensus differ on sentence 1 only (one unit of 5, per code).
    percent = next(v.value for v in pooled.values if v.metric == "percent")
    assert percent < 1 and done.b_consensus is not None
    [table] = reports.crosstab(
        icvc_project,
        CrosstabRequest(
            rows="code",
            cols="role",
            margins=False,
            filters=Filters(codes=(ESCALATION, TRADE_OFF, AVOIDANCE), coders=(rc.CONSENSUS,)),
        ),
    )
    counts = {row[0]: list(c) for row, c in zip(table.rows, table.counts, strict=True)}
    assert {k.rsplit("/", 1)[-1]: v for k, v in counts.items()} == {
        "Escalation": [2],
        "Trade-off": [1],
        "Avoidance": [0],
    }


def test_refusals(icvc_project: Project, pair: int) -> None:
    with pytest.raises(QualcopeError, match="sentences or turns"):
        rc.disagreements(icvc_project, A, B, unit="character")
    with pytest.raises(QualcopeError, match="two human coders"):
        rc.disagreements(icvc_project, A, rc.CONSENSUS)
    with pytest.raises(QualcopeError, match="unknown choice"):
        rc.resolve(icvc_project, unit(icvc_project, 4).key, "maybe")
    blind = Project(icvc_project.engine, icvc_project.url, "Cleo", blind=True)
    with pytest.raises(QualcopeError, match="blind"):
        rc.disagreements(blind, A, B)


def test_turn_units_decide_whole_answers(icvc_project: Project, pair: int) -> None:
    [answer] = rc.disagreements(icvc_project, A, B, unit="turn")
    assert [c.path for c in answer.only_a] == [AVOIDANCE]
    rc.resolve(icvc_project, answer.key, "accept_a")
    assert consensus(icvc_project) == {
        (*span(1, 2), ESCALATION, "A memo"),
        (*span(3), TRADE_OFF, ""),
        (*span(4), AVOIDANCE, ""),
    }
    assert rc.progress(icvc_project, A, B, unit="turn").finished == 1


# ------------------------------------------------------------ the plan alone
def test_separate_codings_stay_separate_and_overlaps_join() -> None:
    text = "One two. Three four. Five six."
    first, second = (0, 8), (9, 20)
    source = [Piece(0, 8, 1, "x"), Piece(9, 20, 1, "y")]  # two codings, side by side
    planned = decide_unit(text, first, [], source, {1})
    planned = decide_unit(text, second, planned, source, {1})
    assert [(p.start, p.end, p.memo) for p in planned] == [(0, 8, "x"), (9, 20, "y")]
    one = [Piece(0, 20, 1, "z")]  # one coding over both units
    planned = decide_unit(text, first, [], one, {1})
    planned = decide_unit(text, second, planned, one, {1})
    assert [(p.start, p.end, p.memo) for p in planned] == [(0, 20, "z")]
    both = decide_unit(text, second, [], [Piece(9, 14, 2, "a"), Piece(12, 20, 2, "b")], {2})
    assert [(p.start, p.end, p.memo) for p in both] == [(9, 20, "a\nb")]
    untouched = decide_unit(text, first, [Piece(0, 8, 3)], [], {1})
    assert [(p.start, p.end, p.code_id) for p in untouched] == [(0, 8, 3)]
