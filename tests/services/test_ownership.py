"""Other coders' codings: removed or recoded only after a confirmation, never when the project
protects them; one's own always; the setting is logged and not undoable (issue 15, item 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcope.cli import cli
from qualcope.services import codebook, codings, history, ownership
from qualcope.services.project import Project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript


@pytest.fixture
def code_id(icvc_project: Project) -> Callable[[str], int]:
    nodes = {n.name: n.id for n in codebook.tree(icvc_project)}
    return nodes.__getitem__


@pytest.fixture
def theirs(icvc_project: Project, code_id: Callable[[str], int]) -> int:
    """A coding of the reference coder's in the project 'tester' works in."""
    store_transcript(icvc_project, SMALL_INTERVIEW, name="panel.txt")
    reference = Project(icvc_project.engine, icvc_project.url, "Reference coder")
    return codings.add_coding(reference, 1, 0, 20, code_id("Avoidance")).id


def test_another_coders_coding_needs_a_confirmation(
    icvc_project: Project, theirs: int, code_id: Callable[[str], int]
) -> None:
    with pytest.raises(ownership.OthersCodingError, match="Reference coder's coding") as raised:
        codings.remove_coding(icvc_project, theirs)
    assert raised.value.needs_confirmation
    with pytest.raises(ownership.OthersCodingError):
        codings.recode(icvc_project, theirs, code_id("Escalation"))
    assert [c.id for c in codings.codings_for_document(icvc_project, 1)] == [theirs]
    recoded = codings.recode(icvc_project, theirs, code_id("Escalation"), others_confirmed=True)
    assert recoded.code_path.endswith("Escalation") and recoded.coder == "Reference coder"
    codings.remove_coding(icvc_project, theirs, others_confirmed=True)
    assert codings.codings_for_document(icvc_project, 1) == []
    history.undo(icvc_project)  # the remover can undo it
    assert [c.coder for c in codings.codings_for_document(icvc_project, 1)] == ["Reference coder"]


def test_a_protecting_project_refuses_even_a_confirmed_change(
    icvc_project: Project, theirs: int, code_id: Callable[[str], int]
) -> None:
    assert ownership.set_others_codings_policy(icvc_project, "protect")
    assert not ownership.set_others_codings_policy(icvc_project, "protect")
    with pytest.raises(ownership.OthersCodingError, match="protects") as raised:
        codings.remove_coding(icvc_project, theirs, others_confirmed=True)
    assert not raised.value.needs_confirmation
    with pytest.raises(ownership.OthersCodingError, match="protects"):
        codings.recode(icvc_project, theirs, code_id("Escalation"), others_confirmed=True)
    own = codings.add_coding(icvc_project, 1, 0, 20, code_id("Escalation"))
    codings.remove_coding(icvc_project, own.id)  # one's own codings are never affected
    assert [c.id for c in codings.codings_for_document(icvc_project, 1)] == [theirs]
    assert history.undo(icvc_project).label == "remove coding"
    assert history.undo(icvc_project).label == "apply code"  # not the setting: not undoable
    assert ownership.others_codings_policy(icvc_project) == "protect"


def test_an_unknown_policy_is_refused(icvc_project: Project) -> None:
    with pytest.raises(ownership.QualcopeError, match="unknown policy 'maybe'"):
        ownership.set_others_codings_policy(icvc_project, "maybe")


def test_the_cli_sets_and_shows_the_policy(project_path: Path) -> None:
    Project.create(project_path).close()
    db = ["--db", str(project_path)]

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, [*db, *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert run("others-codings") == "other coders' codings: ask (ask before a change)\n"
    assert run("others-codings", "protect").endswith("protect (protected)\n")
    assert "already protect" in run("others-codings", "protect")
    with Project.open(project_path) as project:
        assert ownership.others_codings_policy(project) == "protect"
    refused = CliRunner().invoke(cli, [*db, "others-codings", "never"])
    assert refused.exit_code != 0 and "Traceback" not in refused.output
