"""The report screen: pick rows, columns, unit, percent and filters; the cross-tab follows.

Self-contained: push ``ReportScreen(project)`` from any app. Every database
call runs in a thread worker that reports back with a typed message, so the
screen stays responsive on a large project. Enter on a cell opens the coded
passages behind it; ``e`` exports the table (format from the file extension).
Untrusted text (code, case, participant names) is shown as rich ``Text``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Label, Select, Static

from qualcope.errors import QualcopeError
from qualcope.report.model import DIMENSIONS, PERCENTS, UNITS, CrosstabRequest, Filters, ReportTable
from qualcope.services import reports
from qualcope.services.project import Project
from qualcope.tui import actions
from qualcope.tui.widgets.report_export import ExportPrompt
from qualcope.tui.widgets.report_quotes import QuotesView

ALL = "__all__"


def _choices(values: tuple[str, ...] | list[str], prefix: str = "") -> list[tuple[Text, str]]:
    """Select options whose labels say what they choose ('rows: code')."""
    return [(Text(f"{prefix}{v}"), v) for v in values]


class ReportScreen(Screen[None]):
    """A live cross-tab of the project."""

    DEFAULT_CSS = """
    ReportScreen { layout: vertical; }
    ReportScreen #report-controls { height: auto; padding: 0 1; }
    ReportScreen .report-row { height: 3; }
    ReportScreen .report-row Select { width: 1fr; margin: 0 1 0 0; }
    ReportScreen .report-row Checkbox { width: auto; }
    ReportScreen #report-status { height: auto; padding: 0 1; color: $text-muted; }
    ReportScreen #report-table { height: 1fr; }
    ReportScreen #report-notes { height: auto; max-height: 8; padding: 0 1; color: $text-muted; }
    """
    WHERE = actions.REPORT
    BINDINGS = actions.bindings(actions.REPORT)

    class OptionsLoaded(Message):
        def __init__(self, options: reports.ReportOptions) -> None:
            super().__init__()
            self.options = options

    class Computed(Message):
        """A table (or the error) for request number ``generation``."""

        def __init__(self, generation: int, table: ReportTable | None, error: str = "") -> None:
            super().__init__()
            self.generation = generation
            self.table = table
            self.error = error

    class QuotesReady(Message):
        def __init__(self, title: str, quotes: list[Any]) -> None:
            super().__init__()
            self.title = title
            self.quotes = quotes

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.table: ReportTable | None = None
        self.filters = Filters()
        self.generation = 0
        self._ready = False

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        with Vertical(id="report-controls"):
            yield Label(Text("Report: cross-tab", style="bold"))
            with Horizontal(classes="report-row"):
                rows, cols = _choices(DIMENSIONS, "rows: "), _choices(DIMENSIONS, "columns: ")
                yield Select(rows, value="code", allow_blank=False, id="rows")
                yield Select(cols, value="role", allow_blank=False, id="cols")
                yield Select(
                    _choices(UNITS, "unit: "), value="codings", allow_blank=False, id="unit"
                )
                yield Select(
                    _choices(PERCENTS, "percent: "), value="none", allow_blank=False, id="percent"
                )
            with Horizontal(classes="report-row"):
                for name, label in (("codes", "codes"), ("role", "roles"), ("case", "cases"),
                                    ("coder", "coders")):  # fmt: skip
                    yield Select([(Text(f"all {label}"), ALL)], value=ALL, allow_blank=False,
                                 id=name)  # fmt: skip
                yield Checkbox("interviewer turns", value=False, id="interviewer")
        yield Static(Text("loading…"), id="report-status")
        yield DataTable(id="report-table", cursor_type="cell", zebra_stripes=True)
        yield Static(Text(""), id="report-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.load_options()

    # ---------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, group="report-options")
    def load_options(self) -> None:
        self.post_message(self.OptionsLoaded(reports.options(self.project)))

    @work(thread=True, exclusive=True, group="report-table")
    def compute(self, generation: int, request: CrosstabRequest) -> None:
        try:
            [table] = reports.crosstab(self.project, request)
        except QualcopeError as exc:
            self.post_message(self.Computed(generation, None, str(exc)))
            return
        self.post_message(self.Computed(generation, table))

    @work(thread=True, group="report-quotes")
    def fetch_quotes(self, table: ReportTable, row: int, col: int, filters: Filters) -> None:
        try:
            found = reports.cell_quotes(self.project, table, row, col, filters)
        except QualcopeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        label = " / ".join(table.rows[row]) + " × " + table.columns[col]
        self.post_message(self.QuotesReady(label, found))

    @work(thread=True, group="report-export")
    def write_export(self, table: ReportTable, path: str) -> None:
        try:
            fmt = reports.export_tables([table], Path(path))
        except QualcopeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"wrote {path} ({fmt})", markup=False)

    # --------------------------------------------------------------- messages
    def on_report_screen_options_loaded(self, message: OptionsLoaded) -> None:
        options = message.options
        groups = [(Text(path), path) for path, _kind in options.codes]
        values = {"codes": groups, "role": _choices(options.roles),
                  "case": _choices(options.cases), "coder": _choices(options.coders)}  # fmt: skip
        labels = {"codes": "codes", "role": "roles", "case": "cases", "coder": "coders"}
        for name, items in values.items():
            self.query_one(f"#{name}", Select).set_options(
                [(Text(f"all {labels[name]}"), ALL), *items]
            )
            self.query_one(f"#{name}", Select).value = ALL
        self._ready = True
        self.refresh_table()

    def on_report_screen_computed(self, message: Computed) -> None:
        if message.generation != self.generation:
            return  # an older request finished after a newer one started
        status = self.query_one("#report-status", Static)
        if message.table is None:
            status.update(Text(message.error, style="bold red"))
            return
        self.table = message.table
        self._fill(message.table)
        status.update(Text(message.table.caption()))
        self.query_one("#report-notes", Static).update(Text("\n".join(message.table.all_notes())))

    def on_report_screen_quotes_ready(self, message: QuotesReady) -> None:
        self.app.push_screen(QuotesView(message.title, message.quotes))

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self._ready:
            self.refresh_table()

    @on(DataTable.CellSelected)
    def _open_cell(self, event: DataTable.CellSelected) -> None:
        if self.table is not None:
            row, col = event.coordinate.row, event.coordinate.column - 1  # column 0: labels
            if col >= 0:
                self.fetch_quotes(self.table, row, col, self.filters)

    # ---------------------------------------------------------------- helpers
    def request(self) -> CrosstabRequest:
        def chosen(name: str) -> tuple[str, ...]:
            value = self.query_one(f"#{name}", Select).value
            return () if value in (ALL, Select.NULL) else (str(value),)

        self.filters = Filters(
            codes=chosen("codes"), roles=chosen("role"), cases=chosen("case"),
            coders=chosen("coder"), include_interviewer=self.query_one(Checkbox).value,
        )  # fmt: skip
        return CrosstabRequest(
            rows=str(self.query_one("#rows", Select).value),
            cols=str(self.query_one("#cols", Select).value),
            unit=str(self.query_one("#unit", Select).value),
            percent=str(self.query_one("#percent", Select).value),
            filters=self.filters,
        )

    def refresh_table(self) -> None:
        self.generation += 1
        self.query_one("#report-status", Static).update(Text("computing…"))
        self.compute(self.generation, self.request())

    def _fill(self, table: ReportTable) -> None:
        grid = self.query_one("#report-table", DataTable)
        grid.clear(columns=True)
        grid.add_column(Text(" / ".join(table.row_header)), key="label")
        for j, name in enumerate(table.columns):
            grid.add_column(Text(name), key=f"c{j}")
        for i, label in enumerate(table.rows):
            cells = [Text(table.cell(i, j), justify="right") for j in range(len(table.columns))]
            style = "bold" if table.margins and i == len(table.rows) - 1 else ""
            grid.add_row(Text(" / ".join(label), style=style), *cells, key=f"r{i}")

    # ---------------------------------------------------------------- actions
    def action_refresh(self) -> None:
        self.refresh_table()

    def action_export(self) -> None:
        if self.table is None:
            self.notify("nothing to export yet", severity="warning")
            return
        table = self.table

        def chosen(path: str | None) -> None:
            if path:
                self.write_export(table, path)

        self.app.push_screen(ExportPrompt(), chosen)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
