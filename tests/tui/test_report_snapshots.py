"""SVG snapshots of the report screen at 80x24 and 120x36: the table, and a split by case.

Update after an intended change with:
pytest tests/tui/test_report_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Select

from qualcope.services import report_settings
from qualcope.services.project import Project
from qualcope.tui.screens.report import ReportScreen
from tests.report.builder import build_project

SIZES = [(80, 24), (120, 36)]


class Host(App[None]):
    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def on_mount(self) -> None:
        self.push_screen(ReportScreen(self.project))


@pytest.fixture
def report_project(project: Project) -> Project:
    build_project(project)
    report_settings.forget_session()
    return project


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(6):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def chosen(**values: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for name, value in values.items():
            pilot.app.screen.query_one(f"#{name}", Select).value = value
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_screen(report_project: Project, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(Host(report_project), terminal_size=size, run_before=chosen())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_by_case(report_project: Project, snap_compare: Any, size: tuple[int, int]) -> None:
    run_before = chosen(by="case", coder="ana")
    assert snap_compare(Host(report_project), terminal_size=size, run_before=run_before)
