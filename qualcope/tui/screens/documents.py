"""The documents screen: every document with case, role, participant, words and progress.

Progress is this coder's share of respondent turns with at least one coding.
Filters (case, role, participant, not finished) are passed to
``services.documents.list_documents``, which runs in a worker. Enter opens
the highlighted document on the coding screen. Names come from files and
are shown as ``Text``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Label, Select

from qualcope.domain import DocumentRef
from qualcope.services import documents
from qualcope.tui import actions
from qualcope.tui.widgets.key_bar import KeyBar
from qualcope.tui.widgets.transcript import safe_text

if TYPE_CHECKING:
    from qualcope.tui.app import QualcopeApp

COLUMNS = ("Document", "Progress", "Case", "Role", "Participant", "Words", "Lang")
EMPTY = (
    "No documents match. Import transcripts with `qualcope import FILES` "
    "(or clear the filters with x)."
)


def progress_cell(ref: DocumentRef) -> Text:
    share = ref.progress
    filled = round(share * 8)
    text = Text("█" * filled + "░" * (8 - filled), style="green" if ref.finished else "")
    text.append(f" {share:4.0%}")
    text.append(" ✓" if ref.finished else "  ", style="bold green")
    return text


def document_row(ref: DocumentRef) -> list[Text]:
    return [
        Text(safe_text(ref.name)),
        progress_cell(ref),
        Text(safe_text(ref.case or "")),
        Text(safe_text(ref.role or "")),
        Text(safe_text(ref.participant or "")),
        Text(f"{ref.words:,}", justify="right"),
        Text(safe_text(ref.language)),
    ]


class DocumentsScreen(Screen[None]):
    """The list of documents; the first screen of the workspace."""

    WHERE = actions.DOCUMENTS
    BINDINGS = actions.bindings(actions.DOCUMENTS)

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[DocumentRef] = []
        self.all_refs: list[DocumentRef] | None = None

    @property
    def qapp(self) -> QualcopeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Select[str]([], prompt="any case", id="filter-case", compact=True)
            yield Select[str]([], prompt="any role", id="filter-role", compact=True)
            yield Select[str]([], prompt="any participant", id="filter-participant", compact=True)
            yield Checkbox("not finished", id="filter-unfinished", compact=True)
        table: DataTable[Any] = DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield table
        yield Label("", id="documents-empty")
        yield KeyBar(actions.DOCUMENTS, id="keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    # ------------------------------------------------------------ loading
    def _filters(self) -> dict[str, Any]:
        def value(selector: str) -> str | None:
            chosen = self.query_one(selector, Select).value
            return chosen if isinstance(chosen, str) else None

        return {
            "case": value("#filter-case"),
            "role": value("#filter-role"),
            "participant": value("#filter-participant"),
            "unfinished_only": self.query_one("#filter-unfinished", Checkbox).value,
        }

    def reload(self) -> None:
        project = self.qapp.project
        filters = self._filters()
        first = self.all_refs is None

        def load() -> tuple[list[DocumentRef], list[DocumentRef] | None]:
            shown = documents.list_documents(project, **filters)
            everything = documents.list_documents(project) if first else None
            return shown, everything

        self.qapp.read(load, self._show, group="documents")

    def _show(self, result: tuple[list[DocumentRef], list[DocumentRef] | None]) -> None:
        shown, everything = result
        if everything is not None:
            self.all_refs = everything
            self._fill_filters(everything)
        table = self.query_one(DataTable)
        keep = self._highlighted_id()
        self.refs = shown
        table.clear()
        for ref in shown:
            table.add_row(*document_row(ref), key=str(ref.id))
        if keep is not None and any(r.id == keep for r in shown):
            table.move_cursor(row=next(i for i, r in enumerate(shown) if r.id == keep))
        empty = self.query_one("#documents-empty", Label)
        empty.update(Text(EMPTY if not shown else ""))
        empty.display = not shown

    def _fill_filters(self, refs: list[DocumentRef]) -> None:
        for selector, attribute in (
            ("#filter-case", "case"),
            ("#filter-role", "role"),
            ("#filter-participant", "participant"),
        ):
            values = sorted({getattr(r, attribute) for r in refs if getattr(r, attribute)})
            select = self.query_one(selector, Select)
            with self.prevent(Select.Changed):
                select.set_options([(Text(safe_text(v)), v) for v in values])

    def _highlighted_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not self.refs or table.cursor_row is None or table.cursor_row >= len(self.refs):
            return None
        return self.refs[table.cursor_row].id

    # ------------------------------------------------------------ events
    def on_select_changed(self, event: Select.Changed) -> None:
        self.reload()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.qapp.open_document(int(event.row_key.value))

    def action_focus_filters(self) -> None:
        self.query_one("#filter-case", Select).focus()

    def action_toggle_unfinished(self) -> None:
        box = self.query_one("#filter-unfinished", Checkbox)
        box.value = not box.value

    def action_clear_filters(self) -> None:
        with self.prevent(Select.Changed, Checkbox.Changed):
            for selector in ("#filter-case", "#filter-role", "#filter-participant"):
                self.query_one(selector, Select).clear()
            self.query_one("#filter-unfinished", Checkbox).value = False
        self.reload()

    def after_history(self, _summary: object) -> None:
        if self.is_current:  # otherwise it reloads when it shows again
            self.reload()

    async def action_quit(self) -> None:
        await self.app.run_action("quit")
