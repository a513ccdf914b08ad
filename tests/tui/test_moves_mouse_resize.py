"""Page, top and bottom; mouse click and drag selections; re-wrapping on resize."""

from __future__ import annotations

from qualcope.services import codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.layout import TEXT
from qualcope.tui.screens.coding import CodingScreen
from qualcope.tui.widgets.transcript import GUTTER, TranscriptView
from tests.tui.conftest import drive, press, settle
from tests.tui.transcripts import store_transcript, synthetic_turns


async def opened(pilot, document_id: int = 1) -> CodingScreen:  # noqa: ANN001
    await settle(pilot)
    pilot.app.open_document(document_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen) and screen.doc is not None
    return screen


def screen_position(view: TranscriptView, offset: int) -> tuple[int, int]:
    """The (x, y) cell of a character on screen."""
    assert view.layout_ is not None
    line = view.layout_.line_of(offset)
    column = offset - view.layout_.starts[line]
    return view.region.x + GUTTER + column, view.region.y + line - int(view.scroll_y)


@drive
async def test_page_top_and_bottom_move_through_a_long_transcript(project: Project) -> None:
    store_transcript(project, synthetic_turns(3000), name="long.txt")
    async with QualcopeApp(project).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        sel = screen.doc.selection
        await press(pilot, "pagedown")
        after_page = sel.start
        assert after_page > 0 and screen.view.scroll_y > 0
        await press(pilot, "end")
        assert sel.span == (sel.units[-1].start, sel.units[-1].end)
        line = screen.view.layout_.line_of(sel.start)
        assert screen.view.scroll_y <= line < screen.view.scroll_y + screen.view.size.height
        await press(pilot, "pageup")
        assert sel.start < sel.units[-1].start
        await press(pilot, "home")
        assert sel.start == sel.units[0].start and screen.view.scroll_y == 0


@drive
async def test_a_click_selects_the_sentence_and_a_drag_selects_any_span(
    coding_project: Project, code_id
) -> None:  # noqa: ANN001
    text = documents.get_document(coding_project, 1).text
    async with QualcopeApp(coding_project).run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        view = screen.view
        await pilot.click(TranscriptView, offset=_local(view, text.index("alderman")))
        await settle(pilot)
        assert text[slice(*screen.doc.selection.span)] == (
            "I stopped the session plan and wrote to the alderman."
        )
        start, end = text.index("wrote to"), text.index("alderman") + len("alderman")
        await pilot.mouse_down(TranscriptView, offset=_local(view, start))
        await pilot.hover(TranscriptView, offset=_local(view, end - 1))
        await pilot.mouse_up(TranscriptView, offset=_local(view, end - 1))
        await settle(pilot)
        assert text[slice(*screen.doc.selection.span)] == "wrote to the alderman"
        await press(pilot, "e")
    stored = codings.codings_for_document(coding_project, 1)
    assert [(c.code_id, text[c.start : c.end]) for c in stored] == [
        (code_id("Escalation"), "wrote to the alderman")
    ]


def _local(view: TranscriptView, offset: int) -> tuple[int, int]:
    x, y = screen_position(view, offset)
    return x - view.region.x, y - view.region.y


@drive
async def test_the_text_reflows_when_the_terminal_is_resized(project: Project) -> None:
    store_transcript(project, synthetic_turns(2000), name="long.txt")
    async with QualcopeApp(project).run_test(size=(160, 40)) as pilot:
        screen = await opened(pilot)
        await press(pilot, "pagedown", "j")
        wide_lines = len(screen.view.layout_)
        selected = screen.doc.selection.span
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        layout = screen.view.layout_
        assert len(layout) > wide_lines
        assert layout.width == screen.view.text_width < 60
        for kind, start, end in zip(layout.kinds, layout.starts, layout.ends, strict=True):
            if kind == TEXT:
                assert len(layout.text[start:end].rstrip()) <= layout.width
        assert screen.doc.selection.span == selected
        line = layout.line_of(selected[0])
        assert screen.view.scroll_y <= line < screen.view.scroll_y + screen.view.size.height
