"""The report screen at 80 columns, driven as a user would: short labels, numbers in view,
a split by case as tabs, the filters in the title, the coders warning, settings that survive
leaving the screen (and a restart), and Enter on a quote that opens its transcript."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import OptionList, Select, Static, Tabs

from qualcope.services import report_settings
from qualcope.services.project import Project
from qualcope.tui.app import QualcopeApp
from qualcope.tui.screens.coding import CodingScreen
from qualcope.tui.screens.report import ReportScreen
from qualcope.tui.widgets.report_grid import ReportGrid
from qualcope.tui.widgets.report_quotes import QuotesView
from tests.report.builder import AVOID, CITIZEN, build_project
from tests.tui.report_host import ReportHost, settle

SIZE = (80, 24)


@pytest.fixture
def report_project(project: Project) -> Project:
    build_project(project)
    report_settings.forget_session()
    return project


def labels(screen: ReportScreen) -> list[str]:
    grid = screen.query_one(ReportGrid)
    return [grid.get_row_at(i)[0].plain for i in range(grid.row_count)]


def text_of(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def run(body: Any) -> None:
    asyncio.run(body())


def test_short_labels_and_numbers_in_view_at_80_columns(report_project: Project) -> None:
    async def body() -> None:
        app = ReportHost(report_project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportScreen)
            assert "  Avoidance" in labels(screen)  # the leaf, indented under its group
            assert not any("/" in label for label in labels(screen))
            grid = screen.query_one(ReportGrid)
            widths = [column.get_render_width(grid) for column in grid.ordered_columns]
            assert widths[0] + widths[1] < SIZE[0]  # the first column of numbers is shown
            assert grid.has_focus  # arrows and Enter work at once
            row = labels(screen).index("  Avoidance")
            grid.move_cursor(row=row, column=1)
            await settle(pilot)
            assert text_of(screen, "#report-path") == f"{AVOID} × {CITIZEN}"

            for _ in range(len(grid.columns)):  # to Total, the last column
                await pilot.press("right")
            await settle(pilot)
            assert grid.cursor_coordinate.column == len(grid.columns) - 1
            assert grid.fixed_columns == 1  # the labels stay while the numbers scroll
            assert text_of(screen, "#report-path") == AVOID  # Total: the row alone

    run(body)


def test_split_by_case_as_tabs_and_filters_in_the_title(report_project: Project) -> None:
    async def body() -> None:
        app = ReportHost(report_project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportScreen)
            tabs = screen.query_one(Tabs)
            assert not tabs.display
            screen.query_one("#by", Select).value = "case"
            await settle(pilot)
            assert tabs.display and tabs.tab_count == 3  # Care, Mobility, (pooled)
            assert screen.table is not None and screen.table.by == ("case", "Care")
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert screen.table.by == ("case", "Mobility")
            assert tabs.active == "by-1"
            await pilot.press("left_square_bracket")
            await settle(pilot)
            assert screen.table.by == ("case", "Care")

            assert "all coders" in text_of(screen, "#report-title")
            screen.query_one("#coder", Select).value = "ana"
            screen.query_one("#role", Select).value = CITIZEN
            await settle(pilot)
            title = text_of(screen, "#report-title")
            assert "coder: ana" in title and f"roles: {CITIZEN}" in title
            assert "interviewer turns out" in title
            assert screen.table.by == ("case", "Care")  # the tab shown is kept

    run(body)


def test_several_coders_summed_are_named(report_project: Project) -> None:
    async def body() -> None:
        app = ReportHost(report_project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            notice = screen.query_one("#report-coders", Static)
            assert notice.display
            said = str(notice.render())
            assert "Coders counted: ana, bo" in said and "coded by more than one" in said
            assert "--coder" not in said  # the screen's words, not the CLI's
            screen.query_one("#coder", Select).value = "bo"
            await settle(pilot)
            assert not notice.display

    run(body)


def test_settings_are_remembered_on_leaving_and_after_a_restart(
    report_project: Project,
) -> None:
    async def body() -> None:
        app = ReportHost(report_project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            screen.query_one("#rows", Select).value = "participant"
            screen.query_one("#unit", Select).value = "documents"
            screen.query_one("#case", Select).value = "Care"
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, ReportScreen)

            app.push_screen(ReportScreen(report_project))
            await settle(pilot)
            again = app.screen
            assert isinstance(again, ReportScreen)
            assert again.query_one("#rows", Select).value == "participant"
            assert again.query_one("#unit", Select).value == "documents"
            assert "cases: Care" in text_of(again, "#report-title")

        report_settings.forget_session()  # as a restart does
        assert report_settings.load(report_project)["case"] == "Care"
        app = ReportHost(report_project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.screen.query_one("#unit", Select).value == "documents"

    run(body)


def test_enter_on_a_quote_opens_the_transcript_at_the_passage(report_project: Project) -> None:
    async def body() -> None:
        app = QualcopeApp(report_project)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportScreen)
            grid = screen.query_one(ReportGrid)
            grid.move_cursor(row=labels(screen).index("  Avoidance"), column=1)
            await pilot.press("enter")
            await settle(pilot)
            quotes = app.screen
            assert isinstance(quotes, QuotesView)
            first = quotes.quotes[0]
            assert quotes.query_one(OptionList).has_focus
            await pilot.press("enter")
            await settle(pilot)
            await pilot.app.settled()
            await settle(pilot)
            coding = app.screen
            assert isinstance(coding, CodingScreen)
            assert coding.doc is not None
            assert coding.doc.selection.span == (first.start, first.end)
            await pilot.press("q")  # back to the report
            await settle(pilot)
            assert app.screen is screen

    run(body)
