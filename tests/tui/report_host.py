"""An app that opens the report screen over a plain base screen, so Esc can leave it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from qualcope.services.project import Project
from qualcope.tui.screens.report import ReportScreen
from qualcope.tui.widgets.report_export import ExportPrompt


class ReportHost(App[None]):
    """A base screen with the report screen on top, so Esc can leave it."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def on_mount(self) -> None:
        self.push_screen(Screen())
        self.push_screen(ReportScreen(self.project))


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the screen's workers (queries, exports) and what they post to be drawn."""
    for _ in range(6):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def export_to(pilot: Pilot[Any], path: Path) -> None:
    """Press e, give the file name, press Enter, and wait for the file to be written."""
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportPrompt)
    pilot.app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
