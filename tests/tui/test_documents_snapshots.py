"""SVG snapshots of the documents screen at 80x24 and 120x36: both progress columns, and
columns fitted to the width (participant, words and language left out at 80).

Update after an intended change with:
pytest tests/tui/test_documents_snapshots.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

import pytest

from qualcope.services import codebook, codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from tests.tui.conftest import settle
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def team_project(icvc_project: Project) -> Project:
    """Three interviews: one coded by a colleague only, one coded and finished by this coder,
    one nobody coded yet; names, cases and roles as long as real ones."""
    code = next(n.id for n in codebook.tree(icvc_project) if n.name == "Avoidance")
    colleague = Project(icvc_project.engine, icvc_project.url, "Reference coder")
    by_colleague = store_transcript(
        icvc_project,
        SMALL_INTERVIEW,
        name="elderly-care_public-servant.docx",
        case="social elderly care",
        role="public servant",
        participant="EC-PS1",
    )
    mine = store_transcript(
        icvc_project,
        SMALL_INTERVIEW[:4],
        name="vacant-spaces_citizen.txt",
        case="temporary use of vacant spaces",
        role="citizen co-producer",
        participant="VS-C1",
        language="nl",
    )
    store_transcript(
        icvc_project,
        SMALL_INTERVIEW[2:],
        name="mobility_coordinator.txt",
        case="urban mobility planning",
        role="project coordinator",
        participant="MO-PC1",
    )
    text = documents.get_document(icvc_project, by_colleague).text
    codings.add_coding(colleague, by_colleague, text.index("I coordinate"), len(text) - 3, code)
    text = documents.get_document(icvc_project, mine).text
    codings.add_coding(icvc_project, mine, text.index("I coordinate"), text.index(" The"), code)
    documents.set_finished(icvc_project, mine, True)
    return icvc_project


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_documents_screen(team_project: Project, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(QualcopeApp(team_project), terminal_size=size, run_before=settle)
