"""An app that opens the report screen over a plain base screen, so Esc can leave it."""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen

from qualcope.services.project import Project
from qualcope.tui.screens.report import ReportScreen


class ReportHost(App[None]):
    """A base screen with the report screen on top, so Esc can leave it."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def on_mount(self) -> None:
        self.push_screen(Screen())
        self.push_screen(ReportScreen(self.project))
