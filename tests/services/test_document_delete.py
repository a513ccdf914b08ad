"""Deleting a document: everything that hangs on it goes, nothing else, in one action."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from qualcope.db.models import Action, Document, Event, Reconciliation
from qualcope.errors import NotFoundError, QualcopeError
from qualcope.services import codebook, codings, doctor, history, suggestions
from qualcope.services.document_delete import delete_document, document_removal
from qualcope.services.documents import (
    find_document,
    list_documents,
    set_document_memo,
    set_finished,
)
from qualcope.services.importing import import_paths
from qualcope.services.ownership import OthersCodingError, set_others_codings_policy
from qualcope.services.project import Project
from qualcope.services.reading_positions import remember_position
from tests.conftest import ICVC, SAMPLE_CORPUS
from tests.db.test_faults import InjectedFault, fault_after

FILES = ("mobility_coordinator.txt", "mobility_public-servant.txt")
# Every table that holds rows of a document (by document_id, or through its codings).
HANGING = (
    "segments",
    "codings",
    "suggestions",
    "memos",
    "document_status",
    "reading_positions",
    "reconciliations",
)


def rows_of(project: Project, document_id: int) -> dict[str, int]:
    with project.engine.connect() as conn:
        counts = {
            table: conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE document_id = :d"),  # noqa: S608
                {"d": document_id},
            ).scalar_one()
            for table in HANGING
        }
        counts["coding_links"] = conn.execute(
            text(
                "SELECT count(*) FROM coding_links WHERE source_coding_id IN "
                "(SELECT id FROM codings WHERE document_id = :d) OR target_coding_id IN "
                "(SELECT id FROM codings WHERE document_id = :d)"
            ),
            {"d": document_id},
        ).scalar_one()
        counts["documents"] = conn.execute(
            text("SELECT count(*) FROM documents WHERE id = :d"), {"d": document_id}
        ).scalar_one()
    return counts


def everything(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    tables = (*HANGING, "coding_links", "documents", "participants", "cases", "actions")
    with project.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]  # noqa: S608
            for t in tables
        }


@pytest.fixture
def worked(project_path: Path, tmp_path: Path) -> Project:
    """Two transcripts coded by tester and ana, with a link, memos, a finished mark, a
    reading position and pending suggestions; returned open as tester."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in FILES:
        shutil.copy(SAMPLE_CORPUS / name, folder / name)
    with Project.create(project_path, "tester") as project:
        codebook.import_codebook(project, codebook.read_codebook_file(ICVC))
        assert import_paths(project, [folder], case="urban mobility planning").ok
    project = Project.open(project_path, "tester")
    ana = Project.open(project_path, "ana")
    ids = {node.name: node.id for node in codebook.tree(project)}
    for doc in (find_document(project, name) for name in FILES):
        body = project_text(project, doc)
        first = body.index("\n\n") + 2
        conflict = codings.add_coding(project, doc, first, first + 20, ids["Avoidance"])
        codings.add_coding(project, doc, first + 30, first + 50, ids["Escalation"])
        coping = codings.add_coding(ana, doc, first, first + 20, ids["Trade-off"])
        codings.link(ana, coping.id, conflict.id)
        set_document_memo(ana, doc, f"ana on {doc}")
        suggestions.suggest(project, document_id=doc)
        remember_position(project, doc, first, first + 20)
        with project.write("a decision, as reconciling writes it") as session:
            me, other = project.coder_id(session), ana.coder_id(session)
            session.add(
                Reconciliation(
                    document_id=doc,
                    coder_id=me,
                    start=first,
                    end=first + 20,
                    choice="neither",
                    first_coder_id=me,
                    second_coder_id=other,
                )
            )
    set_finished(project, find_document(project, FILES[0]))
    ana.close()
    return project


def project_text(project: Project, document_id: int) -> str:
    with project.read() as session:
        return str(session.scalar(select(Document.text).where(Document.id == document_id)))


