"""Faults during a user action leave the project exactly as before (reliability.md C7)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text

from qualcope.db.models import Code, Coding
from qualcope.errors import ConflictError, ProjectError, QualcopeError
from qualcope.services import codebook, codings
from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from tests.conftest import ICVC
from tests.services.test_codebook_service import add_document


class InjectedFault(Exception):
    pass


@contextmanager
def fault_after(engine: Engine | type[Engine], n: int) -> Iterator[None]:
    """Raise on the n-th SQL statement executed through the engine (or every engine)."""
    count = {"n": 0}

    def before(*_: Any) -> None:
        count["n"] += 1
        if count["n"] == n:
            raise InjectedFault(f"statement {n}")

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)


def snapshot(project: Project, tables: list[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    tables = tables or [
        "codes",
        "codings",
        "coding_links",
        "actions",
        "events",
        "project_info",
        "coders",
    ]
    with project.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
            for t in tables
        }


def integrity_ok(project: Project) -> None:
    with project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def test_codebook_import_is_all_or_nothing_at_every_statement(project: Project) -> None:
    spec = codebook.read_codebook_file(ICVC)
    before = snapshot(project)
    n = 1
    while True:
        try:
            with fault_after(project.engine, n):
                codebook.import_codebook(project, spec)
        except (InjectedFault, QualcopeError):
            assert snapshot(project) == before, f"partial import after fault at statement {n}"
            integrity_ok(project)
            n += 7  # every 7th statement keeps the loop short but spread over the whole import
            continue
        break
    assert n > 20  # the loop really injected faults inside the import
    assert len(codebook.tree(project)) == len(spec.walk())
    integrity_ok(project)


def test_an_import_is_all_or_nothing_at_every_statement(project: Project, tmp_path: Path) -> None:
    # 85 turns and 170 sentences (segment statements of every size), a new case and participant.
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(f"Ana: Part {i} here. And {i} more!" for i in range(85)))
    tables = ["documents", "segments", "cases", "participants", "actions", "events", "coders"]
    before = snapshot(project, tables)
    n = 1
    while True:
        try:
            # On every engine: the import stores through an engine of its own (one connection).
            with fault_after(Engine, n):
                report = import_paths(project, [path], case="c", participant="P1", role="citizen")
        except (InjectedFault, QualcopeError):
            assert snapshot(project, tables) == before, f"partial import after fault at {n}"
            integrity_ok(project)
            n += 1
            continue
        break
    assert n > 10  # faults hit the reads, the document, every segment statement, the log
    assert [o.status for o in report.outcomes] == ["imported"]
    assert snapshot(project, tables)["segments"]
    integrity_ok(project)


def test_disk_full_rolls_back_and_the_project_stays_usable(icvc_project: Project) -> None:
    doc = add_document(icvc_project)
    code_id = {n.path: n.id for n in codebook.tree(icvc_project)}["Coping strategies/Avoidance"]
    with icvc_project.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(icvc_project.engine, "connect")
    def _limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    before = snapshot(icvc_project)
    with pytest.raises(ProjectError, match="disk full"):
        codings.add_coding(icvc_project, doc, 0, 10, code_id, memo="x" * 200_000)
    assert snapshot(icvc_project) == before
    event.remove(icvc_project.engine, "connect", _limit)
    codings.add_coding(icvc_project, doc, 0, 10, code_id)
    integrity_ok(icvc_project)


def test_stale_write_by_a_second_coder_is_a_conflict(icvc_project: Project) -> None:
    """C7-6: two coders edit the same coding; the later stale write is refused."""
    doc = add_document(icvc_project)
    code_id = {n.path: n.id for n in codebook.tree(icvc_project)}["Coping strategies/Avoidance"]
    shown = codings.add_coding(icvc_project, doc, 0, 10, code_id)
    codings.set_memo(icvc_project, shown.id, "first coder's memo", expected_version=shown.version)
    with pytest.raises(ConflictError):
        codings.set_memo(icvc_project, shown.id, "stale memo", expected_version=shown.version)
    with icvc_project.read() as session:  # coder B's screen shows the code...
        shown_code = session.get(Code, code_id)
    assert shown_code is not None
    with icvc_project.write("A edits") as session:  # ...then coder A changes it
        fresh = session.get(Code, code_id)
        assert fresh is not None
        fresh.definition = "A"
    with pytest.raises(ConflictError):  # B's edit of the stale row is refused
        with icvc_project.write("B edits") as session:
            stale = session.merge(shown_code, load=False)
            stale.definition = "B"
    with icvc_project.read() as session:
        assert session.scalar(select(Code.definition).where(Code.id == code_id)) == "A"
    assert codings.codings_for_document(icvc_project, doc)[0].memo == "first coder's memo"


def test_the_same_coding_twice_is_refused(icvc_project: Project) -> None:
    doc = add_document(icvc_project)
    code_id = {n.path: n.id for n in codebook.tree(icvc_project)}["Coping strategies/Avoidance"]
    codings.add_coding(icvc_project, doc, 0, 10, code_id)
    with pytest.raises(ConflictError, match="already coded"):
        codings.add_coding(icvc_project, doc, 0, 10, code_id)
    with icvc_project.read() as session:
        assert len(session.scalars(select(Coding)).all()) == 1


@pytest.mark.parametrize("start, end", [(-1, 5), (5, 5), (8, 4), (0, 10_000), (11, 15)])
def test_bad_spans_are_refused(icvc_project: Project, start: int, end: int) -> None:
    doc = add_document(icvc_project, "Respondent:  \n  we just stopped going.")
    code_id = {n.path: n.id for n in codebook.tree(icvc_project)}["Coping strategies/Avoidance"]
    with pytest.raises(QualcopeError):
        codings.add_coding(icvc_project, doc, start, end, code_id)
    assert codings.codings_for_document(icvc_project, doc) == []


def test_doctor_finds_a_coding_whose_quote_drifted(icvc_project: Project) -> None:
    from qualcope.services import doctor

    doc = add_document(icvc_project)
    code_id = {n.path: n.id for n in codebook.tree(icvc_project)}["Coping strategies/Avoidance"]
    codings.add_coding(icvc_project, doc, 12, 33, code_id)
    assert doctor.check(icvc_project) == []
    with icvc_project.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET text = 'Respondent: changed'"))
    problems = doctor.check(icvc_project)
    assert len(problems) == 1 and "outside its document" in problems[0]


def test_doctor_finds_sentences_outside_their_text_or_turns(
    project: Project, tmp_path: Path
) -> None:
    from qualcope import sentence_bounds
    from qualcope.services import doctor

    path = tmp_path / "a.txt"
    path.write_text("Interviewer: Why?\n\nAna: We waited. Then we wrote.\n", encoding="utf-8")
    import_paths(project, [path])
    assert doctor.check(project) == []
    for pairs, problem in (
        ([(13, 17), (24, 34), (35, 500)], "outside the text"),
        ([(13, 17), (15, 34)], "out of order"),
        ([(13, 30)], "not inside one turn"),  # from the question into the answer's label
    ):
        with project.engine.begin() as conn:
            conn.execute(
                text("UPDATE documents SET sentence_bounds = :b"),
                {"b": sentence_bounds.pack(pairs)},
            )
        problems = doctor.check(project)
        assert len(problems) == 1 and problem in problems[0], pairs
