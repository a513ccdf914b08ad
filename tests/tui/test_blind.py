"""Blind double coding in the workspace: coder B, blind, does not see coder A's codings,
codes the same sentence independently, and cannot link to or change A's codings."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Label

from qualcope.services import codebook, codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.codebook import CodebookScreen
from qualcope.tui.widgets.codebook_detail import code_details
from qualcope.tui.widgets.codebook_tree import tree_label
from tests.tui.conftest import drive, press, settle
from tests.tui.test_coding_flows import SIZE, open_document

SENTENCE = "The city pays us, but we serve the process."
QUESTION = "Did you have to choose between inclusion and quality?"


def span_of(project: Project, text: str) -> tuple[int, int]:
    found = documents.list_segments(project, 1, kind="sentence")
    return next((s.start, s.end) for s in found if s.text == text)


def coder(project: Project, name: str, *, blind: bool) -> Project:
    return Project(project.engine, project.url, name, blind=blind)


def coded_by_a(project: Project, code_id: Callable[[str], int]) -> None:
    """Coder A ('tester') coded the sentence Avoidance and the question a value conflict."""
    codings.add_coding(project, 1, *span_of(project, SENTENCE), code_id("Avoidance"))
    codings.add_coding(
        project, 1, *span_of(project, QUESTION), code_id("Inclusion vs service quality")
    )


@drive
async def test_a_blind_coder_sees_only_their_own_codings_and_codes_the_same_sentence(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    coded_by_a(coding_project, code_id)
    b = coder(coding_project, "B", blind=True)
    app = QualcopeApp(b)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        assert "blind" in app.sub_title and "blind" in screen.sub_title
        assert screen.status.parts["coder"] == "coder B · blind"
        assert screen.doc is not None and screen.doc.complete
        assert screen.doc.codings.all() == []  # no highlight of A's anywhere
        await press(pilot, "j", "j")  # A's Avoidance sentence
        assert screen.panel.codings == []
        await press(pilot, "x")  # nothing of B's here: nothing to remove
        await press(pilot, "a")
        assert [(c.coder, c.code_path) for c in screen.panel.codings] == [
            ("B", "Coping strategies/Avoidance")
        ]
        await press(pilot, "l")  # A's conflict coding is not offered as a target
        assert pilot.app.screen is screen
        assert [c.coder for c in screen.doc.codings.all()] == ["B"]
    both = codings.codings_at(coding_project, 1, *span_of(coding_project, SENTENCE))
    assert sorted(c.coder for c in both) == ["B", "tester"]  # A's coding is untouched


@drive
async def test_not_blind_the_same_coder_sees_everyones_codings(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    coded_by_a(coding_project, code_id)
    app = QualcopeApp(coder(coding_project, "B", blind=False))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        assert "blind" not in app.sub_title
        assert screen.status.parts["coder"] == "coder B"
        await press(pilot, "j", "j")
        assert [c.coder for c in screen.panel.codings] == ["tester"]


def labels(screen: CodebookScreen) -> dict[str, str]:
    """The tree's label of every code, by name."""
    found: dict[str, str] = {}
    stack = list(screen.code_tree.root.children)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.data is not None:
            found[screen.code_tree.codes[node.data].name] = str(node.label)
    return found


@drive
async def test_the_codebook_screen_shows_a_blind_coder_only_their_own_counts(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    coded_by_a(coding_project, code_id)
    for blind, avoidance, title_part in (
        (False, "■ Avoidance [a]  1/0", "all coders / B"),
        (True, "■ Avoidance [a]", "B (blind)"),
    ):
        app = QualcopeApp(coder(coding_project, "B", blind=blind))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = CodebookScreen(app.project)
            await app.push_screen(screen)
            await settle(pilot)
            assert labels(screen)["Avoidance"] == avoidance
            title = str(screen.query_one("#codebook-title", Label).render())
            assert title_part in title


def test_count_labels_hide_the_all_coders_count_when_blind(coding_project: Project) -> None:
    node = next(n for n in codebook.tree(coding_project) if n.name == "Avoidance")
    assert str(tree_label(node, (12, 5))).endswith("  12/5")
    assert str(tree_label(node, (12, 5), mine_only=True)).endswith("]  5")
    assert str(tree_label(node, (12, 0), mine_only=True)).endswith("]")
    assert "12 codings, 5 mine" in str(code_details(node, (12, 5)))
    shown = str(code_details(node, (12, 5), mine_only=True))
    assert "5 mine" in shown and "12" not in shown