def test_a_document_goes_with_all_that_hangs_on_it_and_nothing_else(
    worked: Project, project_path: Path
) -> None:
    gone, kept = (find_document(worked, name) for name in FILES)
    hanging = rows_of(worked, gone)
    assert all(hanging.values()), hanging  # the fixture really put something in each table
    others = rows_of(worked, kept)
    kept_text = project_text(worked, kept)
    preview = document_removal(worked, gone)
    kept_rows = {t: everything(worked)[t] for t in ("participants", "cases")}

    with Project.open(project_path, "tester") as same:  # another window of the same coder
        done = delete_document(same, gone, others_confirmed=True)

    assert done == preview
    assert done.codings == (("tester", 2), ("ana", 1))
    assert (done.links, done.memos, done.finished_by) == (1, 1, ("tester",))
    assert done.suggestions == hanging["suggestions"] > 0
    assert done.describe().startswith("3 codings (tester 2, ana 1), 1 coding link, 1 memo, ")
    assert not any(rows_of(worked, gone).values())
    assert rows_of(worked, kept) == others and project_text(worked, kept) == kept_text
    assert [ref.id for ref in list_documents(worked)] == [kept]
    assert {t: everything(worked)[t] for t in kept_rows} == kept_rows  # participants, cases
    assert kept_rows["cases"]
    assert doctor.check(worked) == []


def test_the_deletion_is_logged_without_the_text_and_is_not_undone(worked: Project) -> None:
    gone = find_document(worked, FILES[0])
    body = project_text(worked, gone)
    delete_document(worked, gone, others_confirmed=True)
    with worked.read() as session:
        action = session.scalars(select(Action).order_by(Action.id.desc()).limit(1)).one()
        events = session.execute(
            select(Event.table_name, Event.op, Event.before).where(Event.action_id == action.id)
        ).all()
    assert action.label == f"document: delete {FILES[0]}" and not action.undoable
    tables = sorted({(t, op) for t, op, _ in events})
    assert ("codings", "delete") in tables and ("documents", "delete") in tables
    # No copy of the participant's words: neither the text nor the quotes and memos.
    assert all(body[:200] not in str(before) for _, _, before in events)
    quotes = [before["snippet"] for t, _, before in events if t == "codings"]
    assert quotes and all(set(quote) == {"sha256", "length"} for quote in quotes)
    memos = [before["text"] for t, _, before in events if t == "memos"]
    assert memos and all(set(memo) == {"sha256", "length"} for memo in memos)
    # Undo takes back the coder's last undoable action before it, never the deletion.
    undone = history.undo(worked)
    assert "delete" not in undone.label
    assert not any(rows_of(worked, gone).values())


def test_another_coders_codings_go_only_when_confirmed_and_allowed(worked: Project) -> None:
    gone = find_document(worked, FILES[0])
    before = everything(worked)
    with pytest.raises(OthersCodingError, match="holds codings or memos of ana") as asked:
        delete_document(worked, gone)
    assert asked.value.needs_confirmation
    assert everything(worked) == before

    set_others_codings_policy(worked, "protect")
    before = everything(worked)
    with pytest.raises(OthersCodingError, match="protects other coders' codings") as refused:
        delete_document(worked, gone, others_confirmed=True)
    assert not refused.value.needs_confirmation
    assert everything(worked) == before


def test_a_document_of_ones_own_codings_needs_no_confirmation(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("Interviewer: Why?\n\nRespondent: We stopped.", "utf-8")
    assert import_paths(project, [tmp_path / "a.txt"]).ok
    assert delete_document(project, find_document(project, "a.txt")).coding_count == 0
    assert list_documents(project) == []
    # The same file imports again: nothing of the first copy is in the way.
    assert import_paths(project, [tmp_path / "a.txt"]).imported


def test_an_unknown_document_is_refused(worked: Project) -> None:
    with pytest.raises(NotFoundError, match="no document 99"):
        delete_document(worked, 99)


def test_a_fault_at_any_statement_leaves_the_project_as_it_was(worked: Project) -> None:
    gone = find_document(worked, FILES[0])
    before = everything(worked)
    n = 1
    while True:
        try:
            with fault_after(worked.engine, n):
                delete_document(worked, gone, others_confirmed=True)
        except (InjectedFault, QualcopeError):
            assert everything(worked) == before, f"partial deletion after a fault at {n}"
            n += 1
            continue
        break
    assert n > 10 and not any(rows_of(worked, gone).values())
