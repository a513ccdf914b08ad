"""Transcripts, code names, memos and document names are shown literally (reliability.md C8)."""

from __future__ import annotations

import io

from rich.console import Console

from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.services import codebook, codings, documents
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from tests.tui.conftest import drive, press, settle
from tests.tui.transcripts import store_transcript

HOSTILE = [
    "[inaudible]",
    "[/]",
    "[bold red]x",
    "[0] Hello",
    "[link=http://example.org]y",
    "[@click=app.quit]z",
]
ESCAPES = "\x1b[2J\x1b]52;c;aGVsbG8=\x07\x9b31m"


def screen_text(app: QualcopeApp) -> str:
    """What the terminal would show, as plain text (every cell, no styles)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        record=True,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


def hostile_project(project: Project) -> int:
    spec = CodebookSpec(
        name="hostile",
        codes=(
            CodeSpec(
                name="[bold]Coping[/]",
                kind="group",
                children=(
                    CodeSpec(
                        name="[@click=app.quit]Avoid",
                        definition="[red]not[/] markup",
                        shortcut="a",
                        colour="#d9534f",
                    ),
                ),
            ),
        ),
    )
    codebook.import_codebook(project, spec)
    turns = [
        ("[Interviewer]", True, "What happened? " + " ".join(HOSTILE[:3])),
        ("Respondent", False, " ".join(HOSTILE[3:]) + " then " + ESCAPES + " end."),
    ]
    return store_transcript(project, turns, name="[b]doc[/b].txt", case="[i]case", role="[/]")


@drive
async def test_markup_and_escapes_in_project_data_render_literally(project: Project) -> None:
    document_id = hostile_project(project)
    app = QualcopeApp(project)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        listing = screen_text(app)
        assert "[b]doc[/b].txt" in listing and "[i]case" in listing
        app.open_document(document_id)
        await settle(pilot)
        await press(pilot, "J", "a", "m")
        await pilot.press(*"[/]memo")
        await press(pilot, "ctrl+s")
        shown = screen_text(app)
        for fragment in [*HOSTILE, "[Interviewer]", "[@click=app.quit]Avoid", "[/]memo"]:
            assert fragment in shown, (fragment, shown)
        for raw in ("\x1b", "\x9b", "\x07"):
            assert raw not in shown
        # Clicking on the [@click=...] text selects it; it never runs an action.
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        row = next(y for y, line in enumerate(shown.splitlines()) if "[@click=app.quit]z" in line)
        column = shown.splitlines()[row].index("[@click=app.quit]z") + 3
        await pilot.click(offset=(column, row))
        await settle(pilot)
        assert app.is_running and app.screen is screen
        await press(pilot, "enter")
        picker_text = screen_text(app)
        assert "[@click=app.quit]Avoid" in picker_text and "[red]not[/] markup" in picker_text
        await press(pilot, "escape", "question_mark")
        assert "[bold]Coping[/]/[@click=app.quit]Avoid" in screen_text(app)
    stored = codings.codings_for_document(project, document_id)
    assert [c.memo for c in stored] == ["[/]memo"]
    assert documents.get_document(project, document_id).ref.name == "[b]doc[/b].txt"
