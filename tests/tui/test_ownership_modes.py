"""The workspace guards other coders' codings and keeps its selection modes as the README
says (issue 15, items 2 and 3)."""

from __future__ import annotations

from collections.abc import Callable

from qualcope.services import codings, documents, ownership
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from qualcope.tui.widgets.codebook_confirm import CodebookConfirm
from tests.tui.conftest import drive, press
from tests.tui.test_coding_flows import SIZE, open_document, spans

SENTENCE = "The city pays us, but we serve the process."


def sentence_span(project: Project, text: str) -> tuple[int, int]:
    found = documents.list_segments(project, 1, kind="sentence")
    return next((s.start, s.end) for s in found if s.text == text)


def reference_coded(project: Project, code_id: Callable[[str], int]) -> None:
    reference = Project(project.engine, project.url, "Reference coder")
    codings.add_coding(reference, 1, *sentence_span(project, SENTENCE), code_id("Avoidance"))


def messages(app: QualcopeApp) -> list[str]:
    return [n.message for n in app._notifications]


# ------------------------------------------------------------------------- ownership
@drive
async def test_removing_a_colleagues_coding_asks_first_and_says_what_it_did(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    reference_coded(coding_project, code_id)
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        await press(pilot, "j", "j")
        assert [c.coder for c in screen.panel.codings] == ["Reference coder"]
        await press(pilot, "x")
        dialog = app.screen
        assert isinstance(dialog, CodebookConfirm)
        assert "Remove Reference coder's coding?" in dialog.message.plain
        assert SENTENCE in dialog.message.plain
        await press(pilot, "n")  # kept
        assert app.screen is screen
        assert [c.coder for c in screen.panel.codings] == ["Reference coder"]
        await press(pilot, "x", "y")
        assert screen.panel.codings == []
        assert "Removed Avoidance (Reference coder's) · u to undo" in messages(app)
        await press(pilot, "u")
        assert [c.coder for c in screen.panel.codings] == ["Reference coder"]
    assert spans(coding_project) == [("Avoidance", SENTENCE, "Reference coder")]


@drive
async def test_ones_own_coding_goes_at_once_with_an_undo_message(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        await press(pilot, "j", "j", "a", "x")
        assert app.screen is screen and screen.panel.codings == []
        assert "Removed Avoidance · u to undo" in messages(app)
    assert spans(coding_project) == []


@drive
async def test_a_protecting_project_refuses_with_a_message(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    reference_coded(coding_project, code_id)
    ownership.set_others_codings_policy(coding_project, "protect")
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        await press(pilot, "j", "j", "x")
        assert app.screen is screen  # no question: the answer could only be no
        await press(pilot, "s")  # recode
        assert app.screen is screen
        assert any("Reference coder's coding is protected" in m for m in messages(app))
        assert [c.coder for c in screen.panel.codings] == ["Reference coder"]
    assert spans(coding_project) == [("Avoidance", SENTENCE, "Reference coder")]


@drive
async def test_recoding_a_colleagues_coding_asks_then_says_so(
    coding_project: Project, code_id: Callable[[str], int]
) -> None:
    reference_coded(coding_project, code_id)
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await press(pilot, "j", "j", "s")  # recode
        assert isinstance(app.screen, CodebookConfirm)
        assert "Recode Reference coder's coding?" in app.screen.message.plain
        await press(pilot, "y")  # the code picker opens
        await pilot.press(*"Escalation")
        await press(pilot, "enter")
        assert any(
            m.startswith("Recoded Avoidance (Reference coder's) to Escalation")
            for m in messages(app)
        )
    assert spans(coding_project) == [("Escalation", SENTENCE, "Reference coder")]


# ---------------------------------------------------------------------- selection modes
def mode(screen: CodingScreen) -> str:
    return screen.status.parts["mode"]


@drive
async def test_coding_ends_extend_mode(coding_project: Project) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        assert screen.doc is not None
        await press(pilot, "v", "j")
        assert mode(screen) == "SENTENCE+EXTEND"
        two = screen.doc.selection.span
        await press(pilot, "a")
        assert mode(screen) == "SENTENCE" and screen.doc.selection.span == two
        await press(pilot, "j")  # the next sentence alone, not a third one added
        sentences = documents.list_segments(coding_project, 1, kind="sentence")
        assert screen.doc.selection.span == (sentences[2].start, sentences[2].end)


@drive
async def test_a_second_v_keeps_the_extended_span(coding_project: Project) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        assert screen.doc is not None
        await press(pilot, "v", "j", "j")
        three = screen.doc.selection.span
        await press(pilot, "v")
        assert mode(screen) == "SENTENCE" and screen.doc.selection.span == three
        await press(pilot, "escape")  # and Esc then narrows it to one sentence
        sentences = documents.list_segments(coding_project, 1, kind="sentence")
        assert screen.doc.selection.span == (sentences[2].start, sentences[2].end)


@drive
async def test_escape_steps_back_one_level(coding_project: Project) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        assert screen.doc is not None
        turns = documents.list_segments(coding_project, 1, kind="turn")
        await press(pilot, "J")
        assert mode(screen) == "TURN" and screen.doc.selection.span == (
            turns[1].start,
            turns[1].end,
        )
        await press(pilot, "escape")  # a turn becomes its first sentence
        assert mode(screen) == "SENTENCE"
        assert screen.doc.selection.start == turns[1].start
        assert screen.doc.selection.end < turns[1].end
        await press(pilot, "f")
        assert mode(screen).startswith("FINE")
        await press(pilot, "escape")  # fine becomes the sentence
        assert mode(screen) == "SENTENCE"


@drive
async def test_redo_keeps_the_selection_mode(coding_project: Project) -> None:
    app = QualcopeApp(coding_project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_document(pilot)
        assert screen.doc is not None
        await press(pilot, "J", "a")
        span = screen.doc.selection.span
        await press(pilot, "u", "U")
        assert mode(screen) == "TURN"
        assert screen.doc.selection.span == span
        assert [c.code_path.rpartition("/")[2] for c in screen.panel.codings] == ["Avoidance"]
