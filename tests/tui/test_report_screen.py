"""The report screen on a minimal host app, driven with the pilot as a user would."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, OptionList, Select, Static

from qualcope.db.models import Code
from qualcope.services.project import Project
from qualcope.tui.screens.report import ReportScreen
from qualcope.tui.widgets.report_export import ExportPrompt
from qualcope.tui.widgets.report_quotes import QuotesView
from tests.report.builder import STRATEGIES, build_project

HOSTILE = "[@click=app.quit]Trust[/]"


class Host(App[None]):
    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def on_mount(self) -> None:
        self.push_screen(ReportScreen(self.project))


@pytest.fixture
def report_project(project: Project) -> Project:
    build_project(project)
    with project.write("add a hostile code") as session:
        session.add(Code(name=HOSTILE, name_key=HOSTILE.casefold(), kind="code", sort_order=99))
    return project


async def settle(app: App[None], pilot: Pilot[None]) -> None:
    for _ in range(6):
        await app.workers.wait_for_complete()
        await pilot.pause()


def cells(screen: ReportScreen) -> dict[str, list[str]]:
    grid = screen.query_one(DataTable)
    rows = [grid.get_row_at(i) for i in range(grid.row_count)]
    return {row[0].plain.strip(): [cell.plain for cell in row[1:]] for row in rows}


def test_choose_unit_filter_open_quotes_and_export(
    report_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    async def body() -> None:
        app = Host(report_project)
        async with app.run_test(size=(150, 45)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, ReportScreen)
            table = cells(screen)
            # the whole tree, codings by role: Avoidance 4 | 1, the unused code listed with 0
            assert table["Avoidance"] == ["4", "1", "5"]  # the leaf: the path is under the table
            assert table[HOSTILE] == ["0", "0", "0"]  # shown literally, no action fired
            assert "unit: codings" in str(screen.query_one("#report-title", Static).render())

            screen.query_one("#unit", Select).value = "participants"
            screen.query_one("#codes", Select).value = STRATEGIES
            await settle(app, pilot)
            table = cells(screen)
            assert list(table) == ["Avoidance", "Escalation", "Balancing", "Total"]
            assert table["Avoidance"] == ["2", "1", "3"]

            screen.query_one("#percent", Select).value = "row"
            screen.query_one(Checkbox).value = True  # interviewer turns counted too
            await settle(app, pilot)
            assert cells(screen)["Escalation"] == ["1 (33.3%)", "2 (66.7%)", "3"]

            grid = screen.query_one(DataTable)
            grid.focus()
            grid.move_cursor(row=0, column=2)  # Avoidance x public servant
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, QuotesView)
            found = app.screen.query_one(OptionList)
            shown = " ".join(
                str(found.get_option_at_index(i).prompt) for i in range(found.option_count)
            )
            assert "escalated it. Too s" in shown and "Ben (public servant)" in shown
            await pilot.press("escape")
            assert app.screen is screen

            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, ExportPrompt)
            app.screen.query_one(Input).value = "table.md"
            await pilot.press("enter")
            await settle(app, pilot)
            assert "| Avoidance |" in (tmp_path / "table.md").read_text(encoding="utf-8")

    asyncio.run(body())


def test_a_mistake_shows_in_the_status_line(report_project: Project) -> None:
    async def body() -> None:
        app = Host(report_project)
        async with app.run_test(size=(150, 45)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            screen.query_one("#cols", Select).value = "code"  # rows is code too
            await settle(app, pilot)
            status = str(screen.query_one("#report-title", Static).render())
            assert "must be different" in status
            assert app.is_running

    asyncio.run(body())


def test_snapshot_of_the_report_screen(report_project: Project, snap_compare: Any) -> None:
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot.app, pilot)
        pilot.app.screen.query_one("#codes", Select).value = STRATEGIES
        await settle(pilot.app, pilot)

    assert snap_compare(Host(report_project), terminal_size=(120, 34), run_before=ready)
