"""SVG snapshots of the workspace's main screens and dialogs at 80x24, 120x36 and 160x48.

Update after an intended change with: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qualcope.services import codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from tests.tui.conftest import press, settle

SIZES = [(80, 24), (120, 36), (160, 48)]
DIALOG_SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def coded_project(coding_project: Project, code_id: Callable[[str], int]) -> Project:
    """The small interview with overlapping codings, a memo and a link."""
    text = documents.get_document(coding_project, 1).text
    answer = text.index("I stopped the session plan")
    end = text.index("meetings.") + len("meetings.")
    conflict = codings.add_coding(
        coding_project, 1, answer, end, code_id("Inclusion vs service quality")
    )
    lost = text.index("We lost people")
    avoid = codings.add_coding(coding_project, 1, lost, end, code_id("Avoidance"))
    codings.set_memo(coding_project, avoid.id, "young people dropped out")
    codings.link(coding_project, avoid.id, conflict.id)
    split = text.index("We split it up")
    codings.add_coding(
        coding_project, 1, split, text.index("decisions.") + 10, code_id("Balancing")
    )
    documents.set_finished(coding_project, 1, False)
    return coding_project


def opened(*keys: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.open_document(1)
        await settle(pilot)
        await press(pilot, *keys)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_documents_screen(coded_project: Project, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(QualcopeApp(coded_project), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_coding_screen(coded_project: Project, snap_compare: Any, size: tuple[int, int]) -> None:
    app = QualcopeApp(coded_project)
    assert snap_compare(app, terminal_size=size, run_before=opened("J", "J", "J", "j", "j"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_code_picker(coded_project: Project, snap_compare: Any, size: tuple[int, int]) -> None:
    app = QualcopeApp(coded_project)
    assert snap_compare(app, terminal_size=size, run_before=opened("j", "enter", "t", "r"))


@pytest.mark.parametrize("size", DIALOG_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_memo_editor(coded_project: Project, snap_compare: Any, size: tuple[int, int]) -> None:
    app = QualcopeApp(coded_project)
    assert snap_compare(app, terminal_size=size, run_before=opened("J", "J", "J", "j", "m"))


@pytest.mark.parametrize("size", DIALOG_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_removing_another_coders_coding_asks(
    coded_project: Project, snap_compare: Any, size: tuple[int, int]
) -> None:
    other = Project(coded_project.engine, coded_project.url, "Reference coder")
    app = QualcopeApp(other)
    assert snap_compare(app, terminal_size=size, run_before=opened("J", "J", "J", "j", "x"))


def test_fine_selection_and_help(coded_project: Project, snap_compare: Any) -> None:
    app = QualcopeApp(coded_project)
    run_before = opened("J", "f", "right", "o", "right", "right", "question_mark")
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reconcile_screen(
    icvc_project: Project, make_file: Any, project_path: Any, snap_compare: Any, size: Any
) -> None:
    """Two coders' disagreements, one decided (accept B), figures at the top."""
    from tests.services.test_reconcile import make_pair

    make_pair(icvc_project, make_file, project_path)

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await press(pilot, "R", "enter", "b")

    assert snap_compare(QualcopeApp(icvc_project), terminal_size=size, run_before=run_before)


def from_the_list(*keys: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await press(pilot, *keys)

    return run_before


@pytest.mark.parametrize("size", DIALOG_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_codebook_screen(coded_project: Project, snap_compare: Any, size: tuple[int, int]) -> None:
    app = QualcopeApp(coded_project)
    assert snap_compare(app, terminal_size=size, run_before=from_the_list("c", "down", "down"))


@pytest.mark.parametrize("size", DIALOG_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_suggestions_screen(
    coded_project: Project, snap_compare: Any, size: tuple[int, int]
) -> None:
    from qualcope.services import suggestions

    suggestions.suggest(coded_project)
    app = QualcopeApp(coded_project)
    assert snap_compare(app, terminal_size=size, run_before=from_the_list("g"))
