"""The report screen on a 330-code project, driven as a user would: ``t`` keeps the top
10 / 20 / 40 codes (as ``--top N``), ``l`` shows one pair per line, largest first; both in
the title, Enter on a line opens its quotes, and both are remembered per coder."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Label, Select, Static

from qualcope.report import long_table, matrix_limits
from qualcope.report.model import CrosstabRequest, ReportTable
from qualcope.services import report_settings, reports
from qualcope.services.project import Project
from qualcope.tui.screens.report import ReportScreen
from qualcope.tui.widgets.report_grid import ReportGrid, clip
from qualcope.tui.widgets.report_quotes import QuotesView
from tests.report.wide_builder import generate
from tests.tui.report_host import ReportHost, export_to, settle

SIZE = (100, 30)


@pytest.fixture(scope="module")
def wide_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wide-tui") / "wide.db"
    generate(path, documents=6, codings=400)
    return path


@pytest.fixture
def wide(wide_path: Path, tmp_path: Path) -> Iterator[Project]:
    copy = tmp_path / "wide.db"  # each test keeps its own settings
    copy.write_bytes(wide_path.read_bytes())
    report_settings.forget_session()
    project = Project.open(copy, "ana")
    yield project
    project.close()
    report_settings.forget_session()


def grid_rows(screen: Screen[Any]) -> list[list[str]]:
    grid = screen.query_one(ReportGrid)
    return [[cell.plain.strip() for cell in grid.get_row_at(i)] for i in range(grid.row_count)]


def title(screen: Screen[Any]) -> str:
    return str(screen.query_one("#report-title", Static).render())


def notes(screen: Screen[Any]) -> str:
    return str(screen.query_one("#report-notes", Static).render())


def whole(project: Project) -> list[ReportTable]:
    return reports.crosstab(project, CrosstabRequest(rows="code", cols="role"))


def run(body: Any) -> None:
    asyncio.run(body())


def test_t_cycles_the_top_codes_as_the_cli_cuts_them(wide: Project) -> None:
    [expected] = matrix_limits.limit(whole(wide), 10)

    async def body() -> None:
        app = ReportHost(wide)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert len(grid_rows(screen)) == 331  # 330 codes and the total
            assert "top" not in title(screen)

            await pilot.press("t")
            await settle(pilot)
            shown = grid_rows(screen)
            assert len(shown) == 11  # the 10 codes with the highest totals, then Total
            assert [row[1:] for row in shown] == [
                [expected.cell(i, j) for j in range(len(expected.columns))]
                for i in range(len(expected.rows))
            ]
            assert shown[-1][0] == "Total" and shown[-1][1:] == [
                whole(wide)[0].cell(330, j) for j in range(4)
            ]  # the margins still count everything
            assert "top 10 by total" in title(screen)
            assert notes(screen).startswith("Shown: 10 of 330 rows and 3 of 3 columns")
            assert "--top" not in notes(screen)  # said in the screen's words

            await pilot.press("t")
            await settle(pilot)
            assert len(grid_rows(screen)) == 21 and "top 20 by total" in title(screen)
            await pilot.press("t")
            await settle(pilot)
            assert len(grid_rows(screen)) == 41 and "top 40 by total" in title(screen)
            await pilot.press("t")  # back to every code
            await settle(pilot)
            assert len(grid_rows(screen)) == 331 and "top" not in title(screen)
            assert not notes(screen).startswith("Shown:")

    run(body)


def test_an_export_of_the_top_codes_says_it_was_cut(wide: Project, tmp_path: Path) -> None:
    """A Markdown file carries the cut in its notes; a bare CSV has no room for notes, so the
    message that it was written says it."""

    async def body() -> None:
        app = ReportHost(wide)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            await export_to(pilot, tmp_path / "top.md")
            await export_to(pilot, tmp_path / "top.csv")
            said = [n.message for n in app._notifications]
        markdown = (tmp_path / "top.md").read_text(encoding="utf-8")
        assert "Shown: 10 of 330 rows" in markdown and "(top 10 on the report screen)" in markdown
        assert len((tmp_path / "top.csv").read_text(encoding="utf-8").splitlines()) == 12
        [csv_said] = [m for m in said if "top.csv" in m]
        assert "Shown: 10 of 330 rows" in csv_said and "--top" not in csv_said

    run(body)


def test_l_lists_one_pair_per_line_largest_first_and_enter_opens_its_quotes(
    wide: Project,
) -> None:
    [table] = matrix_limits.limit(whole(wide), 10)
    expected = long_table.cells(table)

    async def body() -> None:
        app = ReportHost(wide)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            await pilot.press("t", "l")
            await settle(pilot)
            grid = screen.query_one(ReportGrid)
            headers = [column.label.plain for column in grid.columns.values()]
            assert headers == ["Codes", "Role", "codings"]
            shown = grid_rows(screen)
            assert shown == [[clip(a), clip(b), text] for a, b, _n, text in expected]
            counts = [int(row[2]) for row in shown]
            assert counts == sorted(counts, reverse=True) and 0 not in counts
            assert "Total" not in {row[0] for row in shown} | {row[1] for row in shown}
            assert title(screen).endswith("top 10 by total · long layout")
            assert "Long layout: one line per cell" in notes(screen)
            path = str(screen.query_one("#report-path", Static).render())
            assert path.endswith(" × " + expected[0][1])  # the full labels of the focused pair

            await pilot.press("down", "enter")  # the second pair's coded passages
            await settle(pilot)
            assert isinstance(app.screen, QuotesView)
            shown_title = str(app.screen.query_one("#quotes-title", Label).render())
            assert f"({expected[1][2]} passages)" in shown_title
            assert expected[1][1] in shown_title
            await pilot.press("escape")
            await settle(pilot)

            await pilot.press("l")  # back to the grid
            await settle(pilot)
            assert len(grid_rows(screen)) == 11 and "long layout" not in title(screen)

    run(body)


def test_a_table_too_large_for_the_grid_shows_its_top_40_and_says_so(wide: Project) -> None:
    """Every code by every code is 330 x 330 cells: filled whole, the grid froze the screen for
    seconds. 'all' then shows the 40 with the highest totals, as --top 40 cuts them."""
    from qualcope.report.model import CooccurrenceRequest
    from qualcope.services.cooccurrence_passages import cell_passages

    [expected] = matrix_limits.limit([reports.cooccurrence(wide, CooccurrenceRequest())], 40)

    async def body() -> None:
        app = ReportHost(wide)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert len(grid_rows(screen)) == 331  # 330 codes by 3 roles: shown whole
            await pilot.press("o")
            await settle(pilot)
            shown = grid_rows(screen)
            assert len(shown) == 40
            assert [[int(v) for v in row[1:]] for row in shown] == [
                list(c) for c in expected.counts
            ]
            assert "top 40 by total" in title(screen)
            assert "too large to show whole" in notes(screen)
            grid = screen.query_one(ReportGrid)
            grid.focus()
            grid.move_cursor(row=2, column=4)  # a cell of the cut table: its own two codes
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, QuotesView)
            wanted = cell_passages(wide, CooccurrenceRequest(), expected, 2, 3)
            assert wanted and app.screen.quotes == wanted
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("t")  # 10, as chosen
            await settle(pilot)
            assert len(grid_rows(screen)) == 10 and "too large" not in notes(screen)

    run(body)


def test_the_keys_work_from_the_choices_too(wide: Project) -> None:
    async def body() -> None:
        app = ReportHost(wide)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            screen.query_one("#unit", Select).focus()
            await pilot.press("t", "l")
            await settle(pilot)
            assert title(screen).endswith("top 10 by total · long layout")
            assert screen.query_one("#unit", Select).has_focus

    run(body)


def test_top_and_layout_are_remembered_on_leaving_and_after_a_restart(wide: Project) -> None:
    async def body() -> None:
        app = ReportHost(wide)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("t", "t", "l")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, ReportScreen)
            app.push_screen(ReportScreen(wide))
            await settle(pilot)
            assert title(app.screen).endswith("top 20 by total · long layout")

        report_settings.forget_session()  # as a restart does
        kept = report_settings.load(wide)
        assert kept["top"] == 20 and kept["layout"] == "long"
        app = ReportHost(wide)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert title(app.screen).endswith("top 20 by total · long layout")
            assert len(app.screen.query_one(ReportGrid).columns) == 3

    run(body)


def test_odd_or_older_kept_values_fall_back_to_all_and_wide(wide: Project) -> None:
    report_settings.save(wide, {"rows": "code", "top": 7, "layout": "diagonal"})
    report_settings.forget_session()

    async def body() -> None:
        app = ReportHost(wide)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "top" not in title(app.screen) and "long" not in title(app.screen)
            assert len(grid_rows(app.screen)) == 331

    run(body)
