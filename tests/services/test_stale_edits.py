"""Optimistic edits: an edit of a coding, a code or a memo someone changed since it was shown
is refused with ``StaleEditError`` naming who changed it and when, and ``overwrite=True``
saves it anyway; ``Project.run_write`` runs a unit of work again after a race it lost.

Two ``Project`` objects on the same database (the ``project`` fixture and a second one opened
by its location, as another coder) stand for two coders' screens; with ``--backend
postgresql`` the same tests run on a server database.
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from qualcope.errors import ConflictError, ProjectBusyError, StaleEditError
from qualcope.services import codebook, codebook_edit, codings, documents
from qualcope.services.project import Project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript


def _location(project: Project) -> str:
    return project.url.render_as_string(hide_password=False)


def _code_id(project: Project, name: str) -> int:
    return next(n.id for n in codebook.tree(project) if n.name == name and not n.is_group)


@pytest.fixture
def coded(icvc_project: Project) -> tuple[Project, int, int]:
    """The project (coder 'tester'), a document and one coding of tester's on it."""
    doc = store_transcript(icvc_project, SMALL_INTERVIEW)
    text = documents.get_document(icvc_project, doc).text
    start = text.index("citizen panel")
    view = codings.add_coding(
        icvc_project, doc, start, start + len("citizen panel"), _code_id(icvc_project, "Avoidance")
    )
    return icvc_project, doc, view.id


def test_a_second_memo_edit_of_the_same_coding_is_stale_and_names_the_first_coder(
    coded: tuple[Project, int, int],
) -> None:
    first, doc, coding_id = coded
    with Project.open(_location(first), "ben") as ben:
        shown_to_ben = codings.codings_for_document(ben, doc)[0]
        shown_to_tester = codings.codings_for_document(first, doc)[0]
        codings.set_memo(first, coding_id, "tester's note", shown_to_tester.version)

        with pytest.raises(StaleEditError) as stale:
            codings.set_memo(ben, coding_id, "ben's note", shown_to_ben.version)
        message = str(stale.value)
        assert message.startswith("this coding was changed by tester at ")
        assert message.endswith("since you opened it: reload to see it, or overwrite")
        assert stale.value.by == "tester" and stale.value.at is not None
        assert isinstance(stale.value, ConflictError)  # callers catching conflicts still do
        assert codings.codings_for_document(ben, doc)[0].memo == "tester's note"

        saved = codings.set_memo(ben, coding_id, "ben's note", shown_to_ben.version, overwrite=True)
        assert saved.memo == "ben's note"
        assert saved.version == shown_to_ben.version + 2
        # A fresh read is not stale.
        again = codings.codings_for_document(first, doc)[0]
        assert codings.set_memo(first, coding_id, "both", again.version).memo == "both"


def test_a_recode_of_a_coding_changed_since_is_stale(coded: tuple[Project, int, int]) -> None:
    first, doc, coding_id = coded
    version = codings.codings_for_document(first, doc)[0].version
    with Project.open(_location(first), "ben") as ben:
        codings.set_memo(ben, coding_id, "ben was here")
    with pytest.raises(StaleEditError, match="this coding was changed by ben at "):
        codings.recode(first, coding_id, _code_id(first, "Escalation"), expected_version=version)
    moved = codings.recode(
        first, coding_id, _code_id(first, "Escalation"), expected_version=version, overwrite=True
    )
    assert moved.code_path.endswith("Escalation") and moved.memo == "ben was here"
    # Without a version there is nothing to check: the edit is made.
    assert codings.recode(first, coding_id, _code_id(first, "Avoidance")).code_path.endswith(
        "Avoidance"
    )


def test_a_code_edited_since_it_was_shown_is_stale(icvc_project: Project) -> None:
    code = next(n for n in codebook.tree(icvc_project) if n.name == "Avoidance")
    with Project.open(_location(icvc_project), "ben") as ben:
        codebook_edit.update_code(ben, code.id, {"definition": "ben's definition"})
    with pytest.raises(StaleEditError, match="the code 'Avoidance' was changed by ben at "):
        codebook_edit.update_code(
            icvc_project, code.id, {"definition": "mine"}, expected_version=code.version
        )
    with pytest.raises(StaleEditError, match="changed by ben"):
        codebook_edit.rename_code(icvc_project, code.id, "Evasion", expected_version=code.version)
    renamed = codebook_edit.rename_code(
        icvc_project, code.id, "Evasion", expected_version=code.version, overwrite=True
    )
    assert renamed.name == "Evasion" and renamed.definition == "ben's definition"


def test_a_document_memo_saved_in_another_window_is_stale(icvc_project: Project) -> None:
    doc = store_transcript(icvc_project, SMALL_INTERVIEW)
    documents.set_document_memo(icvc_project, doc, "first", expected_text="")
    with Project.open(_location(icvc_project), "tester") as other_window:
        documents.set_document_memo(other_window, doc, "second", expected_text="first")
    with pytest.raises(StaleEditError, match="your memo on this document was changed by tester"):
        documents.set_document_memo(icvc_project, doc, "third", expected_text="first")
    documents.set_document_memo(icvc_project, doc, "third", expected_text="first", overwrite=True)
    assert documents.get_document(icvc_project, doc).memo == "third"


class _Locked(Exception):
    """A driver error as SQLite and psycopg give them (with psycopg's SQLSTATE)."""

    sqlstate = "40001"

    def __str__(self) -> str:
        return "database is locked"


def _race_lost() -> OperationalError:
    return OperationalError("UPDATE ...", {}, _Locked())


def test_run_write_runs_the_whole_unit_again_after_a_lost_race(icvc_project: Project) -> None:
    tries: list[int] = []

    def action(session: object) -> str:
        tries.append(1)
        if len(tries) < 3:
            raise _race_lost()
        return "done"

    assert icvc_project.run_write("test", action) == "done"
    assert len(tries) == 3


def test_run_write_gives_up_with_one_line_after_its_attempts(icvc_project: Project) -> None:
    tries: list[int] = []

    def action(session: object) -> None:
        tries.append(1)
        raise _race_lost()

    with pytest.raises(ProjectBusyError) as busy:
        icvc_project.run_write("test", action, attempts=3)
    assert len(tries) == 3
    assert "tried 3 times" in str(busy.value) and "\n" not in str(busy.value)


def test_an_error_of_the_action_is_not_retried(icvc_project: Project) -> None:
    tries: list[int] = []

    def action(session: object) -> None:
        tries.append(1)
        raise ConflictError("no")

    with pytest.raises(ConflictError):
        icvc_project.run_write("test", action)
    assert len(tries) == 1
