"""``services.live``: what other coders changed since a point of the event log."""

from __future__ import annotations

from qualcope.domain import CodeNode
from qualcope.services import codebook, codebook_edit, codings, live
from qualcope.services.document_delete import delete_document
from qualcope.services.project import Project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript


def _codes(project: Project) -> dict[str, CodeNode]:
    return {n.name: n for n in codebook.tree(project)}


def test_changes_since_names_each_change_of_another_coder(icvc_project: Project) -> None:
    store_transcript(icvc_project, SMALL_INTERVIEW, name="a.txt")
    codes = _codes(icvc_project)
    ana = Project(icvc_project.engine, icvc_project.url, "ana")
    start, seen = live.live_start(icvc_project)
    assert live.changes_since(icvc_project, start, 1, seen=seen).any is False

    added = codings.add_coding(ana, 1, 10, 40, codes["Avoidance"].id)
    codings.recode(ana, added.id, codes["Escalation"].id)
    codings.set_memo(ana, added.id, "a thought")
    codings.remove_coding(ana, added.id)
    found = live.changes_since(icvc_project, start, 1, seen=seen)
    assert [c.describe() for c in found.codings] == [
        "ana added Avoidance",
        "ana recoded Avoidance to Escalation",
        "ana changed the memo on Escalation",
        "ana removed Escalation",
    ]
    assert {c.spans[0] for c in found.codings} == {(10, 40)}
    assert found.documents == {1} and not found.codebook_changed
    assert found.last_event_id == live.latest_event_id(icvc_project) > start
    # Nothing new after the newest event; another document's changes are only counted.
    assert live.changes_since(icvc_project, found.last_event_id, 1, seen=found.seen).any is False
    assert live.changes_since(icvc_project, start, 2, seen=seen).codings == []
    assert live.changes_since(icvc_project, start, 2, seen=seen).documents == {1}


def test_own_actions_and_the_codebook(icvc_project: Project) -> None:
    store_transcript(icvc_project, SMALL_INTERVIEW, name="a.txt")
    codes = _codes(icvc_project)
    start, seen = live.live_start(icvc_project)
    codings.add_coding(icvc_project, 1, 0, 5, codes["Avoidance"].id)
    mine = icvc_project.last_action_id
    assert mine is not None
    assert live.changes_since(icvc_project, start, 1, ignore_actions={mine}, seen=seen).any is False
    ana = Project(icvc_project.engine, icvc_project.url, "ana")
    codebook_edit.add_code(ana, "Brand new")
    found = live.changes_since(icvc_project, start, 1, ignore_actions={mine}, seen=seen)
    assert found.codebook_changed and found.codebook_coders == ["ana"]
    assert found.codings == []


def test_a_blind_coder_hears_only_of_their_own_codings(icvc_project: Project) -> None:
    store_transcript(icvc_project, SMALL_INTERVIEW, name="a.txt")
    codes = _codes(icvc_project)
    start, seen = live.live_start(icvc_project)
    ana = Project(icvc_project.engine, icvc_project.url, "ana")
    codings.add_coding(ana, 1, 0, 5, codes["Avoidance"].id)
    blind = Project(icvc_project.engine, icvc_project.url, "tester", blind=True)
    assert live.changes_since(blind, start, 1, seen=seen).codings == []
    elsewhere = Project(icvc_project.engine, icvc_project.url, "tester")
    codings.add_coding(elsewhere, 1, 6, 9, codes["Avoidance"].id)
    assert [c.describe() for c in live.changes_since(blind, start, 1, seen=seen).codings] == [
        "tester added Avoidance"
    ]


def test_too_many_changes_ask_for_a_full_read(icvc_project: Project, monkeypatch) -> None:  # noqa: ANN001
    store_transcript(icvc_project, SMALL_INTERVIEW, name="a.txt")
    codes = _codes(icvc_project)
    start, seen = live.live_start(icvc_project)
    ana = Project(icvc_project.engine, icvc_project.url, "ana")
    for offset in range(3):
        codings.add_coding(ana, 1, offset, offset + 3, codes["Avoidance"].id)
    monkeypatch.setattr(live, "LIMIT", 2)
    found = live.changes_since(icvc_project, start, 1, seen=seen)
    assert found.truncated and found.codings == []
    assert start < found.last_event_id < live.latest_event_id(icvc_project)


MORE = ("Respondent", False, "And more.")


def test_a_deleted_document_is_told_even_past_the_limit(
    icvc_project: Project,
    monkeypatch,  # noqa: ANN001
) -> None:
    store_transcript(icvc_project, SMALL_INTERVIEW, name="a.txt")
    store_transcript(icvc_project, [*SMALL_INTERVIEW, MORE], name="b.txt")
    codes = _codes(icvc_project)
    ana = Project(icvc_project.engine, icvc_project.url, "ana")
    for offset in range(3):
        codings.add_coding(ana, 1, offset, offset + 3, codes["Avoidance"].id)
    start, seen = live.live_start(icvc_project)
    assert live.changes_since(icvc_project, start, 1, seen=seen).deleted_documents == {}

    delete_document(ana, 1)
    found = live.changes_since(icvc_project, start, 1, seen=seen)
    assert found.deleted_documents == {1: ("a.txt", "ana")} and found.any
    assert [c.describe() for c in found.codings] == ["ana removed Avoidance"] * 3
    monkeypatch.setattr(live, "LIMIT", 2)  # a large document: its codings' events overflow
    found = live.changes_since(icvc_project, start, 2, seen=seen)
    assert found.truncated and found.deleted_documents == {1: ("a.txt", "ana")}
