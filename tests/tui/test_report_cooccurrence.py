"""``o`` on the report screen: the co-occurrence of codes by codes, driven as a user would.

Which strategy goes with which conflict: the rows and columns are codes (a group gives its
codes), the unit a segment, turn, overlap or link; Enter on a cell opens the passages where
the two codes meet; the choices are remembered, and ``o`` again brings the cross-tab back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Select, Static

from qualcope.report.model import CooccurrenceRequest, CrosstabRequest
from qualcope.services import report_settings, reports
from qualcope.services.project import Project
from qualcope.tui.widgets.report_grid import ReportGrid
from qualcope.tui.widgets.report_quotes import QuotesView
from tests.report.builder import CONFLICTS, STRATEGIES, Built, build_project
from tests.tui.report_host import ReportHost, export_to, settle

SIZE = (100, 30)


@pytest.fixture
def built_project(tmp_path: Path) -> Iterator[tuple[Project, Built]]:
    report_settings.forget_session()
    with Project.create(tmp_path / "project.db", "tester") as project:
        yield project, build_project(project)
    report_settings.forget_session()


def grid_counts(screen: Screen[Any]) -> list[list[int]]:
    grid = screen.query_one(ReportGrid)
    rows = [[c.plain.strip() for c in grid.get_row_at(i)] for i in range(grid.row_count)]
    return [[int(v) for v in row[1:]] for row in rows]


def title(screen: Screen[Any]) -> str:
    return str(screen.query_one("#report-title", Static).render())


async def choose(pilot: Pilot[Any], **values: str) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#{name}", Select).value = value
    await settle(pilot)


def test_o_shows_which_strategy_goes_with_which_conflict_and_enter_its_passages(
    built_project: tuple[Project, Built],
) -> None:
    project, built = built_project
    request = CooccurrenceRequest(rows=(CONFLICTS,), cols=(STRATEGIES,), within="turn")
    expected = reports.cooccurrence(project, request)
    label_of = {coding_id: label for label, coding_id in built.codings.items()}

    async def body() -> None:
        app = ReportHost(project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            await pilot.press("o")
            await settle(pilot)
            assert title(screen).startswith("Co-occurrence of codes — unit: segment")
            assert not screen.query_one("#crosstab-row").display
            assert not screen.query_one("#codes").display  # the rows and columns choose codes
            await choose(pilot, co_rows=CONFLICTS, co_cols=STRATEGIES, within="turn")
            assert title(screen).startswith("Co-occurrence of codes — unit: turn")
            assert grid_counts(screen) == [list(row) for row in expected.counts]

            grid = screen.query_one(ReportGrid)
            grid.focus()
            grid.cursor_coordinate = Coordinate(0, 1)  # Inclusion vs quality × Avoidance
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, QuotesView)
            assert {label_of[q.coding_id] for q in app.screen.quotes} == {"c1", "c2", "c4"}
            await pilot.press("escape")
            await settle(pilot)

            await pilot.press("o")  # back to the cross-tab, as it was
            await settle(pilot)
            assert screen.query_one("#crosstab-row").display
            assert title(screen).startswith("Codes by role")

    asyncio.run(body())


def test_the_mode_and_its_choices_are_remembered_and_exported_as_shown(
    built_project: tuple[Project, Built], tmp_path: Path
) -> None:
    project, _ = built_project
    request = CooccurrenceRequest(rows=(CONFLICTS,), cols=(STRATEGIES,), within="link")
    expected = reports.cooccurrence(project, request)

    async def body() -> None:
        app = ReportHost(project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("o")
            await choose(pilot, co_rows=CONFLICTS, co_cols=STRATEGIES, within="link")
            await export_to(pilot, tmp_path / "links.md")
            await pilot.press("escape")  # leave the report screen
            await settle(pilot)

        report_settings.forget_session()  # as after a restart: read from the project
        again = ReportHost(project)
        async with again.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = again.screen
            assert title(screen).startswith("Codes joined by coding links")
            assert screen.query_one("#within", Select).value == "link"
            assert grid_counts(screen) == [list(row) for row in expected.counts]

    asyncio.run(body())
    written = (tmp_path / "links.md").read_text(encoding="utf-8")
    assert "Codes joined by coding links" in written
    assert "| Inclusion vs quality | 0 | 1 | 0 |" in written  # c3 (Escalation) -> c4


def test_a_co_occurrence_of_every_code_keeps_the_cross_tab_choices_apart(
    built_project: tuple[Project, Built],
) -> None:
    project, _ = built_project
    [crosstab] = reports.crosstab(project, CrosstabRequest(rows="code", cols="case"))

    async def body() -> None:
        app = ReportHost(project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            await choose(pilot, cols="case")
            await pilot.press("o")
            await settle(pilot)
            whole = reports.cooccurrence(project, CooccurrenceRequest())
            assert grid_counts(screen) == [list(row) for row in whole.counts]
            await pilot.press("o")
            await settle(pilot)
            assert screen.query_one("#cols", Select).value == "case"
            assert grid_counts(screen) == [list(row) for row in crosstab.counts]

    asyncio.run(body())


def test_an_empty_table_leaves_no_cell_named_under_it(tmp_path: Path) -> None:
    """A project without codes: the cross-tab has only its Total, the co-occurrence nothing;
    the line under the grid must not keep naming the cross-tab's cell."""
    report_settings.forget_session()

    async def body(project: Project) -> None:
        app = ReportHost(project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            path_line = screen.query_one("#report-path", Static)
            assert "Total" in str(path_line.render())
            await pilot.press("o")
            await settle(pilot)
            assert screen.query_one(ReportGrid).row_count == 0
            assert str(path_line.render()).strip() == ""

    with Project.create(tmp_path / "empty.db", "tester") as project:
        asyncio.run(body(project))
    report_settings.forget_session()
