"""A preamble (title, date line, footer) shows in the workspace, dimmed, as nobody's words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from qualcope.tui.widgets.transcript import TranscriptView
from tests.tui.conftest import drive, settle
from tests.tui.test_untrusted_text import screen_text

MakeFile = Callable[[bytes | str, str], Path]
TEXT = (
    "Interview 7 - mobility panel\n12/03/2023 - 10:00 - 54 min\n\n"
    "Interviewer: How did it start?\n\nRespondent: With a letter from the city.\n\n"
    "Transcribed by https://otter.ai\n"
)


@drive
async def test_the_preamble_is_shown_dimmed_before_the_first_turn(
    project: Project, make_file: MakeFile
) -> None:
    report = import_paths(project, [make_file(TEXT, "panel.txt")], lang="en")
    document_id = report.imported[0].document_id
    assert document_id is not None and report.imported[0].preambles == 2
    app = QualcopeApp(project)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_document(document_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        shown = screen_text(app)
        for line in ("Interview 7 - mobility panel", "With a letter", "Transcribed by"):
            assert line in shown, shown
        assert shown.index("Interview 7") < shown.index("How did it start?")
        view = screen.query_one(TranscriptView)
        layout = view.layout_
        assert layout is not None
        blocks = layout.block_list
        assert [b.preamble for b in blocks] == [True, False, False, True]
        assert [b.interviewer for b in blocks] == [False, True, False, False]
        # The cursor starts on the first sentence a speaker said, not on the title.
        assert screen.doc is not None
        start, end = screen.doc.selection.span
        assert TEXT[start:end] == "How did it start?"
