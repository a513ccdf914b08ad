"""The report screen: pick rows, columns, by, unit, percent and filters; the cross-tab follows.

Self-contained: push ``ReportScreen(project)`` from any app. Every database
call runs in a thread worker that reports back with a typed message, so the
screen stays responsive on a large project. Made to work at 80x24: one line of
compact choices per row, short row labels in a frozen column (the full path of
the focused cell on the line under the table), a table per value of ``by`` as
tabs (``[`` ``]``), the filters in the table's title and a warning when several
coders' codings are counted together. Enter on a cell opens the coded passages
behind it, and Enter on a passage its transcript with the passage selected;
``e`` exports the tables (as shown: cut to the top N). ``o`` turns the screen to the
co-occurrence of codes by codes within a segment, turn, overlap or link (the finding "which
strategy goes with which conflict"), Enter on a cell opening the passages where the two codes
meet; ``o`` again returns to the cross-tab. ``t`` keeps the top 10 /
20 / 40 rows and columns by total and ``l`` switches to the long layout, one pair per
line (``widgets.report_view``). The last choices are remembered per coder
(``services.report_settings``). Untrusted text (code, case, participant names)
is shown as rich ``Text``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Select, Static, Tab, Tabs

from qualcope.errors import QualcopeError
from qualcope.report.matrix_limits import cut_note
from qualcope.report.model import (
    CooccurrenceRequest,
    CrosstabRequest,
    Filters,
    Quote,
    ReportTable,
)
from qualcope.services import codebook, report_settings, reports
from qualcope.services.cooccurrence_passages import cell_passages
from qualcope.services.project import Project
from qualcope.tui import actions
from qualcope.tui.widgets import report_view as view
from qualcope.tui.widgets.report_choices import (
    COOCCURRENCE,
    CROSSTAB,
    DEFAULTS,
    cooccurrence_request,
    crosstab_request,
)
from qualcope.tui.widgets.report_choices import dimensions as _dimensions
from qualcope.tui.widgets.report_coders import CodersNotice
from qualcope.tui.widgets.report_controls import ReportControls
from qualcope.tui.widgets.report_export import ExportPrompt
from qualcope.tui.widgets.report_grid import ReportGrid
from qualcope.tui.widgets.report_quotes import QuotesView
from qualcope.tui.widgets.report_view import LONG, WIDE


class ReportScreen(Screen[None]):
    """A live cross-tab of the project."""

    DEFAULT_CSS = """
    ReportScreen { layout: vertical; }
    ReportScreen #report-controls { height: auto; padding: 0 1; }
    ReportScreen .report-row { height: 1; }
    ReportScreen .report-row Select { width: 1fr; margin: 0 1 0 0; }
    ReportScreen .report-row #codes, ReportScreen .report-row #co_rows,
    ReportScreen .report-row #co_cols { width: 2fr; }
    ReportScreen .report-row #within { width: 21; }
    ReportScreen .report-row SelectCurrent Static#label {
        height: 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    ReportScreen #codes > SelectOverlay, ReportScreen #co_rows > SelectOverlay,
    ReportScreen #co_cols > SelectOverlay { width: 90vw; max-width: 110; }
    ReportScreen .report-row Checkbox { width: auto; }
    ReportScreen #report-title { height: auto; max-height: 2; padding: 0 1; }
    ReportScreen #report-coders { height: auto; max-height: 4; padding: 0 1; color: $warning; }
    ReportScreen #report-tabs { height: 2; }
    ReportScreen #report-table { height: 1fr; }
    ReportScreen #report-path { height: 1; padding: 0 1; color: $text-muted; }
    ReportScreen #report-notes { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """
    WHERE = actions.REPORT
    AUTO_FOCUS = "#report-table"
    BINDINGS = actions.bindings(actions.REPORT)

    class OptionsLoaded(Message):
        def __init__(
            self,
            options: reports.ReportOptions,
            dimensions: list[tuple[str, str]],
            settings: dict[str, Any],
            names: dict[str, tuple[str, int]],
        ) -> None:
            super().__init__()
            self.names = names
            self.options = options
            self.dimensions = dimensions
            self.settings = settings

    class Computed(Message):
        """The tables (or the error) for request number ``generation``."""

        def __init__(self, generation: int, tables: list[ReportTable], error: str = "") -> None:
            super().__init__()
            self.generation = generation
            self.tables = tables
            self.error = error

    class QuotesReady(Message):
        def __init__(self, title: str, quotes: list[Any]) -> None:
            super().__init__()
            self.title = title
            self.quotes = quotes

    class PassageFound(Message):
        def __init__(self, document_id: int, start: int, end: int) -> None:
            super().__init__()
            self.document_id, self.start, self.end = document_id, start, end

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.computed: list[ReportTable] = []  # the tables as the service made them
        self.tables: list[ReportTable] = []  # as shown: cut to the top N rows and columns
        self.top_n, self.grid_layout = 0, WIDE
        self.top_shown = 0  # top_n, or a cut when 'all' is too large for the grid
        self.mode = CROSSTAB
        self.requested: CrosstabRequest | CooccurrenceRequest | None = None  # last asked
        self.shown_request: CrosstabRequest | CooccurrenceRequest | None = None  # on screen
        self.shown = 0  # index of the table on screen (by: one per value, then pooled)
        self.filters = Filters()
        self.generation = 0
        self._ready = False
        self._kept: dict[str, Any] = {}  # the settings last kept in the project

    @property
    def table(self) -> ReportTable | None:
        return self.tables[self.shown] if self.tables else None

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield ReportControls(id="report-controls")
        yield Static(Text("loading…"), id="report-title")
        yield CodersNotice(Text(""), id="report-coders")
        yield Tabs(id="report-tabs")
        yield ReportGrid(id="report-table")
        yield Static(Text(""), id="report-path")
        yield Static(Text(""), id="report-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Tabs).display = False
        self.query_one("#report-coders").display = False
        self.query_one(ReportControls).show_mode(self.mode)
        self.load_options()

    # ---------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, group="report-options")
    def load_options(self) -> None:
        try:
            settings = report_settings.load(self.project)
        except QualcopeError:
            settings = {}
        options = reports.options(self.project)
        names = {node.path: (node.name, node.depth) for node in codebook.tree(self.project)}
        dims = _dimensions(self.project)
        self.post_message(self.OptionsLoaded(options, dims, settings, names))

    @work(thread=True, exclusive=True, group="report-table")
    def compute(self, generation: int, request: CrosstabRequest | CooccurrenceRequest) -> None:
        try:
            if isinstance(request, CooccurrenceRequest):
                tables = [reports.cooccurrence(self.project, request)]
            else:
                tables = reports.crosstab(self.project, request)
        except QualcopeError as exc:
            self.post_message(self.Computed(generation, [], str(exc)))
            return
        self.post_message(self.Computed(generation, tables))

    @work(thread=True, exclusive=True, group="report-settings")
    def save_settings(self, settings: dict[str, Any]) -> None:
        try:
            report_settings.save(self.project, settings)
        except QualcopeError:
            pass  # a read-only or busy project: the session still remembers them

    @work(thread=True, group="report-quotes")
    def fetch_quotes(
        self,
        table: ReportTable,
        row: int,
        col: int,
        request: CrosstabRequest | CooccurrenceRequest,
    ) -> None:
        try:
            if isinstance(request, CooccurrenceRequest):
                found = cell_passages(self.project, request, table, row, col)
            else:
                found = reports.cell_quotes(self.project, table, row, col, request.filters)
        except QualcopeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        label = " / ".join(table.rows[row]) + " × " + table.columns[col]
        self.post_message(self.QuotesReady(label, found))

    @work(thread=True, group="report-passage")
    def find_passage(self, coding_id: int) -> None:
        try:
            found = report_settings.passage(self.project, coding_id)
        except QualcopeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.post_message(self.PassageFound(*found))

    @work(thread=True, group="report-export")
    def write_export(self, tables: list[ReportTable], path: str) -> None:
        try:
            fmt = reports.export_tables(tables, Path(path))
        except QualcopeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        cut = cut_note(tables) if fmt == "csv" else None  # a bare CSV holds no notes
        said = f"wrote {path} ({fmt})" + (f": {cut}" if cut else "")
        self.app.call_from_thread(self.notify, said, markup=False)

    # --------------------------------------------------------------- messages
    def on_report_screen_options_loaded(self, message: OptionsLoaded) -> None:
        self.query_one(ReportGrid).names = message.names
        chosen = {**DEFAULTS, **message.settings}  # a setting kept before it existed
        self._kept = dict(message.settings)
        self.top_n, self.grid_layout = view.chosen(chosen)
        self.mode = COOCCURRENCE if chosen["mode"] == COOCCURRENCE else CROSSTAB
        controls = self.query_one(ReportControls)
        with self.prevent(Select.Changed, Checkbox.Changed):
            controls.fill(message.options, message.dimensions, chosen)
            controls.show_mode(self.mode)
        self._ready = True
        self.refresh_table()

    async def on_report_screen_computed(self, message: Computed) -> None:
        if message.generation != self.generation:
            return  # an older request finished after a newer one started
        title = self.query_one("#report-title", Static)
        if not message.tables:
            title.update(Text(message.error or "no table", style="bold red"))
            return
        keep = self.tables[self.shown].by if self.tables else None
        self.shown_request = self.requested
        self.computed = message.tables
        self._cut()
        found = [i for i, t in enumerate(self.tables) if keep is not None and t.by == keep]
        self.shown = found[0] if found else 0
        tabs = self.query_one(Tabs)
        if len(self.tables) > 1:
            await tabs.clear()
            for i, table in enumerate(self.tables):
                label = table.by[1] if table.by else table.title
                await tabs.add_tab(Tab(Text(label, no_wrap=True), id=f"by-{i}"))
            tabs.active = f"by-{self.shown}"
            tabs.display = True
        else:
            tabs.display = False
        self._show()

    @on(Tabs.TabActivated, "#report-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        index = int((event.tab.id or "by-0").removeprefix("by-"))
        if index != self.shown and index < len(self.tables):
            self.shown = index
            self._show()

    def on_report_screen_quotes_ready(self, message: QuotesReady) -> None:
        def chosen(quote: Quote | None) -> None:
            if quote is not None:
                self.find_passage(quote.coding_id)

        self.app.push_screen(QuotesView(message.title, message.quotes), chosen)

    async def on_report_screen_passage_found(self, message: PassageFound) -> None:
        """Open the transcript on the coding screen with the passage selected."""
        if not hasattr(self.app, "open_document"):
            self.notify("open the workspace (qualcope) to read transcripts", severity="warning")
            return
        from qualcope.tui.screens.coding import CodingScreen

        screen = CodingScreen(message.document_id)
        await self.app.push_screen(screen)
        screen.open(message.document_id, then=(message.start, message.end))

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self._ready:
            self.refresh_table()

    @on(DataTable.CellSelected)
    def _open_cell(self, event: DataTable.CellSelected) -> None:
        cell = self.query_one(ReportGrid).cell_at(event.coordinate.row, event.coordinate.column)
        if self.table is not None and cell is not None and self.shown_request is not None:
            self.fetch_quotes(self.table, *cell, self.shown_request)

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        grid = self.query_one(ReportGrid)
        where = grid.path_at(event.coordinate.row, event.coordinate.column)
        line = Text(where, no_wrap=True, overflow="ellipsis")
        self.query_one("#report-path", Static).update(line)

    # ---------------------------------------------------------------- helpers
    def settings(self) -> dict[str, Any]:
        """The choices on screen, as ``report_settings`` keeps them."""
        out = self.query_one(ReportControls).values()
        out["mode"] = self.mode
        out["top"], out["layout"] = self.top_n, self.grid_layout
        return out

    def request(self) -> CrosstabRequest | CooccurrenceRequest:
        chosen = self.settings()
        if self.mode == COOCCURRENCE:
            self.filters, found = cooccurrence_request(chosen)
            return found
        self.filters, request = crosstab_request(chosen)
        return request

    def refresh_table(self) -> None:
        self.generation += 1
        self.query_one("#report-title", Static).update(Text("computing…"))
        self.requested = self.request()
        self.compute(self.generation, self.requested)
        self._keep_settings()

    def _keep_settings(self) -> None:
        settings = self.settings()
        report_settings.remember(self.project, settings)
        if settings != self._kept:  # nothing written for a coder who only looks
            self._kept = settings
            self.save_settings(settings)

    def _show(self) -> None:
        table = self.table
        if table is None:
            return
        grid = self.query_one(ReportGrid)
        grid.show(table, self.grid_layout)
        if not grid.row_count:  # no cell to highlight: the last table's path would stay
            self.query_one("#report-path", Static).update(Text(""))
        title = view.title_text(table, self.filters, self.top_shown, self.grid_layout)
        self.query_one("#report-title", Static).update(title)
        notes = self.query_one(CodersNotice).show(table)
        notes = view.screen_notes(
            notes,
            self.top_shown,
            self.grid_layout,
            table.margins,
            capped=self.top_shown != self.top_n,
        )
        self.query_one("#report-notes", Static).update(Text(" ".join(notes)))

    # ---------------------------------------------------------------- actions
    def action_refresh(self) -> None:
        self.refresh_table()

    def action_cycle_top(self) -> None:
        """All / top 10 / 20 / 40 rows and columns: cut in memory, no new query."""
        self.top_n = view.next_top(self.top_n)
        self._cut()
        self._show()
        self._keep_settings()

    def _cut(self) -> None:
        """The tables as shown: cut to the top N chosen, or to fit the grid (``top_shown``).
        In memory, no new query."""
        self.top_shown = view.top_shown(self.computed, self.top_n, self.grid_layout)
        self.tables = view.limited(self.computed, self.top_shown)

    def action_toggle_cooccurrence(self) -> None:
        """Between the cross-tab and the co-occurrence of codes by codes."""
        self.mode = CROSSTAB if self.mode == COOCCURRENCE else COOCCURRENCE
        self.query_one(ReportControls).show_mode(self.mode)
        self.shown = 0
        self.refresh_table()

    def action_toggle_layout(self) -> None:
        self.grid_layout = LONG if self.grid_layout == WIDE else WIDE
        self._cut()
        self._show()
        self._keep_settings()

    def action_previous_table(self) -> None:
        if len(self.tables) > 1:
            self.query_one(Tabs).action_previous_tab()

    def action_next_table(self) -> None:
        if len(self.tables) > 1:
            self.query_one(Tabs).action_next_tab()

    def action_export(self) -> None:
        if not self.tables:
            self.notify("nothing to export yet", severity="warning")
            return
        tables = list(self.tables)

        def chosen(path: str | None) -> None:
            if path:
                self.write_export(tables, path)

        self.app.push_screen(ExportPrompt(), chosen)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
